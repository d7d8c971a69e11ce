"""Needs: what a recipient asks for, created and changed by the people who act for them
and by staff. Every change bumps the need's version; a change made against an older
version is refused (optimistic locking), and every change is audit-logged.

The postcode is private: NeedOut (with it) goes only to the need's owners and staff.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import json_list, write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.matching.needs import changes as need_changes
from market.matching.needs import reading, recipients, times
from market.matching.needs.checks import NeedValues, need_values, stored_requirement
from market.matching.needs.recipients import is_staff
from market.matching.needs.schemas import (
    EDITABLE,
    STATUSES,
    TRANSITIONS,
    CoverDateOut,
    NeedInput,
    NeedOut,
    NeedSummary,
    ReferralOut,
    SlotOut,
)
from market.matching.needs.versions import STALE, need_row, save
from market.matching.tables import Need, NeedClientGroup, NeedSkill, Recipient
from market.register.availability import Slot
from market.register.details import client_group_list
from market.register.services import skill_list


async def _recipient_row(user: CurrentUser, recipient_id: int) -> dict[str, Any]:
    row = await Recipient.select().where(Recipient.id == recipient_id).first()
    if row is None or not await recipients.can_act_for(user, recipient_id):
        raise NotFound()
    return row


async def get_need(user: CurrentUser, need_id: int) -> NeedOut:
    """The need in full, if ``user`` may act for its person; NotFound otherwise (one query)."""
    return (await get_need_and_row(user, need_id))[0]


async def get_need_and_row(user: CurrentUser, need_id: int) -> tuple[NeedOut, dict[str, Any]]:
    """``get_need``, with the need's row (its position, for the matches: not in NeedOut)."""
    whole = await reading.read_need(user, need_id)
    need = _assemble(
        whole.row,
        whole.skills,
        whole.groups,
        whole.recipient_name,
        whole.slots,
        whole.cover,
        staff=is_staff(user),
    )
    return need, whole.row


async def need_out(row: dict[str, Any], *, staff: bool) -> NeedOut:
    return (await need_outs([row], staff=staff))[0]


async def need_outs(rows: list[dict[str, Any]], *, staff: bool) -> list[NeedOut]:
    """Several needs in full, with five queries whatever their number."""
    ids = [r["id"] for r in rows] or [-1]
    # Many needs of nearly consecutive ids (the needs index's build reads them in id order):
    # their skills, groups and times by id range, not a list of thousands of ids to bind.
    span = (min(ids), max(ids)) if len(ids) > 50 and max(ids) - min(ids) < 2 * len(ids) else None
    skills: dict[int, list[dict[str, Any]]] = {}
    for s in (
        await NeedSkill.select(NeedSkill.need, NeedSkill.skill.code, NeedSkill.required)
        .where(times.of_needs(NeedSkill.need, ids, span))
        .order_by(NeedSkill.skill.position)
    ):
        skills.setdefault(s["need"], []).append(s)
    groups: dict[int, list[str]] = {}
    for g in (
        await NeedClientGroup.select(NeedClientGroup.need, NeedClientGroup.group.code)
        .where(times.of_needs(NeedClientGroup.need, ids, span))
        .order_by(NeedClientGroup.group.position)
    ):
        groups.setdefault(g["need"], []).append(g["group.code"])
    names = {
        r["id"]: r["display_name"]
        for r in await Recipient.select(Recipient.id, Recipient.display_name).where(
            Recipient.id.is_in(sorted({r["recipient"] for r in rows}) or [-1])
        )
    }
    slots = await times.slots_by_need(ids, span)
    cover = await times.cover_dates_by_need(ids, span)

    def assemble() -> list[NeedOut]:
        return [
            _assemble(
                row,
                skills.get(row["id"], []),
                groups.get(row["id"], []),
                names.get(row["recipient"], ""),
                slots.get(row["id"], []),
                cover.get(row["id"], []),
                staff=staff,
            )
            for row in rows
        ]

    # Thousands at once (the needs index's build, in the background while requests are
    # served): built in a thread, so the event loop is not held for the whole batch.
    return await asyncio.to_thread(assemble) if len(rows) > 200 else assemble()


