"""Staff resolve the languages typed before the list that matched no language's name or
alias (kept by the migration that made the list, ``market.register.languages_admin``):
map each to a language, or add it to the list as a new language. The code then goes on the
PA's profile or on the need's list it was typed in. The register owns the list and the
profiles; the needs are this app's, so resolving lives here.
"""

from __future__ import annotations

from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.db import json_list, write_transaction
from market.errors import Invalid, NotFound
from market.matching.needs import changes as need_changes
from market.matching.tables import Need
from market.register import languages, languages_admin
from market.register.schemas import LanguageInput

NEED_FIELDS = {"languages_required": Need.languages_required, "languages_preferred": Need.languages_preferred}


async def pending() -> list[dict[str, Any]]:
    """Each entry still to map, with where it was typed."""
    rows = await languages_admin.unmapped()
    titles: dict[int, str] = {}
    need_ids = [r["record_id"] for r in rows if r["kind"] == "need"]
    if need_ids:
        for need in await Need.select(Need.id, Need.title).where(Need.id.is_in(need_ids)):
            titles[need["id"]] = need["title"]
    return [
        {
            **r,
            "where": (
                f"A PA's profile (profile {r['record_id']})"
                if r["kind"] == "profile"
                else f"Need ‘{titles.get(r['record_id'], r['record_id'])}’, "
                + (
                    "languages a PA must speak"
                    if r["field"] == "languages_required"
                    else "languages good to have"
                )
            ),
        }
        for r in rows
    ]


async def _add_to_need(need_id: int, field: str, code: str) -> None:
    column = NEED_FIELDS.get(field)
    if column is None:
        return
    row = await Need.select(column).where(Need.id == need_id).first()
    if row is None:
        return  # the need is gone
    held = [str(c) for c in json_list(row[field])]
    if code not in held:
        held.append(code)
        await Need.update({column: msgspec.json.encode(held).decode()}).where(Need.id == need_id)
        await need_changes.touch(need_id)


async def _resolve(entry: dict[str, Any], code: str, actor: CurrentUser) -> None:
    if entry["kind"] == "profile":
        await languages_admin.add_to_profile(entry["record_id"], code)
    else:
        await _add_to_need(entry["record_id"], entry["field"], code)
    await languages_admin.mark_mapped(entry["id"], code, actor=actor)
    await audit.record(
        "language.mapped",
        actor=actor,
        subject_type=entry["kind"],
        subject_id=entry["record_id"],
        detail={"typed": entry["text"], "code": code, "field": entry["field"]},
    )


async def map_to(entry_id: int, text: str, *, actor: CurrentUser) -> str:
    """Map the entry to the language ``text`` names (code, name or alias)."""
    field = f"language_{entry_id}"
    if not text.strip():
        raise Invalid({field: "Enter the language to map it to"})
    catalogue = await languages.load()
    code = catalogue.code_of(text)
    if code is None:
        raise Invalid({field: languages.unknown_message(text)})
    async with write_transaction():
        entry = await languages_admin.unmapped_entry(entry_id)
        await _resolve(entry, code, actor)
    return code


async def add_as_new(entry_id: int, *, actor: CurrentUser) -> str:
    """Add the entry's text to the list as a new language, and map the entry to it."""
    entry = await languages_admin.unmapped_entry(entry_id)
    try:
        code = await languages_admin.add_language(
            LanguageInput(name=entry["text"]), actor=actor, source="staff"
        )
    except Invalid as problem:
        raise Invalid({f"language_{entry_id}": next(iter(problem.errors.values()))}) from None
    async with write_transaction():
        try:
            entry = await languages_admin.unmapped_entry(entry_id)
        except NotFound:
            return code  # resolved by someone else meanwhile; the language stays on the list
        await _resolve(entry, code, actor)
    return code
