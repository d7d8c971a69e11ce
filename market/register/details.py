"""The rest of a PA's profile: experience (client groups, languages, qualifications) and
work pattern (shift kinds, start date, hours, dates away, and the PA's own limits: the work
they will not do and when in the year they work)."""

from __future__ import annotations

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import london_today, utcnow
from market.db import json_list, write_transaction
from market.errors import Invalid, NotFound
from market.register import languages
from market.register.schemas import (
    DEFAULT_YEAR_PATTERN,
    MAX_HOURS,
    MAX_QUALIFICATIONS,
    PA_GENDERS,
    QUALIFICATION_KINDS,
    SHIFT_KINDS,
    WONT_DO,
    WONT_DO_SHIFTS,
    YEAR_PATTERNS,
    AwayInput,
    AwayOut,
    Choice,
    ExperienceInput,
    ExperienceOut,
    PatternInput,
    QualificationInput,
    QualificationOut,
    WorkPatternOut,
    refused_skills,
    stored_wont_do,
    stored_year_pattern,
)
from market.register.services import profile_row, save_change
from market.register.tables import (
    AwayPeriod,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Qualification,
)

MAX_AWAY = 20


def check_limits(data: PatternInput, kinds: list[str]) -> tuple[list[str], str, dict[str, str]]:
    """The PA's own limits: the kinds of work they will not do (codes), and when in the
    year they work (blank means all year). Unknown codes are errors, and so is refusing a
    kind of shift the PA also says they will work. Gives the known codes in the list's
    order, the year pattern, and the problems."""
    errors = {}
    unknown = sorted({code[:40] for code in data.wont_do if code not in WONT_DO})
    wont = [code for code in WONT_DO if code in data.wont_do]
    if unknown:
        names = ", ".join(f"“{code}”" for code in unknown)
        errors["wont_do"] = (
            f"{names} {'is' if len(unknown) == 1 else 'are'} not on the list of work you can "
            f"choose not to do: choose from {', '.join(WONT_DO)}"
        )
    elif clash := [code for code in wont if WONT_DO_SHIFTS.get(code) in kinds]:
        errors["wont_do"] = (
            f"{WONT_DO[clash[0]]} is also ticked as a kind of shift you will work: untick one of them"
        )
    year = data.year_pattern.strip() or DEFAULT_YEAR_PATTERN
    if year not in YEAR_PATTERNS:
        errors["year_pattern"] = (
            "Select when in the year you can work: all year, term time only or school holidays only"
        )
        year = DEFAULT_YEAR_PATTERN
    return wont, year, errors


async def client_group_list() -> list[Choice]:
    """The client groups, in list order."""
    rows = await ClientGroup.select(ClientGroup.id, ClientGroup.code, ClientGroup.name).order_by(
        ClientGroup.position
    )
    return [Choice(id=r["id"], code=r["code"], name=r["name"]) for r in rows]


async def experience(profile_id: int) -> ExperienceOut:
    groups = await PAClientGroup.select(PAClientGroup.group.code).where(PAClientGroup.profile == profile_id)
    row = (
        await PAProfile.select(PAProfile.languages, PAProfile.gender)
        .where(PAProfile.id == profile_id)
        .first()
    )
    quals = await Qualification.select().where(Qualification.profile == profile_id).order_by(Qualification.id)
    spoken = [str(c) for c in json_list(row["languages"])] if row else []
    return ExperienceOut(
        client_groups=[g["group.code"] for g in groups],
        languages=spoken,
        language_names=(await languages.load()).names(spoken),
        gender=row["gender"] if row else "",
        qualifications=[
            QualificationOut(
                id=q["id"],
                kind=q["kind"],
                title=q["title"],
                achieved_on=q["achieved_on"],
                verified=q["verified_at"] is not None,
            )
            for q in quals
        ],
    )


def experience_problems(data: ExperienceInput) -> dict[str, str]:
    errors = {}
    if data.gender not in PA_GENDERS:
        errors["gender"] = "Select your gender, or that you prefer not to say"
    return errors


