"""DBS figures for a period: PAs who went through a DBS procedure (applications started,
certificates issued, Update Service status checks made) and rechecks overdue at its end.

Counts only: no certificate number, result or staff note is read here. Rechecks overdue use
the DBS worklist's rules (``market.dbs.worklist``, ``market.dbs.rules``) with the default
``Policy()``, applied to what was known at the date: the PA's status then (from the register's
status history), checks issued and decided by then, and status checks made by then. They are
applied in SQL (``_overdue_sql``; at 100k PAs, reading the checks into Python to apply them there
took most of the section's time), and tests/reports/test_dbs_rules_in_sql.py holds that SQL to
``market.dbs.rules`` PA by PA over a varied history.
"""

from __future__ import annotations

from datetime import date, timedelta

from market.dates import add_months
from market.dbs import rules
from market.dbs.standing import Policy
from market.dbs.worklist import WATCHED_STATUSES
from market.reports.figures import Figure, Section
from market.reports.periods import Period
from market.reports.register_figures import end_moment, latest_status, query, raw


def fresh_from(at: date, months: int) -> date:
    """The earliest day from which ``months`` months still reach ``at``: a certificate issued on
    or after it (``months`` the recheck period), or a status check made on or after it (the
    status check period), is current on ``at`` by its date alone (``rules.current_until`` adds
    the months to the day and counts to the day before)."""
    day = add_months(at, -months) - timedelta(days=4)
    while add_months(day, months) - timedelta(days=1) < at:
        day += timedelta(days=1)
    return day


def _overdue_sql() -> str:
    """The PAs whose recheck was overdue on a day (``{at}``, ending at the moment ``{after}``),
    by ``rules`` applied in SQL.

    A check counts when decided suitable by then and issued by the day (``live``), unless it was
    stopped: its latest status check by the day (the latest date; of two on one day the one
    recorded last) said NEW_INFO or found no match. It is current on the day when issued on or
    after ``{issued_from}``, or, on the Update Service, when a status check saying it is still
    current was made on or after its issue and on or after ``{checked_from}`` (``fresh_from``:
    the month arithmetic stays in Python, as SQLite and PostgreSQL add months differently at a
    month's end). Overdue: a PA the worklist watched then (a status probe each, for the few
    left) with a check that counts and none current."""
    stopping = ", ".join(f"'{r}'" for r in rules.STOPPING_RESULTS)
    still_current = ", ".join(f"'{r}'" for r in rules.CURRENT_RESULTS)
    watched = ", ".join(f"'{s}'" for s in WATCHED_STATUSES)
    return (
        "WITH live AS MATERIALIZED (SELECT c.id, c.profile, c.issued_on, c.update_service FROM dbs_check c"
        " WHERE c.decision = 'suitable' AND (c.decided_at IS NULL OR c.decided_at < {after})"
        " AND c.issued_on <= {at} AND c.profile IS NOT NULL AND NOT EXISTS ("
        "  SELECT 1 FROM dbs_status_check s WHERE s.dbs_check = c.id"
        f"  AND s.result IN ({stopping}) AND s.checked_on <= {{at}} AND NOT EXISTS ("
        "   SELECT 1 FROM dbs_status_check l WHERE l.dbs_check = s.dbs_check AND l.checked_on <= {at}"
        "   AND (l.checked_on > s.checked_on OR (l.checked_on = s.checked_on AND l.id > s.id))))),"
        " current_on AS (SELECT profile FROM live WHERE issued_on >= {issued_from}"
        "  UNION ALL SELECT c.profile FROM live c JOIN dbs_status_check x ON x.dbs_check = c.id"
        f"  WHERE c.update_service = {{yes}} AND x.result IN ({still_current})"
        "  AND x.checked_on >= c.issued_on AND x.checked_on >= {checked_from} AND x.checked_on <= {at}),"
        " stale AS MATERIALIZED (SELECT DISTINCT c.profile FROM live c"
        "  WHERE NOT EXISTS (SELECT 1 FROM current_on n WHERE n.profile = c.profile))"
        f" SELECT w.profile FROM stale w WHERE {latest_status('w.profile', '{after}')} IN ({watched})"
    )


