"""Training figures for a period: PAs who attended training, achieved a qualification or
completed safeguarding training, completions by course, and training falling due.

Counted in SQL from completions (``training_completion``, each dated with the London day it
was completed) and session bookings (a PA who attended a session without completing it has no
completion, but did attend). A course "expires" on its ``expires_on``: the first day it no
longer counts (``market.training.rules``); for each PA and course the completion that lasts
longest is the one that counts, as on the register and in the reminders.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import Period
from market.reports.register_figures import ON_REGISTER, end_moment, latest_status, query, side_by_side

DUE_DAYS = 90
# Courses that are qualifications: the diplomas and certificates with a level, and the Care
# Certificate as a whole (its single standards are not).
QUALIFICATION_COURSE = (
    "(co.qualification_level IS NOT NULL OR co.kind IN ('qualification', 'care_certificate'))"
)


def _falling_due_sql() -> str:
    """PAs on the register at a moment (``{moment}``) with a course whose longest-lasting
    completion, among those completed on or before a day (``{done_by}``), stops counting on a day
    from ``{first}`` to ``{last}``: a completion expiring then, with no completion of the same
    course lasting longer (or for ever).

    Each such completion looks up the PA's few other completions (a probe by PA: the scalar
    subquery is not turned into a join, which on PostgreSQL hashed every completion; "+r.course"
    keeps SQLite's planner off the course index, which holds the course's many), and each PA
    found has their status at the moment looked up (a probe too: tens of thousands of PAs, not
    every PA's history)."""
    on_register = ", ".join(f"'{s}'" for s in ON_REGISTER)
    return (
        "WITH due AS MATERIALIZED (SELECT DISTINCT c.profile FROM training_completion c"
        " WHERE c.completed_on <= {done_by} AND c.expires_on >= {first} AND c.expires_on <= {last}"
        " AND (SELECT 1 FROM training_completion r WHERE r.profile = c.profile AND +r.course = c.course"
        "  AND r.completed_on <= {done_by} AND (r.expires_on IS NULL OR r.expires_on > c.expires_on)"
        "  LIMIT 1) IS NULL)"
        f" SELECT COUNT(*) AS n FROM due d WHERE {latest_status('d.profile', '{moment}')} IN ({on_register})"
    )


async def _falling_due(moment: datetime, done_by: date, first: date, last: date) -> int:
    rows = await query(_falling_due_sql(), moment=moment, done_by=done_by, first=first, last=last)
    return int(rows[0]["n"])


async def section(period: Period, today: date) -> Section:
    first, after = period.bounds()
    start, end = period.start, period.end
    # The period's completions read once, and gathered once a PA (``per``: what they
    # completed, as flags; the figures were a pass each over the completions), then every
    # figure over them in one statement: rows of (part, ord, label, n), the courses numbered
    # in the order they are shown. ``per`` keeps a completion of a course not found (LEFT
    # JOIN): its PA still attended.
    # The two counts of training falling due run beside it on PostgreSQL: they read other rows, and one after another they were more than half
    # of the section's time (0.27 s of 0.48 s at 100k PAs).
    rows, lapsed, due_soon = await side_by_side(
        query(
            "WITH done AS MATERIALIZED (SELECT c.profile, c.course FROM training_completion c"
            " WHERE c.completed_on >= {start} AND c.completed_on <= {end}),"
            " per AS MATERIALIZED (SELECT d.profile,"
            f"  MAX(CASE WHEN {QUALIFICATION_COURSE} THEN 1 ELSE 0 END) AS qualification,"
            "  MAX(CASE WHEN co.safeguarding = 'adults' THEN 1 ELSE 0 END) AS adults,"
            "  MAX(CASE WHEN co.safeguarding = 'children' THEN 1 ELSE 0 END) AS children"
            "  FROM done d LEFT JOIN training_course co ON co.id = d.course GROUP BY d.profile)"
            " SELECT 'attended' AS part, 0 AS ord, '' AS label, COUNT(*) AS n FROM ("
            "  SELECT profile FROM per"
            "  UNION"
            "  SELECT b.profile FROM training_booking b JOIN training_session s ON s.id = b.session"
            "  WHERE b.status IN ('attended', 'completed') AND s.starts_at >= {first} AND s.starts_at < {after}"
            " ) x"
            " UNION ALL SELECT 'qualified', 0, '', COUNT(*) FROM ("
            "  SELECT profile FROM per WHERE qualification = 1"
            "  UNION"
            "  SELECT q.profile FROM register_qualification q"
            "  WHERE q.achieved_on >= {start} AND q.achieved_on <= {end} AND q.kind <> 'other'"
            " ) x"
            " UNION ALL SELECT 'adults', 0, '', COUNT(profile) FROM per WHERE adults = 1"
            " UNION ALL SELECT 'children', 0, '', COUNT(profile) FROM per WHERE children = 1"
            " UNION ALL SELECT 'course', ROW_NUMBER() OVER (ORDER BY co.position, co.name), co.name, COUNT(*)"
            "  FROM done d JOIN training_course co ON co.id = d.course GROUP BY co.id, co.name, co.position",
            start=start,
            end=end,
            first=first,
            after=after,
        ),
        _falling_due(after, end, start, end),
        _falling_due(end_moment(today), today, today + timedelta(days=1), today + timedelta(days=DUE_DAYS)),
    )
    one = {r["part"]: r["n"] for r in rows if r["part"] != "course"}
    attended, qualified = one["attended"], one["qualified"]
    safeguarding = {"adults": one["adults"], "children": one["children"]}
    by_course = sorted((r for r in rows if r["part"] == "course"), key=lambda r: r["ord"])
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
