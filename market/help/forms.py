"""The posted feedback form as a FeedbackInput, every problem named at once."""

from __future__ import annotations

from collections.abc import Mapping

from market.accounts.services import email_problem, normalise_email
from market.fields import FormReader
from market.help.feedback import safe_page
from market.help.schemas import DOING_LIMIT, PROBLEM_LIMIT, FeedbackInput


def feedback_input(values: Mapping[str, str]) -> FeedbackInput:
    read = FormReader(values)
    doing = read.text("doing", "what you were doing", limit=DOING_LIMIT)
    problem = read.text("problem", "what went wrong, or your feedback", required=True, limit=PROBLEM_LIMIT)
    reply_email = normalise_email(read.raw("reply_email"))
    if reply_email and (message := email_problem(reply_email)):
        read.problem("reply_email", message)
    read.done()
    return FeedbackInput(
        doing=doing, problem=problem, reply_email=reply_email, page=safe_page(read.raw("page"))
    )
