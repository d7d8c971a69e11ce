"""The rest of a PA's profile: experience (client groups, languages, qualifications) and
work pattern (shift kinds, start date, hours, dates away, and the PA's own limits: the work
they will not do and when in the year they work)."""

from __future__ import annotations

from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.dates import DateProblem, parse_date_parts
from market.db import json_list, write_transaction
from market.errors import Invalid, NotFound
from market.register.schemas import (
    DEFAULT_YEAR_PATTERN,
    PA_GENDERS,
    QUALIFICATION_KINDS,
    SHIFT_KINDS,
    WONT_DO,
    WONT_DO_SHIFTS,
    YEAR_PATTERNS,
    AwayOut,
    ExperienceOut,
    QualificationOut,
    WorkPatternOut,
    stored_wont_do,
    stored_year_pattern,
)
from market.register.services import profile_row, save_change
from market.register.tables import AwayPeriod, ClientGroup, PAClientGroup, PAProfile, Qualification

MAX_LANGUAGES = 10
MAX_AWAY = 20


def check_limits(form: dict[str, str], kinds: list[str], errors: dict[str, str]) -> tuple[list[str], str]:
    """The PA's own limits from the form: ``wont_<code>=on`` for each kind of work they will
    not do, and ``year_pattern`` (blank means all year). Unknown codes are errors, and so is
    refusing a kind of shift the PA also says they will work."""
    unknown = sorted(
        key.removeprefix("wont_")[:40]
        for key, value in form.items()
        if key.startswith("wont_") and key.removeprefix("wont_") not in WONT_DO and value
    )
    wont = [code for code in WONT_DO if form.get(f"wont_{code}") == "on"]
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
    year = form.get("year_pattern", "").strip() or DEFAULT_YEAR_PATTERN
    if year not in YEAR_PATTERNS:
        errors["year_pattern"] = (
            "Select when in the year you can work: all year, term time only or school holidays only"
        )
        year = DEFAULT_YEAR_PATTERN
    return wont, year


async def client_group_list() -> list[dict[str, Any]]:
    return await ClientGroup.select().order_by(ClientGroup.position)


