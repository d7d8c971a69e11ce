"""Applications for a new DBS certificate, step by step:
requested -> identity documents verified -> submitted -> certificate issued -> certificate
seen by staff -> decision. Each step has its date (on or after the previous step's, never in
the future); the dates drive "PAs going through DBS procedures" in the reports.

Since 21 January 2026 a PA employed through a direct payment may apply for their own
enhanced check through an umbrella body, so there are three routes: through our service,
the PA's own application, or through the employer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.clock import london_today, utcnow
from market.db import for_update, write_transaction
from market.dbs import checks, rules
from market.dbs.forms import choice, read_date
from market.dbs.permissions import require_permission
from market.dbs.schemas import ApplicationOut
from market.dbs.tables import DBSApplication
from market.errors import Invalid, NotFound
from market.register.tables import PAProfile

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
MAX_TEXT = 500
PA_ROUTES = ("service", "own")  # a PA asks for these; the employer route is recorded by staff


def read_application(form: dict[str, str], errors: dict[str, str], *, routes: Sequence[str]) -> dict:
    route = choice(
        form,
        "route",
        {k: v for k, v in rules.ROUTES.items() if k in routes},
        "Select how the check will be applied for",
        errors,
    )
    level = form.get("level", "").strip() or "enhanced"
    if level not in rules.LEVELS:
        errors["level"] = "Select the level of check"
    barred_lists = form.get("barred_lists", "").strip() or ("adults" if level == "enhanced" else "none")
    if problem := rules.barred_lists_error(level, barred_lists):
        errors["barred_lists"] = problem
    workforce = form.get("workforce", "").strip() or "adult"
    if workforce not in rules.WORKFORCES:
        errors["workforce"] = "Select the workforce the check is for"
    return {"route": route, "level": level, "barred_lists": barred_lists, "workforce": workforce}


async def start(profile_id: int, form: dict[str, str], *, actor: CurrentUser) -> int:
    """Staff open an application for a PA (any route)."""
    await checks.require_profile(profile_id)
    errors: dict[str, str] = {}
    values = read_application(form, errors, routes=tuple(rules.ROUTES))
    today = london_today()
    requested_on = read_date(form, "requested_on", "The date the check was requested", errors, required=False)
    if requested_on and requested_on > today:
        errors["requested_on"] = "The date the check was requested must be today or in the past"
    if errors:
        raise Invalid(errors)
    return await _insert(profile_id, values, requested_on or today, actor)


async def request_by_pa(user: CurrentUser, form: dict[str, str]) -> int:
    """A PA asks for a check through our service, or says they are applying themselves."""
    profile = await PAProfile.select(PAProfile.id).where(PAProfile.user == user.id).first()
    if profile is None:
        raise NotFound()
    errors: dict[str, str] = {}
    values = read_application(form, errors, routes=PA_ROUTES)
    if not errors and await DBSApplication.exists().where(
        (DBSApplication.profile == profile["id"]) & DBSApplication.step.is_in(list(rules.OPEN_STEPS))
    ):
        errors["route"] = "You already have an application in progress: our team will be in touch"
    if errors:
        raise Invalid(errors)
    return await _insert(profile["id"], values, london_today(), user)


async def _insert(profile_id: int, values: dict, requested_on: date, actor: CurrentUser) -> int:
    async with write_transaction():
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


async def advance(profile_id: int, application_id: int, form: dict[str, str], *, actor: CurrentUser) -> str:
    """Record the next step, with its date and what that step needs. Returns the new step."""
    row = await application_of(profile_id, application_id)
    step = NEXT_STEP.get(row["step"])
    if step is None:
        raise Invalid({"step": "This application is finished: nothing more to record"})
    if step == "decided":
        await require_permission(actor)
    errors: dict[str, str] = {}
    today = london_today()
    field = STEP_DATE[step]
    on = read_date(form, field, STEP_DATE_LABEL[step], errors)
    previous = last_date(row)
    if on and on > today:
        errors[field] = f"{STEP_DATE_LABEL[step]} must be today or in the past"
    elif on and on < previous:
        errors[field] = (
            f"{STEP_DATE_LABEL[step]} must be on or after {checks.long_date(previous)}, the previous step"
        )
    changes: dict[Any, Any] = {
        DBSApplication.step: step,
        DBSApplication.updated_at: utcnow(),
        getattr(DBSApplication, field): on,
    }
    certificate: dict[str, Any] = {}
    decision = rationale = ""
    check_row: dict[str, Any] | None = None
    if step == "id_verified":
        documents = " ".join(form.get("id_documents", "").split())
        if not documents:
            errors["id_documents"] = (
                "List the identity documents you verified, for example: passport, bank statement"
            )
        elif len(documents) > MAX_TEXT:
            errors["id_documents"] = f"The documents must be {MAX_TEXT} characters or fewer"
        changes |= {DBSApplication.id_documents: documents, DBSApplication.id_verified_by: actor.id}
    elif step == "submitted":
        reference = form.get("umbrella_reference", "").strip()
        if not reference:
            errors["umbrella_reference"] = "Enter the umbrella body's reference for the application"
        elif len(reference) > 60:
            errors["umbrella_reference"] = "The reference must be 60 characters or fewer"
        changes[DBSApplication.umbrella_reference] = reference
    elif step == "issued":
        # The certificate's own fields; the date of issue is this step's date.
        certificate = checks.read_certificate(
            {
                **form,
                "barred_lists": row["barred_lists"],
                "workforce": form.get("workforce") or row["workforce"],
            },
            errors,
            today,
            level=row["level"],
        )
    elif step == "seen":
        check_row = await checks.check_of(profile_id, row["dbs_check"])
        if on and (problem := checks.seen_date_error(on, check_row["issued_on"])):
            errors[field] = problem
    elif step == "decided":
        check_row = await checks.check_of(profile_id, row["dbs_check"])
        decision, rationale = checks.read_decision(form, check_row["certificate_result"], errors)
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        locked = await application_of(profile_id, application_id, lock=True)
        if locked["step"] != row["step"]:
            raise Invalid({"step": "Someone else has just recorded this step: reload the page"})
        if step == "issued":
            changes[DBSApplication.dbs_check] = await checks.insert_check(
                profile_id, certificate, actor, source="application"
            )
        elif step == "seen":
            changes[DBSApplication.seen_by] = actor.id
            await checks.mark_original_seen(profile_id, row["dbs_check"], on, actor)
        elif step == "decided":
            await checks.apply_decision(profile_id, row["dbs_check"], decision, rationale, actor)
        await DBSApplication.update(changes).where(DBSApplication.id == application_id)
        await checks.log("dbs.application_step", profile_id, actor, application_id=application_id, step=step)
    return step


async def withdraw(profile_id: int, application_id: int, form: dict[str, str], *, actor: CurrentUser) -> None:
    row = await application_of(profile_id, application_id)
    if row["step"] not in rules.OPEN_STEPS:
        raise Invalid({"withdrawn_reason": "This application is finished and cannot be withdrawn"})
    reason = form.get("withdrawn_reason", "").strip()
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


async def emails_of(ids: set[int | None]) -> dict[int, str]:
    """Staff's email addresses by account id (None, for "nobody yet", is ignored)."""
    known = sorted(i for i in ids if i is not None)
    if not known:
        return {}
    return {r["id"]: r["email"] for r in await User.select(User.id, User.email).where(User.id.is_in(known))}


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
    profile_ids = sorted({r["profile"] for r in rows})
    names = {}
    if profile_ids:
        for p in await PAProfile.select(
            PAProfile.id, PAProfile.display_name, PAProfile.user.display_name.as_alias("full")
        ).where(PAProfile.id.is_in(profile_ids)):
            names[p["id"]] = p["full"] or p["display_name"]
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
