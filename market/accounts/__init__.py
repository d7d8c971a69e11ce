"""Accounts: users and their roles, sign-up with email confirmation, sign-in sessions and their
middleware, login rate limits, one-time links (confirm, reset), passwords, and account
administration. Tables: User, UserSession, LoginAttempt, AccountToken.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
