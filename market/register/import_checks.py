"""Checking each PA's row of a register import file: every problem in its cells, by column.

Nothing here reads or writes the database: ``market.register.importer`` reads what the
checks compare with (``Lookups``) once for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.fields import parse_pounds, whole_number
from market.geo import services as geo
from market.register.availability import DAYS, Slot, SlotProblem, slot_from_day_times
from market.register.import_rows import MAX_LANGUAGES, ORDER, Problem, heading
from market.register.languages import Catalogue
from market.register.schemas import (
    DEFAULT_YEAR_PATTERN,
    EMPLOYMENT,
    HEADLINE_LIMIT,
    MAX_TRAVEL_MILES,
    MAX_YEARS,
    RETIRED_DRIVING_SKILLS,
    WONT_DO,
    WONT_DO_SKILLS,
    YEAR_PATTERNS,
    refused_skills,
)
from market.register.services import MAX_SLOTS
from market.roles import STAFF_ROLES

NEEDED_FOR_APPROVED = {
    "min_hourly_rate": "An approved profile needs the lowest hourly rate",
    "employment": "An approved profile needs how the PA wants to be employed",
    "right_to_work": "An approved profile needs right_to_work to be yes",
    "skills": "An approved profile needs at least one skill",
    "availability": "An approved profile needs at least one availability slot",
}
_ACCOUNT_KIND = {
    "recipient": "an employer's",
    "staff": "a staff",
    "trainer": "a trainer's",
    "admin": "an administrator's",
}
_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
_SLOT = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}[:.]\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}[:.]\d{2})", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass
class Row:
    """One PA's row: its cells as read, the problems found, and its values once checked."""

    line: int
    cells: list[str]
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    email: str = ""
    parsed: dict[str, Any] = field(default_factory=dict)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))


@dataclass(frozen=True)
class Lookups:
    """What the rows are checked against, read once for the whole file."""

    lines: dict[str, list[int]]  # the lines each email address is on
    skills: dict[str, int]  # skill id by code and by lower-case name
    groups: dict[str, int]  # client group id by code and by lower-case name
    accounts: dict[str, str]  # the role of each email address's existing account
    languages: Catalogue = field(default_factory=Catalogue)  # the list of languages


def _split(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,]", value) if item.strip()]


def _yes_no(row: Row, column: str) -> bool:
    value = row.values.get(column, "").lower()
    if value and value not in _YES:
        row.problem(column, f"“{row.values[column]}” is not yes or no")
    return _YES.get(value, False)


def _text(row: Row, column: str, limit: int, required: bool = False) -> str:
    value = row.values.get(column, "")
    if required and not value:
        row.problem(column, f"Enter the {column.replace('_', ' ')}")
    elif len(value) > limit:
        row.problem(column, f"This must be {limit:,} characters or fewer (it has {len(value):,})")
    return value


def _check_email(row: Row, lines: dict[str, list[int]], accounts_by_email: dict[str, str]) -> None:
    raw = row.values.get("email", "")
    if not raw:
        row.problem("email", "Enter the PA's email address")
    elif accounts.email_problem(row.email):
        row.problem("email", f"“{raw}” is not an email address in the correct format, like name@example.com")
    elif len(others := [n for n in lines[row.email] if n != row.line]) > 0:
        listed = ", ".join(str(n) for n in others)
        row.problem("email", f"The same email address is also on line {listed}: each PA needs their own")
    elif (role := accounts_by_email.get(row.email)) is not None:
        row.problem("email", f"{row.email} already belongs to {_ACCOUNT_KIND.get(role, 'another')} account")


def _check_miles(row: Row) -> int | None:
    raw = row.values.get("travel_miles", "")
    if not raw:
        row.problem("travel_miles", "Enter how many miles the PA will travel, like 10")
    elif (miles := whole_number(raw)) is None or not 1 <= miles <= MAX_TRAVEL_MILES:
        row.problem("travel_miles", f"“{raw}” is not a whole number of miles from 1 to {MAX_TRAVEL_MILES}")
    else:
        return miles
    return None


def _retired(key: str) -> bool:
    """A retired driving skill, by code or by name."""
    return heading(key) in RETIRED_DRIVING_SKILLS or key in {
        n.lower() for n in RETIRED_DRIVING_SKILLS.values()
    }


