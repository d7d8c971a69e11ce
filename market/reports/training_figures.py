"""Training figures for a period: PAs who attended training, achieved a qualification or
completed safeguarding training, completions by course, and training falling due.

Counted in SQL from completions (``training_completion``, each dated with the London day it
was completed) and session bookings (a PA who attended a session without completing it has no
completion, but did attend). A course "expires" on its ``expires_on``: the first day it no
longer counts (``market.training.rules``); for each PA and course the completion that lasts
longest is the one that counts, as on the register and in the reminders.
"""

from __future__ import annotations

from datetime import date, timedelta

from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import Period
from market.reports.register_figures import end_moment, on_register_cte, raw

DUE_DAYS = 90
# Courses that are qualifications: the diplomas and certificates with a level, and the Care
# Certificate as a whole (its single standards are not).
QUALIFICATION_COURSE = (
    "(co.qualification_level IS NOT NULL OR co.kind IN ('qualification', 'care_certificate'))"
)


def _falling_due_sql() -> str:
    """PAs on the register at a moment (parameters 1 and 2) with a course whose longest-lasting
    completion, among those completed on or before a day (3 and 6), stops counting on a day from
    (4) to (5): a completion expiring then, with no completion of the same course lasting longer
    (or for ever)."""
    return on_register_cte() + (
        "SELECT COUNT(DISTINCT c.profile) AS n FROM training_completion c"
        " JOIN on_register o ON o.profile = c.profile"
        " WHERE c.completed_on <= {} AND c.expires_on >= {} AND c.expires_on <= {} AND NOT EXISTS ("
        # "+r.course": look up the PA's few completions, not the course's many (SQLite's planner
        # would otherwise take the course index).
        "  SELECT 1 FROM training_completion r WHERE r.profile = c.profile AND +r.course = c.course"
        "  AND r.completed_on <= {} AND (r.expires_on IS NULL OR r.expires_on > c.expires_on))"
    )


async def section(period: Period, today: date) -> Section:
    first, after = period.bounds()
    start, end = period.start, period.end
    # The period's completions read once (they were read four times, once a figure), then
    # every figure over them in one statement: rows of (part, ord, label, n), the courses
    # numbered in the order they are shown.
    rows = await raw(
        "WITH done AS MATERIALIZED (SELECT c.profile, c.course FROM training_completion c"
        " WHERE c.completed_on >= {} AND c.completed_on <= {})"
        " SELECT 'attended' AS part, 0 AS ord, '' AS label, COUNT(*) AS n FROM ("
        "  SELECT profile FROM done"
        "  UNION"
        "  SELECT b.profile FROM training_booking b JOIN training_session s ON s.id = b.session"
        "  WHERE b.status IN ('attended', 'completed') AND s.starts_at >= {} AND s.starts_at < {}"
        " ) x"
        " UNION ALL SELECT 'qualified', 0, '', COUNT(*) FROM ("
        f"  SELECT d.profile FROM done d JOIN training_course co ON co.id = d.course WHERE {QUALIFICATION_COURSE}"
        "  UNION"
        "  SELECT q.profile FROM register_qualification q"
        "  WHERE q.achieved_on >= {} AND q.achieved_on <= {} AND q.kind <> 'other'"
        " ) x"
        " UNION ALL SELECT 'adults', 0, '', COUNT(DISTINCT d.profile) FROM done d"
        "  JOIN training_course co ON co.id = d.course WHERE co.safeguarding = 'adults'"
        " UNION ALL SELECT 'children', 0, '', COUNT(DISTINCT d.profile) FROM done d"
        "  JOIN training_course co ON co.id = d.course WHERE co.safeguarding = 'children'"
        " UNION ALL SELECT 'course', ROW_NUMBER() OVER (ORDER BY co.position, co.name), co.name, COUNT(*)"
        "  FROM done d JOIN training_course co ON co.id = d.course GROUP BY co.id, co.name, co.position",
        start,
        end,
        first,
        after,
        start,
        end,
    )
    one = {r["part"]: r["n"] for r in rows if r["part"] != "course"}
    attended, qualified = one["attended"], one["qualified"]
    safeguarding = {"adults": one["adults"], "children": one["children"]}
    by_course = sorted((r for r in rows if r["part"] == "course"), key=lambda r: r["ord"])
    lapsed = (await raw(_falling_due_sql(), after, after, end, start, end, end))[0]["n"]
    horizon = today + timedelta(days=DUE_DAYS)
    now = end_moment(today)
    due_soon = (await raw(_falling_due_sql(), now, now, today, today + timedelta(days=1), horizon, today))[0][
        "n"
    ]
    in_period = "on a London day within the period (both ends included)"
    return Section(
        key="training",
        title="Training",
        figures=[
            Figure(
                key="training.attended",
                title="PAs who attended training",
                definition=(
                    f"PAs with at least one course completed {in_period} (from a session, an "
                    "import or a verified or unverified claim), or who attended a session held in "
                    "the period without completing it."
                ),
                value=attended,
            ),
            Figure(
                key="training.qualification_achieved",
                title="PAs who achieved a qualification",
                definition=(
                    f"PAs who completed a qualification course {in_period} (a Level 2 to 5 diploma, "
                    "the Level 2 Adult Social Care Certificate or the whole Care Certificate), or "
                    "whose profile records a qualification (not 'other') achieved in the period."
                ),
                value=qualified,
            ),
            Figure(
                key="training.safeguarding_adults",
                title="PAs who completed safeguarding adults training",
                definition=(
                    f"PAs who completed a course marked as safeguarding adults {in_period}: the "
                    "safeguarding adults course or Care Certificate standard 10."
                ),
                value=safeguarding["adults"],
            ),
            Figure(
                key="training.safeguarding_children",
                title="PAs who completed safeguarding children training",
                definition=(
                    f"PAs who completed a course marked as safeguarding children {in_period}: the "
                    "safeguarding children course or Care Certificate standard 11."
                ),
                value=safeguarding["children"],
            ),
            Figure(
                key="training.falling_due_in_period",
                title="PAs whose training fell due in the period",
                definition=(
                    "PAs on the register at the end of the period with at least one course whose "
                    "training ran out in the period: for that course, the completion that lasts "
                    "longest among those completed by the period's last day stops counting on a day "
                    "within the period (a renewal completed after the period does not hide it)."
                ),
                value=lapsed,
            ),
            Figure(
                key="training.due_within_90_days",
                title=f"PAs with training due in the next {DUE_DAYS} days",
                definition=(
                    f"PAs on the register today with at least one course whose training stops "
                    f"counting after today and within the next {DUE_DAYS} days (their longest-lasting "
                    "completion of that course); the same rule as the reminder emails. Counted from "
                    "the day the report is made, whatever the period."
                ),
                value=due_soon,
            ),
        ],
        breakdowns=[
            Breakdown(
                key="training.completions_by_course",
                title="Completions by course",
                definition=(
                    f"Courses completed {in_period}, one count per completion (a PA who completed a "
                    "course twice counts twice); courses with no completions are left out."
                ),
                heading="Course",
                rows=[(r["label"], r["n"]) for r in by_course],
            )
        ],
    )
