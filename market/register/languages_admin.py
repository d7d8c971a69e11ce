"""Admin keeps the list of languages, as the skills list is kept (``skills_admin``): add a
language with its aliases, change its name or aliases, retire and bring back. A language is
never deleted: profiles and needs hold its code. A retired one is no longer suggested, but
still recognised when typed, so a PA who speaks it can save their page again.

Also the languages typed before the list that no name or alias matched
(``LanguageUnmapped``, filled by the migration that made the list): listed for staff, and
marked resolved when staff map one to a language (``market.matching.language_fixes`` puts
the code on the profile or the need).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Max

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import json_list, write_transaction
from market.errors import Invalid, NotFound
from market.register import changes, languages
from market.register.schemas import LanguageInput, LanguageOut
from market.register.tables import Language, LanguageUnmapped, PAProfile

MAX_ALIASES = 20


def _code(name: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return (re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "language")[:48]


def _tidy(data: LanguageInput) -> tuple[str, list[str]]:
    name = " ".join(data.name.split())
    errors: dict[str, str] = {}
    if not languages.key(name):
        errors["name"] = "Enter the language's name"
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or fewer"
    aliases: list[str] = []
    for raw in data.aliases:
        alias = " ".join(str(raw).split())
        fresh = languages.key(alias) not in {languages.key(a) for a in aliases}
        if alias and languages.key(alias) != languages.key(name) and fresh:
            aliases.append(alias)
    if len(aliases) > MAX_ALIASES:
        errors["aliases"] = f"Give up to {MAX_ALIASES} other names"
    elif any(len(a) > 60 for a in aliases):
        errors["aliases"] = "Each other name must be 60 characters or fewer"
    if errors:
        raise Invalid(errors)
    return name, aliases


def _clashes(
    catalogue: languages.Catalogue, name: str, aliases: list[str], own: str | None, field: str
) -> dict[str, str]:
    """A name or alias that already names another language."""
    for text, where in ((name, field), *((a, "aliases") for a in aliases)):
        code = catalogue.code_of(text)
        if code is not None and code != own:
            return {where: f"‘{text}’ already names {catalogue.name(code)}"}
    return {}


def out(entry: languages.Entry) -> LanguageOut:
    return LanguageOut(code=entry.code, name=entry.name, aliases=list(entry.aliases), active=entry.active)


async def speakers() -> dict[str, int]:
    """How many PAs have each language."""
    counts: dict[str, int] = {}
    for row in await PAProfile.select(PAProfile.languages):
        for code in json_list(row["languages"]):
            counts[str(code)] = counts.get(str(code), 0) + 1
    return counts


def _row(entry: languages.Entry, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "code": entry.code,
        "name": entry.name,
        "aliases": ", ".join(entry.aliases),
        "active": entry.active,
        "source": entry.source,
        "speakers": counts.get(entry.code, 0),
    }


async def all_languages() -> list[dict[str, Any]]:
    catalogue = await languages.load()
    counts = await speakers()
    return [_row(e, counts) for e in catalogue.entries]


async def language(language_id: int) -> dict[str, Any]:
    """One language as the list shows it; NotFound when no language has the id."""
    catalogue = await languages.load()
    entry = next((e for e in catalogue.entries if e.id == language_id), None)
    if entry is None:
        raise NotFound()
    return _row(entry, await speakers())


async def add_language(data: LanguageInput, *, actor: CurrentUser, source: str = "admin") -> str:
    """Add a language; its code. Invalid when its name or an alias names one already."""
    name, aliases = _tidy(data)
    async with write_transaction():
        catalogue = await languages.load()
        if errors := _clashes(catalogue, name, aliases, None, "name"):
            raise Invalid(errors)
        code, n = _code(name), 2
        while code in catalogue.by_code:
            code, n = f"{_code(name)[:44]}_{n}", n + 1
        last = await Language.select(Max(Language.position)).first()
        position = (last["max"] or 0) + 1 if last else 0
        await Language.insert(
            Language(
                code=code,
                name=name,
                aliases=msgspec.json.encode(aliases).decode(),
                position=position,
                source=source,
            )
        )
        await audit.record(
            "language.added",
            actor=actor,
            subject_type="language",
            subject_id=code,
            detail={"name": name, "aliases": aliases},
        )
    await languages.load()
    return code


async def change_language(language_id: int, data: LanguageInput, *, actor: CurrentUser) -> None:
    """A new standard name and aliases for a language (its code stays)."""
    name, aliases = _tidy(data)
    async with write_transaction():
        row = await Language.select(Language.code).where(Language.id == language_id).first()
        if row is None:
            raise NotFound()
        catalogue = await languages.load()
        if errors := _clashes(catalogue, name, aliases, row["code"], "name"):
            raise Invalid(errors)
        await Language.update(
            {Language.name: name, Language.aliases: msgspec.json.encode(aliases).decode()}
        ).where(Language.id == language_id)
        await audit.record(
            "language.changed",
            actor=actor,
            subject_type="language",
            subject_id=row["code"],
            detail={"name": name, "aliases": aliases},
        )
    await languages.load()


async def set_active(language_id: int, active: bool, *, actor: CurrentUser) -> None:
    async with write_transaction():
        row = await Language.select(Language.code).where(Language.id == language_id).first()
        if row is None:
            raise NotFound()
        await Language.update({Language.active: active}).where(Language.id == language_id)
        await audit.record(
            "language.restored" if active else "language.retired",
            actor=actor,
            subject_type="language",
            subject_id=row["code"],
        )
    await languages.load()


# -- typed languages from before the list that matched none -------------------------------


async def unmapped(*, resolved: bool = False) -> list[dict[str, Any]]:
    """The entries staff have still to map (or, ``resolved``, those they mapped)."""
    query = LanguageUnmapped.select().order_by(LanguageUnmapped.text).order_by(LanguageUnmapped.id)
    if resolved:
        return await query.where(LanguageUnmapped.resolved_at.is_not_null())
    return await query.where(LanguageUnmapped.resolved_at.is_null())


async def unmapped_entry(entry_id: int) -> dict[str, Any]:
    row = await LanguageUnmapped.select().where(LanguageUnmapped.id == entry_id).first()
    if row is None or row["resolved_at"] is not None:
        raise NotFound()
    return row


async def mark_mapped(entry_id: int, code: str, *, actor: CurrentUser) -> None:
    """Inside the caller's transaction: the entry resolved as ``code``."""
    await LanguageUnmapped.update(
        {
            LanguageUnmapped.resolved_code: code,
            LanguageUnmapped.resolved_at: utcnow(),
            LanguageUnmapped.resolved_by: actor.id,
        }
    ).where(LanguageUnmapped.id == entry_id)


async def add_to_profile(profile_id: int, code: str) -> None:
    """Inside the caller's transaction: ``code`` among the PA's languages (once), the change
    logged for the matching index."""
    row = await PAProfile.select(PAProfile.languages).where(PAProfile.id == profile_id).first()
    if row is None:
        return  # the profile is gone: nothing to put the language on
    spoken = [str(c) for c in json_list(row["languages"])]
    if code not in spoken:
        spoken.append(code)
        await PAProfile.update({PAProfile.languages: msgspec.json.encode(spoken).decode()}).where(
            PAProfile.id == profile_id
        )
        await changes.touch(profile_id)
