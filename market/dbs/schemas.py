"""What the DBS pages and API send out. Three audiences, three shapes:
staff (``StaffRecordOut``), the PA themselves (``OwnDBSOut``), everyone else (a badge)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class StatusCheckOut(msgspec.Struct, kw_only=True):
    checked_on: date
    result: str
    result_text: str
    checked_by: str


class StaffCheckOut(msgspec.Struct, kw_only=True):
    """Everything recorded about a certificate; the rationale only for the DBS permission."""

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
    holder_birth_date: date | None
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
