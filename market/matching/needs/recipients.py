"""Recipients (the people supported) and who may act for them.

A recipient-role user acts for the recipients they have a RecipientAccess row for; staff
and admin act for everyone. A record the caller may not act for answers NotFound, so no
one learns that it exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from market.accounts import places
from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import london_today
from market.db import write_transaction
from market.errors import Invalid, NotFound
from market.geo import services as geo
from market.matching.needs.schemas import (
    AGE_GROUPS,
    DISABILITY,
    ETHNICITY,
    GENDERS,
    RELATIONSHIPS,
    RecipientInput,
    RecipientOut,
)
from market.matching.tables import Need, Recipient, RecipientAccess
from market.reads import Read, read_together, table
from market.roles import STAFF_ROLES

NAME_LIMIT = 80
NOTES_LIMIT = 2000
OLDEST_YEARS = 120


def is_staff(user: CurrentUser) -> bool:
    return user.role in STAFF_ROLES


def age_group_on(birth_date: date, today: date) -> str:
    years = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    return "child" if years < 18 else "adult" if years < 65 else "older_adult"


async def accessible_ids(user: CurrentUser) -> list[int] | None:
    """The recipients ``user`` may act for; None means all of them (staff)."""
    if is_staff(user):
        return None
    if user.role != "recipient":
        return []
    rows = await RecipientAccess.select(RecipientAccess.recipient).where(RecipientAccess.user == user.id)
    return [r["recipient"] for r in rows]


async def can_act_for(user: CurrentUser, recipient_id: int) -> bool:
    if is_staff(user):
        return True
    if user.role != "recipient":
        return False
    return await RecipientAccess.exists().where(
        RecipientAccess.recipient == recipient_id, RecipientAccess.user == user.id
    )


def _out(row: dict[str, Any], relationship: str = "") -> RecipientOut:
    return RecipientOut(
        id=row["id"],
        display_name=row["display_name"],
        birth_date=row["birth_date"],
        age_group=row["age_group"],
        postcode=row["postcode"],
        district=row["district"],
        gender=row["gender"],
        notes=row["notes"],
        relationship=relationship,
        disability=row["disability"],
        ethnicity=row["ethnicity"],
    )


async def get_recipient(user: CurrentUser, recipient_id: int) -> RecipientOut:
    row = await Recipient.select().where(Recipient.id == recipient_id).first()
    if row is None or not await can_act_for(user, recipient_id):
        raise NotFound()
    return _out(row)


async def list_recipients(user: CurrentUser) -> list[RecipientOut]:
    """The recipients ``user`` may act for, by name."""
    if is_staff(user):
        rows = await Recipient.select().order_by(Recipient.display_name)
        return [_out(r) for r in rows]
    if user.role != "recipient":
        return []
    access = await RecipientAccess.select(RecipientAccess.recipient, RecipientAccess.relationship).where(
        RecipientAccess.user == user.id
    )
    relationship = {a["recipient"]: a["relationship"] for a in access}
    if not relationship:
        return []
    rows = (
        await Recipient.select()
        .where(Recipient.id.is_in(list(relationship)))
        .order_by(Recipient.display_name)
    )
    return [_out(r, relationship[r["id"]]) for r in rows]


def _born(errors: dict[str, str], born: date | None, age_group: str, today: date) -> str:
    """The age group: from the birth date when there is one."""
    if born and born > today:
        errors["birth_date"] = "Date of birth must be in the past"
    elif born and today.year - born.year > OLDEST_YEARS:
        errors["birth_date"] = f"Date of birth must be within the last {OLDEST_YEARS} years"
    elif born:
        return age_group_on(born, today)
    elif age_group not in AGE_GROUPS:
        errors["age_group"] = "Select the person's age group, or enter their date of birth"
    return age_group


def _about(errors: dict[str, str], data: RecipientInput) -> None:
    if data.gender not in GENDERS:
        errors["gender"] = "Select the person's gender, or leave it blank"
    if data.disability not in DISABILITY:
        errors["disability"] = "Select whether the person considers themselves disabled, or leave it blank"
    if data.ethnicity not in ETHNICITY:
        errors["ethnicity"] = "Select the person's ethnic group, or leave it blank"


async def validate_recipient(data: RecipientInput) -> dict[Any, Any]:
    """The recipient's columns, or Invalid naming every problem at once."""
    errors: dict[str, str] = {}
    name = " ".join(data.display_name.split())
    if not name:
        errors["display_name"] = "Enter the name of the person who needs support"
    elif len(name) > NAME_LIMIT:
        errors["display_name"] = f"The name must be {NAME_LIMIT} characters or fewer"
    age_group = _born(errors, data.birth_date, data.age_group, london_today())
    _about(errors, data)
    notes = data.notes.strip().replace("\r\n", "\n")
    if len(notes) > NOTES_LIMIT:
        errors["notes"] = f"Notes must be {NOTES_LIMIT:,} characters or fewer"
    point = None
    try:
        point = await geo.locate(data.postcode, field="postcode")
    except Invalid as invalid:
        errors.update(invalid.errors)
        if not data.postcode.strip():
            errors["postcode"] = "Enter the postcode where the person lives"
    if errors:
        raise Invalid(errors)
    assert point is not None
    return {
        Recipient.display_name: name,
        Recipient.birth_date: data.birth_date,
        Recipient.age_group: age_group,
        Recipient.postcode: point.postcode,
        Recipient.sector: point.sector,
        Recipient.district: point.district,
        Recipient.lat: point.lat,
        Recipient.lon: point.lon,
        Recipient.gender: data.gender,
        Recipient.disability: data.disability,
        Recipient.ethnicity: data.ethnicity,
        Recipient.notes: notes,
    }


