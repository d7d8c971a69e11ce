"""Accounts: users and their roles, sign-up with email confirmation (never saying whether an
address is taken), sign-in sessions and their middleware, the sign-in rate limit (throttle),
one-time emailed links (links: confirm, reset, sign in, invitation), passwords, and account
administration. Tables: User, UserSession, LoginThrottle, AccountToken.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
