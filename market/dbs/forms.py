"""The DBS forms: what a page posts, read into the Struct its service takes.

Each reader names every problem at once: what cannot be read (a date, a choice) and the
rules that need nothing but the form itself (the same functions the services check, so the
API meets them too). Rules that need the record (the date of issue, the previous step) are
the service's. A field that could not be read holds a placeholder; ``done`` raises first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from market import fields
from market.clock import london_today
from market.dbs import applications, checks, rules
from market.dbs import fees as fee_rules
from market.dbs.fees import FeeOut
from market.dbs.schemas import (
    MAX_RATIONALE,
    MAX_SURNAME,
    ApplicationInput,
    CertificateInput,
    ConsentInput,
    DecisionInput,
    FeeInput,
    FeesInput,
    HolderInput,
    OriginalSeenInput,
    StatusCheckInput,
    StepInput,
    WithdrawInput,
)
from market.fields import FormReader

DECISION_CODES = tuple(code for code in rules.DECISIONS if code != "pending")
PA_WORKFORCE = {"adults": "adult", "children": "child", "both": "adult_and_child"}


def _merge(read: FormReader, problems: Mapping[str, str]) -> None:
    """The service's rules, on fields that could be read (their own problem comes first)."""
    for field, message in problems.items():
        read.problem(field, message)


def _holder(read: FormReader) -> dict[str, Any]:
    surname = " ".join(read.raw("holder_surname").split())
    if len(surname) > MAX_SURNAME:
        read.problem("holder_surname", f"The surname must be {MAX_SURNAME} characters or fewer")
    return {
        "holder_surname": surname,
        "holder_birth_date": read.date("holder_birth_date", "The PA's date of birth", required=False),
        "update_service": read.yes("update_service"),
        "update_service_joined_on": read.date(
            "update_service_joined_on", "The date the PA joined", required=False
        ),
    }


def certificate_input(form: Mapping[str, str]) -> CertificateInput:
    read = FormReader(form)
    barred_lists = read.raw("barred_lists") or "none"
    if barred_lists not in rules.BARRED_LISTS:
        read.problem("barred_lists", "Select which barred lists were checked")
    data = CertificateInput(
        certificate_number=read.raw("certificate_number"),
        issued_on=read.date("issued_on", "The date of issue"),  # type: ignore[arg-type]  # None only with a problem
        level=read.choice("level", rules.LEVELS, "Select the level of the check"),  # type: ignore[arg-type]
        barred_lists=barred_lists,  # type: ignore[arg-type]
        workforce=read.choice(  # type: ignore[arg-type]
            "workforce", rules.WORKFORCES, "Select the workforce named on the certificate"
        ),
        certificate_result=read.choice(  # type: ignore[arg-type]
            "certificate_result",
            rules.CERTIFICATE_RESULTS,
            "Select whether the certificate was clear or showed information",
        ),
        **_holder(read),
    )
    _merge(read, checks.certificate_problems(data, london_today()))
    read.done()
    return data


def holder_input(form: Mapping[str, str]) -> HolderInput:
    read = FormReader(form)
    data = HolderInput(**_holder(read))
    _merge(read, checks.holder_problems(data, london_today()))
    read.done()
    return data


def _rationale(read: FormReader) -> str:
    rationale = read.raw("rationale")
    if len(rationale) > MAX_RATIONALE:
        read.problem("rationale", f"The rationale must be {MAX_RATIONALE} characters or fewer")
    return rationale


def decision_input(form: Mapping[str, str]) -> DecisionInput:
    read = FormReader(form)
    decision = read.choice("decision", DECISION_CODES, "Select whether the PA is suitable")
    data = DecisionInput(decision=decision, rationale=_rationale(read))  # type: ignore[arg-type]
    read.done()
    return data


def consent_input(form: Mapping[str, str]) -> ConsentInput:
    read = FormReader(form)
    given_on = read.date("consent_on", "The date the PA gave consent")
    _merge(read, checks.consent_problems(given_on, london_today()))
    read.done()
    return ConsentInput(consent_on=given_on)  # type: ignore[arg-type]  # read.done() raised if None


def original_seen_input(form: Mapping[str, str]) -> OriginalSeenInput:
    read = FormReader(form)
    seen_on = read.date("original_seen_on", "The date you saw the original certificate")
    read.done()
    return OriginalSeenInput(original_seen_on=seen_on)  # type: ignore[arg-type]


def status_check_input(form: Mapping[str, str]) -> StatusCheckInput:
    read = FormReader(form)
    checked_on = read.date("checked_on", "The date of the status check")
    result = read.choice("result", rules.STATUS_RESULTS, "Select the result DBS gave")
    read.done()
    return StatusCheckInput(checked_on=checked_on, result=result)  # type: ignore[arg-type]


