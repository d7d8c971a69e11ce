"""The register's reads for pages that show PAs to others, as ``market.reads.Read``s: a page
runs them beside other features' reads in one round trip (the public profile: the profile,
its slots, client groups and skills; a need's matches: the names shown).

Each read has its row Struct here; the rows are the register's own columns, never a home
postcode (``ListedRow`` has the sector, district and position only for the band of a
distance from the viewer's place, which the page works out and shows as a band).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from market.reads import Read, marks, table
from market.register.tables import AvailabilitySlot, ClientGroup, PAClientGroup, PAProfile, PASkill, Skill

LISTED = "approved"


def _accounts() -> str:
    """The account table a profile belongs to, named through the foreign key: the register
    imports no accounts table."""
    return table(PAProfile.user._foreign_key_meta.resolved_references)


class ListedRow(msgspec.Struct, array_like=True):
    """What the public profile shows of a listed PA's row (and where they are, for a band)."""

    id: int
    display_name: str
    headline: str
    admire: str
    matters: str
    how_to_work: str
    sector: str
    district: str
    lat: float | None
    lon: float | None
    languages: list[str] | str  # a JSON column: JSON text on SQLite (read it with db.json_list)
    driving_licence: bool
    has_car: bool
    car_insurance: bool | None
    min_rate_pence: int | None
    employment: str
    approved_at: datetime | None
    right_to_work_confirmed_at: datetime | None
    wont_do: list[str] | str  # a JSON column, as languages
    year_pattern: str


def listed_read(profile_id: int) -> Read:
    """The profile's row if it is listed (approved): no row otherwise."""
    return Read(
        row=ListedRow,
        columns=tuple(f'p."{name}"' for name in ListedRow.__struct_fields__),
        source=f'FROM {table(PAProfile)} p WHERE p."id" = {{}} AND p."status" = {{}}',
        args=(profile_id, LISTED),
    )


class SlotRow(msgspec.Struct, array_like=True):
    profile: int
    start_minute: int
    end_minute: int


def slots_read(profile_ids: Sequence[int]) -> Read:
    """These PAs' weekly slots, earliest first."""
    ids = tuple(profile_ids)
    return Read(
        row=SlotRow,
        columns=('s."profile"', 's."start_minute"', 's."end_minute"'),
        source=f'FROM {table(AvailabilitySlot)} s WHERE s."profile" IN ({marks(ids)})',
        args=ids,
        order='s."start_minute", s."id"',
    )


class GroupRow(msgspec.Struct, array_like=True):
    profile: int
    code: str
    name: str


def groups_read(profile_ids: Sequence[int]) -> Read:
    """These PAs' client groups as (code, name), in the list's order."""
    ids = tuple(profile_ids)
    return Read(
        row=GroupRow,
        columns=('x."profile"', 'g."code"', 'g."name"'),
        source=f'FROM {table(PAClientGroup)} x JOIN {table(ClientGroup)} g ON g."id" = x."group" '
        f'WHERE x."profile" IN ({marks(ids)})',
        args=ids,
        order='g."position", x."id"',
    )


class SkillRow(msgspec.Struct, array_like=True):
    profile: int
    code: str
    name: str
    years: int


def skills_read(profile_ids: Sequence[int]) -> Read:
    """These PAs' skills with their years, in the list's order."""
    ids = tuple(profile_ids)
    return Read(
        row=SkillRow,
        columns=('x."profile"', 'k."code"', 'k."name"', 'x."years"'),
        source=f'FROM {table(PASkill)} x JOIN {table(Skill)} k ON k."id" = x."skill" '
        f'WHERE x."profile" IN ({marks(ids)})',
        args=ids,
        order='k."position", x."id"',
    )


class NameRow(msgspec.Struct, array_like=True):
    """``directory.names``' answer for one PA: the profile's first name, the account's full
    name and the district."""

    id: int
    display_name: str
    full_name: str
    district: str


def names_read(profile_ids: Sequence[int]) -> Read:
    """``directory.names`` as a read (unknown ids are left out)."""
    ids = tuple(profile_ids)
    return Read(
        row=NameRow,
        columns=('p."id"', 'p."display_name"', 'u."display_name"', 'p."district"'),
        source=f'FROM {table(PAProfile)} p JOIN {_accounts()} u ON u."id" = p."user" '
        f'WHERE p."id" IN ({marks(ids)})',
        args=ids,
    )
