"""DBS pages for staff: the dashboard (falling due, overdue, to-do), the applications
queue, a PA's DBS record with its forms, and who looked at it.

Every view of a PA's record is audit-logged by ``records.staff_record``. A form with a
problem re-renders the record with the error next to its field, in the form it came from
(``active`` names that form, so that one check's errors do not show on another's).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from market.dbs import application_lists, applications, checks, fees, forms, records, rules, worklist
from market.dbs.schemas import StaffRecordOut
from market.dbs.standing import london_date
from market.errors import Conflict, Invalid, NotFound
from market.fields import date_values
from market.paging import page_of_list
from market.settings import Settings
from market.web.forms import error_list, form_errors, read_form
from market.web.guards import STAFF
from market.web.params import PageNumber, RecordId
from market.web.render import render

DONE = {
    "check": "The certificate has been recorded. It waits for a decision.",
    "holder": "The Update Service and holder details have been saved.",
    "consent": "The PA's consent has been recorded.",
    "original": "Seeing the original certificate has been recorded.",
    "status": "The status check has been recorded.",
    "status-stopped": "The status check has been recorded. The PA no longer meets any DBS requirement and is on the to-do list.",
    "decision": "The decision has been recorded.",
    "application": "The application has been started.",
    "step": "The application's step has been recorded.",
    "withdrawn": "The application has been withdrawn.",
}

CHOICES: dict[str, Any] = {
    "levels": rules.LEVELS,
    "barred_lists": rules.BARRED_LISTS,
    "workforces": rules.WORKFORCES,
    "certificate_results": rules.CERTIFICATE_RESULTS,
    "decisions": rules.DECISIONS,
    "status_results": rules.STATUS_RESULTS,
    "routes": rules.ROUTES,
    "steps": rules.STEPS,
}


ACTION_NAMES = {
    "dbs.viewed": "Viewed the DBS record",
    "dbs.access_listed": "Listed who looked at the record",
    "dbs.check_recorded": "Recorded a certificate",
    "dbs.holder_updated": "Changed the Update Service or holder details",
    "dbs.decision_recorded": "Recorded a decision",
    "dbs.consent_recorded": "Recorded consent to status checks",
    "dbs.consent_withdrawn": "Withdrew consent to status checks",
    "dbs.original_seen": "Recorded seeing the original certificate",
    "dbs.status_checked": "Recorded an Update Service status check",
    "dbs.application_started": "Started an application",
    "dbs.application_step": "Recorded an application step",
    "dbs.application_withdrawn": "Withdrew an application",
    "dbs.rationale_deleted": "Deleted the rationale after the retention period",
    "dbs.check_expired": "Flagged the check as expired",
    "dbs.reminder_sent": "Emailed the PA that the check falls due",
    "dbs.stuck_reminder": "Reminded staff of a stuck application",
    "dbs.own_viewed": "The PA viewed their own DBS status",
}

# A status check's prerequisites are recorded in other forms of the same certificate.
FIELD_FORM = {
    "update_service": "holder",
    "holder_surname": "holder",
    "holder_birth_date": "holder",
    "consent_on": "consent",
    "original_seen_on": "original",
}


def split_errors(active: str, errors: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each form's own errors: a status check's missing prerequisites show in their forms."""
    kind, _, number = active.partition("-")
    by_form: dict[str, dict[str, str]] = {}
    for field, message in errors.items():
        form = f"{FIELD_FORM[field]}-{number}" if kind == "status" and field in FIELD_FORM else active
        by_form.setdefault(form, {})[field] = message
    return by_form


def current_values(record: StaffRecordOut) -> dict[str, dict[str, str]]:
    """What is recorded, to fill each certificate's edit forms."""
    found: dict[str, dict[str, str]] = {}
    for check in record.checks:
        seen = london_date(check.original_seen_at)
        found[f"consent-{check.id}"] = date_values("consent_on", check.consent_on)
        found[f"original-{check.id}"] = date_values("original_seen_on", seen)
        found[f"holder-{check.id}"] = {
            "update_service": "yes" if check.update_service else "",
            "holder_surname": check.holder_surname,
            **date_values("update_service_joined_on", check.update_service_joined_on),
            **date_values("holder_birth_date", check.holder_birth_date),
        }
    return found


async def record_page(
    request: Request, profile_id: int, settings: Settings, *, status_code: int = 200, **extra: Any
) -> Template:
    record = await records.staff_record(profile_id, request.user, settings)
    extra.setdefault("form_errors", {})
    extra.setdefault("active", "")
    return render(
        "dbs/record.html",
        status_code=status_code,
        record=record,
        current=current_values(record),
        **CHOICES,
        **extra,
    )


async def refused(
    request: Request,
    profile_id: int,
    settings: Settings,
    problem: Invalid,
    values: dict[str, str],
    form: str,
    *,
    status_code: int = 422,
) -> Template:
    """The record again, each error shown in the form that holds its field."""
    by_form = split_errors(form, problem.errors)
    shown = form_errors(problem, values, form=form)
    shown["error_list"] = [item for name, errors in by_form.items() for item in error_list(errors, name)]
    del shown["errors"]  # the record's forms read theirs from ``form_errors``, by form
    return await record_page(
        request, profile_id, settings, status_code=status_code, form_errors=by_form, **shown
    )


def done(profile_id: int, key: str) -> Redirect:
    return Redirect(f"/staff/dbs/pa/{profile_id}?done={key}")