async def create_recipient(user: CurrentUser, data: RecipientInput) -> int:
    """A new recipient. A recipient-role user who makes one acts for them from then on
    (as the person, or as whoever their account says they are)."""
    if not (is_staff(user) or user.role == "recipient"):
        raise NotFound()
    values = await validate_recipient(data)
    relationship = ""
    if user.role == "recipient":
        acting_as = (await accounts.get_user(user.id)).acting_as
        relationship = acting_as if acting_as in RELATIONSHIPS else "self"
    async with write_transaction():
        rows = await Recipient.insert(
            Recipient(**{column._meta.name: value for column, value in values.items()}, created_by=user.id)
        ).returning(Recipient.id)
        recipient_id = rows[0]["id"]
        if relationship:
            await RecipientAccess.insert(
                RecipientAccess(recipient=recipient_id, user=user.id, relationship=relationship)
            )
        await audit.record(
            "recipient.created",
            actor=user,
            subject_type="recipient",
            subject_id=recipient_id,
            detail={"district": values[Recipient.district], "relationship": relationship},
        )
    return recipient_id


class _Home(msgspec.Struct, array_like=True):
    display_name: str
    postcode: str


class _NeedPlace(msgspec.Struct, array_like=True):
    title: str
    postcode: str
    status: str
    dbs_level: str
    dbs_adults_barred: bool
    dbs_children_barred: bool


async def own_places(user: CurrentUser) -> list[places.OwnPlace]:
    """The places a recipient-role user may ask distances from: the home of each person they
    act for, then each of those people's needs (staff need none: they are unrestricted).
    One query (market.reads): a profile page asked "how far from here?" reads these."""
    if user.role != "recipient":
        return []
    mine = f'SELECT a."recipient" FROM {table(RecipientAccess)} a WHERE a."user" = {{}}'
    people, needs = await read_together(
        Read(
            row=_Home,
            columns=('r."display_name"', 'r."postcode"'),
            source=f'FROM {table(Recipient)} r WHERE r."id" IN ({mine})',
            args=(user.id,),
            order='r."display_name", r."id"',
        ),
        Read(
            row=_NeedPlace,
            columns=tuple(f'n."{name}"' for name in _NeedPlace.__struct_fields__),
            source=f'FROM {table(Need)} n WHERE n."recipient" IN ({mine}) AND n."postcode" != \'\'',
            args=(user.id,),
            order='n."id"',
        ),
    )
    found = [places.OwnPlace(postcode=p.postcode, label=f"{p.display_name}'s home") for p in people]
    found += [_need_place(msgspec.structs.asdict(n)) for n in needs]
    return [p for p in found if p.postcode]


# A need still being recruited for says what DBS check its work needs; a filled or closed
# one no longer steers a search.
_RECRUITING = ("draft", "open", "paused")


def _need_place(row: dict[str, Any]) -> places.OwnPlace:
    if row["status"] not in _RECRUITING:
        return places.OwnPlace(postcode=row["postcode"], label=row["title"])
    return places.OwnPlace(
        postcode=row["postcode"],
        label=row["title"],
        dbs_level=row["dbs_level"],
        adults_barred=row["dbs_adults_barred"],
        children_barred=row["dbs_children_barred"],
    )


places.provide("matching", own_places)
