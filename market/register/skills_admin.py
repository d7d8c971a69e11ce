"""Admin keeps the controlled list of skills: add, rename, retire and bring back.

A skill is never deleted: PAs' profiles and past records refer to it. A retired skill
no longer appears in forms; PAs who hold it keep it.
"""

from __future__ import annotations

import re
from typing import Any

from piccolo.query.functions.aggregate import Max

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.db import ilike, write_transaction
from market.errors import Invalid, NotFound
from market.register import changes
from market.register.schemas import SkillNameInput
from market.register.tables import PASkill, Skill


def _code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48]


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise Invalid({"name": "Enter the skill's name"})
    if len(name) > 120:
        raise Invalid({"name": "The name must be 120 characters or fewer"})
    return name


async def all_skills() -> list[dict[str, Any]]:
    skills = await Skill.select().order_by(Skill.position)
    counts: dict[int, int] = {}
    for row in await PASkill.select(PASkill.skill):
        counts[row["skill"]] = counts.get(row["skill"], 0) + 1
    return [{**s, "holders": counts.get(s["id"], 0)} for s in skills]


async def add_skill(data: SkillNameInput, *, actor: CurrentUser) -> None:
    name = _name(data.name)
    code = _code(name)
    async with write_transaction():
        if await Skill.exists().where((Skill.code == code) | (ilike(Skill.name, name))):
            raise Invalid({"name": f"There is already a skill called {name}"})
        last = await Skill.select(Max(Skill.position)).first()
        position = (last["max"] or 0) + 1 if last else 0
        await Skill.insert(Skill(code=code, name=name, position=position))
        await changes.touch_all()  # every worker's index holds the skill list: rebuild
        await audit.record(
            "skill.added", actor=actor, subject_type="skill", subject_id=code, detail={"name": name}
        )


async def rename_skill(skill_id: int, data: SkillNameInput, *, actor: CurrentUser) -> None:
    name = _name(data.name)
    async with write_transaction():
        if not await Skill.exists().where(Skill.id == skill_id):
            raise NotFound()
        if await Skill.exists().where(ilike(Skill.name, name), Skill.id != skill_id):
            raise Invalid({"name": f"There is already a skill called {name}"})
        await Skill.update({Skill.name: name}).where(Skill.id == skill_id)
        await changes.touch_all()  # the register search shows skills by the index's names
        await audit.record(
            "skill.renamed", actor=actor, subject_type="skill", subject_id=skill_id, detail={"name": name}
        )


async def set_active(skill_id: int, active: bool, *, actor: CurrentUser) -> None:
    async with write_transaction():
        if not await Skill.exists().where(Skill.id == skill_id):
            raise NotFound()
        await Skill.update({Skill.active: active}).where(Skill.id == skill_id)
        await changes.touch_all()  # the register search reads its skill list again on the rebuild
        await audit.record(
            "skill.restored" if active else "skill.retired",
            actor=actor,
            subject_type="skill",
            subject_id=skill_id,
        )
