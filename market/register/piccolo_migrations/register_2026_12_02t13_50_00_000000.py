"""The list of languages, and the languages PAs typed before it mapped onto it.

The list is the Office for National Statistics' Census 2021 main language classification
(detailed), England and Wales, variable ``main_language_detailed``:
https://www.ons.gov.uk/census/census2021dictionary/variablesbytopic/ethnicgroupnationalidentitylanguageandreligionvariablescensus2021/mainlanguagedetailed
Each category's own language is taken, without the grouping it is filed under ("Other
European language (EU): Polish" is Polish). The residual categories ("Any other South
Asian language" ...) name no language and are left out. British Sign Language is the
census's own sign-language category; Makaton (a language programme, not a language in the
census) is added beside it, as are a few languages people here ask for by name that the
census folds into a group (Sylheti, Mirpuri and Potwari with their census language's
aliases, and Gypsy or Traveller languages).

Each language has the census's standard name and the aliases people type ("Punjabi" for the
census's "Panjabi", "BSL" ...). Typed text matches a name or alias ignoring case, spacing,
punctuation and accents (``key``).

Then every PA's free-text languages become codes. A text that no name or alias matches is
not lost: it is taken off the profile and kept in register_language_unmapped, listed for
staff to map (/staff/languages/unmapped). The needs' lists are mapped the same way by the
matching app's migration of the same day, with ``map_texts`` here.

Safe to run twice: a language already seeded is not added again, and codes map to themselves.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Boolean, Integer, Serial, Varchar
from piccolo.table import Table

ID = "2026-12-02T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The list of languages (ONS Census 2021), and PAs' typed languages mapped onto it"

CENSUS = "ons-census-2021"
ADDED = "added"

# (code, standard name, aliases, source), in the census's order.
LANGUAGES: list[tuple[str, str, list[str], str]] = [
    ("english", "English", ["Anglais"], CENSUS),
    ("welsh", "Welsh", ["Cymraeg"], CENSUS),
    ("irish", "Irish", ["Irish Gaelic", "Gaelic (Irish)", "Gaeilge"], CENSUS),
    ("scottish_gaelic", "Scottish Gaelic", ["Gaelic (Scottish)", "Gaidhlig"], CENSUS),
    ("manx_gaelic", "Manx Gaelic", ["Manx", "Gaelg"], CENSUS),
    ("gaelic", "Gaelic", ["Gaelic (not otherwise specified)"], CENSUS),
    ("cornish", "Cornish", ["Kernewek"], CENSUS),
    ("scots", "Scots", ["Lallans"], CENSUS),
    ("ulster_scots", "Ulster Scots", ["Ullans"], CENSUS),
    ("romany_english", "Romany English", ["Angloromani", "Anglo-Romani"], CENSUS),
    ("irish_traveller_cant", "Irish Traveller Cant", ["Shelta", "Gammon", "Cant"], CENSUS),
    ("french", "French", ["Francais"], CENSUS),
    ("portuguese", "Portuguese", ["Portugues"], CENSUS),
    ("spanish", "Spanish", ["Espanol", "Castilian", "Castellano"], CENSUS),
    ("italian", "Italian", ["Italiano"], CENSUS),
    ("german", "German", ["Deutsch"], CENSUS),
    ("polish", "Polish", ["Polski"], CENSUS),
    ("slovak", "Slovak", ["Slovakian", "Slovencina"], CENSUS),
    ("czech", "Czech", ["Cestina"], CENSUS),
    ("romanian", "Romanian", ["Romana", "Moldovan"], CENSUS),
    ("lithuanian", "Lithuanian", ["Lietuviu"], CENSUS),
    ("latvian", "Latvian", ["Latviesu"], CENSUS),
    ("hungarian", "Hungarian", ["Magyar"], CENSUS),
    ("bulgarian", "Bulgarian", [], CENSUS),
    ("greek", "Greek", ["Ellinika"], CENSUS),
    ("dutch", "Dutch", ["Flemish", "Nederlands"], CENSUS),
    ("swedish", "Swedish", ["Svenska"], CENSUS),
    ("danish", "Danish", ["Dansk"], CENSUS),
    ("finnish", "Finnish", ["Suomi"], CENSUS),
    ("estonian", "Estonian", ["Eesti"], CENSUS),
    ("slovenian", "Slovenian", ["Slovene"], CENSUS),
    ("maltese", "Maltese", ["Malti"], CENSUS),
    ("albanian", "Albanian", ["Shqip"], CENSUS),
    ("ukrainian", "Ukrainian", [], CENSUS),
    (
        "bosnian_croatian_serbian_montenegrin",
        "Bosnian, Croatian, Serbian and Montenegrin",
        ["Bosnian", "Croatian", "Serbian", "Montenegrin", "Serbo-Croat", "Serbo-Croatian"],
        CENSUS,
    ),
    ("romani", "Romani", ["Romany", "Romanes"], CENSUS),
    ("yiddish", "Yiddish", [], CENSUS),
    ("russian", "Russian", [], CENSUS),
    ("turkish", "Turkish", ["Turkce"], CENSUS),
    ("arabic", "Arabic", [], CENSUS),
    ("hebrew", "Hebrew", ["Ivrit"], CENSUS),
    ("kurdish", "Kurdish", ["Kurmanji", "Sorani"], CENSUS),
    ("persian_farsi", "Persian or Farsi", ["Persian", "Farsi", "Dari"], CENSUS),
    ("pashto", "Pashto", ["Pashtu", "Pushto"], CENSUS),
    ("urdu", "Urdu", [], CENSUS),
    ("hindi", "Hindi", [], CENSUS),
    ("panjabi", "Panjabi", ["Punjabi"], CENSUS),
    (
        "pakistani_pahari",
        "Pakistani Pahari (with Mirpuri and Potwari)",
        ["Pahari", "Mirpuri", "Potwari", "Pahari-Pothwari", "Pothwari"],
        CENSUS,
    ),
    ("bengali", "Bengali", ["Bangla"], CENSUS),
    ("sylheti", "Sylheti", ["Sylhetti"], ADDED),
    ("chittagonian", "Chittagonian", ["Chatgaya"], ADDED),
    ("gujarati", "Gujarati", ["Gujerati", "Gujrati"], CENSUS),
    ("marathi", "Marathi", [], CENSUS),
    ("telugu", "Telugu", [], CENSUS),
    ("tamil", "Tamil", [], CENSUS),
    ("malayalam", "Malayalam", [], CENSUS),
    ("sinhala", "Sinhala", ["Sinhalese"], CENSUS),
    ("nepalese", "Nepalese", ["Nepali"], CENSUS),
    ("mandarin_chinese", "Mandarin Chinese", ["Mandarin", "Chinese", "Putonghua"], CENSUS),
    ("cantonese_chinese", "Cantonese Chinese", ["Cantonese"], CENSUS),
    ("hakka", "Hakka", ["Hakka Chinese"], ADDED),
    ("japanese", "Japanese", [], CENSUS),
    ("korean", "Korean", [], CENSUS),
    ("vietnamese", "Vietnamese", [], CENSUS),
    ("thai", "Thai", [], CENSUS),
    ("malay", "Malay", ["Bahasa Melayu", "Bahasa Malaysia"], CENSUS),
    ("tagalog_filipino", "Tagalog or Filipino", ["Tagalog", "Filipino", "Pilipino"], CENSUS),
    ("caribbean_creole", "Caribbean Creole", ["Patois", "Jamaican Patois", "Patwa", "Kweyol"], CENSUS),
    ("amharic", "Amharic", [], CENSUS),
    ("tigrinya", "Tigrinya", ["Tigrigna"], CENSUS),
    ("somali", "Somali", [], CENSUS),
    ("krio", "Krio", [], CENSUS),
    ("akan", "Akan", ["Twi", "Fante", "Fanti"], CENSUS),
    ("yoruba", "Yoruba", [], CENSUS),
    ("igbo", "Igbo", ["Ibo"], CENSUS),
    ("swahili", "Swahili", ["Kiswahili"], CENSUS),
    ("luganda", "Luganda", ["Ganda"], CENSUS),
    ("lingala", "Lingala", [], CENSUS),
    ("shona", "Shona", [], CENSUS),
    ("british_sign_language", "British Sign Language", ["BSL", "Sign language", "Signing"], CENSUS),
    ("makaton", "Makaton", [], ADDED),
]


def key(text: str) -> str:
    """What two spellings of one name share: no accents, case, spaces or punctuation."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", plain.casefold())


