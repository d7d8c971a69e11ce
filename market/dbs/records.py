"""Reading DBS records: staff's record (each read audit-logged), the PA's own view (number
masked, never staff's notes), and who looked at a PA's DBS data.

Data minimisation: only staff with the DBS permission see certificate numbers and dates of
birth in full. Other staff see the number's last four digits and the year of birth, which
tell records apart but are no use for an Update Service status check."""

from __future__ import annotations

from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import london_today
from market.dbs import application_lists, checks, rules
from market.dbs.permissions import has_permission
from market.dbs.schemas import (
    AccessOut,
    OwnCheckOut,
    OwnDBSOut,
    StaffCheckOut,
    StaffRecordOut,
    StandingOut,
    StatusCheckOut,
)
from market.dbs.standing import Policy, Standing, best_standing, checks_with_facts
from market.dbs.tables import StatusCheck
from market.errors import NotFound
from market.register import directory
from market.settings import Settings


def standing_out(standing: Standing | None) -> StandingOut | None:
    if standing is None:
        return None
    return StandingOut(
        level=standing.level,
        barred_lists=standing.barred_lists,
        current_until=standing.current_until,
        badge=standing.badge,
        summary=standing.summary,
    )


async def _statuses(check_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    if check_ids:
        # Newest first; of two on one day, the one recorded last (it decided the stop).
        rows = (
            await StatusCheck.select()
            .where(StatusCheck.dbs_check.is_in(check_ids))
            .order_by(StatusCheck.checked_on, StatusCheck.id, ascending=False)
        )
        for row in rows:
            found.setdefault(row["dbs_check"], []).append(row)
    return found


def _status_out(row: dict[str, Any], emails: dict[int, str]) -> StatusCheckOut:
    return StatusCheckOut(
        checked_on=row["checked_on"],
        result=row["result"],
        result_text=rules.STATUS_RESULTS.get(row["result"], row["result"]),
        checked_by=emails.get(row["checked_by"], ""),
    )


async def staff_record(profile_id: int, viewer: CurrentUser, settings: Settings) -> StaffRecordOut:
    """A PA's DBS record as staff see it. The read itself goes in the audit log."""
    name = (await directory.names([profile_id])).get(profile_id)
    if name is None:
        raise NotFound()
    policy = Policy.of(settings)
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    found = await checks_with_facts([profile_id])
    found.sort(key=lambda pair: (pair[0]["issued_on"], pair[0]["id"]), reverse=True)
    statuses = await _statuses([row["id"] for row, _ in found])
    permitted = await has_permission(viewer)
    people = {row[key] for row, _ in found for key in ("original_seen_by", "decided_by")}
    people |= {s["checked_by"] for rows in statuses.values() for s in rows}
    emails = await application_lists.emails_of(people)
    today = london_today()
    outs = []
    for row, facts in found:
        outs.append(
            StaffCheckOut(
                id=row["id"],
                level=row["level"],
                barred_lists=row["barred_lists"],
                workforce=row["workforce"],
                description=rules.describe(row["level"], row["barred_lists"]),
                certificate_number=row["certificate_number"]
                if permitted
                else rules.mask(row["certificate_number"]),
                issued_on=row["issued_on"],
                certificate_result=row["certificate_result"],
                update_service=row["update_service"],
                update_service_joined_on=row["update_service_joined_on"],
                holder_surname=row["holder_surname"],
                holder_birth_date=row["holder_birth_date"] if permitted else None,
                holder_birth_year=row["holder_birth_date"].year if row["holder_birth_date"] else None,
                consent_on=row["consent_on"],
                original_seen_at=row["original_seen_at"],
                original_seen_by=emails.get(row["original_seen_by"], ""),
                decision=row["decision"],
                decided_by=emails.get(row["decided_by"], ""),
                decided_at=row["decided_at"],
                rationale=row["rationale"] if permitted else None,
                rationale_deleted_at=row["rationale_deleted_at"],
                stopped_at=row["stopped_at"],
                current=rules.is_current(facts, today, **months),
                current_until=rules.current_until(facts, **months),
                status_checks=[_status_out(s, emails) for s in statuses.get(row["id"], [])],
                status_check_missing=checks.status_check_prerequisites(row),
            )
        )
    record = StaffRecordOut(
        profile_id=profile_id,
        pa_name=name.full_name or name.display_name,
        standing=standing_out(best_standing(profile_id, found, today, policy)),
        can_decide=permitted,
        full_details=permitted,
        checks=outs,
        applications=await application_lists.for_profile(profile_id, settings.dbs_stuck_days),
    )
    await checks.log(
        "dbs.viewed",
        profile_id,
        viewer,
        checks=len(outs),
        full_details=permitted,
        rationale_shown=permitted and any(c.rationale for c in outs),
    )
    return record


async def own_record(user: CurrentUser, settings: Settings) -> OwnDBSOut:
    """The PA's own DBS status: the badge, each certificate with its number masked and
    its decision, the latest status check, and their applications. Never the rationale."""
    profile_id = await directory.profile_id_of(user.id)
    if profile_id is None:
        return OwnDBSOut(standing=None, checks=[], applications=[])
    policy = Policy.of(settings)
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    found = await checks_with_facts([profile_id])
    found.sort(key=lambda pair: (pair[0]["issued_on"], pair[0]["id"]), reverse=True)
    statuses = await _statuses([row["id"] for row, _ in found])
    today = london_today()
    return OwnDBSOut(
        standing=standing_out(best_standing(profile_id, found, today, policy)),
        checks=[
            OwnCheckOut(
                id=row["id"],
                description=rules.describe(row["level"], row["barred_lists"]),
                certificate_number=rules.mask(row["certificate_number"]),
                issued_on=row["issued_on"],
                update_service=row["update_service"],
                consent_on=row["consent_on"],
                decision=row["decision"],
                decision_text=rules.DECISIONS[row["decision"]],
                current=rules.is_current(facts, today, **months),
                current_until=rules.current_until(facts, **months),
                latest_status=_status_out(statuses[row["id"]][0], {}) if statuses.get(row["id"]) else None,
            )
            for row, facts in found
        ],
        applications=await application_lists.for_profile(profile_id, settings.dbs_stuck_days),
    )


async def who_looked(profile_id: int, viewer: CurrentUser, *, limit: int = 200) -> list[AccessOut]:
    """Every read and change of this PA's DBS data, newest first (this list is itself a read)."""
    if await directory.profile_status(profile_id) is None:
        raise NotFound()
    events = await audit.for_subject(checks.SUBJECT, profile_id, limit=limit)
    await checks.log("dbs.access_listed", profile_id, viewer)
    return [
        AccessOut(
            at=e.at, actor_email=e.actor_email, actor_role=e.actor_role, action=e.action, detail=e.detail
        )
        for e in events
    ]