async def experience(profile_id: int) -> ExperienceOut:
    groups = await PAClientGroup.select(PAClientGroup.group.code).where(PAClientGroup.profile == profile_id)
    row = (
        await PAProfile.select(PAProfile.languages, PAProfile.gender)
        .where(PAProfile.id == profile_id)
        .first()
    )
    quals = await Qualification.select().where(Qualification.profile == profile_id).order_by(Qualification.id)
    return ExperienceOut(
        client_groups=[g["group.code"] for g in groups],
        languages=json_list(row["languages"]) if row else [],
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


async def set_experience(user: CurrentUser, form: dict[str, str]) -> None:
    """Client groups (``group_<code>=on``) and languages (comma-separated)."""
    row = await profile_row(user)
    groups = {g["code"]: g for g in await client_group_list()}
    chosen = [code for code in groups if form.get(f"group_{code}") == "on"]
    languages: list[str] = []
    for part in form.get("languages", "").replace(";", ",").split(","):
        name = " ".join(part.split())
        if name and name.lower() not in (x.lower() for x in languages):
            languages.append(name[:1].upper() + name[1:])
    errors = {}
    gender = form.get("gender", "")
    if gender not in PA_GENDERS:
        errors["gender"] = "Select your gender, or that you prefer not to say"
    if len(languages) > MAX_LANGUAGES:
        errors["languages"] = f"List up to {MAX_LANGUAGES} languages"
    elif any(len(name) > 40 for name in languages):
        errors["languages"] = "Each language must be 40 characters or fewer"
    if errors:
        raise Invalid(errors)

    async def replace_groups() -> None:
        await PAClientGroup.delete().where(PAClientGroup.profile == row["id"])
        if chosen:
            await PAClientGroup.insert(
                *[PAClientGroup(profile=row["id"], group=groups[c]["id"]) for c in chosen]
            )

    await save_change(
        user,
        row,
        {PAProfile.languages: msgspec.json.encode(languages).decode(), PAProfile.gender: gender},
        "profile.experience_changed",
        {"client_groups": chosen, "languages": languages},
        also=replace_groups,
    )


async def work_pattern(profile_id: int) -> WorkPatternOut:
    row = await PAProfile.select().where(PAProfile.id == profile_id).first()
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


def _hours(errors: dict[str, str], field: str, raw: str, label: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 84:
        errors[field] = f"{label} must be a whole number of hours from 1 to 84"
        return None
    return int(raw)


async def set_work_pattern(user: CurrentUser, form: dict[str, str]) -> None:
    row = await profile_row(user)
    errors: dict[str, str] = {}
    kinds = [kind for kind in SHIFT_KINDS if form.get(f"shift_{kind}") == "on"]
    if not kinds:
        errors["shift_kinds"] = "Select the kinds of shift you will work"
    wont, year = check_limits(form, kinds, errors)
    start = None
    try:
        start = parse_date_parts(
            form.get("start_day", ""),
            form.get("start_month", ""),
            form.get("start_year", ""),
            "The date you can start",
        )
    except DateProblem as problem:
        errors["start"] = str(problem)
    low = _hours(errors, "min_hours", form.get("min_hours", ""), "The fewest hours a week")
    high = _hours(errors, "max_hours", form.get("max_hours", ""), "The most hours a week")
    if low and high and low > high:
        errors["max_hours"] = "The most hours a week must be the same as or more than the fewest"
    if errors:
        raise Invalid(errors)
    values = {
        PAProfile.shift_kinds: msgspec.json.encode(kinds).decode(),
        PAProfile.earliest_start: start,
        PAProfile.min_hours: low,
        PAProfile.max_hours: high,
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


async def add_away(user: CurrentUser, form: dict[str, str]) -> None:
    row = await profile_row(user)
    errors: dict[str, str] = {}
    dates = {}
    for key, label in (("from", "The first day away"), ("to", "The last day away")):
        try:
            dates[key] = parse_date_parts(
                form.get(f"{key}_day", ""), form.get(f"{key}_month", ""), form.get(f"{key}_year", ""), label
            )
            if dates[key] is None:
                errors[f"away_{key}"] = f"Enter {label[0].lower()}{label[1:]}"
        except DateProblem as problem:
            errors[f"away_{key}"] = str(problem)
    if not errors and dates["to"] < dates["from"]:
        errors["away_to"] = "The last day away must be the same as or after the first"
    if not errors and dates["to"] < utcnow().date():
        errors["away_to"] = "The last day away must be today or in the future"
    if errors:
        raise Invalid(errors)
    if await AwayPeriod.count().where(AwayPeriod.profile == row["id"]) >= MAX_AWAY:
        raise Invalid({"away_from": f"You can list up to {MAX_AWAY} periods away: remove a past one first"})
    period = AwayPeriod(
        profile=row["id"],
        starts_on=dates["from"],
        ends_on=dates["to"],
        note=form.get("note", "").strip()[:200],
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


async def add_qualification(user: CurrentUser, form: dict[str, str]) -> None:
    row = await profile_row(user)
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in QUALIFICATION_KINDS:
        errors["kind"] = "Select the qualification"
    title = " ".join(form.get("title", "").split())
    if kind == "other" and not title:
        errors["title"] = "Enter the name of the qualification"
    elif len(title) > 200:
        errors["title"] = "The name must be 200 characters or fewer"
    achieved = None
    try:
        achieved = parse_date_parts(
            form.get("achieved_day", ""),
            form.get("achieved_month", ""),
            form.get("achieved_year", ""),
            "The date you achieved it",
        )
    except DateProblem as problem:
        errors["achieved"] = str(problem)
    if achieved and achieved > utcnow().date():
        errors["achieved"] = "The date you achieved it must be today or in the past"
    if errors:
        raise Invalid(errors)
    qualification = Qualification(
        profile=row["id"], kind=kind, title=title or QUALIFICATION_KINDS[kind], achieved_on=achieved
    )
    await save_change(
        user,
        row,
        {},
        "profile.qualification_added",
        {"kind": kind},
        also=lambda: Qualification.insert(qualification),
    )


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
