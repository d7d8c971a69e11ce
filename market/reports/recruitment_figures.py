"""Recruitment support and activity figures for a period, computed from the matching records:
referrals (needs with a referral date) and how quickly they were contacted, set up and
appointed; needs open, filled and closed; the pipeline's funnel; and the PAs active.

Dates: a referral's dates are London days as staff record them; a moment stored in UTC
(an appointment, a stage change, a need's opening, fill or closing) belongs to the London day
it fell on. The queries read only the columns they need, with the period in the WHERE clause,
and finish the counting in Python (a few queries per section, whatever the number of needs).

How much of a need's past can be recovered: a need records when it was first opened
(``opened_at``) and when it was last filled (``filled_at``: the pipeline clears it when the
appointed PA withdraws, so earlier fills by appointment are read from the appointments and
their dated history instead); when it was closed is in the audit log (the ``need.closed``
event ``needs.change_status`` writes), and when it was opened again after a fill by staff in
the ``need.opened`` events. Where the audit log has no event (a need changed outside the
services, or made before the log), the need's last change (``updated_at``) stands in: a closed
need cannot be changed again, so that is when it was closed. A need with no opening time
that is not a draft counts as opened when it was created. Pauses are not read: a paused need
counts as open (it has been neither filled nor closed)."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Awaitable, Iterable
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from market.audit.tables import AuditEvent
from market.clock import london_date
from market.matching.needs.schemas import REFERRAL_SOURCES
from market.matching.tables import Appointment, Need, StageChange
from market.reports.figures import Breakdown, Figure, Section, share
from market.reports.periods import Period
from market.reports.register_figures import side_by_side

CONTACT_DAYS = 7  # "within one week": first contact no more than 7 days after the referral
SET_UP_DAYS = 42  # "within six weeks": support set up no more than 42 days after it
NOT_RECORDED = "Not recorded"
# The funnel's steps: the stage an application moves to, and what the row says.
FUNNEL = (
    ("shortlisted", "Shortlisted"),
    ("invited", "Invited"),
    ("interview", "Interviewed (interview booked)"),
    ("appointed", "Appointed"),
)
HOLDING = ("appointed", "started")  # the stages at which a PA holds the work


def _median(values: list[int]) -> float | None:
    return None if not values else float(statistics.median(values))


def _latest(rows: Iterable[dict[str, Any]]) -> dict[int, datetime]:
    """The latest audit event for each need (subject ids are stored as text)."""
    latest: dict[int, datetime] = {}
    for row in rows:
        if not str(row["subject_id"]).isdigit():
            continue
        need_id = int(row["subject_id"])
        if need_id not in latest or row["at"] > latest[need_id]:
            latest[need_id] = row["at"]
    return latest


# ---- recruitment support ---------------------------------------------------------------------


def _referral_figures(
    today: date, rows: list[dict[str, Any]], appointed: dict[int, date]
) -> tuple[list[Figure], Breakdown]:
    by_source = dict.fromkeys(REFERRAL_SOURCES, 0)
    not_recorded = 0
    contacted_in_week = contact_decided = contact_pending = 0
    set_up_in_time = set_up_decided = set_up_pending = 0
    to_contact: list[int] = []
    to_appointment: list[int] = []
    for row in rows:
        referred: date = row["referred_on"]
        if row["referral_source"] in by_source:
            by_source[row["referral_source"]] += 1
        else:
            not_recorded += 1
        waited = (today - referred).days
        contact: date | None = row["first_contact_on"]
        if contact is not None:
            days = (contact - referred).days
            to_contact.append(days)
            contact_decided += 1
            contacted_in_week += days <= CONTACT_DAYS
        elif waited > CONTACT_DAYS:
            contact_decided += 1
        else:
            contact_pending += 1
        set_up: date | None = row["support_set_up_on"]
        if set_up is not None:
            set_up_decided += 1
            set_up_in_time += (set_up - referred).days <= SET_UP_DAYS
        elif waited > SET_UP_DAYS:
            set_up_decided += 1
        else:
            set_up_pending += 1
        if row["id"] in appointed:
            to_appointment.append((appointed[row["id"]] - referred).days)
    figures = [
        Figure(
            key="recruitment.referrals",
            title="Requests for recruitment support (referrals)",
            definition="Needs with a referral date in the period (the day the request for support "
            "was received), whatever their source.",
            value=len(rows),
        ),
        Figure(
            key="recruitment.contacted_within_week",
            title="Referrals contacted within one week",
            definition="Of the period's referrals, the share whose first contact came no more than "
            "7 days after the referral date (first contact date minus referral date is 7 days or "
            "fewer: referred on a Monday, contacted by the next Monday). A referral not yet "
            "contacted counts as not within a week once more than 7 days have passed by the day "
            "the figures are made; until then it is pending and left out of the share.",
            value=share(contacted_in_week, contact_decided),
            unit="%",
        ),
        Figure(
            key="recruitment.contact_pending",
            title="Referrals awaiting first contact, still within the week",
            definition="The period's referrals with no first contact recorded and 7 days or fewer "
            "since the referral date on the day the figures are made (left out of the one-week "
            "share).",
            value=contact_pending,
        ),
        Figure(
            key="recruitment.set_up_within_six_weeks",
            title="Referrals with support set up within six weeks",
            definition="Of the period's referrals, the share whose support was set up no more than "
            "42 days after the referral date (set-up date minus referral date is 42 days or "
            "fewer). A referral with no set-up date counts as not within six weeks once more than "
            "42 days have passed by the day the figures are made; until then it is pending and "
            "left out of the share.",
            value=share(set_up_in_time, set_up_decided),
            unit="%",
        ),
        Figure(
            key="recruitment.set_up_pending",
            title="Referrals awaiting set-up, still within six weeks",
            definition="The period's referrals with no set-up date recorded and 42 days or fewer "
            "since the referral date on the day the figures are made (left out of the six-week "
            "share).",
            value=set_up_pending,
        ),
        Figure(
            key="recruitment.median_days_to_contact",
            title="Median days from referral to first contact",
            definition="For the period's referrals that have been contacted, the middle value of "
            "the days from the referral date to the first contact date (the average of the two "
            "middle values when their number is even). Blank when none has been contacted.",
            value=_median(to_contact),
            unit="days",
        ),
        Figure(
            key="recruitment.median_days_to_appointment",
            title="Median days from referral to appointment",
            definition="For the period's referrals where a PA has been appointed, the middle "
            "value of the days from the referral date to the first appointment for that need "
            "(the day, in England, the first PA accepted an offer; a later withdrawal does not "
            "change it). Blank when no one has been appointed.",
            value=_median(to_appointment),
            unit="days",
        ),
    ]
    rows_out = [(label, by_source[code]) for code, label in REFERRAL_SOURCES.items()]
    rows_out.append((NOT_RECORDED, not_recorded))
    breakdown = Breakdown(
        key="recruitment.referrals_by_source",
        title="Referrals by source",
        definition="The period's referrals (needs with a referral date in the period) by where "
        "the request came from, as staff recorded it; every source is listed, even at 0, and "
        '"Not recorded" counts referrals with no source.',
        heading="Source",
        rows=rows_out,
    )
    return figures, breakdown


async def _referrals(period: Period) -> list[dict[str, Any]]:
    return await Need.select(
        Need.id, Need.referral_source, Need.referred_on, Need.first_contact_on, Need.support_set_up_on
    ).where(Need.referred_on >= period.start, Need.referred_on <= period.end)


async def _first_appointments(period: Period) -> dict[int, date]:
    """The London day of each period referral's first appointment (one query)."""
    rows = await Appointment.select(
        Appointment.application.need.as_alias("need"), Appointment.appointed_at
    ).where(
        Appointment.appointed_at.is_not_null(),
        Appointment.application._.need._.referred_on >= period.start,
        Appointment.application._.need._.referred_on <= period.end,
    )
    first: dict[int, datetime] = {}
    for row in rows:
        if row["need"] not in first or row["appointed_at"] < first[row["need"]]:
            first[row["need"]] = row["appointed_at"]
    return {need: day for need, at in first.items() if (day := london_date(at)) is not None}


