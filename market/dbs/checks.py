"""Recording a PA's DBS checks: the certificate, the decision, consent, the original seen
in person, and Update Service status checks. Staff only, except the PA's own consent.

Every change is audit-logged with subject ``pa_dbs`` and the profile id, so that "who
looked at or changed this PA's DBS data" is one audit query (see ``records.who_looked``).
Each function checks all of its input first and then writes in one transaction: bad input
raises Invalid naming every field at fault, and nothing is saved half-way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import at_london_noon, london_today, utcnow
from market.db import for_update, write_transaction
from market.dbs import rules
from market.dbs.forms import choice, read_date, yes
from market.dbs.permissions import require_permission
from market.dbs.tables import DBSCheck, StatusCheck
from market.errors import Invalid, NotFound
from market.register import changes
from market.register.tables import PAProfile

SUBJECT = "pa_dbs"
MAX_SURNAME = 100
MAX_RATIONALE = 4000


async def log(action: str, profile_id: int, actor: CurrentUser, **detail: Any) -> None:
    await audit.record(action, actor=actor, subject_type=SUBJECT, subject_id=profile_id, detail=detail)


async def require_profile(profile_id: int) -> dict[str, Any]:
    row = (
        await PAProfile.select(PAProfile.id, PAProfile.user, PAProfile.display_name)
        .where(PAProfile.id == profile_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def check_of(profile_id: int, check_id: int, *, lock: bool = False) -> dict[str, Any]:
    """The check, only when it belongs to this PA (otherwise 404, never "not yours")."""
    query = DBSCheck.select().where((DBSCheck.id == check_id) & (DBSCheck.profile == profile_id))
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound()
    return row


def read_certificate(form: dict[str, str], errors: dict[str, str], today: date, *, level: str = "") -> dict:
    """The certificate's own fields, each checked; ``level`` given when an application fixes it."""
    problem: str | None
    number, problem = rules.clean_certificate_number(form.get("certificate_number", ""))
    if problem:
        errors["certificate_number"] = problem
    issued_on = read_date(form, "issued_on", "The date of issue", errors)
    if issued_on and (problem := rules.issue_date_error(issued_on, today)):
        errors["issued_on"] = problem
    problem = None
    if not level:
        level = choice(form, "level", rules.LEVELS, "Select the level of the check", errors)
    barred_lists = form.get("barred_lists", "").strip() or "none"
    if barred_lists not in rules.BARRED_LISTS or level in rules.LEVELS:
        problem = rules.barred_lists_error(level, barred_lists)
    if problem:
        errors["barred_lists"] = problem
    workforce = choice(
        form, "workforce", rules.WORKFORCES, "Select the workforce named on the certificate", errors
    )
    result = choice(
        form,
        "certificate_result",
        rules.CERTIFICATE_RESULTS,
        "Select whether the certificate was clear or showed information",
        errors,
    )
    subscribed, joined_on = read_subscription(form, level, issued_on, errors, today)
    return {
        "certificate_number": number,
        "issued_on": issued_on,
        "level": level,
        "barred_lists": barred_lists,
        "workforce": workforce,
        "certificate_result": result,
        "update_service": subscribed,
        "update_service_joined_on": joined_on if subscribed else None,
        **read_holder(form, errors, today, required=False),
    }


def read_subscription(
    form: dict[str, str], level: str, issued_on: date | None, errors: dict[str, str], today: date
) -> tuple[bool, date | None]:
    """Whether the PA subscribes to the Update Service, and since when (checked against the rules)."""
    subscribed = yes(form, "update_service")
    joined_on = read_date(form, "update_service_joined_on", "The date the PA joined", errors, required=False)
    to_check = subscribed and "update_service_joined_on" not in errors
    if to_check and (message := rules.update_service_error(level, issued_on, joined_on, today)):
        errors["update_service_joined_on" if level != "basic" else "update_service"] = message
    return subscribed, joined_on


def read_holder(form: dict[str, str], errors: dict[str, str], today: date, *, required: bool) -> dict:
    """The holder's current surname and date of birth, which a status check asks for."""
    surname = " ".join(form.get("holder_surname", "").split())
    if len(surname) > MAX_SURNAME:
        errors["holder_surname"] = f"The surname must be {MAX_SURNAME} characters or fewer"
    elif required and not surname:
        errors["holder_surname"] = "Enter the PA's current surname, as DBS will check it"
    born = read_date(form, "holder_birth_date", "The PA's date of birth", errors, required=required)
    if born and (born >= today or born.year < 1900):
        errors["holder_birth_date"] = "The PA's date of birth must be a real date in the past"
    return {"holder_surname": surname, "holder_birth_date": born}


