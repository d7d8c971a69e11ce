"""Vetting onto the register: the PA submits; staff record their checks and decide.

Statuses: draft -> submitted -> approved | changes_requested | declined;
approved <-> suspended. Every move is kept in StatusChange, audit-logged, and the PA
is told by email.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from market.accounts import directory as account_directory
from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.dates import add_months
from market.db import for_update, write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.mail import services as mail
from market.register import changes
from market.register import services as profiles
from market.register.schemas import ReferenceInput
from market.register.tables import PAProfile, Reference, StatusChange, VettingCheck
from market.settings import Settings

CHECK_KINDS = {
    "identity": "Identity documents seen",
    "right_to_work": "Right to work in the UK confirmed",
    "interview": "Interview held",
}
CHECK_OUTCOMES = {"satisfactory": "Satisfactory", "not_satisfactory": "Not satisfactory"}
REFERENCE_OUTCOMES = {"awaiting": "Awaiting reply", **CHECK_OUTCOMES}
REFERENCES_NEEDED = 2
STATUS_NAMES = {
    "draft": "Not yet submitted",
    "submitted": "Waiting for checks",
    "changes_requested": "Changes asked for",
    "approved": "On the register",
    "suspended": "Suspended",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


class CheckRow(msgspec.Struct, kw_only=True):
    kind: str
    outcome: str
    note: str
    checked_by: str
    checked_at: Any


class ReferenceRow(msgspec.Struct, kw_only=True):
    id: int
    referee_name: str
    relationship: str
    contact: str
    outcome: str
    received_on: date | None


class HistoryRow(msgspec.Struct, kw_only=True):
    from_status: str
    to_status: str
    reason: str
    changed_by: str
    changed_at: Any


class VettingState(msgspec.Struct, kw_only=True):
    """What staff see about one PA's vetting, and what still stands before approval."""

    profile_id: int
    status: str
    checks: dict[str, CheckRow]
    references: list[ReferenceRow]
    history: list[HistoryRow]
    outstanding: list[str]


async def _emails(ids: set[int]) -> dict[int, str]:
    """Who recorded each check or decision; staff who have since left are still named."""
    return await account_directory.emails(ids, active_only=False)