def _check_codes(row: Row, column: str, known: dict[str, int], what: str, years: bool) -> dict[int, int]:
    """{id: years} from ``code`` or ``code:years`` items (a code or the exact name)."""
    chosen: dict[int, int] = {}
    for item in _split(row.values.get(column, "")):
        code, _, raw_years = item.partition(":")
        key = code.strip().lower()
        found = known.get(key, known.get(heading(key)))
        if what == "skill" and _retired(key):
            row.problem(
                column,
                f"“{code.strip()}” is no longer a skill: say it in the driving_licence, has_car "
                "and car_insurance columns",
            )
            continue
        if found is None:
            row.problem(column, f"Unknown {what} “{code.strip()}”: use a code from the import guide")
            continue
        raw_years = raw_years.strip()
        if raw_years and not years:
            row.problem(column, f"“{item}”: years can only be given for skills")
        elif raw_years and ((given := whole_number(raw_years)) is None or given > MAX_YEARS):
            row.problem(column, f"“{item}”: years must be a whole number from 0 to {MAX_YEARS}")
        else:
            chosen[found] = max(chosen.get(found, 0), whole_number(raw_years) or 0)
    return chosen


def _check_driving(row: Row) -> None:
    """A car only with a licence; business insurance only for a car."""
    p = row.parsed
    if p["has_car"] and not p["driving_licence"]:
        row.problem(
            "has_car", "has_car is yes but driving_licence is not: a car for work needs a full UK licence"
        )
    if p["car_insurance"] and not p["has_car"]:
        row.problem("car_insurance", "car_insurance is yes but has_car is not: insurance is for the PA's car")


def _check_languages(row: Row, catalogue: Catalogue) -> list[str]:
    """Codes of the languages named (codes, standard names or aliases of the list)."""
    languages, problems = catalogue.resolve(_split(row.values.get("languages", "")))
    for message in problems.values():
        row.problem("languages", message)
    if len(languages) > MAX_LANGUAGES:
        row.problem("languages", f"List up to {MAX_LANGUAGES} languages")
    return languages


def _check_rate(row: Row) -> int | None:
    raw = row.values.get("min_hourly_rate", "")
    if not raw:
        return None
    try:
        pence = parse_pounds(raw)
    except ValueError:
        row.problem("min_hourly_rate", f"“{raw}” is not an amount in pounds and pence, like 12.50")
        return None
    if not 100 <= pence <= 10_000:
        row.problem("min_hourly_rate", f"“{raw}”: the hourly rate must be between £1.00 and £100.00")
        return None
    return pence


def _check_employment(row: Row) -> str:
    raw = row.values.get("employment", "")
    value = heading(raw).replace("selfemployed", "self_employed")
    if raw and value not in EMPLOYMENT:
        row.problem("employment", f"“{raw}” is not one of employed, self_employed or either")
        return ""
    return value


def _check_slots(row: Row) -> list[Slot]:
    slots: list[tuple[str, Slot]] = []
    for item in _split(row.values.get("availability", "")):
        match = _SLOT.fullmatch(item)
        if not match:
            row.problem("availability", f"“{item}” is not a day and times, like Mon 09:00-17:00")
            continue
        try:
            slot = slot_from_day_times(*match.groups())
        except SlotProblem as problem:
            reasons = dict(problem.errors)
            if "day" in reasons:
                reasons["day"] = f"the day must be one of {', '.join(d[:3] for d in DAYS)}"
            text = "; ".join(m[0].lower() + m[1:] for m in reasons.values())
            row.problem("availability", f"“{item}”: {text}")
            continue
        for other_text, other in slots:
            if slot.overlap_minutes(other):
                row.problem("availability", f"“{item}” overlaps “{other_text}”")
                break
        else:
            slots.append((item, slot))
    if len(slots) > MAX_SLOTS:
        row.problem("availability", f"List up to {MAX_SLOTS} slots")
    return [slot for _, slot in slots]


def _check_date(row: Row) -> date | None:
    raw = row.values.get("available_from", "")
    if not raw:
        return None
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        year = month = day = 0
    try:
        return date(year, month, day)
    except ValueError:
        row.problem("available_from", f"“{raw}” is not a real date: write it like 2026-03-01 or 01/03/2026")
        return None


# A code, or its name, as headings are matched: ignoring capitals, spaces and hyphens.
_WONT_DO_NAMES = {**{heading(name): code for code, name in WONT_DO.items()}, **{c: c for c in WONT_DO}}
_YEAR_NAMES = {
    **{heading(name): code for code, name in YEAR_PATTERNS.items()},
    **{code: code for code in YEAR_PATTERNS},
}