async def insert_check(profile_id: int, values: dict, actor: CurrentUser, *, source: str) -> int:
    """Write a checked certificate (inside the caller's transaction)."""
    rows = await DBSCheck.insert(DBSCheck(profile=profile_id, recorded_by=actor.id, **values)).returning(
        DBSCheck.id
    )
    check_id = rows[0]["id"]
    await changes.touch(profile_id)
    await log(
        "dbs.check_recorded",
        profile_id,
        actor,
        check_id=check_id,
        level=values["level"],
        issued_on=values["issued_on"].isoformat(),
        source=source,
    )
    return check_id


async def record_check(profile_id: int, form: dict[str, str], *, actor: CurrentUser) -> int:
    """Staff record a certificate the PA already holds (the decision comes separately)."""
    await require_profile(profile_id)
    errors: dict[str, str] = {}
    values = read_certificate(form, errors, london_today())
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        return await insert_check(profile_id, values, actor, source="existing certificate")


async def update_holder(profile_id: int, check_id: int, form: dict[str, str], *, actor: CurrentUser) -> None:
    """The holder details and Update Service membership, as they change after recording."""
    row = await check_of(profile_id, check_id)
    errors: dict[str, str] = {}
    today = london_today()
    holder = read_holder(form, errors, today, required=False)
    subscribed, joined_on = read_subscription(form, row["level"], row["issued_on"], errors, today)
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        await DBSCheck.update(
            {
                DBSCheck.holder_surname: holder["holder_surname"],
                DBSCheck.holder_birth_date: holder["holder_birth_date"],
                DBSCheck.update_service: subscribed,
                DBSCheck.update_service_joined_on: joined_on if subscribed else None,
                DBSCheck.updated_at: utcnow(),
            }
        ).where(DBSCheck.id == check_id)
        await changes.touch(profile_id)
        await log("dbs.holder_updated", profile_id, actor, check_id=check_id, update_service=subscribed)


def read_decision(form: dict[str, str], certificate_result: str, errors: dict[str, str]) -> tuple[str, str]:
    decision = choice(
        form,
        "decision",
        {k: v for k, v in rules.DECISIONS.items() if k != "pending"},
        "Select whether the PA is suitable",
        errors,
    )
    rationale = form.get("rationale", "").strip()
    if len(rationale) > MAX_RATIONALE:
        errors["rationale"] = f"The rationale must be {MAX_RATIONALE} characters or fewer"
    elif not rationale and certificate_result == "disclosed":
        errors["rationale"] = (
            "Give the rationale for the decision: the certificate disclosed information. "
            "Describe your reasoning, not the disclosed details"
        )
    elif not rationale and decision == "not_suitable":
        errors["rationale"] = "Give the rationale for deciding the PA is not suitable"
    return decision, rationale


async def record_decision(profile_id: int, check_id: int, form: dict[str, str], *, actor: CurrentUser) -> str:
    """Suitable or not suitable, with a rationale: only staff with the DBS permission."""
    await require_permission(actor)
    row = await check_of(profile_id, check_id)
    errors: dict[str, str] = {}
    decision, rationale = read_decision(form, row["certificate_result"], errors)
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        await apply_decision(profile_id, check_id, decision, rationale, actor)
    return decision


async def apply_decision(
    profile_id: int, check_id: int, decision: str, rationale: str, actor: CurrentUser
) -> None:
    now = utcnow()
    await DBSCheck.update(
        {
            DBSCheck.decision: decision,
            DBSCheck.decided_by: actor.id,
            DBSCheck.decided_at: now,
            DBSCheck.rationale: rationale,
            DBSCheck.rationale_deleted_at: None,
            DBSCheck.expired_flagged_at: None,
            DBSCheck.updated_at: now,
        }
    ).where(DBSCheck.id == check_id)
    await changes.touch(profile_id)
    await log("dbs.decision_recorded", profile_id, actor, check_id=check_id, decision=decision)


async def record_consent(profile_id: int, check_id: int, form: dict[str, str], *, actor: CurrentUser) -> None:
    """Staff record the date the PA consented to Update Service status checks."""
    await check_of(profile_id, check_id)
    errors: dict[str, str] = {}
    given_on = read_date(form, "consent_on", "The date the PA gave consent", errors)
    if given_on and given_on > london_today():
        errors["consent_on"] = "The date the PA gave consent must be today or in the past"
    if errors:
        raise Invalid(errors)
    await _save_consent(profile_id, check_id, given_on, actor)


async def give_consent(user: CurrentUser, check_id: int) -> None:
    """The PA consents online, on their own DBS page, to status checks on this certificate."""
    profile = await PAProfile.select(PAProfile.id).where(PAProfile.user == user.id).first()
    if profile is None:
        raise NotFound()
    await check_of(profile["id"], check_id)
    await _save_consent(profile["id"], check_id, london_today(), user)


