"""DBS figures for a period: PAs who went through a DBS procedure (applications started,
certificates issued, Update Service status checks made) and rechecks overdue at its end.

Counts only: no certificate number, result or staff note is read here. Rechecks overdue use
the DBS worklist's rules (``market.dbs.worklist``, ``market.dbs.rules``) with the default
``Policy()``, applied to what was known at the date: the PA's status then (from the register's
status history), checks issued and decided by then, and status checks made by then.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from market.dates import add_months
from market.dbs import rules
from market.dbs.standing import Policy
from market.dbs.worklist import WATCHED_STATUSES
from market.reports.figures import Figure, Section
from market.reports.periods import Period
from market.reports.register_figures import end_moment, holding_cte, raw


def _day(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def fresh_from(at: date, recheck_months: int) -> date:
    """The earliest issue date whose certificate is still current on ``at`` by its age alone
    (``rules.current_until`` is never earlier than the issue date's recheck anniversary)."""
    day = add_months(at, -recheck_months) - timedelta(days=4)
    while add_months(day, recheck_months) - timedelta(days=1) < at:
        day += timedelta(days=1)
    return day


def _candidates_cte() -> str:
    """PAs the worklist watched at a moment, less those who plainly were not overdue: a check
    decided suitable, issued recently enough to be current on the day, and never stopped by
    then (parameters: the moment 3 times, the earliest such issue date, the day twice). Keeps
    the rows read into Python to the PAs whose currency needs the rules to tell."""
    stopping = ", ".join(f"'{r}'" for r in rules.STOPPING_RESULTS)
    return holding_cte("watched", WATCHED_STATUSES)[:-2] + (
        "), fresh AS (SELECT DISTINCT f.profile FROM dbs_check f WHERE f.decision = 'suitable'"
        " AND (f.decided_at IS NULL OR f.decided_at < {}) AND f.issued_on >= {} AND f.issued_on <= {}"
        " AND NOT EXISTS (SELECT 1 FROM dbs_status_check x WHERE x.dbs_check = f.id"
        f" AND x.checked_on <= {{}} AND x.result IN ({stopping}))),"
        " candidates AS (SELECT profile FROM watched WHERE profile NOT IN (SELECT profile FROM fresh)) "
    )


async def overdue_at(at: date, policy: Policy) -> set[int]:
    """The PAs whose DBS recheck was overdue on ``at``, as the worklist would have listed them:
    PAs being watched (submitted, changes asked for, approved or suspended) whose latest
    "current until" day among their checks decided suitable and not stopped was before ``at``."""
    after = end_moment(at)
    cte = (after, after, after, fresh_from(at, policy.recheck_months), at, at)
    # The candidates' checks decided suitable by then (kind "c") and their status checks made by
    # then (kind "s"), in one statement, so that the candidates are found once, not once a kind.
    checks: list[dict[str, Any]] = []
    statuses: dict[int, list[rules.StatusCheckView]] = {}
    for row in await raw(
        _candidates_cte() + "SELECT 'c' AS kind, c.id, c.profile, c.level, c.barred_lists,"
        " c.issued_on AS day, c.update_service, '' AS result, c.id AS ord"
        " FROM dbs_check c JOIN candidates w ON w.profile = c.profile"
        " WHERE c.decision = 'suitable' AND (c.decided_at IS NULL OR c.decided_at < {})"
        " AND c.issued_on <= {}"
        " UNION ALL SELECT 's', s.dbs_check, c.profile, '', '', s.checked_on, c.update_service, s.result, s.id"
        " FROM dbs_status_check s"
        " JOIN dbs_check c ON c.id = s.dbs_check JOIN candidates w ON w.profile = c.profile"
        " WHERE c.decision = 'suitable' AND s.checked_on <= {}"
        " ORDER BY kind, day, ord",
        *cte,
        after,
        at,
        at,
    ):
        if row["kind"] == "c":
            checks.append(row)
        else:
            statuses.setdefault(row["id"], []).append(rules.StatusCheckView(_day(row["day"]), row["result"]))
    if not checks:
        return set()
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    latest: dict[int, date] = {}
    for row in checks:
        views = tuple(statuses.get(row["id"], ()))
        facts = rules.CheckFacts(
            level=row["level"],
            barred_lists=row["barred_lists"],
            issued_on=_day(row["day"]),
            decision="suitable",
            update_service=bool(row["update_service"]),
            status_checks=views,
        )
        last = rules.latest_status(facts)
        if last is not None and last.result in rules.STOPPING_RESULTS:
            continue  # stopped: on the worklist's to-do list, not among the overdue
        until = rules.current_until(facts, **months)
        if until > latest.get(row["profile"], date.min):
            latest[row["profile"]] = until
    return {profile for profile, until in latest.items() if until < at}


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
