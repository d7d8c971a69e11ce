"""The matching rules as a table anyone can extend: ``tests/matching/rules.csv``.

Each row of the CSV is one case, and one test here (its id is the row's ``name``). Open the
CSV in a spreadsheet, add a row, and run

    PYTHONPATH=$PWD .venv/bin/python -m pytest tests/matching/test_rules_table.py -q

Columns:

- ``name``: what the case is (each name once).
- ``need``: how the need differs from the baseline need, as ``key: value; key: value``.
- ``pa``: how the PA differs from the baseline PA, the same way.
- ``second pa``: for "ranked above" and "ranked level", the PA to compare with.
- ``expected``: one of
  - ``listed``: the PA is listed, and nobody is counted as excluded;
  - ``not listed: <rule>``: the PA is not listed, and the need's excluded counts put them
    under that rule (a key of ``EXCLUSIONS`` in ``market/matching/engine/ranking.py``:
    inactive, distance, travel, dbs, skills, training, language, gender, licence, car,
    insurance, rate, limits, year, shift, unavailable, part_hours, away). "inactive" is the
    one rule with no count: a PA not on the register is never a candidate at all;
  - ``ranked above``: both PAs are listed and the first above the second. The first PA is
    given the higher profile id, so if the two scored the same the second would come first:
    "ranked above" always means a real difference;
  - ``ranked level``: both are listed with the same score.
- ``reason``: optional. For a listed PA (the first, when there are two), a phrase one of its
  reasons ("Why ... is suggested") or "Worth knowing" lines must contain; for "not listed",
  a phrase the excluded count's label must contain (the words the matches page shows).

The baseline need: a weekly need near Peterborough, ``times: Monday 09:00-17:00``, PAs from
up to 10 miles, nothing else asked (no budget, skills, DBS, driving, language or gender).
The baseline PA passes everything it could be asked: 1 mile north of the need, a 10-mile
travel limit, on the register, every DBS level current, every skill (personal care, hoist,
medication, epilepsy) with training current and verified for a year and more (moving and
handling, medication), English, a woman, a full licence, a car for work and business
insurance, a minimum rate of £12.00, no work refused, all year, every kind of shift, free
every day all day, no hours wanted given, never away. Today is 2 January 2026, in the
2025 to 2026 school year of ``TERMS`` below (terms: 3 September to 19 December 2025, 5 January
to 27 March 2026 with half term 16 to 20 February and an INSET day on 5 January, 13 April to
22 July 2026; no dates are recorded after 31 August 2026).

Languages are names or aliases from the service's list of languages as seeded (Panjabi and
Punjabi are one language, BSL and British Sign Language another); the table's index knows the
few in ``LANGUAGES`` below.

A key or value the table does not know fails the row with a message naming the CSV line.
The keys and values are listed in ``docs/matching.md`` ("The rules table").
"""

from __future__ import annotations

import csv
import importlib
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from market.dbs import rules as dbs_rules
from market.geo.distance import EARTH_RADIUS_MILES
from market.matching.engine.budget import BUDGET_STRETCH_PERCENT, rate_exclusion
from market.matching.engine.columns import DBS_KINDS, WEEK_MINUTES
from market.matching.engine.ranking import EXCLUSIONS, NeedSpec, Ranking, Vocabulary, rank
from market.matching.engine.records import PARow, Vocabularies, build_index
from market.matching.engine.scoring import DISTANCE_DECAY_MILES, PA_WEIGHTS, RECIPIENT_WEIGHTS
from market.matching.engine.terms import SchoolYearDates, calendar_of
from market.matching.index import DBS_REQUIREMENTS
from market.register.languages import Catalogue, Entry
from market.register.schemas import SHIFT_KINDS, WONT_DO

SEEDED_LANGUAGES = importlib.import_module(
    "market.register.piccolo_migrations.register_2026_12_02t13_50_00_000000"
).LANGUAGES

HERE = Path(__file__).parent
TABLE = HERE / "rules.csv"
DOCS = HERE.parents[1] / "docs" / "matching.md"
COLUMNS = ("name", "need", "pa", "second pa", "expected", "reason")