def _assemble(
    row: dict[str, Any],
    skills: list[dict[str, Any]],
    groups: list[str],
    recipient_name: str,
    slots: list[SlotOut],
    cover: list[CoverDateOut],
    *,
    staff: bool,
) -> NeedOut:
    referral = None
    if staff:
        referral = ReferralOut(
            source=row["referral_source"],
            referred_on=row["referred_on"],
            first_contact_on=row["first_contact_on"],
            support_set_up_on=row["support_set_up_on"],
        )
    return NeedOut(
        id=row["id"],
        recipient_id=row["recipient"],
        recipient_name=recipient_name,
        title=row["title"],
        description=row["description"],
        kind=row["kind"],
        postcode=row["postcode"],
        district=row["district"],
        hours_per_week=row["hours_per_week"],
        slot_hours=times.weekly_hours(slots),
        shift_kinds=json_list(row["shift_kinds"]),
        start_date=row["start_date"],
        required_skills=[s["skill.code"] for s in skills if s["required"]],
        preferred_skills=[s["skill.code"] for s in skills if not s["required"]],
        client_groups=groups,
        age_group=row["age_group"],
        languages_required=json_list(row["languages_required"]),
        languages_preferred=json_list(row["languages_preferred"]),
        gender_preference=row["gender_preference"],
        gender_required=row["gender_required"],
        driving=row["driving"],
        pets=row["pets"],
        smoking=row["smoking"],
        personal_care=row["personal_care"],
        max_rate_pence=row["max_rate_pence"],
        rate_firm=row["rate_firm"],
        all_hours=row["all_hours"],
        max_distance_miles=row["max_distance_miles"],
        year_pattern=row["year_pattern"],
        dbs_level=row["dbs_level"],
        dbs_adults_barred=row["dbs_adults_barred"],
        dbs_children_barred=row["dbs_children_barred"],
        dbs_raised=row["dbs_raised"],
        dbs_description=stored_requirement(row).describe(),
        status=row["status"],
        version=row["version"],
        slots=slots,
        cover_dates=cover,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        referral=referral,
    )


async def list_needs(
    user: CurrentUser, *, status: str = "", recipient_id: int | None = None
) -> list[NeedSummary]:
    """The needs ``user`` may act for (all of them for staff), newest change first."""
    query = Need.select(
        Need.id,
        Need.recipient,
        Need.recipient.display_name,
        Need.title,
        Need.kind,
        Need.district,
        Need.status,
        Need.updated_at,
    ).order_by(Need.updated_at, ascending=False)
    where = []
    allowed = await recipients.accessible_ids(user)
    if allowed is not None:
        if not allowed:
            return []
        where.append(Need.recipient.is_in(allowed))
    if status:
        if status not in STATUSES:
            raise Invalid({"status": "Select a status from the list"})
        where.append(Need.status == status)
    if recipient_id is not None:
        where.append(Need.recipient == recipient_id)
    rows = await (query.where(*where) if where else query)
    return [
        NeedSummary(
            id=r["id"],
            recipient_id=r["recipient"],
            recipient_name=r["recipient.display_name"],
            title=r["title"],
            kind=r["kind"],
            district=r["district"],
            status=r["status"],
            updated_at=r["updated_at"],
        )
        for r in rows
    ]


async def _read(
    user: CurrentUser, data: NeedInput, recipient: dict[str, Any], current: dict[str, Any] | None
) -> tuple[NeedValues, list[Slot], list[tuple[date, int, int]]]:
    """Every field and every time checked together, so one answer names every problem."""
    errors: dict[str, str] = {}
    values = None
    try:
        values = await need_values(
            data,
            recipient=recipient,
            skills=await skill_list(),
            groups=await client_group_list(),
            staff=is_staff(user),
            current=current,
        )
    except Invalid as invalid:
        errors |= invalid.errors
    parsed_slots: list[Slot] = []
    parsed_cover: list[tuple[date, int, int]] = []
    try:
        parsed_slots = times.parse_slots(data.slots or [])
    except Invalid as invalid:
        errors |= invalid.errors
    try:
        parsed_cover = times.parse_cover_dates(data.cover_dates or [])
    except Invalid as invalid:
        errors |= invalid.errors
    if errors:
        raise Invalid(errors)
    assert values is not None
    return values, parsed_slots, parsed_cover


async def check_new_need(user: CurrentUser, recipient_id: int, data: NeedInput) -> None:
    """Invalid with every problem ``create_need`` would find; writes nothing."""
    await _read(user, data, await _recipient_row(user, recipient_id), None)


