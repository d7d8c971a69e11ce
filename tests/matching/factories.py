"""Make recipients and needs straight in the database (fast, for engine and pipeline tests),
and users as the services see them."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.dbs.rules import requirement_for
from market.geo import services as geo
from market.matching.needs import changes as need_changes
from market.matching.tables import (
    Need,
    NeedClientGroup,
    NeedCoverDate,
    NeedSkill,
    NeedSlot,
    Recipient,
    RecipientAccess,
)
from market.register.availability import slot_from_day_times
from market.register.tables import ClientGroup, Skill
from tests.support import PASSWORD

_numbers = count(1)


def current(user: Any) -> CurrentUser:
    """A created account (UserOut) as the services take it."""
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def make_user(role: str = "recipient") -> CurrentUser:
    number = next(_numbers)
    user = await accounts.create_user(
        NewUserInput(
            email=f"{role}.m{number}@example.org",
            display_name=f"Sam Person{number}",
            role=role,
            password=PASSWORD,
        )
    )
    return current(user)


async def make_recipient(
    *,
    user: CurrentUser | None = None,
    name: str = "",
    postcode: str = "PE1 1AB",
    age_group: str = "adult",
    birth_date: date | None = None,
    gender: str = "",
    relationship: str = "self",
) -> dict[str, Any]:
    """A recipient (and, given ``user``, that user's right to act for them); the row."""
    point = await geo.locate(postcode)
    rows = await Recipient.insert(
        Recipient(
            display_name=name or f"Alex Example{next(_numbers)}",
            birth_date=birth_date,
            age_group=age_group,
            postcode=point.postcode,
            sector=point.sector,
            district=point.district,
            lat=point.lat,
            lon=point.lon,
            gender=gender,
            created_by=user.id if user else None,
        )
    ).returning(Recipient.id)
    recipient_id = rows[0]["id"]
    if user is not None:
        await RecipientAccess.insert(
            RecipientAccess(recipient=recipient_id, user=user.id, relationship=relationship)
        )
    return await Recipient.select().where(Recipient.id == recipient_id).first()


async def make_need(
    recipient: dict[str, Any] | int,
    *,
    title: str = "Morning support",
    kind: str = "regular",
    status: str = "open",
    postcode: str | None = None,
    slots: tuple[tuple[str, str, str], ...] = (("Monday", "09:00", "17:00"),),
    cover: tuple[tuple[date, int, int], ...] = (),
    required_skills: tuple[str, ...] = (),
    preferred_skills: tuple[str, ...] = (),
    client_groups: tuple[str, ...] = (),
    age_group: str | None = None,
    personal_care: bool = False,
    **columns: Any,
) -> dict[str, Any]:
    """A need with its times and skills; the DBS requirement follows from the person unless
    ``dbs_level`` etc. are given. ``cover`` holds (date, start minute, end minute)."""
    if isinstance(recipient, int):
        recipient = await Recipient.select().where(Recipient.id == recipient).first()
    assert recipient is not None
    point = await geo.locate(postcode) if postcode else None
    age_group = age_group or recipient["age_group"]
    derived = requirement_for(child=age_group == "child", personal_care=personal_care)
    values: dict[str, Any] = {
        "recipient": recipient["id"],
        "title": title,
        "description": "Help to get up, washed and dressed.",
        "kind": kind,
        "status": status,
        "postcode": point.postcode if point else recipient["postcode"],
        "sector": point.sector if point else recipient["sector"],
        "district": point.district if point else recipient["district"],
        "lat": point.lat if point else recipient["lat"],
        "lon": point.lon if point else recipient["lon"],
        "age_group": age_group,
        "personal_care": personal_care,
        "dbs_level": derived.level,
        "dbs_adults_barred": derived.adults_barred,
        "dbs_children_barred": derived.children_barred,
    }
    values.update(columns)
    rows = await Need.insert(Need(**values)).returning(Need.id)
    need_id = rows[0]["id"]
    for code, required in [*((c, True) for c in required_skills), *((c, False) for c in preferred_skills)]:
        skill = await Skill.select(Skill.id).where(Skill.code == code).first()
        assert skill, f"unknown skill {code}"
        await NeedSkill.insert(NeedSkill(need=need_id, skill=skill["id"], required=required))
    for code in client_groups:
        group = await ClientGroup.select(ClientGroup.id).where(ClientGroup.code == code).first()
        assert group, f"unknown client group {code}"
        await NeedClientGroup.insert(NeedClientGroup(need=need_id, group=group["id"]))
    if kind == "regular":
        for day, start, end in slots:
            slot = slot_from_day_times(day, start, end)
            await NeedSlot.insert(NeedSlot(need=need_id, start_minute=slot.start, end_minute=slot.end))
    for on_date, start, end in cover:
        await NeedCoverDate.insert(
            NeedCoverDate(need=need_id, on_date=on_date, start_minute=start, end_minute=end)
        )
    await need_changes.touch(need_id)  # as every writer of a need does: work near you follows it
    return await Need.select().where(Need.id == need_id).first()


def need_form(**overrides: str) -> dict[str, str]:
    """A complete, valid need form as the page posts it."""
    form = {
        "title": "Morning support",
        "description": "Help to get up, washed and dressed, and breakfast.",
        "kind": "regular",
        "postcode": "",
        "hours_per_week": "10",
        "shift_day": "yes",
        "max_distance_miles": "10",
        "year_pattern": "all_year",
        "max_rate": "14.50",
    }
    form.update(overrides)
    return form
