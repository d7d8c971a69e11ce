"""Booked interviews from today on: the PA's own, and those for the needs of everyone a user
acts for (their dashboards)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from market.accounts.schemas import CurrentUser
from market.clock import LONDON
from market.matching.pipeline import interviews
from market.matching.pipeline.interviews import InterviewOut
from market.matching.tables import Interview, RecipientAccess


class PAInterviewOut(msgspec.Struct, kw_only=True):
    interview: InterviewOut
    title: str
    district: str


async def upcoming_for_pa(pa_user: CurrentUser, today: date) -> list[PAInterviewOut]:
    """The PA's booked interviews from today on, soonest first."""
    rows = (
        await Interview.select(
            *Interview.all_columns(),
            Interview.application._.need._.title.as_alias("title"),
            Interview.application._.need._.district.as_alias("district"),
        )
        .where(
            Interview.application._.profile._.user == pa_user.id,
            Interview.status == "booked",
            Interview.starts_at >= datetime(today.year, today.month, today.day, tzinfo=LONDON),
        )
        .order_by(Interview.starts_at)
    )
    return [
        PAInterviewOut(interview=interviews.interview_out(r), title=r["title"], district=r["district"])
        for r in rows
    ]


class NeedSideInterviewOut(msgspec.Struct, kw_only=True):
    interview: InterviewOut
    need_id: int
    title: str
    pa_name: str


async def upcoming_for_recipient(user: CurrentUser, today: date) -> list[NeedSideInterviewOut]:
    """Booked interviews from today on for the needs of everyone ``user`` acts for."""
    people = await RecipientAccess.select(RecipientAccess.recipient).where(RecipientAccess.user == user.id)
    rows = (
        await Interview.select(
            *Interview.all_columns(),
            Interview.application._.need._.id.as_alias("need_id"),
            Interview.application._.need._.title.as_alias("title"),
            Interview.application._.profile._.display_name.as_alias("pa_name"),
        )
        .where(
            Interview.application._.need._.recipient.is_in([p["recipient"] for p in people] or [-1]),
            Interview.status == "booked",
            Interview.starts_at >= datetime(today.year, today.month, today.day, tzinfo=LONDON),
        )
        .order_by(Interview.starts_at)
    )
    return [
        NeedSideInterviewOut(
            interview=interviews.interview_out(r),
            need_id=r["need_id"],
            title=r["title"],
            pa_name=r["pa_name"],
        )
        for r in rows
    ]
