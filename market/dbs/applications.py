"""Applications for a new DBS certificate, step by step:
requested -> identity documents verified -> submitted -> certificate issued -> certificate
seen by staff -> decision. Each step has its date (on or after the previous step's, never in
the future); the dates drive "PAs going through DBS procedures" in the reports.

Since 21 January 2026 a PA employed through a direct payment may apply for their own
enhanced check through an umbrella body, so there are three routes: through our service,
the PA's own application, or through the employer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from piccolo.columns import Column

from market.accounts.schemas import CurrentUser
from market.clock import london_today, utcnow
from market.db import for_update, unique_or, write_transaction
from market.dbs import checks, rules
from market.dbs.permissions import require_permission
from market.dbs.schemas import (
    MAX_REFERENCE,
    MAX_TEXT,
    ApplicationInput,
    CertificateInput,
    Decision,
    StepInput,
    WithdrawInput,
)
from market.dbs.tables import DBSApplication
from market.errors import Conflict, Invalid, NotFound

NEXT_STEP = {
    "requested": "id_verified",
    "id_verified": "submitted",
    "submitted": "issued",
    "issued": "seen",
    "seen": "decided",
}
STEP_DATE = {
    "requested": "requested_on",
    "id_verified": "id_verified_on",
    "submitted": "submitted_on",
    "issued": "issued_on",
    "seen": "seen_on",
    "decided": "decided_on",
    "withdrawn": "withdrawn_on",
}
STEP_DATE_LABEL = {
    "id_verified": "The date the identity documents were verified",
    "submitted": "The date the application was submitted",
    "issued": "The date of issue",
    "seen": "The date you saw the certificate",
    "decided": "The date of the decision",
}
PA_ROUTES = ("service", "own")  # a PA asks for these; the employer route is recorded by staff
# One open application per PA: checked in the write transaction, and held by a partial unique
# index (dbs_application_one_open, over rules.OPEN_STEPS) for the race the check cannot see.
ALREADY_OPEN_PA = "You already have an application in progress: our team will be in touch"
ALREADY_OPEN_STAFF = (
    "This PA already has an application in progress: record its next step, or withdraw it, "
    "before starting another"
)


def application_problems(data: ApplicationInput, today: date) -> dict[str, str]:
    """The rules a new application meets (the form reader adds these to its own)."""
    problems: dict[str, str] = {}
    if data.level in rules.LEVELS and (
        problem := rules.barred_lists_error(data.level, barred_lists_of(data))
    ):
        problems["barred_lists"] = problem
    if data.requested_on and data.requested_on > today:
        problems["requested_on"] = "The date the check was requested must be today or in the past"
    return problems


def barred_lists_of(data: ApplicationInput) -> str:
    """Blank barred lists follow the level: an enhanced check covers the adults' list."""
    return data.barred_lists or ("adults" if data.level == "enhanced" else "none")


def application_values(data: ApplicationInput) -> dict[str, Any]:
    return {
        "route": data.route,
        "level": data.level,
        "barred_lists": barred_lists_of(data),
        "workforce": data.workforce,
    }


async def start(profile_id: int, data: ApplicationInput, *, actor: CurrentUser) -> int:
    """Staff open an application for a PA (any route); Conflict while one is open."""
    await checks.require_profile(profile_id)
    today = london_today()
    if problems := application_problems(data, today):
        raise Invalid(problems)
    return await _insert(
        profile_id, application_values(data), data.requested_on or today, actor, ALREADY_OPEN_STAFF
    )


async def request_by_pa(user: CurrentUser, data: ApplicationInput) -> int:
    """A PA asks for a check through our service, or says they are applying themselves;
    Conflict while they have one open."""
    profile_id = await checks.own_profile_id(user)
    problems = application_problems(data, london_today())
    if data.route not in PA_ROUTES:
        problems["route"] = "Select how the check will be applied for"
    if problems:
        raise Invalid(problems)
    return await _insert(profile_id, application_values(data), london_today(), user, ALREADY_OPEN_PA)


