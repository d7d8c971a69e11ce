"""The PA's own profile: the one-page texts, where they work, terms, skills and availability.

Every change bumps the profile's version and is audit-logged. The home postcode is kept
for the PA and staff; everyone else gets the district and a distance band.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Invalid, NotFound
from market.geo import services as geo
from market.register import changes
from market.register.availability import Slot, SlotProblem, hours_per_week, slot_of
from market.register.schemas import (
    EMPLOYMENT,
    HEADLINE_LIMIT,
    MAX_RATE_PENCE,
    MAX_TRAVEL_MILES,
    MAX_YEARS,
    MIN_RATE_PENCE,
    TEXT_LIMIT,
    WONT_DO,
    AboutInput,
    ChecklistItem,
    Choice,
    OwnProfileOut,
    SkillOut,
    SkillsInput,
    SlotInput,
    SlotOut,
    TermsInput,
    WhereInput,
    refused_skills,
    stored_wont_do,
    stored_year_pattern,
)
from market.register.tables import AvailabilitySlot, PAProfile, PASkill, Skill

MAX_SLOTS = 40
EDITABLE = ("draft", "changes_requested", "approved")


async def profile_row(user: CurrentUser) -> dict[str, Any]:
    """The PA's profile, made on first use.

    A new PA's first pages often arrive together (several tabs, or an app's first calls):
    the unique index on the profile's user makes the insert "do nothing" for all but one,
    and each then reads the one profile there is."""
    row = await PAProfile.select().where(PAProfile.user == user.id).first()
    if row is None:
        first_name = user.display_name.split()[0] if user.display_name.split() else ""
        async with write_transaction():
            await PAProfile.insert(PAProfile(user=user.id, display_name=first_name)).on_conflict(
                target=PAProfile.user, action="DO NOTHING"
            )
        row = await PAProfile.select().where(PAProfile.user == user.id).first()
    assert row is not None  # made just now, by this request or the one that won the race
    return row


async def save_change(
    user: CurrentUser,
    row: dict[str, Any],
    values: dict[Any, Any],
    action: str,
    detail: dict,
    also: Callable[[], Awaitable[Any]] | None = None,
) -> None:
    """Apply a change (and ``also``, for the profile's child rows) in one transaction."""
    if row["status"] not in EDITABLE:
        raise Invalid(
            {"status": "Your profile is with our team for checking: you can change it once they reply."}
        )
    values[PAProfile.version] = PAProfile.version + 1
    values[PAProfile.updated_at] = utcnow()
    async with write_transaction():
        await PAProfile.update(values).where(PAProfile.id == row["id"])
        if also is not None:
            await also()
        await changes.touch(row["id"])
        await audit.record(action, actor=user, subject_type="pa_profile", subject_id=row["id"], detail=detail)


def _text(
    errors: dict[str, str], field: str, value: str, label: str, limit: int, required: bool = True
) -> str:
    value = value.strip().replace("\r\n", "\n")
    if required and not value:
        errors[field] = f"Enter {label}"
    elif len(value) > limit:
        errors[field] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"
    return value


async def update_about(user: CurrentUser, data: AboutInput) -> None:
    row = await profile_row(user)
    errors: dict[str, str] = {}
    values = {
        PAProfile.display_name: _text(
            errors, "display_name", data.display_name, "the name people will see", 80
        ),
        PAProfile.headline: _text(errors, "headline", data.headline, "a short headline", HEADLINE_LIMIT),
        PAProfile.admire: _text(
            errors, "admire", data.admire, "what people like and admire about you", TEXT_LIMIT
        ),
        PAProfile.matters: _text(
            errors, "matters", data.matters, "what matters to you in your work", TEXT_LIMIT
        ),
        PAProfile.how_to_work: _text(
            errors, "how_to_work", data.how_to_work, "how best to work with you", TEXT_LIMIT
        ),
    }
    if errors:
        raise Invalid(errors)
    await save_change(user, row, values, "profile.about_changed", {})


def where_problems(data: WhereInput) -> dict[str, str]:
    """The rules on where a PA works that need no database (the form reader adds them to
    its own problems, so a page names every field at once)."""
    errors = driving_problems(data)
    if not 1 <= data.travel_miles <= MAX_TRAVEL_MILES:
        errors["travel_miles"] = f"How many miles you will travel must be between 1 and {MAX_TRAVEL_MILES}"
    return errors


def driving_problems(data: WhereInput) -> dict[str, str]:
    """A car only with a licence, business insurance only for a car, and an answer about
    insurance whenever there is a car."""
    errors = {}
    if data.has_car and not data.driving_licence:
        errors["has_car"] = (
            "You said you do not have a full UK driving licence: choose No for a car you can use "
            "for work, or Yes for the licence"
        )
    if data.car_insurance and not data.has_car:
        errors["car_insurance"] = (
            "You said you do not have a car you can use for work: choose No for business insurance, "
            "or Yes for the car"
        )
    elif data.has_car and data.car_insurance is None:
        errors["car_insurance"] = "Select whether your car has business insurance (business use cover)"
    return errors


async def update_where(user: CurrentUser, data: WhereInput) -> None:
    row = await profile_row(user)
    errors = where_problems(data)
    point = None
    try:
        point = await geo.locate(data.home_postcode, field="home_postcode")
    except Invalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    assert point is not None
    values = {
        PAProfile.home_postcode: point.postcode,
        PAProfile.sector: point.sector,
        PAProfile.district: point.district,
        PAProfile.lat: point.lat,
        PAProfile.lon: point.lon,
        PAProfile.travel_miles: data.travel_miles,
        PAProfile.driving_licence: data.driving_licence,
        PAProfile.has_car: data.has_car,
        # Insurance is for a car: with none, it is not asked (so not said).
        PAProfile.car_insurance: data.car_insurance if data.has_car else None,
    }
    # The audit trail names the district only: it is read by more people than the profile.
    await save_change(
        user,
        row,
        values,
        "profile.where_changed",
        {"district": point.district, "travel_miles": data.travel_miles},
    )


def terms_problems(data: TermsInput) -> dict[str, str]:
    errors = {}
    if not MIN_RATE_PENCE <= data.min_rate_pence <= MAX_RATE_PENCE:
        errors["min_rate_pence"] = "The hourly rate must be between £1.00 and £100.00"
    if data.employment not in EMPLOYMENT:
        errors["employment"] = "Select how you want to be employed"
    if not data.right_to_work_declared:
        errors["right_to_work_declared"] = "Confirm that you have the right to work in the UK"
    return errors


async def update_terms(user: CurrentUser, data: TermsInput) -> None:
    row = await profile_row(user)
    if errors := terms_problems(data):
        raise Invalid(errors)
    values = {
        PAProfile.min_rate_pence: data.min_rate_pence,
        PAProfile.employment: data.employment,
        PAProfile.right_to_work_declared: True,
    }
    await save_change(
        user,
        row,
        values,
        "profile.terms_changed",
        {"min_rate_pence": data.min_rate_pence, "employment": data.employment},
    )


async def skill_list() -> list[Choice]:
    """The skills a PA or a need can choose now (retired ones left out), in list order."""
    rows = (
        await Skill.select(Skill.id, Skill.code, Skill.name)
        .where(Skill.active.eq(True))
        .order_by(Skill.position)
    )
    return [Choice(id=r["id"], code=r["code"], name=r["name"]) for r in rows]


def skills_problems(data: SkillsInput, names: dict[str, str]) -> dict[str, str]:
    """``names`` are the active skills' names by code."""
    errors = {
        f"years_{code}": (
            f"Years of experience in {names[code].lower()} must be a whole number from 0 to {MAX_YEARS}"
        )
        for code, years in data.skills.items()
        if code in names and not 0 <= years <= MAX_YEARS
    }
    if unknown := sorted(code for code in data.skills if code not in names):
        errors["skills"] = f"Unknown skill: {', '.join(unknown)}"
    if not data.skills and not errors:
        errors["skills"] = "Select at least one skill"
    return errors


async def set_skills(user: CurrentUser, data: SkillsInput) -> None:
    row = await profile_row(user)
    skills = {s.code: s for s in await skill_list()}
    if errors := skills_problems(data, {code: s.name for code, s in skills.items()}):
        raise Invalid(errors)
    # In the list's order, as the form showed them.
    chosen = {code: data.skills[code] for code in skills if code in data.skills}
    if clash := refused_skills(chosen, stored_wont_do(row["wont_do"])):
        skill, limit = clash[0]
        raise Invalid(
            {
                "skills": f"{skills[skill].name} is ticked here and under “Work you will not do” "
                f"({WONT_DO[limit].lower()}) in your work pattern: untick it here, or change your work pattern"
            }
        )

    async def replace_skills() -> None:
        await PASkill.delete().where(PASkill.profile == row["id"])
        await PASkill.insert(
            *[PASkill(profile=row["id"], skill=skills[c].id, years=y) for c, y in chosen.items()]
        )

    await save_change(user, row, {}, "profile.skills_changed", {"skills": chosen}, also=replace_skills)


async def profile_skills(profile_id: int) -> list[SkillOut]:
    rows = (
        await PASkill.select(PASkill.years, PASkill.skill.code, PASkill.skill.name)
        .where(PASkill.profile == profile_id)
        .order_by(PASkill.skill.position)
    )
    return [SkillOut(code=r["skill.code"], name=r["skill.name"], years=r["years"]) for r in rows]


async def profile_slots(profile_id: int) -> list[SlotOut]:
    rows = (
        await AvailabilitySlot.select()
        .where(AvailabilitySlot.profile == profile_id)
        .order_by(AvailabilitySlot.start_minute)
    )
    out = []
    for r in rows:
        slot = Slot(start=r["start_minute"], end=r["end_minute"])
        out.append(
            SlotOut(
                id=r["id"], start_minute=slot.start, end_minute=slot.end, label=slot.label(), hours=slot.hours
            )
        )
    return out


async def add_slot(user: CurrentUser, data: SlotInput) -> None:
    row = await profile_row(user)
    try:
        slot = slot_of(data.day, data.start, data.end)
    except SlotProblem as problem:
        raise Invalid(problem.errors) from None
    existing = await profile_slots(row["id"])
    if len(existing) >= MAX_SLOTS:
        raise Invalid({"day": f"You can add up to {MAX_SLOTS} slots: remove one first"})
    for other in existing:
        if slot.overlap_minutes(Slot(start=other.start_minute, end=other.end_minute)):
            raise Invalid(
                {"start": f"This overlaps {other.label}: change the times or remove that slot first"}
            )
    new_slot = AvailabilitySlot(profile=row["id"], start_minute=slot.start, end_minute=slot.end)
    await save_change(
        user,
        row,
        {},
        "profile.slot_added",
        {"slot": slot.label()},
        also=lambda: AvailabilitySlot.insert(new_slot),
    )


async def remove_slot(user: CurrentUser, slot_id: int) -> None:
    row = await profile_row(user)
    owned = await AvailabilitySlot.exists().where(
        AvailabilitySlot.id == slot_id, AvailabilitySlot.profile == row["id"]
    )
    if not owned:
        raise NotFound()
    await save_change(
        user,
        row,
        {},
        "profile.slot_removed",
        {"slot_id": slot_id},
        also=lambda: AvailabilitySlot.delete().where(AvailabilitySlot.id == slot_id),
    )


def checklist(row: dict[str, Any], skills: list[SkillOut], slots: list[SlotOut]) -> list[ChecklistItem]:
    """What a PA must fill in before the profile can go to the team for checking."""
    return [
        ChecklistItem(
            key="about",
            title="Your one-page profile",
            href="/profile/about",
            done=bool(row["headline"] and row["admire"] and row["matters"] and row["how_to_work"]),
        ),
        ChecklistItem(
            key="where",
            title="Where you live and how far you will travel",
            href="/profile/where",
            done=bool(row["home_postcode"] and row["travel_miles"]),
        ),
        ChecklistItem(
            key="terms",
            title="Pay and right to work",
            href="/profile/terms",
            done=row["min_rate_pence"] is not None
            and bool(row["employment"])
            and row["right_to_work_declared"],
        ),
        ChecklistItem(
            key="skills", title="Your skills and experience", href="/profile/skills", done=bool(skills)
        ),
        ChecklistItem(
            key="availability", title="When you are available", href="/profile/availability", done=bool(slots)
        ),
    ]


async def own_profile(user: CurrentUser) -> OwnProfileOut:
    return await _profile_out(await profile_row(user))


async def profile_for_staff(profile_id: int) -> OwnProfileOut:
    """Everything about one PA's profile, private fields included: for staff only."""
    row = await PAProfile.select().where(PAProfile.id == profile_id).first()
    if row is None:
        raise NotFound()
    return await _profile_out(row)


async def _profile_out(row: dict[str, Any]) -> OwnProfileOut:
    skills = await profile_skills(row["id"])
    slots = await profile_slots(row["id"])
    return OwnProfileOut(
        id=row["id"],
        status=row["status"],
        status_reason=row["status_reason"],
        display_name=row["display_name"],
        headline=row["headline"],
        admire=row["admire"],
        matters=row["matters"],
        how_to_work=row["how_to_work"],
        home_postcode=row["home_postcode"],
        district=row["district"],
        travel_miles=row["travel_miles"],
        driving_licence=row["driving_licence"],
        has_car=row["has_car"],
        car_insurance=row["car_insurance"],
        min_rate_pence=row["min_rate_pence"],
        employment=row["employment"],
        right_to_work_declared=row["right_to_work_declared"],
        right_to_work_confirmed=row["right_to_work_confirmed_at"] is not None,
        skills=skills,
        availability=slots,
        version=row["version"],
        updated_at=row["updated_at"],
        approved_at=row["approved_at"],
        review_due_on=row["review_due_on"],
        checklist=checklist(row, skills, slots),
        wont_do=stored_wont_do(row["wont_do"]),
        year_pattern=stored_year_pattern(row["year_pattern"]),
    )


def weekly_hours(slots: list[SlotOut]) -> float:
    return hours_per_week([Slot(start=s.start_minute, end=s.end_minute) for s in slots])
