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
from market.dbs.permissions import has_permission, require_permission
from market.dbs.schemas import (
    MAX_RATIONALE,
    MAX_SURNAME,
    CertificateInput,
    ConsentInput,
    DecisionInput,
    HolderInput,
    OriginalSeenInput,
    StatusCheckInput,
)
from market.dbs.tables import DBSCheck, StatusCheck
from market.errors import Invalid, NotFound
from market.register import changes, directory

SUBJECT = "pa_dbs"


async def log(action: str, profile_id: int, actor: CurrentUser, **detail: Any) -> None:
    await audit.record(action, actor=actor, subject_type=SUBJECT, subject_id=profile_id, detail=detail)


async def require_profile(profile_id: int) -> None:
    if await directory.profile_status(profile_id) is None:
        raise NotFound()


async def own_profile_id(user: CurrentUser) -> int:
    """The signed-in PA's profile (404 when they have none yet: nothing of DBS to act on)."""
    profile_id = await directory.profile_id_of(user.id)
    if profile_id is None:
        raise NotFound()
    return profile_id


async def check_of(profile_id: int, check_id: int, *, lock: bool = False) -> dict[str, Any]:
    """The check, only when it belongs to this PA (otherwise 404, never "not yours")."""
    query = DBSCheck.select().where((DBSCheck.id == check_id) & (DBSCheck.profile == profile_id))
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound()
    return row


def certificate_problems(data: CertificateInput, today: date) -> dict[str, str]:
    """The rules a certificate meets, each broken one on its field. The form reader adds
    these to its own problems, so that a page names every problem at once."""
    problems: dict[str, str] = {}
    _, problem = rules.clean_certificate_number(data.certificate_number)
    if problem:
        problems["certificate_number"] = problem
    if data.issued_on and (problem := rules.issue_date_error(data.issued_on, today)):
        problems["issued_on"] = problem
    # With no known level there is nothing to hold the barred lists against.
    if data.level in rules.LEVELS and (problem := rules.barred_lists_error(data.level, data.barred_lists)):
        problems["barred_lists"] = problem
    return (
        problems
        | subscription_problems(data, data.level, data.issued_on, today)
        | holder_problems(data, today)
    )


def subscription_problems(
    data: HolderInput, level: str, issued_on: date | None, today: date
) -> dict[str, str]:
    """Whether joining the Update Service, on that date, keeps to the rules."""
    if not data.update_service:
        return {}
    message = rules.update_service_error(level, issued_on, data.update_service_joined_on, today)
    if message is None:
        return {}
    return {"update_service_joined_on" if level != "basic" else "update_service": message}


def holder_problems(data: HolderInput, today: date) -> dict[str, str]:
    """The holder's current surname and date of birth, which a status check asks for."""
    problems: dict[str, str] = {}
    if len(clean_surname(data.holder_surname)) > MAX_SURNAME:
        problems["holder_surname"] = f"The surname must be {MAX_SURNAME} characters or fewer"
    born = data.holder_birth_date
    if born and (born >= today or born.year < 1900):
        problems["holder_birth_date"] = "The PA's date of birth must be a real date in the past"
    return problems


def clean_surname(surname: str) -> str:
    return " ".join(surname.split())


def holder_values(data: HolderInput) -> dict[str, Any]:
    """The holder and Update Service columns as they are saved."""
    return {
        "holder_surname": clean_surname(data.holder_surname),
        "holder_birth_date": data.holder_birth_date,
        "update_service": data.update_service,
        "update_service_joined_on": data.update_service_joined_on if data.update_service else None,
    }


def certificate_values(data: CertificateInput) -> dict[str, Any]:
    """A checked certificate's columns as they are saved."""
    number, _ = rules.clean_certificate_number(data.certificate_number)
    return {
        "certificate_number": number,
        "issued_on": data.issued_on,
        "level": data.level,
        "barred_lists": data.barred_lists,
        "workforce": data.workforce,
        "certificate_result": data.certificate_result,
        **holder_values(data),
    }


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


async def record_check(profile_id: int, data: CertificateInput, *, actor: CurrentUser) -> int:
    """Staff record a certificate the PA already holds (the decision comes separately)."""
    await require_profile(profile_id)
    if problems := certificate_problems(data, london_today()):
        raise Invalid(problems)
    async with write_transaction():
        check_id = await insert_check(
            profile_id, certificate_values(data), actor, source="existing certificate"
        )
    return check_id


