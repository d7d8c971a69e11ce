"""Offer → appointed → started, and the safe-recruitment checklist between the last two.

The need's side offers terms (start date, hours a week, hourly rate) after an interview; the
PA accepts (appointed: the need is filled and everyone else still in its pipeline is told it
has gone) or declines. Nobody is marked as started until every check on the list is done;
staff may override one item, and must say why. A PA appointed elsewhere to hours that overlap
gets a warning, and so does the need's side (without being told anything about the other job).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.clock import london_today, utcnow
from market.dates import long_date
from market.dbs.standing import checks_with_facts
from market.errors import Conflict, Invalid, NotFound
from market.matching.needs import changes as need_changes
from market.matching.needs import times
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline.overlaps import overlapping_labels
from market.matching.pipeline.schemas import CheckInput, OfferInput
from market.matching.tables import Application, Appointment, ChecklistItem, Need

CHECKS = {
    "identity": "Identity checked",
    "right_to_work": "Right to work in the UK checked",
    "reference_1": "First reference received and checked",
    "reference_2": "Second reference received and checked",
    "dbs_seen": "DBS certificate seen",
    "update_service": "DBS Update Service status checked",
    "contract": "Written contract of employment signed",
    "insurance": "Employer's liability insurance in place",
}
MAX_OVERRIDES = 1
OFFERABLE_FROM = ("interview",)


class CheckOut(msgspec.Struct, kw_only=True):
    item: str
    text: str
    needed: bool
    done: bool
    done_on: date | None = None
    note: str = ""
    overridden: bool = False
    override_reason: str = ""


class AppointmentOut(msgspec.Struct, kw_only=True):
    id: int
    application_id: int
    start_date: date
    hours_per_week: float
    rate_pence: int
    notes: str
    appointed: bool
    started: bool
    checks: list[CheckOut]
    complete: bool
    overrides_left: int
    keep_need_open: bool | None = None  # for an offer of part of the need's hours


def offer_problems(data: OfferInput, today: date) -> dict[str, str]:
    """What is wrong with an offer's terms, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    if data.start_date is None:
        errors["start_date"] = "Enter the start date"
    elif data.start_date < today:
        errors["start_date"] = "The start date must be today or later"
    if data.hours_per_week is None:
        errors["hours_per_week"] = "Enter the hours a week"
    elif not 0.25 <= data.hours_per_week <= 84:
        errors["hours_per_week"] = "Hours a week must be between 0.25 and 84"
    if data.rate_pence is None:
        errors["rate"] = "Enter the hourly rate"
    elif not 100 <= data.rate_pence <= 10_000:
        errors["rate"] = "The hourly rate must be between £1 and £100"
    return errors


class _Terms(msgspec.Struct, frozen=True, kw_only=True):
    start_date: date
    hours_per_week: float
    rate_pence: int
    notes: str


def _terms(data: OfferInput) -> _Terms:
    """The offer as it is written, or Invalid naming every problem."""
    errors = offer_problems(data, london_today())
    if errors or data.start_date is None or data.hours_per_week is None or data.rate_pence is None:
        raise Invalid(errors)
    return _Terms(
        start_date=data.start_date,
        hours_per_week=data.hours_per_week,
        rate_pence=data.rate_pence,
        notes=data.notes.strip()[:2000],
    )


# -- reading ----------------------------------------------------------------------------------------


async def _subscribed(profile_id: int) -> bool:
    """Whether the PA's DBS certificate is on the Update Service (then it must be checked)."""
    return any(facts.update_service for _, facts in await checks_with_facts([profile_id]))


async def appointment_of(application_id: int) -> AppointmentOut | None:
    row = await Appointment.select().where(Appointment.application == application_id).first()
    if row is None:
        return None
    app = await Application.select(Application.profile).where(Application.id == application_id).first()
    if app is None:
        raise NotFound()
    subscribed = await _subscribed(app["profile"])
    done = {r["item"]: r for r in await ChecklistItem.select().where(ChecklistItem.appointment == row["id"])}
    checks = []
    for item, text in CHECKS.items():
        record = done.get(item)
        checks.append(
            CheckOut(
                item=item,
                text=text,
                needed=item != "update_service" or subscribed,
                done=record is not None,
                done_on=record["done_on"] if record else None,
                note=record["note"] if record else "",
                overridden=bool(record and record["overridden"]),
                override_reason=record["override_reason"] if record else "",
            )
        )
    overrides = sum(c.overridden for c in checks)
    return AppointmentOut(
        id=row["id"],
        application_id=application_id,
        start_date=row["start_date"],
        hours_per_week=row["hours_per_week"],
        rate_pence=row["rate_pence"],
        notes=row["notes"],
        appointed=row["appointed_at"] is not None,
        started=row["started_at"] is not None,
        checks=checks,
        complete=all(c.done for c in checks if c.needed),
        overrides_left=max(0, MAX_OVERRIDES - overrides),
        keep_need_open=row["keep_need_open"],
    )