def _check_wont_do(row: Row) -> list[str]:
    """The codes of the work the PA will not do, in the list's order."""
    chosen: set[str] = set()
    for item in _split(row.values.get("wont_do", "")):
        code = _WONT_DO_NAMES.get(heading(item))
        if code is None:
            row.problem(
                "wont_do", f"Unknown work the PA will not do “{item}”: use a code from the import guide"
            )
        else:
            chosen.add(code)
    return [code for code in WONT_DO if code in chosen]


def _check_year_pattern(row: Row) -> str:
    raw = row.values.get("year_pattern", "")
    if not raw:
        return DEFAULT_YEAR_PATTERN
    code = _YEAR_NAMES.get(heading(raw))
    if code is None:
        row.problem("year_pattern", f"“{raw}” is not one of all_year, term_time or school_holidays")
        return DEFAULT_YEAR_PATTERN
    return code


def _check_refused(row: Row, lookups: Lookups) -> None:
    """A skill the PA also refuses (as the profile pages refuse it)."""
    codes = {
        lookups.skills[code]: code
        for codes in WONT_DO_SKILLS.values()
        for code in codes
        if code in lookups.skills
    }
    offered = [codes[skill_id] for skill_id in row.parsed["skills"] if skill_id in codes]
    for skill, limit in refused_skills(offered, row.parsed["wont_do"])[:1]:
        row.problem(
            "wont_do",
            f"“{limit}” is in wont_do and “{skill}” in skills: the PA cannot offer and refuse the same work",
        )


def _check_status(row: Row, actor: CurrentUser | None) -> str:
    raw = row.values.get("status", "")
    status = raw.lower() or "draft"
    if status not in ("draft", "approved"):
        row.problem("status", f"“{raw}” is not draft or approved")
        return "draft"
    if status == "approved" and (actor is None or actor.role not in STAFF_ROLES):
        row.problem("status", "Only a staff member can import an approved profile")
    return status


def check_row(
    row: Row, point: geo.GeoPoint | str | None, lookups: Lookups, actor: CurrentUser | None
) -> None:
    """Check every cell of the row; its problems go on the row, in the columns' order."""
    _check_email(row, lookups.lines, lookups.accounts)
    full_name = _text(row, "full_name", 120, required=True)
    display_name = _text(row, "display_name", 80) or (full_name.split() or [""])[0][:80]
    raw_postcode = row.values.get("home_postcode", "")
    if not raw_postcode:
        row.problem("home_postcode", "Enter the PA's home postcode")
    elif point == geo.NOT_FOUND:
        row.problem("home_postcode", f"We couldn't find the postcode “{raw_postcode}”")
    elif isinstance(point, str):
        row.problem("home_postcode", f"“{raw_postcode}” is not a real postcode: write it like PE1 1AB")
    row.parsed = {
        "full_name": full_name,
        "display_name": display_name,
        "point": point,
        "travel_miles": _check_miles(row),
        "skills": _check_codes(row, "skills", lookups.skills, "skill", years=True),
        "client_groups": _check_codes(row, "client_groups", lookups.groups, "client group", years=False),
        "languages": _check_languages(row, lookups.languages),
        "driving_licence": _yes_no(row, "driving_licence"),
        "has_car": _yes_no(row, "has_car"),
        "car_insurance": _yes_no(row, "car_insurance") if row.values.get("car_insurance") else None,
        "min_rate_pence": _check_rate(row),
        "employment": _check_employment(row),
        "right_to_work": _yes_no(row, "right_to_work"),
        "slots": _check_slots(row),
        "earliest_start": _check_date(row),
        "wont_do": _check_wont_do(row),
        "year_pattern": _check_year_pattern(row),
        "headline": _text(row, "headline", HEADLINE_LIMIT),
        "status": _check_status(row, actor),
    }
    _check_refused(row, lookups)
    _check_driving(row)
    if row.parsed["status"] == "approved":
        given = {
            "min_hourly_rate": row.parsed["min_rate_pence"] is not None,
            "employment": bool(row.parsed["employment"]),
            "right_to_work": row.parsed["right_to_work"],
            "skills": bool(row.parsed["skills"]),
            "availability": bool(row.parsed["slots"]),
        }
        flagged = {p.column for p in row.problems}
        for column, message in NEEDED_FOR_APPROVED.items():
            if not given[column] and column not in flagged:
                row.problem(column, message)
    row.problems.sort(key=lambda p: ORDER.get(p.column, -1))