async def set_experience(user: CurrentUser, data: ExperienceInput) -> None:
    """Client groups (codes) and languages."""
    row = await profile_row(user)
    groups = {g.code: g for g in await client_group_list()}
    if unknown := sorted(set(data.client_groups) - set(groups)):
        raise Invalid({"client_groups": f"Unknown client group: {', '.join(unknown)}"})
    errors = experience_problems(data)
    try:
        # Codes, standard names or aliases; stored as codes.
        spoken = await languages.codes(data.languages, "languages")
    except Invalid as problem:
        errors.update(problem.errors)
    if errors:
        raise Invalid(errors)
    chosen = [code for code in groups if code in data.client_groups]

    async def replace_groups() -> None:
        await PAClientGroup.delete().where(PAClientGroup.profile == row["id"])
        if chosen:
            await PAClientGroup.insert(
                *[PAClientGroup(profile=row["id"], group=groups[c].id) for c in chosen]
            )

    await save_change(
        user,
        row,
        {PAProfile.languages: msgspec.json.encode(spoken).decode(), PAProfile.gender: data.gender},
        "profile.experience_changed",
        {"client_groups": chosen, "languages": spoken},
        also=replace_groups,
    )


async def work_pattern(profile_id: int) -> WorkPatternOut:
    row = await PAProfile.select().where(PAProfile.id == profile_id).first()
    if row is None:
        raise NotFound()
    away = await AwayPeriod.select().where(AwayPeriod.profile == profile_id).order_by(AwayPeriod.starts_on)
    return WorkPatternOut(
        shift_kinds=json_list(row["shift_kinds"]),
        earliest_start=row["earliest_start"],
        min_hours=row["min_hours"],
        max_hours=row["max_hours"],
        wont_do=stored_wont_do(row["wont_do"]),
        year_pattern=stored_year_pattern(row["year_pattern"]),
        away=[
            AwayOut(id=a["id"], starts_on=a["starts_on"], ends_on=a["ends_on"], note=a["note"]) for a in away
        ],
    )


def pattern_problems(data: PatternInput) -> dict[str, str]:
    kinds = [kind for kind in SHIFT_KINDS if kind in data.shift_kinds]
    errors = {}
    if not kinds:
        errors["shift_kinds"] = "Select the kinds of shift you will work"
    errors.update(check_limits(data, kinds)[2])
    for field, value, label in (
        ("min_hours", data.min_hours, "The fewest hours a week"),
        ("max_hours", data.max_hours, "The most hours a week"),
    ):
        if value is not None and not 1 <= value <= MAX_HOURS:
            errors[field] = f"{label} must be a whole number of hours from 1 to {MAX_HOURS}"
    low, high = data.min_hours, data.max_hours
    if low and high and low > high and "max_hours" not in errors:
        errors["max_hours"] = "The most hours a week must be the same as or more than the fewest"
    return errors


async def set_work_pattern(user: CurrentUser, data: PatternInput) -> None:
    row = await profile_row(user)
    if errors := pattern_problems(data):
        raise Invalid(errors)
    kinds = [kind for kind in SHIFT_KINDS if kind in data.shift_kinds]
    wont, year, _ = check_limits(data, kinds)
    held = await PASkill.select(PASkill.skill.code, PASkill.skill.name).where(PASkill.profile == row["id"])
    names = {h["skill.code"]: h["skill.name"] for h in held}
    if clash := refused_skills(names, wont):
        skill, limit = clash[0]
        raise Invalid(
            {
                "wont_do": f"{WONT_DO[limit]} is ticked here and “{names[skill]}” is one of your skills: "
                "untick it here, or remove it from your skills and experience"
            }
        )
    values = {
        PAProfile.shift_kinds: msgspec.json.encode(kinds).decode(),
        PAProfile.earliest_start: data.earliest_start,
        PAProfile.min_hours: data.min_hours,
        PAProfile.max_hours: data.max_hours,
        PAProfile.wont_do: msgspec.json.encode(wont).decode(),
        PAProfile.year_pattern: year,
    }
    await save_change(
        user,
        row,
        values,
        "profile.work_pattern_changed",
        {"shift_kinds": kinds, "wont_do": wont, "year_pattern": year},
    )


