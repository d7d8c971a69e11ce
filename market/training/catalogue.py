"""The course catalogue, as an admin keeps it: validity (refresher interval), the
safeguarding flag, the skills that depend on a course, new courses, retiring old ones.

Refresher intervals differ between councils and guidance, so validity is a setting: changing
it recomputes the expiry of every completion of that course, in the same transaction."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import ilike, write_transaction
from market.errors import Invalid, NotFound
from market.register import changes, directory
from market.training import rules
from market.training.schemas import CourseSettingsInput, NewCourseInput
from market.training.tables import Completion, Course, CourseSkill

MAX_NAME = 160


class CourseOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str
    kind: str
    kind_text: str
    validity_months: int | None
    default_validity_months: int | None
    safeguarding: str
    qualification_level: int | None
    active: bool
    skills: list[str]  # skill codes that depend on it
    skill_names: list[str]
    completions: int

    @property
    def validity_text(self) -> str:
        return validity_text(self.validity_months)


def validity_text(months: int | None) -> str:
    if months is None:
        return "Does not expire"
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


async def courses(*, active_only: bool = False) -> list[CourseOut]:
    query = Course.select().order_by(Course.position).order_by(Course.name)
    if active_only:
        query = query.where(Course.active.eq(True))
    rows = await query
    links: dict[int, list[tuple[str, str]]] = {}
    for link in await CourseSkill.select(
        CourseSkill.course, CourseSkill.skill.code.as_alias("code"), CourseSkill.skill.name.as_alias("name")
    ):
        links.setdefault(link["course"], []).append((link["code"], link["name"]))
    counts: dict[int, int] = {}
    for row in await Completion.select(Completion.course):
        counts[row["course"]] = counts.get(row["course"], 0) + 1
    return [
        CourseOut(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            kind=r["kind"],
            kind_text=rules.KINDS.get(r["kind"], r["kind"]),
            validity_months=r["validity_months"],
            default_validity_months=r["default_validity_months"],
            safeguarding=r["safeguarding"],
            qualification_level=r["qualification_level"],
            active=r["active"],
            skills=[code for code, _ in links.get(r["id"], [])],
            skill_names=[name for _, name in links.get(r["id"], [])],
            completions=counts.get(r["id"], 0),
        )
        for r in rows
    ]


async def course_out(course_id: int) -> CourseOut:
    for course in await courses():
        if course.id == course_id:
            return course
    raise NotFound()


VALIDITY_MESSAGE = (
    f"Enter how many months the course stays valid, 1 to {rules.MAX_VALIDITY_MONTHS}, "
    "or leave it blank if it does not expire"
)


def settings_problems(data: CourseSettingsInput | NewCourseInput) -> dict[str, str]:
    """The rules a course's settings meet, without the database: by field."""
    errors: dict[str, str] = {}
    if data.validity_months is not None and not 1 <= data.validity_months <= rules.MAX_VALIDITY_MONTHS:
        errors["validity_months"] = VALIDITY_MESSAGE
    if data.safeguarding not in rules.SAFEGUARDING:
        errors["safeguarding"] = "Choose whether this is safeguarding training"
    return errors


def new_course_problems(data: NewCourseInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = "Enter the course's name"
    elif len(name) > MAX_NAME:
        errors["name"] = f"The name must be {MAX_NAME} characters or fewer"
    if data.kind not in rules.KINDS:
        errors["kind"] = "Choose what kind of course it is"
    return errors | settings_problems(data)


async def _skill_ids(codes: list[str], errors: dict[str, str]) -> list[int]:
    """The skills named by code; a problem when any is not a known skill."""
    if not codes:
        return []
    known = await directory.skills()
    if any(code not in known for code in codes):
        errors["skills"] = "Choose skills from the list"
    return [known[code].id for code in dict.fromkeys(codes) if code in known]


async def update(course_id: int, data: CourseSettingsInput, *, actor: CurrentUser) -> int:
    """Save a course's settings; returns how many completions had their expiry recomputed."""
    row = await Course.select().where(Course.id == course_id).first()
    if row is None:
        raise NotFound()
    errors = settings_problems(data)
    skill_ids = await _skill_ids(data.skills, errors)
    if errors:
        raise Invalid(errors)
    months, safeguarding, active = data.validity_months, data.safeguarding, data.active
    recomputed = 0
    async with write_transaction():
        await Course.update(
            {
                Course.validity_months: months,
                Course.safeguarding: safeguarding,
                Course.active: active,
                Course.updated_at: utcnow(),
            }
        ).where(Course.id == course_id)
        await CourseSkill.delete().where(CourseSkill.course == course_id)
        if skill_ids:
            await CourseSkill.insert(*[CourseSkill(course=course_id, skill=s) for s in skill_ids])
        if months != row["validity_months"]:
            recomputed = await recompute_expiry(course_id, months)
        await changes.touch_all()  # the skills it counts for and its holders' expiry: rebuild
        await audit.record(
            "training.course_updated",
            actor=actor,
            subject_type="training_course",
            subject_id=course_id,
            detail={
                "validity_before": row["validity_months"],
                "validity_after": months,
                "recomputed": recomputed,
                "safeguarding": safeguarding,
                "active": active,
            },
        )
    return recomputed


async def recompute_expiry(course_id: int, months: int | None) -> int:
    """Every completion of the course gets the expiry the new validity gives (and may be
    reminded again). Inside the caller's transaction."""
    rows = await Completion.select(Completion.id, Completion.completed_on, Completion.expires_on).where(
        Completion.course == course_id
    )
    changed = 0
    for r in rows:
        expiry = rules.expires_on(r["completed_on"], months)
        if expiry != r["expires_on"]:
            await Completion.update({Completion.expires_on: expiry, Completion.reminder_sent_on: None}).where(
                Completion.id == r["id"]
            )
            changed += 1
    return changed


def code_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40]


async def add(data: NewCourseInput, *, actor: CurrentUser) -> int:
    errors = new_course_problems(data)
    name = " ".join(data.name.split())
    if "name" not in errors and await Course.exists().where(ilike(Course.name, name)):
        errors["name"] = "There is already a course with that name"
    skill_ids = await _skill_ids(data.skills, errors)
    if errors:
        raise Invalid(errors)
    kind, months, safeguarding = data.kind, data.validity_months, data.safeguarding
    code = code_for(name) or "course"
    base, n = code, 2
    while await Course.exists().where(Course.code == code):
        code, n = f"{base}_{n}", n + 1
    last = await Course.select(Course.position).order_by(Course.position, ascending=False).first()
    async with write_transaction():
        rows = await Course.insert(
            Course(
                code=code,
                name=name,
                kind=kind,
                validity_months=months,
                default_validity_months=months,
                safeguarding=safeguarding,
                position=(last["position"] + 1) if last else 0,
            )
        ).returning(Course.id)
        course_id = rows[0]["id"]
        if skill_ids:
            await CourseSkill.insert(*[CourseSkill(course=course_id, skill=s) for s in skill_ids])
        await changes.touch_all()  # a new course (and the skills it counts for): rebuild
        await audit.record(
            "training.course_added",
            actor=actor,
            subject_type="training_course",
            subject_id=course_id,
            detail={"name": name},
        )
    return course_id


def form_values(course: CourseOut) -> dict[str, Any]:
    values: dict[str, Any] = {
        "validity_months": "" if course.validity_months is None else str(course.validity_months),
        "safeguarding": course.safeguarding,
        "active": "yes" if course.active else "",
    }
    values.update({f"skill_{code}": "yes" for code in course.skills})
    return values