AT = date(2026, 1, 2)
LATER = AT + timedelta(days=400)  # DBS and training current for a year and more
EARLIER = AT - timedelta(days=1)
PETERBOROUGH = (52.5735, -0.2489)

YEAR = SchoolYearDates(
    starts=date(2025, 9, 1),
    ends=date(2026, 8, 31),
    terms=(
        (date(2025, 9, 3), date(2025, 12, 19)),
        (date(2026, 1, 5), date(2026, 3, 27)),
        (date(2026, 4, 13), date(2026, 7, 22)),
    ),
    breaks=((date(2026, 2, 16), date(2026, 2, 20)), (date(2026, 1, 5), date(2026, 1, 5))),
)
TERMS = calendar_of([YEAR])

SKILLS = ("personal_care", "hoist", "medication", "epilepsy")
COURSES = {"moving_handling": "Moving and handling", "medication": "Medication"}
GROUPS = ("older_people", "learning_disabilities", "children", "dementia")
# Languages are read through the service's own list, as seeded (names and aliases: "Punjabi"
# is Panjabi, "BSL" British Sign Language); the index knows the few the table uses.
CATALOGUE = Catalogue.of(
    Entry(id=i, code=code, name=name, aliases=tuple(aliases), position=i, active=True, source=source)
    for i, (code, name, aliases, source) in enumerate(SEEDED_LANGUAGES)
)
LANGUAGES = ("english", "polish", "panjabi", "urdu", "british_sign_language", "makaton")
VOCAB = Vocabularies(
    skills=Vocabulary(SKILLS),
    courses=Vocabulary(tuple(COURSES), tuple(COURSES.values())),
    groups=Vocabulary(GROUPS),
    languages=Vocabulary(LANGUAGES),
    limits=Vocabulary(tuple(WONT_DO)),
    shifts=Vocabulary(tuple(SHIFT_KINDS)),
    skill_courses={"hoist": ("moving_handling",), "medication": ("medication",)},
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_WEEK = ((0, WEEK_MINUTES),)
MONDAY_9_TO_5 = ((9 * 60, 17 * 60),)

BASE_NEED = NeedSpec(lat=PETERBOROUGH[0], lon=PETERBOROUGH[1], max_distance=10, slots=MONDAY_9_TO_5)


def _north(miles: float) -> float:
    """The latitude ``miles`` due north of the need."""
    return PETERBOROUGH[0] + miles / EARTH_RADIUS_MILES * 180 / 3.141592653589793


BASE_PA = PARow(
    profile_id=1,
    lat=_north(1),
    lon=PETERBOROUGH[1],
    travel_miles=10,
    dbs_until=dict.fromkeys(DBS_KINDS, LATER),
    skills=dict.fromkeys(SKILLS, 2),
    courses={code: (LATER, True) for code in COURSES},
    languages=("english",),
    gender="woman",
    licence=True,
    car=True,
    car_insurance=True,
    min_rate_pence=1200,
    shift_kinds=tuple(SHIFT_KINDS),
    slots=ALL_WEEK,
)


class RuleTableError(ValueError):
    """A row the table cannot read: the message names the CSV line and what is wrong."""


# -- reading plain words -------------------------------------------------------------------------


class Reader:
    """Reads one cell's values, naming the CSV line and column in every error."""

    def __init__(self, line: int, column: str) -> None:
        self.line, self.column = line, column

    def fail(self, message: str) -> RuleTableError:
        return RuleTableError(f"rules.csv line {self.line}, column '{self.column}': {message}")

    def pairs(self, text: str) -> list[tuple[str, str]]:
        found = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            key, colon, value = part.partition(":")
            if not colon or not key.strip():
                raise self.fail(f"'{part}' is not written as 'key: value'")
            found.append((key.strip().lower(), value.strip()))
        return found

    def items(self, value: str) -> list[str]:
        """A comma-separated list ("none" or nothing: an empty one)."""
        if value.strip().lower() in ("", "none", "nothing"):
            return []
        return [item.strip() for item in value.split(",") if item.strip()]

    def code(self, value: str, known: tuple[str, ...] | dict[str, str], what: str) -> str:
        """A name as its code: "personal care" -> personal_care (a dict maps names to codes)."""
        name = value.strip().lower()
        if isinstance(known, dict):
            labels = {label.lower(): code for code, label in known.items()}
            if name in labels:
                return labels[name]
        code = name.replace(" ", "_").replace("-", "_").replace("'", "")
        if code in known:
            return code
        names = ", ".join(sorted(c.replace("_", " ") for c in known))
        raise self.fail(f"unknown {what} '{value}' (known: {names})")

    def codes(self, value: str, known: tuple[str, ...] | dict[str, str], what: str) -> tuple[str, ...]:
        return tuple(self.code(item, known, what) for item in self.items(value))

    def language(self, value: str) -> str:
        if (code := CATALOGUE.code_of(value)) is None:
            raise self.fail(f"unknown language '{value}' (not in the list of languages)")
        if code not in LANGUAGES:
            raise self.fail(f"language '{value}' is not one the table's index knows ({', '.join(LANGUAGES)})")
        return code

    def languages(self, value: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.language(item) for item in self.items(value)))

    def yes(self, value: str) -> bool:
        answer = value.strip().lower()
        if answer in ("yes", "y", "true"):
            return True
        if answer in ("no", "n", "false"):
            return False
        raise self.fail(f"'{value}' is not yes or no")

    def number(self, value: str, what: str) -> float:
        try:
            return float(value.strip().removesuffix("miles").removesuffix("mile").strip())
        except ValueError:
            raise self.fail(f"{what} '{value}' is not a number") from None

    def pence(self, value: str) -> int:
        text = value.strip().removeprefix("£").removesuffix("an hour").strip()
        try:
            return round(float(text) * 100)
        except ValueError:
            raise self.fail(f"'{value}' is not an amount like £13.50") from None

    def day(self, value: str) -> date:
        try:
            return datetime.strptime(value.strip(), "%d %B %Y").date()
        except ValueError:
            raise self.fail(f"'{value}' is not a date like 3 August 2026") from None

    def periods(self, value: str) -> list[tuple[date, date]]:
        """ "9 March 2026 to 10 March 2026, 12 March 2026": (first, last) days."""
        spans = []
        for item in self.items(value):
            first, to, last = item.partition(" to ")
            start, end = self.day(first), self.day(last) if to else self.day(first)
            if end < start:
                raise self.fail(f"'{item}' ends before it starts")
            spans.append((start, end))
        return spans

    def dates(self, value: str) -> tuple[date, ...]:
        days: list[date] = []
        for start, end in self.periods(value):
            days.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
        return tuple(dict.fromkeys(days))

    def clock(self, value: str) -> int:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
        if not match or int(match[1]) > 24 or int(match[2]) > 59:
            raise self.fail(f"'{value}' is not a time like 09:00")
        return int(match[1]) * 60 + int(match[2])

    def hours(self, value: str) -> tuple[int, int]:
        """ "09:00-17:00" as minutes of the day (an end at or before the start: overnight)."""
        start, dash, end = value.partition("-")
        if not dash:
            raise self.fail(f"'{value}' is not hours like 09:00-17:00")
        return self.clock(start), self.clock(end)

    def times(self, value: str) -> tuple[tuple[int, int], ...]:
        """ "Monday 09:00-17:00, Monday to Friday 18:00-22:00, every day 07:00-09:00" as
        minute-of-week slots; "every day all day" is the whole week; "never" none."""
        text = value.strip().lower()
        if text == "never":
            return ()
        if text == "every day all day":
            return ALL_WEEK
        slots = []
        for item in self.items(value):
            when, _, clock = item.rpartition(" ")
            first, to, last = when.strip().lower().partition(" to ")
            if first == "every day":
                days = range(7)
            elif first in DAYS and (not to or last in DAYS):
                days = range(DAYS.index(first), DAYS.index(last if to else first) + 1)
            else:
                raise self.fail(f"'{item}' is not times like 'Monday 09:00-17:00'")
            start, end = self.hours(clock)
            for day in days:
                slots.append(_slot(day, start, end))
        return tuple(slots)