def away_problems(data: AwayInput) -> dict[str, str]:
    if data.ends_on < data.starts_on:
        return {"away_to": "The last day away must be the same as or after the first"}
    if data.ends_on < london_today():
        return {"away_to": "The last day away must be today or in the future"}
    return {}


async def add_away(user: CurrentUser, data: AwayInput) -> None:
    row = await profile_row(user)
    if errors := away_problems(data):
        raise Invalid(errors)
    if await AwayPeriod.count().where(AwayPeriod.profile == row["id"]) >= MAX_AWAY:
        raise Invalid({"away_from": f"You can list up to {MAX_AWAY} periods away: remove a past one first"})
    period = AwayPeriod(
        profile=row["id"], starts_on=data.starts_on, ends_on=data.ends_on, note=data.note.strip()[:200]
    )
    await save_change(user, row, {}, "profile.away_added", {}, also=lambda: AwayPeriod.insert(period))


async def remove_away(user: CurrentUser, away_id: int) -> None:
    row = await profile_row(user)
    if not await AwayPeriod.exists().where(AwayPeriod.id == away_id, AwayPeriod.profile == row["id"]):
        raise NotFound()
    await save_change(
        user,
        row,
        {},
        "profile.away_removed",
        {},
        also=lambda: AwayPeriod.delete().where(AwayPeriod.id == away_id),
    )


def qualification_problems(data: QualificationInput) -> dict[str, str]:
    errors = {}
    if data.kind not in QUALIFICATION_KINDS:
        errors["kind"] = "Select the qualification"
    title = " ".join(data.title.split())
    if data.kind == "other" and not title:
        errors["title"] = "Enter the name of the qualification"
    elif len(title) > 200:
        errors["title"] = "The name must be 200 characters or fewer"
    if data.achieved_on and data.achieved_on > london_today():
        errors["achieved"] = "The date you achieved it must be today or in the past"
    return errors


async def add_qualification(user: CurrentUser, data: QualificationInput) -> None:
    row = await profile_row(user)
    if errors := qualification_problems(data):
        raise Invalid(errors)
    title = " ".join(data.title.split()) or QUALIFICATION_KINDS[data.kind]
    qualification = Qualification(
        profile=row["id"],
        kind=data.kind,
        title=title,
        achieved_on=data.achieved_on,
    )

    async def add_once() -> None:
        # Checked in the change's own transaction, so two quick posts of one form add it once.
        held = await Qualification.select(Qualification.kind, Qualification.title).where(
            Qualification.profile == row["id"]
        )
        if len(held) >= MAX_QUALIFICATIONS:
            raise Invalid(
                {"kind": f"You can list up to {MAX_QUALIFICATIONS} qualifications: remove one first"}
            )
        held = [h for h in held if h["kind"] == data.kind]
        same = [h["title"] for h in held if " ".join(h["title"].split()).casefold() == title.casefold()]
        if same:
            field = "title" if data.kind == "other" else "kind"
            raise Invalid({field: f"You have already added {same[0]}: it is on your list"})
        await Qualification.insert(qualification)

    await save_change(user, row, {}, "profile.qualification_added", {"kind": data.kind}, also=add_once)


async def remove_qualification(user: CurrentUser, qualification_id: int) -> None:
    row = await profile_row(user)
    if not await Qualification.exists().where(
        Qualification.id == qualification_id, Qualification.profile == row["id"]
    ):
        raise NotFound()
    await save_change(
        user,
        row,
        {},
        "profile.qualification_removed",
        {"id": qualification_id},
        also=lambda: Qualification.delete().where(Qualification.id == qualification_id),
    )


async def verify_qualification(profile_id: int, qualification_id: int, *, actor: CurrentUser) -> None:
    """Staff mark a qualification as seen (certificate checked)."""
    async with write_transaction():
        found = await Qualification.exists().where(
            Qualification.id == qualification_id, Qualification.profile == profile_id
        )
        if not found:
            raise NotFound()
        await Qualification.update(
            {Qualification.verified_at: utcnow(), Qualification.verified_by: actor.id}
        ).where(Qualification.id == qualification_id)
        await audit.record(
            "vetting.qualification_verified",
            actor=actor,
            subject_type="pa_profile",
            subject_id=profile_id,
            detail={"qualification": qualification_id},
        )