async def check_need_change(user: CurrentUser, need_id: int, data: NeedInput) -> None:
    """Invalid with every problem ``update_need`` would find in the fields; writes nothing."""
    row = await need_row(user, need_id)
    recipient = await Recipient.select().where(Recipient.id == row["recipient"]).first()
    if recipient is None:
        raise NotFound()
    await _read(user, data, recipient, row)


def _children(need_id: int, values: NeedValues) -> list[Any]:
    return [
        *[
            NeedSkill(need=need_id, skill=skill, required=required)
            for skill, required in values.skills.items()
        ],
        *[NeedClientGroup(need=need_id, group=group) for group in values.groups],
    ]


async def _replace_children(need_id: int, values: NeedValues) -> None:
    await NeedSkill.delete().where(NeedSkill.need == need_id)
    await NeedClientGroup.delete().where(NeedClientGroup.need == need_id)
    for row in _children(need_id, values):
        await type(row).insert(row)


def _detail(values: NeedValues) -> dict[str, Any]:
    """What the audit trail keeps of a need's fields: never the postcode."""
    private = {"postcode", "sector", "lat", "lon"}
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in values.columns.items()
        if k not in private and k != "description"
    }


async def create_need(user: CurrentUser, recipient_id: int, data: NeedInput) -> int:
    """A new draft need for a person ``user`` acts for, with the times ``data`` gives."""
    recipient = await _recipient_row(user, recipient_id)
    values, parsed_slots, parsed_cover = await _read(user, data, recipient, None)
    async with write_transaction():
        rows = await Need.insert(
            Need(recipient=recipient_id, status="draft", version=1, created_by=user.id, **values.columns)
        ).returning(Need.id)
        need_id = rows[0]["id"]
        await _replace_children(need_id, values)
        await times.write_times(need_id, parsed_slots, parsed_cover, replace=False)
        await need_changes.touch(need_id)
        await audit.record(
            "need.created", actor=user, subject_type="need", subject_id=need_id, detail=_detail(values)
        )
    return need_id


async def update_need(user: CurrentUser, need_id: int, data: NeedInput) -> int:
    """Change a need's fields (and its times, when given). ``data.version``, when given,
    must be the need's current one, or Conflict."""
    row = await need_row(user, need_id)
    expected = data.version
    if expected is not None and expected != row["version"]:
        raise Conflict(STALE)
    if row["status"] not in EDITABLE:
        raise Invalid({"status": f"A {STATUSES[row['status']].lower()} need cannot be changed"})
    recipient = await Recipient.select().where(Recipient.id == row["recipient"]).first()
    if recipient is None:
        raise NotFound()
    values, parsed_slots, parsed_cover = await _read(user, data, recipient, row)
    if not is_staff(user):
        for field in ("referral_source", "referred_on", "first_contact_on", "support_set_up_on"):
            values.columns.pop(field, None)

    async def children() -> None:
        await _replace_children(need_id, values)
        if data.slots is not None or data.cover_dates is not None:
            await times.write_times(
                need_id,
                parsed_slots,
                parsed_cover,
                replace=True,
                slots_given=data.slots is not None,
                cover_given=data.cover_dates is not None,
            )

    columns = {getattr(Need, name): value for name, value in values.columns.items()}
    return await save(
        user, need_id, columns, "need.updated", _detail(values), expected_version=expected, also=children
    )


async def change_status(user: CurrentUser, need_id: int, action: str, version: int | None) -> str:
    """Open, pause, fill or close a need; returns the new status."""
    row = await need_row(user, need_id)
    if action not in TRANSITIONS:
        raise Invalid({"action": "Choose open, pause, fill or close"})
    if version is not None and version != row["version"]:
        raise Conflict(STALE)
    starts, target = TRANSITIONS[action]
    if row["status"] not in starts:
        raise Invalid(
            {
                "action": f"A {STATUSES[row['status']].lower()} need cannot be moved to {STATUSES[target].lower()}"
            }
        )
    if target == "open":
        await times.check_ready(row)
    values: dict[Any, Any] = {Need.status: target}
    if target == "open" and row["opened_at"] is None:
        values[Need.opened_at] = utcnow()
    if target == "filled":
        values[Need.filled_at] = utcnow()
    await save(
        user,
        need_id,
        values,
        f"need.{target}" if target != "open" else "need.opened",
        {"from": row["status"], "to": target},
        expected_version=version,
        allowed_from=starts,
    )
    return target