# -- the changes ------------------------------------------------------------------------------------


async def offer(
    user: CurrentUser, application_id: int, version: int | None, data: OfferInput, *, base_url: str = ""
) -> int:
    application = await pipeline.need_side_row(user, application_id)
    values = _terms(data)
    keep_open = await _keep_open(application["need"], values.hours_per_week, data.keep_need_open)

    async def write(current: dict[str, Any]) -> None:
        await Appointment.delete().where(
            Appointment.application == application_id
        )  # a new offer replaces one declined
        await Appointment.insert(
            Appointment(
                application=application_id,
                start_date=values.start_date,
                hours_per_week=values.hours_per_week,
                rate_pence=values.rate_pence,
                notes=values.notes,
                keep_need_open=keep_open,
            )
        )
        clashes = await overlapping_labels(current["need"], current["profile"])
        lines = [
            "You have been offered the work.",
            "",
            f"Start: {long_date(values.start_date)}",
            f"Hours: {values.hours_per_week:g} a week",
            f"Rate: £{values.rate_pence / 100:.2f} an hour",
        ]
        if clashes:
            lines += [
                "",
                "Warning: you are already appointed elsewhere to hours that overlap: " + "; ".join(clashes),
            ]
        lines += ["", "Accept or decline it here:", f"{base_url.rstrip('/')}/invitations/{application_id}"]
        await pipeline.email_pa(current, "An offer", lines)

    return await pipeline.move(
        user,
        application_id,
        version,
        "offered",
        OFFERABLE_FROM,
        f"Offered from {long_date(values.start_date)}, {values.hours_per_week:g} hours a week at £{values.rate_pence / 100:.2f}",
        also=write,
    )


async def need_hours(need_id: int) -> float | None:
    """The hours a week the need asks for: as written, or else its weekly slots' total."""
    row = await Need.select(Need.hours_per_week).where(Need.id == need_id).first()
    if row is None:
        raise NotFound()
    if row["hours_per_week"]:
        return float(row["hours_per_week"])
    return sum(s.hours for s in await times.slots_of(need_id)) or None


async def _keep_open(need_id: int, hours: float, answer: bool | None) -> bool | None:
    """For an offer of part of the need's hours, the need's side's answer to whether the
    need stays open for the rest (Invalid when they have not given one); None otherwise."""
    wanted = await need_hours(need_id)
    if wanted is None or hours >= wanted:
        return None
    if answer is None:
        raise Invalid(
            {
                "keep_need_open": f"The need is for {wanted:g} hours a week and this offer is for "
                f"{hours:g}: say whether to keep the need open for the other {wanted - hours:g} hours"
            }
        )
    return answer


async def _appoint(actor: CurrentUser, application_id: int, version: int | None, reason: str) -> int:
    # No offer at all is the move's Conflict (only an offer can be accepted), not a 404.
    terms = await Appointment.select().where(Appointment.application == application_id).first() or {}
    keep_open = bool(terms.get("keep_need_open"))

    async def write(current: dict[str, Any]) -> None:
        now = utcnow()
        await Appointment.update({Appointment.appointed_at: now}).where(
            Appointment.application == application_id
        )
        if keep_open:
            return  # the need's side asked for the rest of the hours to stay open
        await Need.update({Need.status: "filled", Need.filled_at: now, Need.version: Need.version + 1}).where(
            Need.id == current["need"], Need.status.is_in(["open", "paused"])
        )
        await need_changes.touch(current["need"])  # filled: off work near you

    if keep_open:
        reason += f" (for {terms['hours_per_week']:g} hours a week; the need stays open for the rest)"
    version = await pipeline.move(
        actor, application_id, version, "appointed", ("offered",), reason, also=write
    )
    if not keep_open:
        await _close_the_rest(actor, application_id)
    return version


