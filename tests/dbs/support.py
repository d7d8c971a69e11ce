"""Helpers for the DBS tests: dates relative to today, staff with the DBS permission, and
certificates recorded through the same services staff use."""

from __future__ import annotations

from datetime import date, timedelta

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.clock import london_today
from market.dbs import checks, forms
from market.dbs.tables import DBSCheck, DBSPermission

NUMBER = "001234567890"


def days_ago(days: int) -> date:
    return london_today() - timedelta(days=days)


def iso(day: date) -> str:
    return day.isoformat()


async def as_current(user) -> CurrentUser:
    row = (
        await User.select(User.id, User.email, User.role, User.display_name).where(User.id == user.id).first()
    )
    return CurrentUser(**row)


async def permit(user) -> None:
    await DBSPermission.insert(DBSPermission(user=user.id))


async def certificate(
    profile_id: int,
    staff: CurrentUser,
    *,
    issued_on: date | None = None,
    level: str = "enhanced",
    barred_lists: str = "adults",
    workforce: str = "adult",
    result: str = "clear",
    decision: str | None = "suitable",
    update_service: bool = False,
    ready_for_status_checks: bool = False,
) -> int:
    """A certificate recorded as staff would, and (by default) decided suitable."""
    issued_on = issued_on or days_ago(30)
    form = {
        "certificate_number": NUMBER,
        "issued_on": iso(issued_on),
        "level": level,
        "barred_lists": barred_lists,
        "workforce": workforce,
        "certificate_result": result,
    }
    if update_service:
        form |= {"update_service": "yes", "update_service_joined_on": iso(issued_on + timedelta(days=5))}
    if ready_for_status_checks:
        form |= {"holder_surname": "Example", "holder_birth_date": "1980-05-17"}
    check_id = await checks.record_check(profile_id, forms.certificate_input(form), actor=staff)
    if ready_for_status_checks:
        await checks.record_consent(
            profile_id, check_id, forms.consent_input({"consent_on": iso(issued_on)}), actor=staff
        )
        await checks.record_original_seen(
            profile_id, check_id, forms.original_seen_input({"original_seen_on": iso(issued_on)}), actor=staff
        )
    if decision:
        await DBSPermission.exists().where(DBSPermission.user == staff.id) or await permit(staff)
        await checks.record_decision(
            profile_id,
            check_id,
            forms.decision_input({"decision": decision, "rationale": "Reviewed in person"}),
            actor=staff,
        )
    return check_id


async def check_row(check_id: int) -> dict:
    return await DBSCheck.select().where(DBSCheck.id == check_id).first()