def application_input(
    form: Mapping[str, str], *, routes: Sequence[str] = tuple(rules.ROUTES)
) -> ApplicationInput:
    """A new application, from staff (any route) or the PA (``routes`` narrower)."""
    read = FormReader(form)
    route = read.choice("route", routes, "Select how the check will be applied for")
    level = read.raw("level") or "enhanced"
    if level not in rules.LEVELS:
        read.problem("level", "Select the level of check")
    barred_lists = read.raw("barred_lists") or None
    if barred_lists is not None and barred_lists not in rules.BARRED_LISTS:
        read.problem("barred_lists", "Select which barred lists were checked")
    workforce = read.raw("workforce") or "adult"
    if workforce not in rules.WORKFORCES:
        read.problem("workforce", "Select the workforce the check is for")
    data = ApplicationInput(
        route=route,  # type: ignore[arg-type]  # placeholders only with a problem
        level=level,  # type: ignore[arg-type]
        barred_lists=barred_lists,  # type: ignore[arg-type]
        workforce=workforce,  # type: ignore[arg-type]
        requested_on=read.date("requested_on", "The date the check was requested", required=False),
    )
    _merge(read, applications.application_problems(data, london_today()))
    read.done()
    return data


def pa_request_input(form: Mapping[str, str]) -> ApplicationInput:
    """The PA's own request: always enhanced, for the workforce their barred lists name."""
    workforce = PA_WORKFORCE.get(form.get("barred_lists", ""), "adult")
    return application_input(
        {**form, "level": "enhanced", "workforce": workforce}, routes=applications.PA_ROUTES
    )


def step_input(form: Mapping[str, str]) -> StepInput:
    """The next step, whichever it is: every field optional here; the service knows the step
    and says what it needs."""
    read = FormReader(form)
    surname = " ".join(read.raw("holder_surname").split())
    if len(surname) > MAX_SURNAME:
        read.problem("holder_surname", f"The surname must be {MAX_SURNAME} characters or fewer")
    data = StepInput(
        id_verified_on=read.date(
            "id_verified_on", "The date the identity documents were verified", required=False
        ),
        id_documents=read.raw("id_documents"),
        submitted_on=read.date("submitted_on", "The date the application was submitted", required=False),
        umbrella_reference=read.raw("umbrella_reference"),
        issued_on=read.date("issued_on", "The date of issue", required=False),
        certificate_number=read.raw("certificate_number"),
        certificate_result=read.choice(  # type: ignore[arg-type]
            "certificate_result",
            rules.CERTIFICATE_RESULTS,
            "Select whether the certificate was clear or showed information",
            required=False,
        )
        or None,
        workforce=read.choice(  # type: ignore[arg-type]
            "workforce", rules.WORKFORCES, "Select the workforce named on the certificate", required=False
        )
        or None,
        update_service=read.yes("update_service"),
        update_service_joined_on=read.date(
            "update_service_joined_on", "The date the PA joined", required=False
        ),
        holder_surname=surname,
        holder_birth_date=read.date("holder_birth_date", "The PA's date of birth", required=False),
        seen_on=read.date("seen_on", "The date you saw the certificate", required=False),
        decided_on=read.date("decided_on", "The date of the decision", required=False),
        decision=read.choice(  # type: ignore[arg-type]
            "decision", DECISION_CODES, "Select whether the PA is suitable", required=False
        )
        or None,
        rationale=_rationale(read),
    )
    read.done()
    return data


def withdraw_input(form: Mapping[str, str]) -> WithdrawInput:
    return WithdrawInput(withdrawn_reason=FormReader(form).raw("withdrawn_reason"))


def fees_input(form: Mapping[str, str], fees: Sequence[FeeOut]) -> FeesInput:
    """Every fee on the admin page, from ``amount_<code>`` and ``note_<code>``."""
    read = FormReader(form)
    changes = []
    for fee in fees:
        try:
            pence = fields.parse_pounds(read.raw(f"amount_{fee.code}"))
        except ValueError:
            read.problem(
                f"amount_{fee.code}", f"Enter the fee for the {fee.name.lower()} in pounds, like 49.50"
            )
            continue
        changes.append(
            FeeInput(code=fee.code, amount_pence=pence, note=" ".join(read.raw(f"note_{fee.code}").split()))
        )
    data = FeesInput(fees=changes)
    _merge(read, fee_rules.fee_problems(data, fees))
    read.done()
    return data