async def _close_the_rest(actor: CurrentUser, application_id: int) -> None:
    """Once someone is appointed, everyone else still in the need's pipeline is withdrawn, and
    those who were told of it are told it has gone."""
    row = await Application.select(Application.need).where(Application.id == application_id).first()
    if row is None:
        raise NotFound()
    others = await Application.select().where(
        Application.need == row["need"],
        Application.id != application_id,
        Application.stage.is_in(["shortlisted", "invited", "accepted", "interview", "offered"]),
    )

    async def tell(current: dict[str, Any]) -> None:
        if current["stage"] != "shortlisted":
            await pipeline.email_pa(
                current, "No longer needed", ["Thank you for your interest: someone else has been appointed."]
            )

    for other in others:
        try:
            await pipeline.move(
                actor,
                other["id"],
                other["version"],
                "withdrawn",
                (other["stage"],),
                "Someone else was appointed",
                also=tell,
            )
        except Conflict:
            continue  # changed meanwhile: it shows on the need's page for someone to decide


async def accept_offer(pa_user: CurrentUser, application_id: int, version: int | None) -> int:
    await pipeline.pa_row(pa_user, application_id)
    return await _appoint(pa_user, application_id, version, "The PA accepted the offer")


async def decline_offer(pa_user: CurrentUser, application_id: int, version: int | None, reason: str) -> int:
    await pipeline.pa_row(pa_user, application_id)
    return await pipeline.move(
        pa_user,
        application_id,
        version,
        "declined",
        ("offered",),
        " ".join(reason.split())[:2000] or "Offer declined",
    )


async def record_acceptance(user: CurrentUser, application_id: int, version: int | None) -> int:
    """The need's side records that the PA accepted (e.g. on the phone)."""
    await pipeline.need_side_row(user, application_id)
    return await _appoint(user, application_id, version, "Recorded that the PA accepted the offer")


async def _appointment_row(application_id: int) -> dict[str, Any]:
    row = await Appointment.select().where(Appointment.application == application_id).first()
    if row is None:
        raise NotFound()
    return row


async def tick(
    user: CurrentUser, application_id: int, version: int | None, item: str, data: CheckInput, today: date
) -> int:
    """Record one check as done, on a date, with an optional note."""
    await pipeline.need_side_row(user, application_id)
    if item not in CHECKS:
        raise NotFound()
    appointment = await _appointment_row(application_id)
    if data.done_on is None:
        raise Invalid({f"{item}_on": "Enter the date it was checked"})
    if data.done_on > today:
        raise Invalid({f"{item}_on": "The date it was checked must be today or in the past"})
    note = data.note.strip()[:1000]
    return await _write_check(user, application_id, version, appointment["id"], item, data.done_on, note, "")


async def override(
    user: CurrentUser, application_id: int, version: int | None, item: str, reason: str
) -> int:
    """Staff only: accept one check as met without it, with the reason recorded."""
    if user.role not in ("staff", "admin"):
        raise NotFound()
    await pipeline.need_side_row(user, application_id)
    if item not in CHECKS:
        raise NotFound()
    reason = " ".join(reason.split())[:1000]
    if not reason:
        raise Invalid({f"{item}_reason": "Say why this check can be overridden"})
    appointment = await appointment_of(application_id)
    if appointment is None:
        raise NotFound()
    if appointment.overrides_left <= 0:
        raise Invalid({f"{item}_reason": "Only one check can be overridden: one already is"})
    return await _write_check(user, application_id, version, appointment.id, item, None, "", reason)


async def _write_check(
    user: CurrentUser,
    application_id: int,
    version: int | None,
    appointment_id: int,
    item: str,
    done_on: date | None,
    note: str,
    override_reason: str,
) -> int:
    async def write(current: dict[str, Any]) -> None:
        await ChecklistItem.delete().where(
            ChecklistItem.appointment == appointment_id, ChecklistItem.item == item
        )
        await ChecklistItem.insert(
            ChecklistItem(
                appointment=appointment_id,
                item=item,
                done_on=done_on,
                note=note,
                overridden=bool(override_reason),
                override_reason=override_reason,
                actor_id=user.id,
            )
        )

    what = f"{CHECKS[item]}: overridden ({override_reason})" if override_reason else f"{CHECKS[item]}"
    return await pipeline.move(user, application_id, version, "appointed", ("appointed",), what, also=write)