async def _closing_dates(since: datetime) -> dict[int, datetime]:
    """When each need closed on or after ``since`` was closed: its ``need.closed`` event, or
    its last change when the log has none (a closed need is never changed again, so its last
    change is at or after its closing and, without an event, is taken as it)."""
    closed = await Need.select(Need.id, Need.updated_at).where(
        Need.status == "closed", Need.updated_at >= since
    )
    if not closed:
        return {}
    events = _latest(
        await AuditEvent.select(AuditEvent.subject_id, AuditEvent.at).where(
            AuditEvent.action == "need.closed", AuditEvent.subject_type == "need"
        )
    )
    return {row["id"]: events.get(row["id"], row["updated_at"]) for row in closed}


def _begun_before(moment: datetime) -> Any:
    """Appointments begun before ``moment``: the PA accepted the offer (or, with no acceptance
    time recorded, started) before it."""
    return (Appointment.appointed_at < moment) | (
        Appointment.appointed_at.is_null() & (Appointment.started_at < moment)
    )


def _not_ended_before(moment: datetime) -> Any:
    """Appointments not ended before ``moment``. An appointment ends at the first move out of
    "appointed" or "started" in its history (withdrawn, or not taken forward); an application
    that has left those stages with no such history ended at its last change (``updated_at``,
    never earlier than its last move)."""
    ended = StageChange.select(StageChange.application).where(
        StageChange.application.is_not_null(),  # NOT IN a list holding NULL matches nothing
        StageChange.from_stage.is_in(list(HOLDING)),
        StageChange.to_stage.not_in(list(HOLDING)),
        StageChange.at < moment,
    )
    return Appointment.application.not_in(ended) & (
        Appointment.application.stage.is_in(list(HOLDING)) | (Appointment.application.updated_at >= moment)
    )