async def overdue_at(at: date, policy: Policy) -> set[int]:
    """The PAs whose DBS recheck was overdue on ``at``, as the worklist would have listed them:
    PAs being watched (submitted, changes asked for, approved or suspended) whose latest
    "current until" day among their checks decided suitable and not stopped was before ``at``."""
    rows = await query(
        _overdue_sql(),
        after=end_moment(at),
        at=at,
        issued_from=fresh_from(at, policy.recheck_months),
        checked_from=fresh_from(at, policy.status_check_months),
        yes=True,
    )
    return {r["profile"] for r in rows}


async def section(period: Period, today: date) -> Section:
    start, end = period.start, period.end
    rows = await raw(
        "WITH events AS ("
        " SELECT 'started' AS kind, profile FROM dbs_application"
        "  WHERE requested_on >= {} AND requested_on <= {}"
        " UNION ALL SELECT 'issued', profile FROM dbs_check WHERE issued_on >= {} AND issued_on <= {}"
        " UNION ALL SELECT 'issued', profile FROM dbs_application WHERE issued_on >= {} AND issued_on <= {}"
        " UNION ALL SELECT 'status', c.profile FROM dbs_status_check s JOIN dbs_check c ON c.id = s.dbs_check"
        "  WHERE s.checked_on >= {} AND s.checked_on <= {}"
        ") SELECT kind, COUNT(DISTINCT profile) AS n FROM events GROUP BY kind"
        " UNION ALL SELECT 'any', COUNT(DISTINCT profile) FROM events",
        *([start, end] * 4),
    )
    counts = {r["kind"]: r["n"] for r in rows}
    at = min(end, today)
    overdue = len(await overdue_at(at, Policy()))
    in_period = "on a London day within the period (both ends included)"
    return Section(
        key="dbs",
        title="DBS checks",
        figures=[
            Figure(
                key="dbs.pas_with_procedure",
                title="PAs who went through a DBS procedure",
                definition=(
                    "PAs with at least one of the three below in the period: a DBS application "
                    "started, a certificate issued, or an Update Service status check made. Each PA "
                    "is counted once."
                ),
                value=counts.get("any", 0),
            ),
            Figure(
                key="dbs.applications_started",
                title="PAs with a DBS application started",
                definition=(
                    f"PAs with a DBS application requested {in_period}, by whatever route and "
                    "whatever happened to it afterwards (withdrawn applications count)."
                ),
                value=counts.get("started", 0),
            ),
            Figure(
                key="dbs.certificates_issued",
                title="PAs with a DBS certificate issued",
                definition=(
                    f"PAs with a DBS certificate whose date of issue is {in_period}, as recorded "
                    "by staff on a check or an application."
                ),
                value=counts.get("issued", 0),
            ),
            Figure(
                key="dbs.status_checks",
                title="PAs with an Update Service status check",
                definition=f"PAs with at least one online Update Service status check made {in_period}, whatever its result.",
                value=counts.get("status", 0),
            ),
            Figure(
                key="dbs.rechecks_overdue",
                title="PAs with a DBS recheck overdue",
                definition=(
                    "PAs whose DBS recheck was overdue on the last day of the period (or today, if "
                    "the period has not ended), by the rules of the DBS worklist: PAs on the register, "
                    "suspended or being vetted then, whose checks decided suitable by then had all "
                    "stopped being current before that day (a certificate counts for 3 years from "
                    "issue, or 12 months from an Update Service status check that said it was still "
                    "current). PAs whose only checks were stopped by a status check are not counted here."
                ),
                value=overdue,
            ),
        ],
    )