def _slot(day: int, start: int, end: int) -> tuple[int, int]:
    """Minutes of the week from ``start`` on ``day`` to ``end`` (the next day when overnight)."""
    begin = day * 1440 + start
    finish = day * 1440 + end + (1440 if end <= start else 0)
    return begin, finish if finish <= WEEK_MINUTES else finish - WEEK_MINUTES


DRIVING = {
    "none": "none",
    "no driving": "none",
    "person's own car": "recipients_car",
    "the person's own car": "recipients_car",
    "person's car": "recipients_car",
    "the person's car": "recipients_car",
    "own car": "own_car",
    "the pa's own car": "own_car",
    "pa's own car": "own_car",
}
YEAR_WORDS = {
    "all year": "all_year",
    "term time only": "term_time",
    "term time": "term_time",
    "school holidays only": "school_holidays",
    "school holidays": "school_holidays",
}
DBS_WORDS = {kind.replace("_", " "): kind for kind in DBS_KINDS}


def _choice(read: Reader, value: str, words: dict[str, str], what: str) -> str:
    if (chosen := words.get(value.strip().lower())) is None:
        raise read.fail(f"unknown {what} '{value}' (known: {', '.join(words)})")
    return chosen


class Need(msgspec.Struct, frozen=True, kw_only=True):
    spec: NeedSpec
    banded: bool  # ranked for someone who sees distances as bands (anyone but staff)