async def _open_at_end(period: Period, closing_dates: Awaitable[dict[int, datetime]]) -> int:
    """Needs opened on or before the period's last day and, at its end, with no PA appointed,
    not filled by staff and not closed (see the module's notes on what is recorded).
    ``closing_dates`` (``_closing_dates``, being read beside this) is awaited only once this
    section's own rows are read."""
    _, after = period.bounds()
    held = Appointment.select(Appointment.application.need).where(
        Appointment.application.need.is_not_null(), _begun_before(after), _not_ended_before(after)
    )
    rows = await Need.select(Need.id, Need.status, Need.filled_at, Need.updated_at).where(
        Need.status != "draft",
        (Need.opened_at < after) | (Need.opened_at.is_null() & (Need.created_at < after)),
        (Need.status != "closed") | (Need.updated_at >= after),
        Need.filled_at.is_null() | (Need.filled_at >= after) | Need.status.is_in(["open", "paused"]),
        Need.id.not_in(held),
    )
    reopened_ids = [
        str(r["id"])
        for r in rows
        if r["status"] in ("open", "paused") and r["filled_at"] is not None and r["filled_at"] < after
    ]
    reopened: dict[int, datetime] = {}
    if reopened_ids:
        reopened = _latest(
            await AuditEvent.select(AuditEvent.subject_id, AuditEvent.at).where(
                AuditEvent.action == "need.opened",
                AuditEvent.subject_type == "need",
                AuditEvent.subject_id.is_in(reopened_ids),
            )
        )
    closing = await closing_dates
    count = 0
    for row in rows:
        if row["status"] == "closed" and closing.get(row["id"], row["updated_at"]) < after:
            continue
        filled = row["filled_at"]
        if filled is None and row["status"] == "filled":
            filled = row["updated_at"]  # filled outside the services: its last change
        if filled is not None and filled < after:
            if row["status"] not in ("open", "paused"):
                continue  # filled (and perhaps closed since) before the end
            again = reopened.get(row["id"])
            if again is None or again < filled:
                again = row["updated_at"]
            if again >= after:
                continue  # filled at the end, opened again only later
        count += 1
    return count


