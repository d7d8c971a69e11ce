"""One need read whole in one query (``market.reads``), for the pages that show one need:
its row (only if the caller may act for its person), skills, client groups, the person's
name, weekly slots and cover dates. ``lifecycle.get_need`` assembles them into a NeedOut,
as ``lifecycle.need_outs`` does for many needs (five queries whatever their number).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.errors import NotFound
from market.matching.needs import times
from market.matching.needs.recipients import is_staff
from market.matching.needs.schemas import CoverDateOut, SlotOut
from market.matching.tables import (
    Need,
    NeedClientGroup,
    NeedCoverDate,
    NeedSkill,
    NeedSlot,
    Recipient,
    RecipientAccess,
)
from market.reads import Read, read_together, table


class NeedRow(msgspec.Struct, array_like=True):
    """Every column of a need, as ``Need.select()`` answers them (JSON columns as stored:
    JSON text on SQLite, read them with db.json_list)."""

    id: int
    recipient: int
    title: str
    description: str
    kind: str
    postcode: str
    sector: str
    district: str
    lat: float | None
    lon: float | None
    hours_per_week: float | None
    shift_kinds: list[str] | str
    start_date: date | None
    age_group: str
    languages_required: list[str] | str
    languages_preferred: list[str] | str
    gender_preference: str
    gender_required: bool
    driver_needed: bool
    driving: str
    pets: bool
    smoking: bool
    personal_care: bool
    max_rate_pence: int | None
    rate_firm: bool
    all_hours: bool
    max_distance_miles: int
    year_pattern: str
    dbs_level: str
    dbs_adults_barred: bool
    dbs_children_barred: bool
    dbs_raised: bool
    status: str
    version: int
    referral_source: str
    referred_on: date | None
    first_contact_on: date | None
    support_set_up_on: date | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None
    filled_at: datetime | None


class _Skill(msgspec.Struct, array_like=True):
    code: str
    required: bool


class _Code(msgspec.Struct, array_like=True):
    code: str


class _Name(msgspec.Struct, array_like=True):
    display_name: str


class _Slot(msgspec.Struct, array_like=True):
    id: int
    start_minute: int
    end_minute: int


class _Cover(msgspec.Struct, array_like=True):
    id: int
    on_date: date
    start_minute: int
    end_minute: int


class WholeNeed(msgspec.Struct, kw_only=True):
    """What ``lifecycle._assemble`` takes, read in one query."""

    row: dict[str, Any]
    skills: list[dict[str, Any]]  # {"skill.code", "required"}, as need_outs reads them
    groups: list[str]
    recipient_name: str
    slots: list[SlotOut]
    cover: list[CoverDateOut]


def _referenced(column: Any) -> str:
    """The table a foreign key points at (the register's skills and client groups), named
    through the key: matching imports no register table here."""
    return table(column._foreign_key_meta.resolved_references)


async def read_need(user: CurrentUser, need_id: int) -> WholeNeed:
    """The need whole, if ``user`` may act for its person; NotFound otherwise (as
    ``versions.need_row``: staff act for everyone, a recipient for their own people)."""
    if not is_staff(user) and user.role != "recipient":
        raise NotFound()
    mine = ""
    args: tuple[int, ...] = (need_id,)
    if not is_staff(user):
        mine = f' AND n."recipient" IN (SELECT a."recipient" FROM {table(RecipientAccess)} a WHERE a."user" = {{}})'
        args = (need_id, user.id)
    one = (need_id,)
    need, skills, groups, name, slots, cover = await read_together(
        Read(
            row=NeedRow,
            columns=tuple(f'n."{field}"' for field in NeedRow.__struct_fields__),
            source=f'FROM {table(Need)} n WHERE n."id" = {{}}{mine}',
            args=args,
        ),
        Read(
            row=_Skill,
            columns=('k."code"', 'x."required"'),
            source=f'FROM {table(NeedSkill)} x JOIN {_referenced(NeedSkill.skill)} k ON k."id" = x."skill" '
            'WHERE x."need" = {}',
            args=one,
            order='k."position", x."id"',
        ),
        Read(
            row=_Code,
            columns=('g."code"',),
            source=f"FROM {table(NeedClientGroup)} x JOIN {_referenced(NeedClientGroup.group)} g "
            'ON g."id" = x."group" WHERE x."need" = {}',
            args=one,
            order='g."position", x."id"',
        ),
        Read(
            row=_Name,
            columns=('r."display_name"',),
            source=f'FROM {table(Recipient)} r JOIN {table(Need)} n ON n."recipient" = r."id" WHERE n."id" = {{}}',
            args=one,
        ),
        Read(
            row=_Slot,
            columns=('s."id"', 's."start_minute"', 's."end_minute"'),
            source=f'FROM {table(NeedSlot)} s WHERE s."need" = {{}}',
            args=one,
            order='s."start_minute", s."id"',
        ),
        Read(
            row=_Cover,
            columns=('c."id"', 'c."on_date"', 'c."start_minute"', 'c."end_minute"'),
            source=f'FROM {table(NeedCoverDate)} c WHERE c."need" = {{}}',
            args=one,
            order='c."on_date", c."start_minute", c."id"',
        ),
    )
    if not need:
        raise NotFound()
    return WholeNeed(
        row=msgspec.structs.asdict(need[0]),
        skills=[{"skill.code": s.code, "required": s.required} for s in skills],
        groups=[g.code for g in groups],
        recipient_name=name[0].display_name if name else "",
        slots=[times.slot_out(s.id, s.start_minute, s.end_minute) for s in slots],
        cover=[times.cover_out(c.id, c.on_date, c.start_minute, c.end_minute) for c in cover],
    )