def read_need(text: str, line: int) -> Need:
    read = Reader(line, "need")
    changes: dict[str, object] = {}
    banded = False
    dates: tuple[date, ...] = ()
    shift_hours = (9 * 60, 17 * 60)
    for key, value in read.pairs(text):
        if key == "times":
            changes["slots"] = read.times(value)
        elif key == "dates":
            dates = read.dates(value)
        elif key == "shift hours":
            shift_hours = read.hours(value)
        elif key == "shift":
            changes["shift_kinds"] = read.codes(value, SHIFT_KINDS, "kind of shift")
        elif key == "distance":
            changes["max_distance"] = read.number(value, "distance")
        elif key == "dbs":
            changes["dbs"] = "" if value.lower() == "none" else _choice(read, value, DBS_WORDS, "DBS level")
        elif key == "skills":
            changes["required_skills"] = read.codes(value, SKILLS, "skill")
        elif key == "preferred skills":
            changes["preferred_skills"] = read.codes(value, SKILLS, "skill")
        elif key == "groups":
            changes["groups"] = read.codes(value, GROUPS, "client group")
        elif key == "languages":
            changes["languages_required"] = read.languages(value)
        elif key == "preferred languages":
            changes["languages_preferred"] = read.languages(value)
        elif key == "gender":
            gender, _, strength = value.lower().partition(" ")
            if gender not in ("woman", "man") or strength not in ("required", "preferred"):
                raise read.fail(f"gender '{value}' is not like 'woman required' or 'man preferred'")
            changes["gender"], changes["gender_required"] = gender, strength == "required"
        elif key == "driving":
            changes["driving"] = _choice(read, value, DRIVING, "driving")
        elif key == "budget":
            amount, _, firmness = value.strip().partition(" ")
            if firmness.lower() not in ("", "firm", "not firm"):
                raise read.fail(f"budget '{value}' is not like '£13.50 firm' or '£13.50 not firm'")
            changes["max_rate_pence"], changes["rate_firm"] = read.pence(amount), firmness.lower() == "firm"
        elif key == "involves":
            changes["limits"] = read.codes(value, WONT_DO, "kind of work")
        elif key == "year":
            changes["year_pattern"] = _choice(read, value, YEAR_WORDS, "pattern over the year")
        elif key == "all hours":
            changes["all_hours"] = read.yes(value)
        elif key == "hours a week":
            changes["hours_per_week"] = read.number(value, "hours a week")
        elif key == "seen by":
            seen = value.strip().lower()
            if seen not in ("staff", "the person", "recipient"):
                raise read.fail(f"'seen by: {value}' is not staff, the person or recipient")
            banded = seen != "staff"
        else:
            raise read.fail(f"unknown key '{key}' for a need")
    if dates:
        changes["cover_days"] = dates
        changes["slots"] = tuple(_slot(day.weekday(), *shift_hours) for day in dates)
    return Need(spec=msgspec.structs.replace(BASE_NEED, **changes), banded=banded)