async def _funnel(period: Period) -> Breakdown:
    first, after = period.bounds()
    rows = (
        await StageChange.select(StageChange.to_stage, Count(distinct=[StageChange.application], alias="n"))
        .where(
            StageChange.at >= first,
            StageChange.at < after,
            StageChange.to_stage.is_in([stage for stage, _ in FUNNEL]),
        )
        .group_by(StageChange.to_stage)
    )
    counts = {r["to_stage"]: r["n"] for r in rows}
    return Breakdown(
        key="recruitment.funnel",
        title="Recruitment funnel",
        definition="Applications (one PA for one need) that reached each stage in the period, "
        "from their dated history: put on a shortlist, invited, had an interview booked, and "
        "appointed (the PA accepted an offer). Each application counts once for each stage it "
        "reached in the period, whatever happened before or after, so an application "
        "shortlisted in an earlier period and appointed in this one counts only as appointed.",
        heading="Stage",
        rows=[(label, counts.get(stage, 0)) for stage, label in FUNNEL],
    )


async def section(period: Period, today: date) -> Section:
    """Recruitment support for the period; ``today`` decides which referrals are still within
    their week (or six weeks) and so pending."""
    first, after = period.bounds()
    appointed_in_period = Appointment.select(Appointment.application.need).where(
        Appointment.appointed_at >= first, Appointment.appointed_at < after
    )
    # The reads that do not depend on each other side by side on PostgreSQL: one after another they were the longest section of the return.
    closing_dates = asyncio.ensure_future(_closing_dates(first))  # awaited by two readers
    referrals, appointed, closing, open_at_end, filled, funnel = await side_by_side(
        _referrals(period),
        _first_appointments(period),
        closing_dates,
        _open_at_end(period, closing_dates),
        Need.count().where(
            ((Need.filled_at >= first) & (Need.filled_at < after)) | Need.id.is_in(appointed_in_period)
        ),
        _funnel(period),
    )
    figures, by_source = _referral_figures(today, referrals, appointed)
    figures += [
        Figure(
            key="recruitment.needs_open_at_end",
            title="Needs open at the end of the period",
            definition="Needs opened to PAs on or before the period's last day that, at its end, "
            "had no PA appointed, were not marked filled and were not closed (paused needs count as "
            "open). A PA's appointment holds a need from the day they accepted the offer until "
            "the day they withdrew or were withdrawn; a fill by staff counts from its date until "
            "the need was opened again; a closing counts from its date in the audit log.",
            value=open_at_end,
        ),
        Figure(
            key="recruitment.needs_filled",
            title="Needs filled in the period",
            definition="Different needs filled in the period: a PA appointed to them (the PA "
            "accepted the offer) or staff marking them filled, on a day in the period. A need "
            "filled twice in the period (its first PA withdrew) counts once.",
            value=filled,
        ),
        Figure(
            key="recruitment.needs_closed",
            title="Needs closed in the period",
            definition="Needs closed in the period, whatever they were when closed (filled, "
            "open, paused or a draft never opened), by the date of their closing in "
            "the audit log (or, where the log has none, the need's last change, which for a "
            "closed need is its closing).",
            value=sum(1 for at in closing.values() if first <= at < after),
        ),
    ]
    return Section(
        key="recruitment",
        title="Recruitment support",
        figures=figures,
        breakdowns=[by_source, funnel],
    )


# ---- activity --------------------------------------------------------------------------------


async def activity(period: Period) -> Section:
    """PAs appointed to or working for at least one recipient at some time in the period."""
    first, after = period.bounds()
    rows = await Appointment.select(Count(distinct=[Appointment.application.profile], alias="n")).where(
        _begun_before(after), _not_ended_before(first)
    )
    return Section(
        key="activity",
        title="Activity",
        figures=[
            Figure(
                key="activity.pas_active",
                title="PAs active in the period",
                definition="Different PAs appointed to or working for at least one person at some "
                "time in the period: a PA counts when an appointment of theirs began (they accepted "
                "the offer) on or before the period's last day and had not ended before its first "
                "day. An appointment ends on the day the PA withdrew or was withdrawn or not taken "
                "forward after being appointed or starting; a PA with several appointments counts "
                "once.",
                value=rows[0]["n"],
            )
        ],
    )