class StaffDBSPages(Controller):
    path = "/staff/dbs"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def dashboard(self, settings: NamedDependency[Settings]) -> Template:
        return render(
            "dbs/dashboard.html",
            work=await worklist.build(settings),
            bands=worklist.DUE_BANDS,
            titles=worklist.LIST_TITLES,
        )

    @get("/list/{name:str}")
    async def worklist_list(
        self, name: FromPath[str], settings: NamedDependency[Settings], page: PageNumber = 1
    ) -> Template:
        """One of the dashboard's lists in full, a page at a time."""
        items = worklist.one_list(await worklist.build(settings), name)
        if items is None:
            raise NotFound()
        return render(
            "dbs/worklist_list.html",
            name=name,
            title=worklist.LIST_TITLES[name],
            rows=page_of_list(items, page=page),
        )

    @get("/applications")
    async def queue(
        self,
        settings: NamedDependency[Settings],
        step: FromQuery[str | None] = None,
        page: PageNumber = 1,
    ) -> Template:
        """Every step's first page; with ``step``, that step alone, a page at a time."""
        by_step = await application_lists.queue(settings.dbs_stuck_days)
        if step is not None and step not in by_step:
            raise NotFound()
        shown = {step: by_step[step]} if step else by_step
        return render(
            "dbs/applications.html",
            queue={name: page_of_list(items, page=page if step else 1) for name, items in shown.items()},
            one_step=step,
            stuck_days=settings.dbs_stuck_days,
            **CHOICES,
        )

    @get("/pa/{profile_id:int}")
    async def record(
        self,
        request: Request,
        profile_id: RecordId,
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await record_page(request, profile_id, settings, flash=DONE.get(done or "", ""))

    @get("/pa/{profile_id:int}/access")
    async def access(self, request: Request, profile_id: RecordId) -> Template:
        return render(
            "dbs/access.html",
            profile_id=profile_id,
            events=await records.who_looked(profile_id, request.user),
            action_names=ACTION_NAMES,
        )

    @post("/pa/{profile_id:int}/checks")
    async def record_check(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await checks.record_check(profile_id, forms.certificate_input(values), actor=request.user)
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, "new-check")
        return done(profile_id, "check")

    @post("/pa/{profile_id:int}/checks/{check_id:int}/holder")
    async def holder(
        self, request: Request, profile_id: RecordId, check_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await checks.update_holder(profile_id, check_id, forms.holder_input(values), actor=request.user)
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"holder-{check_id}")
        return done(profile_id, "holder")

    @post("/pa/{profile_id:int}/checks/{check_id:int}/consent")
    async def consent(
        self, request: Request, profile_id: RecordId, check_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await checks.record_consent(profile_id, check_id, forms.consent_input(values), actor=request.user)
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"consent-{check_id}")
        return done(profile_id, "consent")

    @post("/pa/{profile_id:int}/checks/{check_id:int}/original")
    async def original(
        self, request: Request, profile_id: RecordId, check_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await checks.record_original_seen(
                profile_id, check_id, forms.original_seen_input(values), actor=request.user
            )
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"original-{check_id}")
        return done(profile_id, "original")

    @post("/pa/{profile_id:int}/checks/{check_id:int}/status")
    async def status(
        self, request: Request, profile_id: RecordId, check_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        form = f"status-{check_id}"
        try:
            data = forms.status_check_input(values)
        except Invalid as problem:
            # What is missing from the certificate's other forms is named too, as before.
            missing = checks.status_check_prerequisites(await checks.check_of(profile_id, check_id))
            return await refused(
                request, profile_id, settings, Invalid(missing | problem.errors), values, form
            )
        try:
            result = await checks.record_status_check(profile_id, check_id, data, actor=request.user)
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, form)
        return done(profile_id, "status-stopped" if result in rules.STOPPING_RESULTS else "status")

    @post("/pa/{profile_id:int}/checks/{check_id:int}/decision")
    async def decision(
        self, request: Request, profile_id: RecordId, check_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await checks.record_decision(
                profile_id, check_id, forms.decision_input(values), actor=request.user
            )
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"decision-{check_id}")
        return done(profile_id, "decision")

    @post("/pa/{profile_id:int}/applications")
    async def start_application(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            data = forms.application_input(values)
            if values.get("confirm") != "yes":
                # A new check can cost money: the first press asks "are you sure" and shows
                # what was chosen; only the press on that page starts it.
                record = await records.staff_record(profile_id, request.user, settings)
                return render(
                    "dbs/application_confirm.html",
                    record=record,
                    data=data,
                    fees=await fees.all_fees(),
                    values=values,
                    **CHOICES,
                )
            await applications.start(profile_id, data, actor=request.user)
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, "new-application")
        except Conflict as open_already:
            return await refused(
                request,
                profile_id,
                settings,
                Invalid({"route": open_already.detail}),
                values,
                "new-application",
                status_code=409,
            )
        return done(profile_id, "application")

    @post("/pa/{profile_id:int}/applications/{application_id:int}/step")
    async def step(
        self,
        request: Request,
        profile_id: RecordId,
        application_id: RecordId,
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await applications.advance(
                profile_id, application_id, forms.step_input(values), actor=request.user
            )
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"step-{application_id}")
        return done(profile_id, "step")

    @post("/pa/{profile_id:int}/applications/{application_id:int}/withdraw")
    async def withdraw(
        self,
        request: Request,
        profile_id: RecordId,
        application_id: RecordId,
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await applications.withdraw(
                profile_id, application_id, forms.withdraw_input(values), actor=request.user
            )
        except Invalid as problem:
            return await refused(request, profile_id, settings, problem, values, f"withdraw-{application_id}")
        return done(profile_id, "withdrawn")


ROUTES: list[Any] = [StaffDBSPages]
