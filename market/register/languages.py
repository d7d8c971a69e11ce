"""The controlled list of languages, and turning what people type into its codes.

The list (table ``register_language``) is seeded from the ONS Census 2021 main language
classification (see the register migration ``register_2026_12_02t13_50_00_000000`` and
docs/languages.md) and extended by admin (``languages_admin``). Profiles and needs store
codes; pages show the standard name.

A typed text names a language when its ``key`` (no case, spaces, punctuation or accents)
is the key of the language's code, standard name or one of its aliases: "punjabi",
"Panjabi" and "PANJABI" are all the code ``panjabi``, "bsl" is ``british_sign_language``.
A retired language is no longer offered, but still recognised, so that a PA who speaks it
can save their page again.

``load`` reads the list (every form and every index build does); ``current`` is the list as
last read in this process, for the sync callers: the templates' ``language_names`` filter
and the matching index's ``language_code``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from market.db import json_list
from market.errors import Invalid
from market.register.tables import Language

MAX_LANGUAGES = 10  # on one profile, or in one of a need's two lists
SHOWN = 3  # language boxes a page shows at least


def key(text: str) -> str:
    """What two spellings of one name share: no accents, case, spaces or punctuation."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", plain.casefold())


def unknown_message(text: str) -> str:
    shown = " ".join(str(text).split())
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return f"We do not recognise ‘{shown}’ as a language. Check the spelling or choose one from the list"


@dataclass(frozen=True)
class Entry:
    id: int
    code: str
    name: str
    aliases: tuple[str, ...]
    position: int
    active: bool
    source: str


@dataclass
class Catalogue:
    entries: list[Entry] = field(default_factory=list)
    by_code: dict[str, Entry] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Catalogue:
        made = cls(entries=sorted(entries, key=lambda e: (e.position, e.name)))
        for entry in made.entries:
            made.by_code[entry.code] = entry
        # Standard names and codes win over aliases; active languages over retired ones.
        for entry in sorted(made.entries, key=lambda e: not e.active):
            made.by_key.setdefault(key(entry.code), entry.code)
            made.by_key.setdefault(key(entry.name), entry.code)
        for entry in sorted(made.entries, key=lambda e: not e.active):
            for alias in entry.aliases:
                made.by_key.setdefault(key(alias), entry.code)
        return made

    def code_of(self, text: str) -> str | None:
        return self.by_key.get(key(text)) if key(text) else None

    def name(self, code: str) -> str:
        entry = self.by_code.get(code)
        return entry.name if entry else str(code).replace("_", " ").capitalize()

    def names(self, codes: Iterable[str]) -> list[str]:
        return [self.name(c) for c in codes]

    def suggestions(self) -> list[str]:
        """What the pages' shared datalist offers: every active language's name and aliases."""
        offered: list[str] = []
        for entry in self.entries:
            if entry.active:
                offered.append(entry.name)
                offered.extend(a for a in entry.aliases if a.casefold() != entry.name.casefold())
        return offered

    def resolve(self, texts: Iterable[str]) -> tuple[list[str], dict[int, str]]:
        """The codes of ``texts`` in order, once each (blanks skipped), and a message for
        each text, by its place, that names no language."""
        codes: list[str] = []
        problems: dict[int, str] = {}
        for i, text in enumerate(texts):
            if not str(text).strip():
                continue
            code = self.code_of(str(text))
            if code is None:
                problems[i] = unknown_message(str(text))
            elif code not in codes:
                codes.append(code)
        return codes, problems


_CURRENT = Catalogue()


def _entry(row: Mapping[str, Any]) -> Entry:
    return Entry(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        aliases=tuple(str(a) for a in json_list(row["aliases"])),
        position=row["position"],
        active=row["active"],
        source=row["source"],
    )


async def load() -> Catalogue:
    """The list as it is in the database now (and kept as ``current``)."""
    global _CURRENT
    _CURRENT = Catalogue.of(_entry(r) for r in await Language.select())
    return _CURRENT


def current() -> Catalogue:
    """The list as this process last read it (``load``)."""
    return _CURRENT


def names(codes: Iterable[str]) -> list[str]:
    """Standard names of these codes (for templates: ``codes | language_names``)."""
    return current().names(json_list(codes) if isinstance(codes, str) else codes)


def code_of(text: str) -> str:
    """The code a text names, or the text's key when it names none (a code that matches no
    other: nobody is stored with it)."""
    return current().code_of(text) or key(text)


async def codes(texts: Iterable[str], field: str, *, limit: int = MAX_LANGUAGES) -> list[str]:
    """Codes of the texts (codes, names or aliases), or ``Invalid`` naming ``field``: each
    unknown text, or too many languages. What the services call with API or form input."""
    texts = [str(t) for t in texts]
    catalogue = await load()
    found, problems = catalogue.resolve(texts)
    if problems:
        raise Invalid({field: "; ".join(problems.values())})
    if len(found) > limit:
        raise Invalid({field: f"List up to {limit} languages"})
    return found


# -- the pages' boxes: one text input per language, ``<name>_<n>`` ------------------------


def typed(form: Mapping[str, str], name: str) -> list[str]:
    """What was typed in the boxes ``<name>_0``, ``<name>_1`` ... (in order; blanks kept, so
    that a message can be put by the box it is about)."""
    found: list[tuple[int, str]] = []
    prefix = f"{name}_"
    for field_name, value in form.items():
        tail = field_name.removeprefix(prefix)
        if field_name.startswith(prefix) and tail.isdigit() and len(tail) <= 3:
            found.append((int(tail), str(value)))
    found.sort()
    return [value for _, value in found[: MAX_LANGUAGES * 2]]


def check_boxes(
    form: Mapping[str, str], name: str, catalogue: Catalogue, *, limit: int = MAX_LANGUAGES
) -> tuple[list[str], dict[str, str]]:
    """Codes typed in a page's boxes and an error by each box that names no language."""
    texts = typed(form, name)
    found, problems = catalogue.resolve(texts)
    errors = {f"{name}_{i}": message for i, message in problems.items()}
    if not errors and len(found) > limit:
        errors[f"{name}_0"] = f"List up to {limit} languages"
    return found, errors


def box_values(name: str, codes_or_texts: Iterable[str], catalogue: Catalogue) -> dict[str, str]:
    """The boxes' values for a page showing saved codes: each language's standard name."""
    return {f"{name}_{i}": catalogue.name(c) for i, c in enumerate(codes_or_texts)}


def box_count(form: Mapping[str, Any], name: str) -> int:
    """How many boxes to show: at least ``SHOWN``, one more than those filled, and one more
    again when "Add another language" was pressed for this list."""
    filled = [k for k in form if k.startswith(f"{name}_") and k.removeprefix(f"{name}_").isdigit()]
    last = max((int(k.removeprefix(f"{name}_")) for k in filled if form.get(k)), default=-1)
    count = max(SHOWN, last + 2, len(filled))
    if form.get("add_language") == name:
        count += 1
    return min(count, MAX_LANGUAGES * 2)


def box_errors(errors: Mapping[str, str], form: Mapping[str, str], fields: Iterable[str]) -> dict[str, str]:
    """A service's errors with each language list's error put by the box it is about (the
    service names the list: ``languages_required``; the page has a box each). Uses the list
    as last read, which the service has just read."""
    moved = dict(errors)
    for field_name in fields:
        if field_name not in moved:
            continue
        _, problems = current().resolve(typed(form, field_name))
        message = moved.pop(field_name)
        if problems:
            moved |= {f"{field_name}_{i}": text for i, text in problems.items()}
        else:
            moved[f"{field_name}_0"] = message
    return moved
