"""DBS applications as staff and the PA see them: each one's step, how long it has waited
there and who verified the documents; a PA's applications; staff's queue of open ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from market.accounts import directory as accounts
from market.clock import london_today
from market.dbs import rules
from market.dbs.applications import NEXT_STEP, last_date
from market.dbs.schemas import ApplicationOut
from market.dbs.tables import DBSApplication
from market.register import directory as register


async def emails_of(ids: Iterable[int | None]) -> dict[int, str]:
    """Staff's email addresses by account id, closed accounts too (they did the work);
    None, for "nobody yet", is ignored."""
    return await accounts.emails((i for i in ids if i is not None), active_only=False)


def application_out(
    row: dict[str, Any],
    names: dict[int, str],
    emails: dict[int, str],
    stuck_days: dict[str, int],
    today: date,
) -> ApplicationOut:
    since = last_date(row)
    days = (today - since).days
    step = row["step"]
    return ApplicationOut(
        id=row["id"],
        profile_id=row["profile"],
        pa_name=names.get(row["profile"], ""),
        route=row["route"],
        route_text=rules.ROUTES.get(row["route"], row["route"]),
        level=row["level"],
        description=rules.describe(row["level"], row["barred_lists"]),
        workforce=row["workforce"],
        step=step,
        step_text=rules.STEPS[step],
        requested_on=row["requested_on"],
        id_verified_on=row["id_verified_on"],
        id_documents=row["id_documents"],
        id_verified_by=emails.get(row["id_verified_by"], ""),
        submitted_on=row["submitted_on"],
        umbrella_reference=row["umbrella_reference"],
        issued_on=row["issued_on"],
        dbs_check_id=row["dbs_check"],
        seen_on=row["seen_on"],
        decided_on=row["decided_on"],
        withdrawn_on=row["withdrawn_on"],
        withdrawn_reason=row["withdrawn_reason"],
        next_step=NEXT_STEP.get(step),
        waiting_since=since,
        days_waiting=days,
        stuck=step in rules.OPEN_STEPS and days > stuck_days.get(step, 10_000),
    )


async def outs(rows: list[dict[str, Any]], stuck_days: dict[str, int]) -> list[ApplicationOut]:
    found = await register.names(r["profile"] for r in rows)
    names = {i: n.full_name or n.display_name for i, n in found.items()}
    emails = await emails_of({r["id_verified_by"] for r in rows})
    today = london_today()
    return [application_out(r, names, emails, stuck_days, today) for r in rows]


async def for_profile(profile_id: int, stuck_days: dict[str, int]) -> list[ApplicationOut]:
    rows = (
        await DBSApplication.select()
        .where(DBSApplication.profile == profile_id)
        .order_by(DBSApplication.id, ascending=False)
    )
    return await outs(rows, stuck_days)


async def queue(stuck_days: dict[str, int]) -> dict[str, list[ApplicationOut]]:
    """Open applications by step, the longest waiting first."""
    rows = await DBSApplication.select().where(DBSApplication.step.is_in(list(rules.OPEN_STEPS)))
    by_step: dict[str, list[ApplicationOut]] = {step: [] for step in rules.OPEN_STEPS}
    for out in await outs(rows, stuck_days):
        by_step[out.step].append(out)
    for items in by_step.values():
        items.sort(key=lambda a: a.days_waiting, reverse=True)
    return by_step