def _list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return []
    return list(value) if isinstance(value, list) else []


class _Language(Table, tablename="register_language"):
    # A snapshot of the table as it is at this migration.
    id = Serial(primary_key=True)
    code = Varchar(length=48)
    name = Varchar(length=120)
    aliases = JSON(default="[]")
    position = Integer(default=0)
    active = Boolean(default=True)
    source = Varchar(length=24)


class _Unmapped(Table, tablename="register_language_unmapped"):
    id = Serial(primary_key=True)
    kind = Varchar(length=16)
    record_id = Integer()
    field = Varchar(length=32)
    text = Varchar(length=200)


async def codes_by_key() -> dict[str, str]:
    found: dict[str, str] = {}
    for row in await _Language.select(_Language.code, _Language.name, _Language.aliases):
        for text in [row["code"], row["name"], *_list(row["aliases"])]:
            found.setdefault(key(str(text)), row["code"])
    return found


async def map_texts(kind: str, record_id: int, field: str, texts: Any, known: dict[str, str]) -> list[str]:
    """The codes of ``texts``; each text no language matches kept in the unmapped table."""
    codes: list[str] = []
    for text in _list(texts):
        text = " ".join(str(text).split())
        if not text:
            continue
        code = known.get(key(text))
        if code:
            if code not in codes:
                codes.append(code)
            continue
        seen = await _Unmapped.exists().where(
            (_Unmapped.kind == kind)
            & (_Unmapped.record_id == record_id)
            & (_Unmapped.field == field)
            & (_Unmapped.text == text[:200])
        )
        if not seen:
            await _Unmapped.insert(_Unmapped(kind=kind, record_id=record_id, field=field, text=text[:200]))
    return codes


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def seed() -> None:
        have = {r["code"] for r in await _Language.select(_Language.code)}
        rows = [
            _Language(
                code=code,
                name=name,
                aliases=json.dumps(aliases),
                position=position,
                active=True,
                source=source,
            )
            for position, (code, name, aliases, source) in enumerate(LANGUAGES)
            if code not in have
        ]
        if rows:
            await _Language.insert(*rows)

    async def map_profiles() -> None:
        class _Profile(Table, tablename="register_pa_profile"):
            id = Serial(primary_key=True)
            languages = JSON(default="[]")

        known = await codes_by_key()
        for row in await _Profile.select(_Profile.id, _Profile.languages):
            before = _list(row["languages"])
            codes = await map_texts("profile", row["id"], "languages", before, known)
            if codes != before:
                await _Profile.update({_Profile.languages: json.dumps(codes)}).where(_Profile.id == row["id"])

    manager.add_raw(seed)
    manager.add_raw(map_profiles)
    return manager