def _courses(read: Reader, value: str) -> dict[str, tuple[date | None, bool]]:
    """ "moving and handling expires 1 March 2026, medication unverified" (a course with no
    expiry date given is current for a year and more)."""
    courses: dict[str, tuple[date | None, bool]] = {}
    for item in read.items(value):
        text = item
        verified = not text.lower().endswith(" unverified")
        text = text[: -len(" unverified")] if not verified else text
        name, until, when = text.partition(" expires ")
        courses[read.code(name, COURSES, "course")] = (read.day(when) if until else LATER, verified)
    return courses


def _certificate(read: Reader, value: str) -> dict[str, date]:
    """ "enhanced adults" (an enhanced check with the adults' barred list), "basic expired",
    "none": the DBS requirement kinds the certificate meets, as the index works them out, each
    current until a year and more from today (or until yesterday, when expired)."""
    text = value.strip().lower()
    if text == "none":
        return {}
    expired = text.endswith(" expired")
    kind = _choice(read, text.removesuffix(" expired"), DBS_WORDS, "DBS certificate")
    level, _, lists = kind.partition("_")
    until = EARLIER if expired else LATER
    return {
        need: until
        for need, requirement in DBS_REQUIREMENTS.items()
        if dbs_rules.satisfies(level, lists or "none", requirement)
    }


def _hours_wanted(read: Reader, value: str) -> tuple[float, float]:
    """ "10 to 20", "at least 20", "up to 6"."""
    text = value.strip().lower()
    if text.startswith("at least "):
        return read.number(text.removeprefix("at least "), "hours"), 0.0
    if text.startswith("up to "):
        return 0.0, read.number(text.removeprefix("up to "), "hours")
    low, to, high = text.partition(" to ")
    if not to:
        raise read.fail(f"hours wanted '{value}' is not like '10 to 20', 'at least 20' or 'up to 6'")
    return read.number(low, "hours"), read.number(high, "hours")


def read_pa(text: str, line: int, column: str, profile_id: int) -> PARow:
    read = Reader(line, column)
    changes: dict[str, object] = {"profile_id": profile_id}
    for key, value in read.pairs(text):
        if key == "on register":
            changes["active"] = read.yes(value)
        elif key == "miles away":
            changes["lat"] = _north(read.number(value, "miles away"))
        elif key == "travel":
            changes["travel_miles"] = read.number(value, "travel")
        elif key == "dbs":
            changes["dbs_until"] = _certificate(read, value)
        elif key == "skills":
            changes["skills"] = dict.fromkeys(read.codes(value, SKILLS, "skill"), 2)
        elif key == "training":
            changes["courses"] = _courses(read, value)
        elif key == "groups":
            changes["groups"] = read.codes(value, GROUPS, "client group")
        elif key == "languages":
            changes["languages"] = read.languages(value)
        elif key == "gender":
            gender = value.strip().lower()
            if gender not in ("woman", "man", "not said"):
                raise read.fail(f"gender '{value}' is not woman, man or not said")
            changes["gender"] = "" if gender == "not said" else gender
        elif key in ("licence", "car", "insurance"):
            changes["car_insurance" if key == "insurance" else key] = read.yes(value)
        elif key == "rate":
            changes["min_rate_pence"] = read.pence(value)
        elif key == "won't do":
            changes["wont_do"] = read.codes(value, WONT_DO, "kind of work")
        elif key == "year":
            changes["year_pattern"] = _choice(read, value, YEAR_WORDS, "pattern over the year")
        elif key == "shifts":
            changes["shift_kinds"] = read.codes(value, SHIFT_KINDS, "kind of shift")
        elif key == "free":
            changes["slots"] = read.times(value)
        elif key == "hours wanted":
            changes["min_hours"], changes["max_hours"] = _hours_wanted(read, value)
        elif key == "away":
            changes["away"] = tuple(read.periods(value))
        else:
            raise read.fail(f"unknown key '{key}' for a PA")
    return msgspec.structs.replace(BASE_PA, **changes)


