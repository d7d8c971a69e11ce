"""Email: the outbox written in the same transaction as the change that causes it, and its
delivery over SMTP with retries (``market.mail.services``); a development-only outbox page.
Table: OutboxEmail.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
