"""The rest of the register's JSON API: profile details, qualifications, dates away, the
skills list (admin) and the CSV import (staff). Same services as the pages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from market.errors import Invalid
from market.register import details, importer, languages, languages_admin, services, skills_admin
from market.register.import_rows import is_mode
from market.register.schemas import (
    AwayInput,
    ExperienceInput,
    ExperienceOut,
    LanguageInput,
    LanguageOut,
    PatternInput,
    QualificationInput,
    SkillNameInput,
    WorkPatternOut,
)
from market.settings import Settings
from market.web.guards import ADMIN, SIGNED_IN, STAFF, roles
from market.web.params import RecordId


class SkillOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str
    active: bool
    holders: int


async def _experience(request: Request) -> ExperienceOut:
    row = await services.profile_row(request.user)
    return await details.experience(row["id"])


async def _pattern(request: Request) -> WorkPatternOut:
    row = await services.profile_row(request.user)
    return await details.work_pattern(row["id"])


async def _skills() -> list[SkillOut]:
    return [msgspec.convert(s, SkillOut) for s in await skills_admin.all_skills()]


class ProfileDetailsAPI(Controller):
    path = "/api/v1/profile"
    opt = roles("pa")
    tags = ["register"]

    @get("/experience", summary="Client groups, languages and qualifications")
    async def experience(self, request: Request) -> ExperienceOut:
        return await _experience(request)

    @put("/experience", summary="Client groups (codes) and languages")
    async def set_experience(self, request: Request, data: JSONBody[ExperienceInput]) -> ExperienceOut:
        await details.set_experience(request.user, data)
        return await _experience(request)

    @post("/qualifications", status_code=201, summary="Add a qualification")
    async def add_qualification(self, request: Request, data: JSONBody[QualificationInput]) -> ExperienceOut:
        await details.add_qualification(request.user, data)
        return await _experience(request)

    @delete(
        "/qualifications/{qualification_id:int}", status_code=204, summary="Remove one of your qualifications"
    )
    async def remove_qualification(self, request: Request, qualification_id: RecordId) -> None:
        await details.remove_qualification(request.user, qualification_id)

    @get("/pattern", summary="Shift kinds, start date, hours, limits, dates away")
    async def pattern(self, request: Request) -> WorkPatternOut:
        return await _pattern(request)

    @put("/pattern", summary="Shift kinds, start date, hours, work not done and year pattern")
    async def set_pattern(self, request: Request, data: JSONBody[PatternInput]) -> WorkPatternOut:
        await details.set_work_pattern(request.user, data)
        return await _pattern(request)

    @post("/away", status_code=201, summary="Add dates away")
    async def add_away(self, request: Request, data: JSONBody[AwayInput]) -> WorkPatternOut:
        await details.add_away(request.user, data)
        return await _pattern(request)

    @delete("/away/{away_id:int}", status_code=204, summary="Remove dates away")
    async def remove_away(self, request: Request, away_id: RecordId) -> None:
        await details.remove_away(request.user, away_id)


class SkillsAPI(Controller):
    path = "/api/v1/skills"
    opt = SIGNED_IN  # reading; each change below narrows it to admin
    tags = ["register"]

    @get("/", summary="The skills list")
    async def skills(self) -> list[SkillOut]:
        return await _skills()

    @post("/", opt=ADMIN, status_code=201, summary="Add a skill (admin)")
    async def add(self, request: Request, data: JSONBody[SkillNameInput]) -> list[SkillOut]:
        await skills_admin.add_skill(data, actor=request.user)
        return await _skills()

    @put("/{skill_id:int}", opt=ADMIN, summary="Rename a skill (admin)")
    async def rename(
        self, request: Request, skill_id: RecordId, data: JSONBody[SkillNameInput]
    ) -> list[SkillOut]:
        await skills_admin.rename_skill(skill_id, data, actor=request.user)
        return await _skills()

    @post("/{skill_id:int}/retire", opt=ADMIN, status_code=200, summary="Retire a skill (admin)")
    async def retire(self, request: Request, skill_id: RecordId) -> list[SkillOut]:
        await skills_admin.set_active(skill_id, False, actor=request.user)
        return await _skills()

    @post("/{skill_id:int}/restore", opt=ADMIN, status_code=200, summary="Bring a skill back (admin)")
    async def restore(self, request: Request, skill_id: RecordId) -> list[SkillOut]:
        await skills_admin.set_active(skill_id, True, actor=request.user)
        return await _skills()


class LanguagesAPI(Controller):
    path = "/api/v1/languages"
    opt = SIGNED_IN  # reading; adding narrows it to admin
    tags = ["register"]

    @get("/", summary="The list of languages: codes, standard names and aliases")
    async def languages(self) -> list[LanguageOut]:
        return [languages_admin.out(e) for e in (await languages.load()).entries]

    @post("/", opt=ADMIN, status_code=201, summary="Add a language with its aliases (admin)")
    async def add(self, request: Request, data: JSONBody[LanguageInput]) -> LanguageOut:
        code = await languages_admin.add_language(data, actor=request.user)
        return languages_admin.out(languages.current().by_code[code])


class ImportAPI(Controller):
    path = "/api/v1/register/import"
    opt = STAFF
    tags = ["register"]

    @post(
        "/",
        status_code=200,
        request_max_body_size=importer.MAX_BYTES * 2,
        summary="Import PAs from CSV (the request body is the file); mode: check, all or valid_only",
    )
    async def import_csv(
        self,
        request: Request,
        settings: NamedDependency[Settings],
        mode: FromQuery[str] = "all",
        file_name: FromQuery[str] = "upload.csv",
    ) -> importer.ImportReport:
        if not is_mode(mode):
            raise Invalid({"mode": "Choose check, all or valid_only"})
        body = await request.body()
        return await importer.import_csv(
            body, file_name=file_name, settings=settings, actor=request.user, mode=mode
        )


ROUTES: list[Any] = [ProfileDetailsAPI, SkillsAPI, LanguagesAPI, ImportAPI]