async def withdraw_consent(user: CurrentUser, check_id: int) -> None:
    profile = await PAProfile.select(PAProfile.id).where(PAProfile.user == user.id).first()
    if profile is None:
        raise NotFound()
    await check_of(profile["id"], check_id)
    async with write_transaction():
        await DBSCheck.update(
            {DBSCheck.consent_on: None, DBSCheck.consent_recorded_by: None, DBSCheck.updated_at: utcnow()}
        ).where(DBSCheck.id == check_id)
        await log("dbs.consent_withdrawn", profile["id"], user, check_id=check_id)


async def _save_consent(profile_id: int, check_id: int, given_on: date, actor: CurrentUser) -> None:
    async with write_transaction():
        await DBSCheck.update(
            {
                DBSCheck.consent_on: given_on,
                DBSCheck.consent_recorded_by: actor.id,
                DBSCheck.updated_at: utcnow(),
            }
        ).where(DBSCheck.id == check_id)
        await log(
            "dbs.consent_recorded", profile_id, actor, check_id=check_id, consent_on=given_on.isoformat()
        )


async def record_original_seen(
    profile_id: int, check_id: int, form: dict[str, str], *, actor: CurrentUser
) -> None:
    """Staff saw the original certificate in person, on this date."""
    row = await check_of(profile_id, check_id)
    errors: dict[str, str] = {}
    seen_on = read_date(form, "original_seen_on", "The date you saw the original certificate", errors)
    if seen_on and (problem := seen_date_error(seen_on, row["issued_on"])):
        errors["original_seen_on"] = problem
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        await mark_original_seen(profile_id, check_id, seen_on, actor)


def seen_date_error(seen_on: date, issued_on: date) -> str | None:
    if seen_on > london_today():
        return "The date you saw the original certificate must be today or in the past"
    if seen_on < issued_on:
        return f"The original cannot have been seen before it was issued on {long_date(issued_on)}"
    return None


async def mark_original_seen(profile_id: int, check_id: int, seen_on: date, actor: CurrentUser) -> None:
    await DBSCheck.update(
        {
            DBSCheck.original_seen_at: at_london_noon(seen_on),
            DBSCheck.original_seen_by: actor.id,
            DBSCheck.updated_at: utcnow(),
        }
    ).where(DBSCheck.id == check_id)
    await log("dbs.original_seen", profile_id, actor, check_id=check_id, seen_on=seen_on.isoformat())


def status_check_prerequisites(row: dict[str, Any]) -> dict[str, str]:
    """What must be recorded before an Update Service status check, each on its own field."""
    missing: dict[str, str] = {}
    if not row["update_service"]:
        missing["update_service"] = (
            "This certificate is not on the Update Service: record the date the PA joined first"
        )
    if not row["holder_surname"]:
        missing["holder_surname"] = "Record the PA's current surname before a status check"
    if row["holder_birth_date"] is None:
        missing["holder_birth_date"] = "Record the PA's date of birth before a status check"
    if row["consent_on"] is None:
        missing["consent_on"] = "Record the PA's consent to status checks before you check"
    if row["original_seen_at"] is None:
        missing["original_seen_on"] = (
            "Record that you have seen the original certificate in person before you check"
        )
    return missing


async def record_status_check(
    profile_id: int, check_id: int, form: dict[str, str], *, actor: CurrentUser
) -> str:
    """An online Update Service status check, with DBS's answer. NEW_INFO or no match stops
    the check at once; a later "still current" answer lifts the stop."""
    row = await check_of(profile_id, check_id)
    errors = status_check_prerequisites(row)
    checked_on = read_date(form, "checked_on", "The date of the status check", errors)
    if checked_on and checked_on > london_today():
        errors["checked_on"] = "The date of the status check must be today or in the past"
    elif checked_on and checked_on < row["issued_on"]:
        errors["checked_on"] = (
            f"The date of the status check must be on or after the date of issue, {long_date(row['issued_on'])}"
        )
    result = choice(form, "result", rules.STATUS_RESULTS, "Select the result DBS gave", errors)
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        locked = await check_of(profile_id, check_id, lock=True)
        await StatusCheck.insert(
            StatusCheck(dbs_check=check_id, checked_on=checked_on, result=result, checked_by=actor.id)
        )
        latest = (
            await StatusCheck.select(StatusCheck.result)
            .where(StatusCheck.dbs_check == check_id)
            .order_by(StatusCheck.checked_on, ascending=False)
            .order_by(StatusCheck.id, ascending=False)
            .first()
        )
        stopped = latest["result"] in rules.STOPPING_RESULTS
        now = utcnow()
        await DBSCheck.update(
            {
                DBSCheck.stopped_at: (locked["stopped_at"] or now) if stopped else None,
                DBSCheck.expired_flagged_at: None,
                DBSCheck.reminder_sent_on: None,
                DBSCheck.updated_at: now,
            }
        ).where(DBSCheck.id == check_id)
        await changes.touch(profile_id)
        await log(
            "dbs.status_checked",
            profile_id,
            actor,
            check_id=check_id,
            checked_on=checked_on.isoformat(),
            result=result,
        )
    return result


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"
