"""What the feedback form takes, and what staff read back."""

from __future__ import annotations

from datetime import datetime

import msgspec

# Long enough for a detailed account, short enough that nobody can fill the table with one post.
DOING_LIMIT = 1_000
PROBLEM_LIMIT = 3_000
PAGE_LIMIT = 300


class FeedbackInput(msgspec.Struct, frozen=True, kw_only=True):
    problem: str
    doing: str = ""
    # Where to reply; "" for no reply.
    reply_email: str = ""
    # The path of the page the person came from ("/search"), if known.
    page: str = ""


class FeedbackRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    created_at: datetime
    doing: str
    problem: str
    reply_email: str
    page: str
    # The account that sent it, if someone signed in did ("" otherwise).
    sender_email: str
    dealt_with_at: datetime | None
    dealt_with_by_email: str


class FeedbackPage(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[FeedbackRow]
    total: int
    open: int
