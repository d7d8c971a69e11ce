"""What the rest of the service may ask of training: which courses a PA holds current at a
date (for matching and the register's profile page), and which listed skills lack the
training they depend on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
import numpy as np

from market.reads import Read, marks, table

# The skills each PA lists, read in batches: ``gaps`` feeds the matching index and staff's
# overview across the register, and the register publishes no bulk lookup of them (asked for).
from market.register import directory
from market.snapshot import Snapshot, within
from market.training import rules
from market.training.tables import Completion, Course, CourseSkill

BATCH = 500


async def held(profile_ids: Sequence[int], *, verified_only: bool = False) -> dict[int, list[rules.Held]]:
    """Every completion of these PAs, newest first (two queries a batch of 500)."""
    found: dict[int, list[rules.Held]] = {}
    ids = list(dict.fromkeys(profile_ids))
    for start in range(0, len(ids), BATCH):
        query = Completion.select(
            Completion.profile,
            Completion.course,
            Completion.course.code.as_alias("code"),
            Completion.course.name.as_alias("name"),
            Completion.completed_on,
            Completion.expires_on,
            Completion.verified_at,
        ).where(Completion.profile.is_in(ids[start : start + BATCH]))
        if verified_only:
            query = query.where(Completion.verified_at.is_not_null())
        for row in await query.order_by(Completion.completed_on, ascending=False):
            found.setdefault(row["profile"], []).append(
                rules.Held(
                    course_id=row["course"],
                    code=row["code"],
                    name=row["name"],
                    completed_on=row["completed_on"],
                    expires_on=row["expires_on"],
                    verified=row["verified_at"] is not None,
                )
            )
    return found


async def completion_columns(
    snapshot: Snapshot, first: int, last: int, *, never: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(profile id, course id, expiry day number or ``never``, verified 1/0) of every
    completion of the PAs whose profile ids are ``first``..``last``, as arrays (one query in
    ``snapshot``, no Python object per completion): the matching index's build reads the
    register a range of profile ids at a time. A completion of no course has course id 0."""
    assert 0 < never < 1 << 22 and last - first < 1 << 16  # the fields below
    offset, course, expires, verified = await snapshot.packed(
        (
            ("profile - ?", 16),  # from the first id: ``first`` is the query's first parameter too
            (within("coalesce(course, 0)", 24), 24),
            (f"coalesce({snapshot.day('expires_on')}, {int(never)})", 22),  # days: dates to 9999
            ("CASE WHEN verified_at IS NULL THEN 0 ELSE 1 END", 1),
        ),
        "training_completion WHERE profile BETWEEN ? AND ?",
        first,
        first,
        last,
    )
    profile = offset + first
    return profile, course, expires, verified


async def current_courses(
    profile_ids: Sequence[int], at: date, *, verified_only: bool = True
) -> dict[int, dict[str, rules.Held]]:
    """Per PA, the courses they hold current at ``at``, by course code (the longest-lasting
    completion of each). Only verified training counts unless ``verified_only`` is False."""
    return current_of(await held(profile_ids, verified_only=verified_only), at)


def current_of(held: dict[int, list[rules.Held]], at: date) -> dict[int, dict[str, rules.Held]]:
    """``current_courses`` from each PA's completions (``held``, or ``held_read``'s rows)."""
    current: dict[int, dict[str, rules.Held]] = {}
    for profile_id, items in held.items():
        best = rules.best_by_course(i for i in items if rules.is_current(i.expires_on, at))
        if best:
            current[profile_id] = {h.code: h for h in best.values()}
    return current


class HeldRow(msgspec.Struct, array_like=True):
    profile: int
    course_id: int
    code: str
    name: str
    completed_on: date
    expires_on: date | None
    verified: bool


def held_read(profile_ids: Sequence[int]) -> Read:
    """``held`` (every completion, verified or not) as a read to run beside others
    (market.reads); ``held_from`` turns its rows into ``held``'s answer."""
    ids = tuple(profile_ids)
    return Read(
        row=HeldRow,
        columns=(
            't."profile"',
            't."course"',
            'c."code"',
            'c."name"',
            't."completed_on"',
            't."expires_on"',
            '(t."verified_at" IS NOT NULL)',
        ),  # fmt: skip
        source=f'FROM {table(Completion)} t JOIN {table(Course)} c ON c."id" = t."course" '
        f'WHERE t."profile" IN ({marks(ids)})',
        args=ids,
        order='t."completed_on" DESC, t."id"',
    )


def held_from(rows: Sequence[HeldRow]) -> dict[int, list[rules.Held]]:
    found: dict[int, list[rules.Held]] = {}
    for r in rows:
        found.setdefault(r.profile, []).append(
            rules.Held(
                course_id=r.course_id,
                code=r.code,
                name=r.name,
                completed_on=r.completed_on,
                expires_on=r.expires_on,
                verified=r.verified,
            )
        )
    return found


async def courses_for_skills() -> dict[str, list[int]]:
    """Skill code -> the courses that skill depends on."""
    rows = await CourseSkill.select(CourseSkill.skill.code.as_alias("skill"), CourseSkill.course)
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["skill"], []).append(row["course"])
    return found


async def gaps(profile_ids: Sequence[int], at: date) -> dict[int, dict[str, list[int]]]:
    """Per PA: each listed skill whose linked courses they do not hold current and verified."""
    links = await courses_for_skills()
    skills = await directory.skill_codes(profile_ids)
    current = await current_courses(profile_ids, at)
    found = {}
    for profile_id, codes in skills.items():
        held_ids = {h.course_id for h in current.get(profile_id, {}).values()}
        if missing := rules.gaps(codes, links, held_ids):
            found[profile_id] = missing
    return found