async def _insert(
    profile_id: int, values: dict, requested_on: date, actor: CurrentUser, already_open: str
) -> int:
    async with unique_or(Conflict(already_open)), write_transaction():
        if await DBSApplication.exists().where(
            (DBSApplication.profile == profile_id) & DBSApplication.step.is_in(list(rules.OPEN_STEPS))
        ):
            raise Conflict(already_open)
        rows = await DBSApplication.insert(
            DBSApplication(profile=profile_id, requested_on=requested_on, created_by=actor.id, **values)
        ).returning(DBSApplication.id)
        await checks.log(
            "dbs.application_started",
            profile_id,
            actor,
            application_id=rows[0]["id"],
            route=values["route"],
            level=values["level"],
        )
    return rows[0]["id"]


async def application_of(profile_id: int, application_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = DBSApplication.select().where(
        (DBSApplication.id == application_id) & (DBSApplication.profile == profile_id)
    )
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound()
    return row


def last_date(row: dict[str, Any]) -> date:
    """When the application reached its current step."""
    return row[STEP_DATE[row["step"]]] or row["requested_on"]


class StepPlan(msgspec.Struct, kw_only=True):
    """What recording one step will write, and what stops it (``problems``)."""

    problems: dict[str, str]
    columns: dict[Column | str, Any]
    certificate: CertificateInput | None = None  # the issued step records the certificate
    decision: Decision | None = None  # the decided step records the decision on it
    rationale: str = ""


def next_step_of(row: dict[str, Any]) -> str:
    step = NEXT_STEP.get(row["step"])
    if step is None:
        raise Invalid({"step": "This application is finished: nothing more to record"})
    return step


def step_date_problems(step: str, on: date | None, previous: date, today: date) -> dict[str, str]:
    """A step's date: given, not in the future, not before the previous step's."""
    field, label = STEP_DATE[step], STEP_DATE_LABEL[step]
    if on is None:
        return {field: f"Enter {label[:1].lower()}{label[1:]}"}
    if on > today:
        return {field: f"{label} must be today or in the past"}
    if on < previous:
        return {field: f"{label} must be on or after {checks.long_date(previous)}, the previous step"}
    return {}


def _required_text(value: str, field: str, missing: str, limit: int, too_long: str) -> dict[str, str]:
    if not value:
        return {field: missing}
    if len(value) > limit:
        return {field: too_long}
    return {}


def plan_id_verified(data: StepInput, actor: CurrentUser) -> StepPlan:
    documents = " ".join(data.id_documents.split())
    problems = _required_text(
        documents,
        "id_documents",
        "List the identity documents you verified, for example: passport, bank statement",
        MAX_TEXT,
        f"The documents must be {MAX_TEXT} characters or fewer",
    )
    return StepPlan(problems=problems, columns={"id_documents": documents, "id_verified_by": actor.id})


def plan_submitted(data: StepInput) -> StepPlan:
    reference = data.umbrella_reference.strip()
    problems = _required_text(
        reference,
        "umbrella_reference",
        "Enter the umbrella body's reference for the application",
        MAX_REFERENCE,
        f"The reference must be {MAX_REFERENCE} characters or fewer",
    )
    return StepPlan(problems=problems, columns={"umbrella_reference": reference})


def plan_issued(row: dict[str, Any], data: StepInput, today: date) -> StepPlan:
    """The certificate's own fields; the application fixes its level and barred lists, and
    the date of issue is this step's date."""
    problems: dict[str, str] = {}
    if data.certificate_result is None:
        problems["certificate_result"] = "Select whether the certificate was clear or showed information"
    certificate = CertificateInput(
        certificate_number=data.certificate_number,
        issued_on=data.issued_on or today,  # a missing date is the step date's problem
        level=row["level"],
        barred_lists=row["barred_lists"],
        workforce=data.workforce or row["workforce"],
        certificate_result=data.certificate_result or "clear",
        update_service=data.update_service,
        update_service_joined_on=data.update_service_joined_on,
        holder_surname=data.holder_surname,
        holder_birth_date=data.holder_birth_date,
    )
    problems |= checks.certificate_problems(certificate, today)
    return StepPlan(problems=problems, columns={}, certificate=certificate)


async def plan_seen(profile_id: int, row: dict[str, Any], data: StepInput, actor: CurrentUser) -> StepPlan:
    check_row = await checks.check_of(profile_id, row["dbs_check"])
    problems: dict[str, str] = {}
    if data.seen_on and (problem := checks.seen_date_error(data.seen_on, check_row["issued_on"])):
        problems["seen_on"] = problem
    return StepPlan(problems=problems, columns={"seen_by": actor.id})


async def plan_decided(profile_id: int, row: dict[str, Any], data: StepInput) -> StepPlan:
    check_row = await checks.check_of(profile_id, row["dbs_check"])
    problems = checks.decision_problems(data.decision, data.rationale, check_row["certificate_result"])
    return StepPlan(problems=problems, columns={}, decision=data.decision, rationale=data.rationale.strip())


async def plan_step(
    profile_id: int, row: dict[str, Any], step: str, data: StepInput, actor: CurrentUser, today: date
) -> StepPlan:
    if step == "id_verified":
        return plan_id_verified(data, actor)
    if step == "submitted":
        return plan_submitted(data)
    if step == "issued":
        return plan_issued(row, data, today)
    if step == "seen":
        return await plan_seen(profile_id, row, data, actor)
    return await plan_decided(profile_id, row, data)


async def advance(profile_id: int, application_id: int, data: StepInput, *, actor: CurrentUser) -> str:
    """Record the next step, with its date and what that step needs. Returns the new step."""
    row = await application_of(profile_id, application_id)
    step = next_step_of(row)
    if step == "decided":
        await require_permission(actor)
    today = london_today()
    on: date | None = getattr(data, STEP_DATE[step])
    plan = await plan_step(profile_id, row, step, data, actor, today)
    # The step date's problem first, as the page lists it first.
    problems = step_date_problems(step, on, last_date(row), today) | plan.problems
    if problems:
        raise Invalid(problems)
    assert on is not None  # step_date_problems names a missing date
    async with write_transaction():
        locked = await application_of(profile_id, application_id, lock=True)
        if locked["step"] != row["step"]:
            raise Invalid({"step": "Someone else has just recorded this step: reload the page"})
        await record_step(profile_id, application_id, row, step, on, plan, actor)
    return step


async def record_step(
    profile_id: int,
    application_id: int,
    row: dict[str, Any],
    step: str,
    on: date,
    plan: StepPlan,
    actor: CurrentUser,
) -> None:
    """Write a checked step (inside the caller's transaction), with what it records on the check."""
    columns: dict[Column | str, Any] = {
        "step": step,
        "updated_at": utcnow(),
        STEP_DATE[step]: on,
        **plan.columns,
    }
    if plan.certificate is not None:
        values = checks.certificate_values(plan.certificate)
        columns["dbs_check"] = await checks.insert_check(profile_id, values, actor, source="application")
    elif step == "seen":
        await checks.mark_original_seen(profile_id, row["dbs_check"], on, actor)
    elif plan.decision is not None:
        await checks.apply_decision(profile_id, row["dbs_check"], plan.decision, plan.rationale, actor)
    await DBSApplication.update(columns).where(DBSApplication.id == application_id)
    await checks.log("dbs.application_step", profile_id, actor, application_id=application_id, step=step)


async def withdraw(profile_id: int, application_id: int, data: WithdrawInput, *, actor: CurrentUser) -> None:
    row = await application_of(profile_id, application_id)
    if row["step"] not in rules.OPEN_STEPS:
        raise Invalid({"withdrawn_reason": "This application is finished and cannot be withdrawn"})
    reason = data.withdrawn_reason.strip()
    if not reason:
        raise Invalid({"withdrawn_reason": "Say why the application is withdrawn"})
    if len(reason) > MAX_TEXT:
        raise Invalid({"withdrawn_reason": f"The reason must be {MAX_TEXT} characters or fewer"})
    async with write_transaction():
        await DBSApplication.update(
            {
                DBSApplication.step: "withdrawn",
                DBSApplication.withdrawn_on: london_today(),
                DBSApplication.withdrawn_reason: reason,
                DBSApplication.updated_at: utcnow(),
            }
        ).where(DBSApplication.id == application_id)
        await checks.log("dbs.application_withdrawn", profile_id, actor, application_id=application_id)
