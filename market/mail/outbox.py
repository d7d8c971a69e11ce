"""The development outbox as one signed-in person may see it.

Some emails carry a link that lets whoever holds it into an account: a password reset, an
invitation to choose a password, an email confirmation, a one-time sign-in link. Anyone else
who could read those could take the account over (ask for an admin's reset, read the link).
So even in development the outbox lists them for everyone, but shows their text only to the
person they are addressed to.
"""

from __future__ import annotations

import msgspec

from market.mail import services
from market.mail.services import OutboxRow
from market.paging import Page

# The kinds (``mail.queue(kind=...)``) whose text holds an account's key. A new email that
# carries a sign-in, reset, invitation or confirmation link adds its kind here.
ACCOUNT_LINK_KINDS = frozenset({"password-reset", "register-invite", "verify-email", "sign-in-link"})

WITHHELD_REASON = (
    "This email holds a link that lets whoever has it into the account it is addressed to "
    "(a password reset, an invitation, an email confirmation or a sign-in link), so its text "
    "is shown only to that account, signed in as itself."
)


def _same_address(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def as_seen_by(row: OutboxRow, viewer_email: str) -> OutboxRow:
    """The row, its text withheld if it holds someone else's account link."""
    if row.kind in ACCOUNT_LINK_KINDS and not _same_address(row.to_address, viewer_email):
        return msgspec.structs.replace(row, body_text="", withheld=True)
    return row


async def listing(viewer_email: str, *, to_address: str = "") -> list[OutboxRow]:
    return [as_seen_by(row, viewer_email) for row in await services.recent(to_address=to_address)]


async def one(email_id: int, viewer_email: str) -> OutboxRow | None:
    row = await services.get(email_id)
    return as_seen_by(row, viewer_email) if row else None


async def page(viewer_email: str, *, query: str = "", status: str = "", number: int = 1) -> Page[OutboxRow]:
    """A page of the outbox as ``viewer_email`` may see it."""
    found = await services.outbox_page(query=query, status=status, page=number)
    return msgspec.structs.replace(found, items=[as_seen_by(row, viewer_email) for row in found.items])