async def _profile(profile_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = PAProfile.select().where(PAProfile.id == profile_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound()
    return row


async def state(profile_id: int) -> VettingState:
    row = await _profile(profile_id)
    checks = await VettingCheck.select().where(VettingCheck.profile == profile_id).order_by(VettingCheck.id)
    references = await Reference.select().where(Reference.profile == profile_id).order_by(Reference.id)
    history = (
        await StatusChange.select()
        .where(StatusChange.profile == profile_id)
        .order_by(StatusChange.id, ascending=False)
    )
    emails = await _emails(
        {c["checked_by"] for c in checks} | {h["changed_by"] for h in history if h["changed_by"]}
    )
    latest = {c["kind"]: c for c in checks}  # the newest record of each kind counts
    outstanding = [
        f"{name}: not yet satisfactory"
        for kind, name in CHECK_KINDS.items()
        if latest.get(kind, {}).get("outcome") != "satisfactory"
    ]
    good_refs = sum(1 for r in references if r["outcome"] == "satisfactory")
    if good_refs < REFERENCES_NEEDED:
        outstanding.append(f"References: {good_refs} of {REFERENCES_NEEDED} satisfactory")
    return VettingState(
        profile_id=profile_id,
        status=row["status"],
        checks={
            k: CheckRow(
                kind=k,
                outcome=c["outcome"],
                note=c["note"],
                checked_by=emails.get(c["checked_by"], ""),
                checked_at=c["checked_at"],
            )
            for k, c in latest.items()
        },
        references=[
            ReferenceRow(
                id=r["id"],
                referee_name=r["referee_name"],
                relationship=r["relationship"],
                contact=r["contact"],
                outcome=r["outcome"],
                received_on=r["received_on"],
            )
            for r in references
        ],
        history=[
            HistoryRow(
                from_status=h["from_status"],
                to_status=h["to_status"],
                reason=h["reason"],
                changed_by=emails.get(h["changed_by"] or 0, "the PA"),
                changed_at=h["changed_at"],
            )
            for h in history
        ],
        outstanding=outstanding,
    )


async def _move(
    row: dict[str, Any], to_status: str, *, actor: CurrentUser, reason: str = "", values: dict | None = None
) -> None:
    """Change status with its history row and audit event (inside the caller's transaction)."""
    await PAProfile.update(
        {
            PAProfile.status: to_status,
            PAProfile.status_reason: reason,
            PAProfile.updated_at: utcnow(),
            **(values or {}),
        }
    ).where(PAProfile.id == row["id"])
    await changes.touch(row["id"])
    await StatusChange.insert(
        StatusChange(
            profile=row["id"],
            from_status=row["status"],
            to_status=to_status,
            reason=reason,
            changed_by=actor.id if actor.role != "pa" else None,
        )
    )
    await audit.record(
        f"profile.{to_status}",
        actor=actor,
        subject_type="pa_profile",
        subject_id=row["id"],
        detail={"from": row["status"], "reason": reason} if reason else {"from": row["status"]},
    )


async def _tell_pa(settings: Settings, row: dict[str, Any], subject: str, body: str) -> None:
    user = await accounts.get_user(row["user"])
    await mail.queue(
        user.email,
        subject,
        f"Hello {user.display_name},\n\n{body}\n\nSign in to see your profile: {settings.base_url}/profile\n",
        kind="vetting",
    )


async def submit(user: CurrentUser) -> None:
    """The PA sends a complete profile to staff for checking."""
    own = await profiles.own_profile(user)
    missing = [item.title for item in own.checklist if not item.done]
    if missing:
        raise Invalid({"profile": f"Complete these sections first: {', '.join(missing)}"})
    async with write_transaction():
        row = await _profile(own.id, lock=True)
        if row["status"] not in ("draft", "changes_requested"):
            raise Conflict("Your profile has already been sent to our team")
        await _move(row, "submitted", actor=user, values={PAProfile.submitted_at: utcnow()})


def _need(text: str, field: str, label: str, limit: int = 2000) -> str:
    text = text.strip()
    if not text:
        raise Invalid({field: f"Enter {label}"})
    if len(text) > limit:
        raise Invalid({field: f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"})
    return text


async def record_check(profile_id: int, kind: str, outcome: str, note: str, *, actor: CurrentUser) -> None:
    errors = {}
    if kind not in CHECK_KINDS:
        errors["kind"] = "Select which check you made"
    if outcome not in CHECK_OUTCOMES:
        errors["outcome"] = "Select the outcome"
    if len(note) > 2000:
        errors["note"] = "The note must be 2,000 characters or fewer"
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        row = await _profile(profile_id, lock=True)
        await VettingCheck.insert(
            VettingCheck(
                profile=profile_id, kind=kind, outcome=outcome, note=note.strip(), checked_by=actor.id
            )
        )
        if kind == "right_to_work":
            confirmed = outcome == "satisfactory"
            await PAProfile.update(
                {
                    PAProfile.right_to_work_confirmed_at: utcnow() if confirmed else None,
                    PAProfile.right_to_work_confirmed_by: actor.id if confirmed else None,
                }
            ).where(PAProfile.id == row["id"])
            await changes.touch(row["id"])  # results pages show it (search.listing.SHOWN)
        await audit.record(
            "vetting.check_recorded",
            actor=actor,
            subject_type="pa_profile",
            subject_id=profile_id,
            detail={"kind": kind, "outcome": outcome},
        )


async def add_reference(profile_id: int, data: ReferenceInput, *, actor: CurrentUser) -> None:
    errors = {}
    values = {}
    for field, label, limit in (
        ("referee_name", "the referee's name", 120),
        ("relationship", "how the referee knows the PA", 120),
        ("contact", "the referee's email address or phone number", 200),
    ):
        try:
            values[field] = _need(getattr(data, field), field, label, limit)
        except Invalid as invalid:
            errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    async with write_transaction():
        await _profile(profile_id, lock=True)
        await Reference.insert(
            Reference(
                profile=profile_id,
                recorded_by=actor.id,
                referee_name=values["referee_name"],
                relationship=values["relationship"],
                contact=values["contact"],
            )
        )
        await audit.record(
            "vetting.reference_added",
            actor=actor,
            subject_type="pa_profile",
            subject_id=profile_id,
            detail={"referee": values["referee_name"]},
        )


async def record_reference(profile_id: int, reference_id: int, outcome: str, *, actor: CurrentUser) -> None:
    if outcome not in REFERENCE_OUTCOMES:
        raise Invalid({f"outcome_{reference_id}": "Select the reference's outcome"})
    async with write_transaction():
        owned = await Reference.exists().where(Reference.id == reference_id, Reference.profile == profile_id)
        if not owned:
            raise NotFound()
        await Reference.update(
            {
                Reference.outcome: outcome,
                Reference.received_on: None if outcome == "awaiting" else utcnow().date(),
            }
        ).where(Reference.id == reference_id)
        await audit.record(
            "vetting.reference_recorded",
            actor=actor,
            subject_type="pa_profile",
            subject_id=profile_id,
            detail={"reference": reference_id, "outcome": outcome},
        )


async def decide(
    profile_id: int, decision: str, reason: str, *, actor: CurrentUser, settings: Settings
) -> None:
    """Staff's decision on a submitted profile: approve, ask for changes, or decline."""
    if decision not in ("approve", "changes", "decline"):
        raise Invalid({"decision": "Select a decision"})
    current = await state(profile_id)
    if decision == "approve" and current.outstanding:
        raise Invalid({"decision": "Before approving, record: " + "; ".join(current.outstanding)})
    if decision == "changes":
        reason = _need(reason, "reason", "what the PA needs to change")
    elif decision == "decline":
        reason = _need(reason, "reason", "the reason for declining")
    async with write_transaction():
        row = await _profile(profile_id, lock=True)
        if row["status"] != "submitted":
            raise Conflict("Only a profile waiting for checks can be decided")
        if decision == "approve":
            today = utcnow().date()
            await _move(
                row,
                "approved",
                actor=actor,
                values={
                    PAProfile.approved_at: utcnow(),
                    PAProfile.approved_by: actor.id,
                    PAProfile.review_due_on: add_months(today, settings.review_months),
                },
            )
            await _tell_pa(
                settings,
                row,
                f"You are on the {settings.service_name}",
                "Our team has checked your details: your profile is now on the register, "
                "and people looking for a personal assistant can find you.",
            )
        elif decision == "changes":
            await _move(row, "changes_requested", actor=actor, reason=reason)
            await _tell_pa(
                settings,
                row,
                "Please update your profile",
                f"Our team has looked at your profile and asks you to change something:\n\n{reason}\n\n"
                "Make the change, then send your profile to us again.",
            )
        else:
            await _move(row, "declined", actor=actor, reason=reason)
            await _tell_pa(
                settings,
                row,
                "About your profile",
                f"We are sorry: we cannot list your profile on the register.\n\n{reason}",
            )


async def suspend(profile_id: int, reason: str, *, actor: CurrentUser, settings: Settings) -> None:
    reason = _need(reason, "reason", "the reason for suspending")
    async with write_transaction():
        row = await _profile(profile_id, lock=True)
        if row["status"] != "approved":
            raise Conflict("Only a PA on the register can be suspended")
        await _move(row, "suspended", actor=actor, reason=reason)
        await _tell_pa(
            settings,
            row,
            "Your profile has been suspended",
            f"Your profile is no longer shown to people looking for a PA.\n\n{reason}\n\n"
            "Contact our team if you have questions.",
        )


async def reinstate(profile_id: int, reason: str, *, actor: CurrentUser, settings: Settings) -> None:
    reason = _need(reason, "reason", "why the PA is reinstated")
    async with write_transaction():
        row = await _profile(profile_id, lock=True)
        if row["status"] != "suspended":
            raise Conflict("Only a suspended PA can be reinstated")
        await _move(row, "approved", actor=actor, reason=reason)
        await _tell_pa(
            settings,
            row,
            "Your profile is back on the register",
            "Your profile is shown to people looking for a PA again.",
        )
