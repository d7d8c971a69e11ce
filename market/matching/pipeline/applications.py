"""The recruitment pipeline: shortlist → invite → the PA accepts or declines → interview
(``interviews.py``) → offer → appointed → started (``appointments.py``); the need's side may
withdraw or reject at any open step, and the PA may withdraw, with a reason.

Every stage change is made under the application's version (optimistic locking): a change
made against an older version raises Conflict and writes nothing. Each change writes a
StageChange row (the dated history) and an audit event in the same transaction.

Privacy: the PA's view of a need (and the invitation email) holds only its title,
description, district, hours and times: never the recipient's name or the postcode.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import london_today, utcnow
from market.db import for_update, write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.mail import services as mail
from market.matching.needs import changes as need_changes
from market.matching.needs import times
from market.matching.needs.lifecycle import get_need
from market.matching.needs.schemas import CoverDateOut, SlotOut
from market.matching.needs.versions import need_row
from market.matching.pipeline import outcomes
from market.matching.tables import Application, Need, StageChange
from market.register import directory

STAGES = {
    "shortlisted": "Shortlisted",
    "invited": "Invited",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "rejected": "Not taken forward",
    "interview": "Interview booked",
    "offered": "Offered",
    "appointed": "Appointed",
    "started": "Started",
}
OPEN_STAGES = ("shortlisted", "invited", "accepted", "interview", "offered", "appointed")
# Stages at which the PA has agreed to an interview: the need's side may now see how to
# contact them (their email), and they may withdraw.
AGREED_STAGES = ("accepted", "interview", "offered", "appointed")

STALE = (
    "This was changed by someone else while you were looking at it. "
    "The page now shows the latest state: check it and try again."
)


class StageChangeOut(msgspec.Struct, kw_only=True):
    from_stage: str
    to_stage: str
    reason: str
    actor_id: int | None
    at: datetime


class ApplicationOut(msgspec.Struct, kw_only=True):
    """An application as the need's side sees it."""

    id: int
    need_id: int
    profile_id: int
    pa_name: str
    district: str
    stage: str
    stage_text: str
    version: int
    created_at: datetime
    history: list[StageChangeOut]


class InvitationOut(msgspec.Struct, kw_only=True):
    """A need as an invited PA sees it: no recipient name, no postcode."""

    id: int
    need_id: int
    profile_id: int
    stage: str
    stage_text: str
    version: int
    title: str
    description: str
    district: str
    hours_per_week: float | None
    slot_hours: float
    slots: list[SlotOut]
    cover_dates: list[CoverDateOut]


async def _history(application_id: int) -> list[StageChangeOut]:
    rows = (
        await StageChange.select().where(StageChange.application == application_id).order_by(StageChange.id)
    )
    return [
        StageChangeOut(
            from_stage=r["from_stage"],
            to_stage=r["to_stage"],
            reason=r["reason"],
            actor_id=r["actor_id"],
            at=r["at"],
        )
        for r in rows
    ]


async def _application_out(row: dict[str, Any]) -> ApplicationOut:
    profile = (await directory.names([row["profile"]])).get(row["profile"])
    return ApplicationOut(
        id=row["id"],
        need_id=row["need"],
        profile_id=row["profile"],
        pa_name=profile.display_name if profile else "",
        district=profile.district if profile else "",
        stage=row["stage"],
        stage_text=STAGES.get(row["stage"], row["stage"]),
        version=row["version"],
        created_at=row["created_at"],
        history=await _history(row["id"]),
    )


async def list_applications(user: CurrentUser, need_id: int) -> list[ApplicationOut]:
    """A need's shortlist and everyone taken further, oldest first (404 if not the user's)."""
    await need_row(user, need_id)
    rows = await Application.select().where(Application.need == need_id).order_by(Application.id)
    return [await _application_out(r) for r in rows]