# -- the cases -----------------------------------------------------------------------------------


class Case(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    name: str
    need: Need
    pas: tuple[PARow, ...]  # the first PA has the higher profile id
    expected: str  # "listed", "not listed", "ranked above" or "ranked level"
    rule: str = ""  # for "not listed": the EXCLUSIONS key
    reason: str = ""


def read_case(row: dict[str, str], line: int) -> Case:
    read = Reader(line, "expected")
    if set(row) != set(COLUMNS):
        raise RuleTableError(f"rules.csv line {line}: the columns must be {', '.join(COLUMNS)}")
    name = row["name"].strip()
    if not name:
        raise RuleTableError(f"rules.csv line {line}: the row has no name")
    expected, _, rule = (part.strip() for part in row["expected"].strip().lower().partition(":"))
    rule = rule.replace(" ", "_")  # "part hours" is part_hours
    need = read_need(row["need"], line)
    second = row["second pa"].strip()
    if expected == "not listed":
        if rule not in EXCLUSIONS:
            raise read.fail(f"'{row['expected']}' names no rule (one of: {', '.join(EXCLUSIONS)})")
    elif expected in ("listed", "ranked above", "ranked level"):
        if rule:
            raise read.fail(f"'{row['expected']}' takes no rule")
    else:
        raise read.fail(
            f"'{row['expected']}' is not 'listed', 'not listed: <rule>', 'ranked above' or 'ranked level'"
        )
    comparing = expected.startswith("ranked")
    if comparing and not second:
        raise read.fail(f"'{expected}' compares two PAs: fill in 'second pa'")
    if second and not comparing:
        raise RuleTableError(
            f"rules.csv line {line}, column 'second pa': only 'ranked ...' rows compare two PAs"
        )
    pas = (
        (read_pa(row["pa"], line, "pa", 2), read_pa(second, line, "second pa", 1))
        if comparing
        else (read_pa(row["pa"], line, "pa", 1),)
    )
    return Case(
        line=line, name=name, need=need, pas=pas, expected=expected, rule=rule, reason=row["reason"].strip()
    )


def read_table(text: str) -> list[Case]:
    rows = csv.DictReader(text.splitlines(keepends=True))
    if tuple(rows.fieldnames or ()) != COLUMNS:
        raise RuleTableError(f"rules.csv line 1: the columns must be {', '.join(COLUMNS)}")
    cases = []
    for row in rows:
        if not any((value or "").strip() for value in row.values()):
            continue  # a blank line
        if None in row:
            raise RuleTableError(
                f"rules.csv line {rows.line_num}: more cells than the {len(COLUMNS)} columns"
            )
        cases.append(read_case({key: value or "" for key, value in row.items()}, rows.line_num))
    names = [case.name for case in cases]
    if repeated := sorted({n for n in names if names.count(n) > 1}):
        raise RuleTableError(f"rules.csv: each name once ({', '.join(repeated)} repeated)")
    return cases


CASES = read_table(TABLE.read_text(encoding="utf-8-sig"))  # a spreadsheet may save a BOM


def ranking_of(case: Case) -> Ranking:
    index = build_index(list(case.pas), VOCAB, terms=TERMS)
    return rank(case.need.spec, index, AT, limit=10, banded=case.need.banded)


def check(case: Case) -> None:
    """The row's expectation, with the row's line in every failure."""
    where = f"rules.csv line {case.line} ({case.name})"
    ranking = ranking_of(case)
    listed = [c.profile_id for c in ranking.candidates]
    if case.expected == "not listed":
        assert not listed, f"{where}: expected not listed ({case.rule}), but listed"
        counted = {} if case.rule == "inactive" else {case.rule: 1}
        assert ranking.excluded == counted, f"{where}: expected excluded {counted}, got {ranking.excluded}"
        if case.reason:
            label = rate_exclusion(case.need.spec.rate_firm) if case.rule == "rate" else EXCLUSIONS[case.rule]
            assert case.reason in label, f"{where}: the label {label!r} does not say {case.reason!r}"
        return
    assert ranking.excluded == {}, f"{where}: expected {case.expected}, but excluded {ranking.excluded}"
    if case.expected == "listed":
        assert listed == [1], f"{where}: expected listed, got {listed}"
    else:
        assert sorted(listed) == [1, 2], f"{where}: expected both listed, got {listed}"
        first, second = (next(c for c in ranking.candidates if c.profile_id == i) for i in (2, 1))
        scores = f"(scores {first.score} and {second.score})"
        if case.expected == "ranked above":
            assert listed == [2, 1], f"{where}: the first PA is not ranked above the second {scores}"
        else:
            assert first.score == second.score, f"{where}: the two are not level {scores}"
    if case.reason:
        top = next(c for c in ranking.candidates if c.profile_id == case.pas[0].profile_id)
        said = (*top.reasons, *top.worth_knowing)
        assert any(case.reason in line for line in said), f"{where}: no reason says {case.reason!r}: {said}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule(case: Case) -> None:
    check(case)


# -- the table itself ----------------------------------------------------------------------------


def test_every_hard_rule_has_a_row_excluding_by_it() -> None:
    shown = {case.rule for case in CASES if case.expected == "not listed"}
    assert shown == set(EXCLUSIONS), f"no 'not listed' row for: {sorted(set(EXCLUSIONS) - shown)}"


def test_the_docs_list_every_hard_rule_as_the_pages_label_it() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    missing = [label for label in EXCLUSIONS.values() if label not in docs]
    missing += [label for label in (rate_exclusion(True), rate_exclusion(False)) if label not in docs]
    assert not missing, f"docs/matching.md does not list: {missing}"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "x,times: Monday 09:00-17:00,colour: blue,,listed,",
            "line 2, column 'pa': unknown key 'colour' for a PA",
        ),
        ("x,wibble: 3,,,listed,", "line 2, column 'need': unknown key 'wibble' for a need"),
        ("x,,languages: Klingon,,listed,", "line 2, column 'pa': unknown language 'Klingon'"),
        ("x,dates: 31 Febtober 2026,,,listed,", "line 2, column 'need': '31 Febtober 2026' is not a date"),
        ("x,,,,not listed: colour,", "line 2, column 'expected': 'not listed: colour' names no rule"),
        ("x,,,,ranked above,", "line 2, column 'expected': 'ranked above' compares two PAs"),
        ("x,,skills hoist,,listed,", "line 2, column 'pa': 'skills hoist' is not written as 'key: value'"),
        ("x,,free: Monday 9-5,,listed,", "line 2, column 'pa': '9' is not a time like 09:00"),
        ("x,,,,listed,,extra", "line 2: more cells than the 6 columns"),
        (" ,,,,listed,", "line 2: the row has no name"),
    ],
)
def test_a_row_the_table_cannot_read_names_its_line(row: str, message: str) -> None:
    with pytest.raises(RuleTableError, match=re.escape(message)):
        read_table(",".join(COLUMNS) + "\n" + row + "\n")


def test_the_docs_give_every_soft_factor_its_weight() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    weights = {**RECIPIENT_WEIGHTS, **PA_WEIGHTS}
    missing = [f"| `{factor}` | {weight:.2f} |" for factor, weight in weights.items()]
    missing = [line for line in missing if line not in docs]
    assert not missing, f"docs/matching.md does not give these weights: {missing}"
    assert f"may stretch by {BUDGET_STRETCH_PERCENT}%" in docs
    assert f"exp(−miles / {DISTANCE_DECAY_MILES:g})" in docs


def test_a_row_short_of_its_last_cells_reads_them_as_empty() -> None:
    (case,) = read_table(",".join(COLUMNS) + "\nx,,,,not listed: part hours\n")
    assert (case.rule, case.reason) == ("part_hours", "")


def test_panjabi_and_punjabi_are_one_language_bsl_and_british_sign_language_another() -> None:
    read = Reader(1, "pa")
    assert read.languages("Panjabi, Punjabi") == ("panjabi",)
    assert read.languages("BSL, British Sign Language") == ("british_sign_language",)
