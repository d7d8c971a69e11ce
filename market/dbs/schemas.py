"""What the DBS pages and API send out. Three audiences, three shapes:
staff (``StaffRecordOut``), the PA themselves (``OwnDBSOut``), everyone else (a badge)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, get_args

import msgspec

from market.dbs import rules


class StatusCheckOut(msgspec.Struct, kw_only=True):
    checked_on: date
    result: str
    result_text: str
    checked_by: str


class StaffCheckOut(msgspec.Struct, kw_only=True):
    """Everything recorded about a certificate. For staff without the DBS permission the
    number is masked to its last four digits, the date of birth is withheld (its year is
    kept) and the rationale is withheld."""

    id: int
    level: str
    barred_lists: str
    workforce: str
    description: str
    certificate_number: str
    issued_on: date
    certificate_result: str
    update_service: bool
    update_service_joined_on: date | None
    holder_surname: str
    holder_birth_date: date | None  # None: not recorded, or withheld (no DBS permission)
    holder_birth_year: int | None  # None: no date of birth recorded
    consent_on: date | None
    original_seen_at: datetime | None
    original_seen_by: str
    decision: str
    decided_by: str
    decided_at: datetime | None
    rationale: str | None  # None: not shown to this reader (no DBS permission)
    rationale_deleted_at: datetime | None
    stopped_at: datetime | None
    current: bool
    current_until: date
    status_checks: list[StatusCheckOut]
    status_check_missing: dict[str, str]


class ApplicationOut(msgspec.Struct, kw_only=True):
    id: int
    profile_id: int
    pa_name: str
    route: str
    route_text: str
    level: str
    description: str
    workforce: str
    step: str
    step_text: str
    requested_on: date
    id_verified_on: date | None
    id_documents: str
    id_verified_by: str
    submitted_on: date | None
    umbrella_reference: str
    issued_on: date | None
    dbs_check_id: int | None
    seen_on: date | None
    decided_on: date | None
    withdrawn_on: date | None
    withdrawn_reason: str
    next_step: str | None
    waiting_since: date
    days_waiting: int
    stuck: bool


class StandingOut(msgspec.Struct, kw_only=True):
    level: str
    barred_lists: str
    current_until: date
    badge: str
    summary: str


class StaffRecordOut(msgspec.Struct, kw_only=True):
    profile_id: int
    pa_name: str
    standing: StandingOut | None
    can_decide: bool
    # True: certificate numbers and dates of birth in full (the DBS permission); False: masked.
    full_details: bool
    checks: list[StaffCheckOut]
    applications: list[ApplicationOut]


class OwnCheckOut(msgspec.Struct, kw_only=True):
    """A PA's own certificate: the number masked, the decision but never staff's notes."""

    id: int
    description: str
    certificate_number: str
    issued_on: date
    update_service: bool
    consent_on: date | None
    decision: str
    decision_text: str
    current: bool
    current_until: date
    latest_status: StatusCheckOut | None


class OwnDBSOut(msgspec.Struct, kw_only=True):
    standing: StandingOut | None
    checks: list[OwnCheckOut]
    applications: list[ApplicationOut]


class AccessOut(msgspec.Struct, kw_only=True):
    at: datetime
    actor_email: str
    actor_role: str
    action: str
    detail: dict


# -- What staff, the PA and the API send in: one Struct per use case ---------------------------
# The pages read a posted form into these (market/dbs/forms.py); the API decodes JSON into
# the same Struct; the services in checks.py, applications.py and fees.py take them.

Level = Literal["basic", "standard", "enhanced"]
BarredLists = Literal["none", "adults", "children", "both"]
Workforce = Literal["adult", "child", "adult_and_child", "other"]
CertificateResult = Literal["clear", "disclosed"]
Decision = Literal["suitable", "not_suitable"]  # "pending" is where a check starts, never chosen
StatusResult = Literal["BLANK_NO_NEW_INFO", "NON_BLANK_NO_NEW_INFO", "NEW_INFO", "NO_MATCH"]
Route = Literal["service", "own", "employer"]

MAX_SURNAME = 100
MAX_RATIONALE = 4000
MAX_TEXT = 500
MAX_REFERENCE = 60
MAX_NOTE = 300

Surname = Annotated[str, msgspec.Meta(max_length=MAX_SURNAME)]
Rationale = Annotated[str, msgspec.Meta(max_length=MAX_RATIONALE)]


class HolderInput(msgspec.Struct, kw_only=True):
    """The holder's details a status check asks for, and Update Service membership."""

    update_service: bool = False
    update_service_joined_on: date | None = None
    holder_surname: Surname = ""
    holder_birth_date: date | None = None


class CertificateInput(HolderInput, kw_only=True):
    """A certificate the PA already holds, as staff record it."""

    certificate_number: Annotated[str, msgspec.Meta(max_length=40)]
    issued_on: date
    level: Level
    barred_lists: BarredLists = "none"
    workforce: Workforce
    certificate_result: CertificateResult


class DecisionInput(msgspec.Struct, kw_only=True):
    decision: Decision
    rationale: Rationale = ""


class ConsentInput(msgspec.Struct, kw_only=True):
    consent_on: date


class OriginalSeenInput(msgspec.Struct, kw_only=True):
    original_seen_on: date


class StatusCheckInput(msgspec.Struct, kw_only=True):
    checked_on: date
    result: StatusResult


class ApplicationInput(msgspec.Struct, kw_only=True):
    """A new application; blank barred lists follow the level (enhanced: the adults' list)."""

    route: Route
    level: Level = "enhanced"
    barred_lists: BarredLists | None = None
    workforce: Workforce = "adult"
    requested_on: date | None = None


class StepInput(msgspec.Struct, kw_only=True):
    """The next step's date (named as the step: id_verified_on, submitted_on, issued_on,
    seen_on or decided_on) and what that step needs; the service says what is missing."""

    id_verified_on: date | None = None
    id_documents: str = ""
    submitted_on: date | None = None
    umbrella_reference: str = ""
    issued_on: date | None = None
    certificate_number: str = ""
    certificate_result: CertificateResult | None = None
    workforce: Workforce | None = None  # None: the workforce the application was for
    update_service: bool = False
    update_service_joined_on: date | None = None
    holder_surname: Surname = ""
    holder_birth_date: date | None = None
    seen_on: date | None = None
    decided_on: date | None = None
    decision: Decision | None = None
    rationale: Rationale = ""


class WithdrawInput(msgspec.Struct, kw_only=True):
    withdrawn_reason: str


class FeeInput(msgspec.Struct, kw_only=True):
    code: str
    amount_pence: Annotated[int, msgspec.Meta(ge=0)]
    note: str = ""


class FeesInput(msgspec.Struct, kw_only=True):
    """Every fee at once (all or nothing)."""

    fees: list[FeeInput]


# The label dicts the pages show are keyed by exactly the codes the Structs accept.
assert set(get_args(Level)) == set(rules.LEVELS)
assert set(get_args(BarredLists)) == set(rules.BARRED_LISTS)
assert set(get_args(Workforce)) == set(rules.WORKFORCES)
assert set(get_args(CertificateResult)) == set(rules.CERTIFICATE_RESULTS)
assert set(get_args(Decision)) == set(rules.DECISIONS) - {"pending"}
assert set(get_args(StatusResult)) == set(rules.STATUS_RESULTS)
assert set(get_args(Route)) == set(rules.ROUTES)