async def get_application(user: CurrentUser, need_id: int, application_id: int) -> ApplicationOut:
    """One application of a need the user acts for (404 otherwise)."""
    await need_row(user, need_id)
    row = (
        await Application.select()
        .where(Application.id == application_id, Application.need == need_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return await _application_out(row)


async def shortlisted_profiles(user: CurrentUser, need_id: int) -> set[int]:
    await need_row(user, need_id)
    rows = await Application.select(Application.profile).where(Application.need == need_id)
    return {r["profile"] for r in rows}


async def move(
    actor: CurrentUser,
    application_id: int,
    version: int | None,
    to_stage: str,
    allowed_from: tuple[str, ...],
    reason: str = "",
    also: Callable[[dict[str, Any]], Awaitable[Any]] | None = None,
) -> int:
    """Move an application to ``to_stage`` if it is still at ``version``; the new version.
    ``also`` runs in the same transaction with the row as it was (e.g. to send an email).
    ``to_stage`` may equal the current stage (a change within a stage, such as a
    rescheduled interview, still bumps the version and is kept in the history)."""
    async with write_transaction():
        current = await for_update(Application.select().where(Application.id == application_id)).first()
        if current is None:
            raise NotFound()
        if version is None or current["version"] != version:
            raise Conflict(STALE)
        if current["stage"] not in allowed_from:
            raise Conflict(
                f"This is {STAGES[current['stage']].lower()}, so it cannot be moved to "
                f"{STAGES[to_stage].lower()}. The page now shows the latest state."
            )
        new_version = current["version"] + 1
        await Application.update(
            {Application.stage: to_stage, Application.version: new_version, Application.updated_at: utcnow()}
        ).where(Application.id == application_id)
        await StageChange.insert(
            StageChange(
                application=application_id,
                from_stage=current["stage"],
                to_stage=to_stage,
                reason=reason,
                actor_id=actor.id,
            )
        )
        if to_stage != current["stage"]:  # a step, not a change within one: learn from it
            await outcomes.record_snapshot(
                application_id, current["need"], current["profile"], to_stage, london_today()
            )
        if also is not None:
            await also(current)
        await audit.record(
            f"application.{to_stage}",
            actor=actor,
            subject_type="application",
            subject_id=application_id,
            detail={"need": current["need"], "from": current["stage"], "to": to_stage, "reason": reason},
        )
    return new_version


async def need_side_row(user: CurrentUser, application_id: int) -> dict[str, Any]:
    row = await Application.select().where(Application.id == application_id).first()
    if row is None:
        raise NotFound()
    await need_row(user, row["need"])  # NotFound unless the user acts for the need
    return row


async def shortlist(user: CurrentUser, need_id: int, profile_id: int) -> int:
    """Put an approved PA on a need's shortlist; the application's id (the existing one if
    the PA is already on it)."""
    await get_need(user, need_id)
    if await directory.profile_status(profile_id) != "approved":
        raise Invalid({"profile": "Only PAs approved onto the register can be shortlisted"})
    async with write_transaction():
        # One application per (need, PA), held by a unique index: a second shortlisting, even
        # one sent at the same moment, inserts nothing and answers the existing application.
        rows = (
            await Application.insert(
                Application(
                    need=need_id, profile=profile_id, stage="shortlisted", version=1, created_by=user.id
                )
            )
            .on_conflict(target=(Application.need, Application.profile), action="DO NOTHING")
            .returning(Application.id)
        )
        if not rows:
            existing = (
                await Application.select(Application.id)
                .where(Application.need == need_id, Application.profile == profile_id)
                .first()
            )
            assert existing is not None  # the row the unique index kept this insert from repeating
            return existing["id"]
        application_id = rows[0]["id"]
        await StageChange.insert(
            StageChange(application=application_id, from_stage="", to_stage="shortlisted", actor_id=user.id)
        )
        await outcomes.record_snapshot(application_id, need_id, profile_id, "shortlisted", london_today())
        await audit.record(
            "application.shortlisted",
            actor=user,
            subject_type="application",
            subject_id=application_id,
            detail={"need": need_id, "profile": profile_id},
        )
    return application_id


def invitation_email(invitation: InvitationOut, link: str) -> tuple[str, str]:
    """The invitation's subject and text: only what a PA may see before they accept."""
    lines = [
        "You have been invited to consider some PA work.",
        "",
        f"Title: {invitation.title}",
        f"Area: {invitation.district}",
    ]
    hours = invitation.hours_per_week or invitation.slot_hours
    if hours:
        lines.append(f"Hours: {hours:g} a week")
    when = [s.label for s in invitation.slots] + [c.label for c in invitation.cover_dates]
    if when:
        lines += ["When:", *[f"  {w}" for w in when if w]]
    if invitation.description:
        lines += ["", invitation.description]
    lines += ["", "Read it and accept or decline here:", link]
    return f"Invitation: {invitation.title}", "\n".join(lines)


async def _invitation_out(row: dict[str, Any]) -> InvitationOut:
    need = (
        await Need.select(Need.id, Need.title, Need.description, Need.district, Need.hours_per_week)
        .where(Need.id == row["need"])
        .first()
    )
    if need is None:
        raise NotFound()
    slots = await times.slots_of(need["id"])
    return InvitationOut(
        id=row["id"],
        need_id=row["need"],
        profile_id=row["profile"],
        stage=row["stage"],
        stage_text=STAGES.get(row["stage"], row["stage"]),
        version=row["version"],
        title=need["title"],
        description=need["description"],
        district=need["district"],
        hours_per_week=need["hours_per_week"],
        slot_hours=times.weekly_hours(slots),
        slots=slots,
        cover_dates=await times.cover_dates_of(need["id"]),
    )


async def invite(user: CurrentUser, application_id: int, version: int | None, *, base_url: str = "") -> int:
    """Invite a shortlisted PA: they are emailed a link to the invitation."""
    await need_side_row(user, application_id)

    async def tell_the_pa(current: dict[str, Any]) -> None:
        email = await pa_email(current["profile"])
        invitation = await _invitation_out(current)
        subject, body = invitation_email(invitation, f"{base_url.rstrip('/')}/invitations/{application_id}")
        await mail.queue(email, subject, body, kind="invitation")

    return await move(user, application_id, version, "invited", ("shortlisted",), also=tell_the_pa)


async def _reopen(current: dict[str, Any]) -> None:
    """Stopping an appointment reopens the need it filled."""
    if current["stage"] == "appointed":
        await Need.update({Need.status: "open", Need.filled_at: None, Need.version: Need.version + 1}).where(
            Need.id == current["need"], Need.status == "filled"
        )
        await need_changes.touch(current["need"])  # open again: work near you lists it


async def pa_email(profile_id: int) -> str:
    """The email address of an application's PA (an application's profile always exists)."""
    pa = await directory.contact(profile_id)
    if pa is None:
        raise NotFound()
    return pa.email


async def email_pa(application: dict[str, Any], subject: str, lines: list[str]) -> None:
    """Email the application's PA (the need's title ends the subject): the caller says only
    what a PA may see."""
    email = await pa_email(application["profile"])
    need = await Need.select(Need.title).where(Need.id == application["need"]).first()
    if need is None:
        raise NotFound()
    await mail.queue(email, f"{subject}: {need['title']}"[:200], "\n".join(lines), kind="pipeline")


async def _stopped(current: dict[str, Any]) -> None:
    """The need's side stopped: a PA who was told of the need is told it is not going ahead."""
    if current["stage"] != "shortlisted":
        await email_pa(
            current,
            "Not going ahead",
            [
                "Thank you for your interest. The person you were talking to is not going ahead with you for this work."
            ],
        )
    await _reopen(current)


async def withdraw(user: CurrentUser, application_id: int, version: int | None, reason: str) -> int:
    """The need's side stops the process with this PA (e.g. the need changed)."""
    await need_side_row(user, application_id)
    return await move(
        user, application_id, version, "withdrawn", OPEN_STAGES, reason.strip()[:2000], also=_stopped
    )


async def reject(user: CurrentUser, application_id: int, version: int | None, reason: str) -> int:
    """The need's side does not take this PA forward."""
    await need_side_row(user, application_id)
    return await move(
        user, application_id, version, "rejected", OPEN_STAGES, reason.strip()[:2000], also=_stopped
    )


async def pa_withdraw(pa_user: CurrentUser, application_id: int, version: int | None, reason: str) -> int:
    """The PA steps back after accepting (at any stage until they start)."""
    await pa_row(pa_user, application_id)
    reason = " ".join(reason.split())[:2000] or "The PA withdrew"
    return await move(pa_user, application_id, version, "withdrawn", AGREED_STAGES, reason, also=_reopen)


async def pa_row(pa_user: CurrentUser, application_id: int) -> dict[str, Any]:
    """The application if it is an invitation to ``pa_user``; NotFound otherwise (including
    when they were only shortlisted: they have not been told of the need)."""
    row = (
        await Application.select(*Application.all_columns(), Application.profile.user)
        .where(Application.id == application_id)
        .first()
    )
    if row is None or row["profile.user"] != pa_user.id or row["stage"] == "shortlisted":
        raise NotFound()
    return row


async def respond(
    pa_user: CurrentUser, application_id: int, accept: bool, version: int | None, reason: str = ""
) -> int:
    """The invited PA accepts or declines (with an optional reason)."""
    await pa_row(pa_user, application_id)
    target = "accepted" if accept else "declined"
    return await move(pa_user, application_id, version, target, ("invited",), reason.strip()[:2000])


async def get_invitation(pa_user: CurrentUser, application_id: int) -> InvitationOut:
    return await _invitation_out(await pa_row(pa_user, application_id))


async def list_invitations(pa_user: CurrentUser) -> list[InvitationOut]:
    rows = (
        await Application.select()
        .where(Application.profile.user == pa_user.id, Application.stage != "shortlisted")
        .order_by(Application.id, ascending=False)
    )
    return [await _invitation_out(r) for r in rows]
