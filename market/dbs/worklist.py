"""Staff's DBS lists: checks falling due in 30, 60 and 90 days or overdue, and the to-do
list (status checks that said "not current", decisions waiting, applications stuck)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from market.clock import london_today
from market.dbs import application_lists, rules
from market.dbs.schemas import ApplicationOut
from market.dbs.standing import Policy, checks_with_facts, london_date
from market.dbs.tables import DBSCheck
from market.register import directory
from market.settings import Settings

# PAs whose DBS currency staff look after: on the register, being checked, or suspended.
WATCHED_STATUSES = ("submitted", "changes_requested", "approved", "suspended")
DUE_BANDS = (30, 60, 90)


class DueRow(msgspec.Struct, kw_only=True):
    profile_id: int
    pa_name: str
    check_id: int
    description: str
    current_until: date
    days: int  # negative: overdue by that many days
    update_service: bool


class TodoRow(msgspec.Struct, kw_only=True):
    profile_id: int
    pa_name: str
    check_id: int
    description: str
    reason: str
    since: date


class Worklist(msgspec.Struct, kw_only=True):
    overdue: list[DueRow]
    due: dict[int, list[DueRow]]  # 30 -> due within 30 days; 60 -> in 31 to 60 ...
    stopped: list[TodoRow]
    pending: list[TodoRow]
    stuck: list[ApplicationOut]

    @property
    def todo_count(self) -> int:
        return len(self.stopped) + len(self.pending) + len(self.stuck)


async def _watched() -> dict[int, str]:
    found = await directory.names(await directory.ids_with_status(*WATCHED_STATUSES))
    return {i: n.full_name or n.display_name for i, n in found.items()}


async def build(settings: Settings, today: date | None = None) -> Worklist:
    today = today or london_today()
    policy = Policy.of(settings)
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    names = await _watched()
    latest: dict[int, tuple[dict[str, Any], date]] = {}
    stopped: list[TodoRow] = []
    for row, facts in await checks_with_facts(list(names)):
        if facts.decision != "suitable":
            continue
        if facts.stopped:
            last_status = rules.latest_status(facts)
            stopped.append(
                TodoRow(
                    profile_id=row["profile"],
                    pa_name=names[row["profile"]],
                    check_id=row["id"],
                    description=rules.describe(row["level"], row["barred_lists"]),
                    reason=rules.STATUS_RESULTS[last_status.result] if last_status else "Stopped",
                    since=london_date(row["stopped_at"]) or today,  # stopped_at is set with the stop
                )
            )
            continue
        until = rules.current_until(facts, **months)
        held = latest.get(row["profile"])
        if held is None or until > held[1]:
            latest[row["profile"]] = (row, until)
    overdue: list[DueRow] = []
    due: dict[int, list[DueRow]] = {band: [] for band in DUE_BANDS}
    for profile_id, (row, until) in latest.items():
        days = (until - today).days
        item = DueRow(
            profile_id=profile_id,
            pa_name=names[profile_id],
            check_id=row["id"],
            description=rules.describe(row["level"], row["barred_lists"]),
            current_until=until,
            days=days,
            update_service=row["update_service"],
        )
        if days < 0:
            overdue.append(item)
        elif band := next((b for b in DUE_BANDS if days <= b), None):
            due[band].append(item)
    overdue.sort(key=lambda d: d.days)
    for items in due.values():
        items.sort(key=lambda d: d.days)
    pending = [
        TodoRow(
            profile_id=r["profile"],
            pa_name=names.get(r["profile"], r["name"]),
            check_id=r["id"],
            description=rules.describe(r["level"], r["barred_lists"]),
            reason="Waiting for a decision",
            since=r["issued_on"],
        )
        for r in await DBSCheck.select(
            DBSCheck.id,
            DBSCheck.profile,
            DBSCheck.level,
            DBSCheck.barred_lists,
            DBSCheck.issued_on,
            DBSCheck.profile.display_name.as_alias("name"),
        )
        .where(DBSCheck.decision == "pending")
        .order_by(DBSCheck.issued_on)
    ]
    queue = await application_lists.queue(settings.dbs_stuck_days)
    stuck = sorted((a for items in queue.values() for a in items if a.stuck), key=lambda a: -a.days_waiting)
    stopped.sort(key=lambda t: t.since)
    return Worklist(overdue=overdue, due=due, stopped=stopped, pending=pending, stuck=stuck)


# Each list on the dashboard, by the name its own page has (/staff/dbs/list/<name>).
LIST_TITLES = {
    "stopped": "Status checks that said the certificate is not current",
    "pending": "Certificates waiting for a decision",
    "stuck": "Applications waiting longer than usual",
    "overdue": "Rechecks overdue",
    **{
        f"due-{band}": f"Rechecks falling due in {lower + 1 if lower else 0} to {band} days"
        for lower, band in zip((0, *DUE_BANDS), DUE_BANDS, strict=False)
    },
}


def one_list(work: Worklist, name: str) -> list[Any] | None:
    """The dashboard's list called ``name`` (see LIST_TITLES), or None for no such list."""
    if name.startswith("due-"):
        band = name.removeprefix("due-")
        return work.due.get(int(band)) if band.isdigit() and len(band) < 4 else None
    lists: dict[str, list[Any]] = {
        "stopped": work.stopped,
        "pending": work.pending,
        "stuck": work.stuck,
        "overdue": work.overdue,
    }
    return lists.get(name)