async def update_holder(profile_id: int, check_id: int, data: HolderInput, *, actor: CurrentUser) -> None:
    """The holder details and Update Service membership, as they change after recording."""
    row = await check_of(profile_id, check_id)
    today = london_today()
    problems = holder_problems(data, today) | subscription_problems(
        data, row["level"], row["issued_on"], today
    )
    if problems:
        raise Invalid(problems)
    values = holder_values(data)
    if values["holder_birth_date"] is None and not await has_permission(actor):
        # Staff without the DBS permission never see the recorded date of birth, so their
        # form comes without it: blank keeps it (they may still enter a new one).
        values["holder_birth_date"] = row["holder_birth_date"]
    async with write_transaction():
        await DBSCheck.update(
            {
                DBSCheck.holder_surname: values["holder_surname"],
                DBSCheck.holder_birth_date: values["holder_birth_date"],
                DBSCheck.update_service: values["update_service"],
                DBSCheck.update_service_joined_on: values["update_service_joined_on"],
                DBSCheck.updated_at: utcnow(),
            }
        ).where(DBSCheck.id == check_id)
        await changes.touch(profile_id)
        await log(
            "dbs.holder_updated", profile_id, actor, check_id=check_id, update_service=data.update_service
        )


def decision_problems(decision: str | None, rationale: str, certificate_result: str) -> dict[str, str]:
    """A decision needs a rationale when the certificate disclosed information or the PA is
    not suitable."""
    problems: dict[str, str] = {}
    if decision is None:
        problems["decision"] = "Select whether the PA is suitable"
    rationale = rationale.strip()
    if len(rationale) > MAX_RATIONALE:
        problems["rationale"] = f"The rationale must be {MAX_RATIONALE} characters or fewer"
    elif not rationale and certificate_result == "disclosed":
        problems["rationale"] = (
            "Give the rationale for the decision: the certificate disclosed information. "
            "Describe your reasoning, not the disclosed details"
        )
    elif not rationale and decision == "not_suitable":
        problems["rationale"] = "Give the rationale for deciding the PA is not suitable"
    return problems


async def record_decision(profile_id: int, check_id: int, data: DecisionInput, *, actor: CurrentUser) -> str:
    """Suitable or not suitable, with a rationale: only staff with the DBS permission."""
    await require_permission(actor)
    row = await check_of(profile_id, check_id)
    if problems := decision_problems(data.decision, data.rationale, row["certificate_result"]):
        raise Invalid(problems)
    async with write_transaction():
        await apply_decision(profile_id, check_id, data.decision, data.rationale.strip(), actor)
    return data.decision


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


def consent_problems(given_on: date | None, today: date) -> dict[str, str]:
    if given_on and given_on > today:
        return {"consent_on": "The date the PA gave consent must be today or in the past"}
    return {}


async def record_consent(profile_id: int, check_id: int, data: ConsentInput, *, actor: CurrentUser) -> None:
    """Staff record the date the PA consented to Update Service status checks."""
    await check_of(profile_id, check_id)
    if problems := consent_problems(data.consent_on, london_today()):
        raise Invalid(problems)
    await _save_consent(profile_id, check_id, data.consent_on, actor)


async def give_consent(user: CurrentUser, check_id: int) -> None:
    """The PA consents online, on their own DBS page, to status checks on this certificate."""
    profile_id = await own_profile_id(user)
    await check_of(profile_id, check_id)
    await _save_consent(profile_id, check_id, london_today(), user)


async def withdraw_consent(user: CurrentUser, check_id: int) -> None:
    profile_id = await own_profile_id(user)
    await check_of(profile_id, check_id)
    async with write_transaction():
        await DBSCheck.update(
            {DBSCheck.consent_on: None, DBSCheck.consent_recorded_by: None, DBSCheck.updated_at: utcnow()}
        ).where(DBSCheck.id == check_id)
        await log("dbs.consent_withdrawn", profile_id, user, check_id=check_id)


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
    profile_id: int, check_id: int, data: OriginalSeenInput, *, actor: CurrentUser
) -> None:
    """Staff saw the original certificate in person, on this date."""
    row = await check_of(profile_id, check_id)
    if problem := seen_date_error(data.original_seen_on, row["issued_on"]):
        raise Invalid({"original_seen_on": problem})
    async with write_transaction():
        await mark_original_seen(profile_id, check_id, data.original_seen_on, actor)


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


def status_check_problems(row: dict[str, Any], checked_on: date | None) -> dict[str, str]:
    """What is missing before a status check, and whether its date fits the certificate."""
    problems = status_check_prerequisites(row)
    if checked_on and checked_on > london_today():
        problems["checked_on"] = "The date of the status check must be today or in the past"
    elif checked_on and checked_on < row["issued_on"]:
        problems["checked_on"] = (
            f"The date of the status check must be on or after the date of issue, {long_date(row['issued_on'])}"
        )
    return problems


async def record_status_check(
    profile_id: int, check_id: int, data: StatusCheckInput, *, actor: CurrentUser
) -> str:
    """An online Update Service status check, with DBS's answer. NEW_INFO or no match stops
    the check at once; a later "still current" answer lifts the stop."""
    row = await check_of(profile_id, check_id)
    if problems := status_check_problems(row, data.checked_on):
        raise Invalid(problems)
    checked_on, result = data.checked_on, data.result
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
        assert latest is not None  # the one just inserted
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
