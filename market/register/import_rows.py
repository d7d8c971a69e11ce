"""Reading and checking a register import file: every problem found, as (line, column, message).

Nothing here writes to the database; ``market.register.importer`` runs the checks and the
writes, and is the module the pages, the API and the command line call.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

import msgspec

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.geo import services as geo
from market.register.availability import DAYS, Slot, SlotProblem, slot_from_day_times
from market.register.schemas import DEFAULT_YEAR_PATTERN, EMPLOYMENT, HEADLINE_LIMIT, WONT_DO, YEAR_PATTERNS
from market.register.services import MAX_SLOTS, MAX_TRAVEL_MILES, MAX_YEARS, parse_pounds
from market.roles import STAFF_ROLES

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_LANGUAGES = 10
INVITE_LIFETIME = timedelta(days=14)
BATCH = 200

Mode = Literal["check", "all", "valid_only"]
MODES: tuple[Mode, ...] = ("check", "all", "valid_only")


class Column(NamedTuple):
    name: str
    required: bool
    kind: str
    rules: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("email", True, "Email address", "Unique in the file and not used by any other account", "jo.smith@example.org"),
    Column("full_name", True, "Text", "Up to 120 characters", "Joanne Smith"),
    Column("display_name", False, "Text", "Up to 80 characters; blank means the first word of full_name", "Jo"),
    Column("home_postcode", True, "UK postcode", "A real postcode; kept private", "PE1 1AB"),
    Column("travel_miles", True, "Whole number", f"1 to {MAX_TRAVEL_MILES}, as the crow flies", "10"),
    Column("skills", False, "List", f"Skill codes separated by semicolons; add :years for experience (0 to {MAX_YEARS})", "personal_care:5;hoist:2"),
    Column("client_groups", False, "List", "Client group codes separated by semicolons", "older_people;dementia"),
    Column("languages", False, "List", f"Up to {MAX_LANGUAGES}, separated by semicolons", "English;Polish"),
    Column("driving_licence", False, "yes or no", "Blank means no", "yes"),
    Column("has_car", False, "yes or no", "Blank means no", "yes"),
    Column("min_hourly_rate", False, "Money", "Pounds and pence, £1.00 to £100.00", "12.50"),
    Column("employment", False, "Choice", "employed, self_employed or either", "either"),
    Column("right_to_work", False, "yes or no", "The PA has declared the right to work in the UK", "yes"),
    Column("availability", False, "List", "Days and times separated by semicolons; an end at or before the start runs overnight", "Mon 09:00-17:00;Sat 22:00-07:00"),
    Column("available_from", False, "Date", "YYYY-MM-DD or DD/MM/YYYY", "2026-03-01"),
    Column("wont_do", False, "List", "Codes (or names) of work the PA will not do, separated by semicolons", "pets;smoking"),
    Column("year_pattern", False, "Choice", "all_year (the default), term_time or school_holidays", "term_time"),
    Column("headline", False, "Text", f"Up to {HEADLINE_LIMIT} characters", "Calm, reliable PA"),
    Column("status", False, "Choice", "draft (the default) or approved", "draft"),
)  # fmt: skip
NAMES = tuple(c.name for c in COLUMNS)
# The rejects file adds these two; they are ignored so that it can be fixed and imported.
IGNORED = ("line", "problems")
ORDER = {name: index for index, name in enumerate(NAMES)}
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


class Problem(msgspec.Struct, frozen=True):
    """Something wrong: ``line`` 0 is the file as a whole, 1 is usually the heading row."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"file: {self.message}"
        return f"line {self.line}, column {self.column or '-'}: {self.message}"


class Skipped(msgspec.Struct, frozen=True):
    line: int
    email: str


class Rejected(msgspec.Struct, frozen=True):
    """A row with problems, as it was in the file, for the rejects file."""

    line: int
    cells: list[str]
    problems: list[str]


class ImportReport(msgspec.Struct, kw_only=True):
    file_name: str
    mode: str
    header: list[str] = []
    rows: int = 0
    valid: int = 0
    created: int = 0
    approved: int = 0
    imported: bool = False
    skipped: list[Skipped] = []
    problems: list[Problem] = []
    rejected: list[Rejected] = []

    @property
    def unreadable(self) -> bool:
        """True when the file itself is wrong (size, encoding, no rows ...): see the line-0 problems."""
        return any(p.line == 0 for p in self.problems)

    @property
    def file_problems(self) -> list[Problem]:
        """Problems of the file or its heading row, not of one PA's row: they stop any import."""
        row_lines = {r.line for r in self.rejected}
        return [p for p in self.problems if p.line not in row_lines]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line: int
    cells: list[str]
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    email: str = ""
    parsed: dict[str, Any] = field(default_factory=dict)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))


def _heading(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _decode(content: bytes, report: ImportReport) -> str | None:
    if len(content) > MAX_BYTES:
        report.problems.append(Problem(0, "", "The file is bigger than 2 MB: split it into smaller files"))
        return None
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        report.problems.append(
            Problem(
                0, "", "This is an Excel workbook, not a CSV file: save it as CSV UTF-8 (comma delimited)"
            )
        )
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        report.problems.append(
            Problem(0, "", f"Line {line} is not UTF-8 text: save the file as CSV UTF-8 (comma delimited)")
        )
        return None
    if not text.strip():
        report.problems.append(Problem(0, "", "The file is empty"))
        return None
    return text


def _records(text: str, report: ImportReport) -> list[tuple[int, list[str]]] | None:
    """(first line, cells) of each row that is not blank; Excel's quoting rules."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, last = [], 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error as error:
        report.problems.append(Problem(0, "", f"Line {last + 1} cannot be read as CSV: {error}"))
        return None
    if len(records) - 1 > MAX_ROWS:
        report.problems.append(
            Problem(0, "", f"The file has {len(records) - 1:,} rows: import at most {MAX_ROWS:,} at a time")
        )
        return None
    return records


def _read_header(line: int, header: list[str], rows: list[tuple[int, list[str]]], report: ImportReport):
    """Which cell holds each column; heading problems go on the heading's line."""
    where: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _heading(raw)
        if not name:
            if any(index < len(cells) and cells[index].strip() for _, cells in rows):
                report.problems.append(Problem(line, "", f"Column {index + 1} has values but no heading"))
        elif name in where:
            report.problems.append(Problem(line, name, "This column appears more than once"))
        elif name in ORDER:
            where[name] = index
        elif name in IGNORED:
            where[name] = index  # a rejects file, fixed and imported again
        else:
            close = difflib.get_close_matches(name, NAMES, n=1)
            hint = f": did you mean {close[0]}?" if close else ": remove it or use a documented column"
            report.problems.append(Problem(line, raw.strip(), f"Unknown column “{raw.strip()}”{hint}"))
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        report.problems.append(Problem(line, "", "Separate the columns with commas"))
    for column in COLUMNS:
        if column.required and column.name not in where:
            report.problems.append(Problem(line, column.name, f"Add the required column {column.name}"))
    return where


def _split(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,]", value) if item.strip()]


def _yes_no(row: _Row, column: str) -> bool:
    value = row.values.get(column, "").lower()
    if value and value not in _YES:
        row.problem(column, f"“{row.values[column]}” is not yes or no")
    return _YES.get(value, False)


def _text(row: _Row, column: str, limit: int, required: bool = False) -> str:
    value = row.values.get(column, "")
    if required and not value:
        row.problem(column, f"Enter the {column.replace('_', ' ')}")
    elif len(value) > limit:
        row.problem(column, f"This must be {limit:,} characters or fewer (it has {len(value):,})")
    return value


def _check_email(row: _Row, lines: dict[str, list[int]], accounts_by_email: dict[str, str]) -> None:
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


def _check_miles(row: _Row) -> int | None:
    raw = row.values.get("travel_miles", "")
    if not raw:
        row.problem("travel_miles", "Enter how many miles the PA will travel, like 10")
    elif not raw.isdigit() or not 1 <= int(raw) <= MAX_TRAVEL_MILES:
        row.problem("travel_miles", f"“{raw}” is not a whole number of miles from 1 to {MAX_TRAVEL_MILES}")
    else:
        return int(raw)
    return None


def _check_codes(row: _Row, column: str, known: dict[str, int], what: str, years: bool) -> dict[int, int]:
    """{id: years} from ``code`` or ``code:years`` items (a code or the exact name)."""
    chosen: dict[int, int] = {}
    for item in _split(row.values.get(column, "")):
        code, _, raw_years = item.partition(":")
        key = code.strip().lower()
        found = known.get(key, known.get(_heading(key)))
        if found is None:
            row.problem(column, f"Unknown {what} “{code.strip()}”: use a code from the import guide")
            continue
        raw_years = raw_years.strip()
        if raw_years and not years:
            row.problem(column, f"“{item}”: years can only be given for skills")
        elif raw_years and (not raw_years.isdigit() or int(raw_years) > MAX_YEARS):
            row.problem(column, f"“{item}”: years must be a whole number from 0 to {MAX_YEARS}")
        else:
            chosen[found] = max(chosen.get(found, 0), int(raw_years or 0))
    return chosen


def _check_languages(row: _Row) -> list[str]:
    languages: list[str] = []
    for item in _split(row.values.get("languages", "")):
        if len(item) > 40:
            row.problem("languages", f"“{item[:40]}…” is too long for a language")
        elif item.lower() not in (known.lower() for known in languages):
            languages.append(item[:1].upper() + item[1:])  # as the profile page saves them
    if len(languages) > MAX_LANGUAGES:
        row.problem("languages", f"List up to {MAX_LANGUAGES} languages")
    return languages


def _check_rate(row: _Row) -> int | None:
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


def _check_employment(row: _Row) -> str:
    raw = row.values.get("employment", "")
    value = _heading(raw).replace("selfemployed", "self_employed")
    if raw and value not in EMPLOYMENT:
        row.problem("employment", f"“{raw}” is not one of employed, self_employed or either")
        return ""
    return value


def _check_slots(row: _Row) -> list[Slot]:
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


def _check_date(row: _Row) -> date | None:
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
_WONT_DO_NAMES = {**{_heading(name): code for code, name in WONT_DO.items()}, **{c: c for c in WONT_DO}}
_YEAR_NAMES = {
    **{_heading(name): code for code, name in YEAR_PATTERNS.items()},
    **{code: code for code in YEAR_PATTERNS},
}


def _check_wont_do(row: _Row) -> list[str]:
    """The codes of the work the PA will not do, in the list's order."""
    chosen: set[str] = set()
    for item in _split(row.values.get("wont_do", "")):
        code = _WONT_DO_NAMES.get(_heading(item))
        if code is None:
            row.problem(
                "wont_do", f"Unknown work the PA will not do “{item}”: use a code from the import guide"
            )
        else:
            chosen.add(code)
    return [code for code in WONT_DO if code in chosen]


def _check_year_pattern(row: _Row) -> str:
    raw = row.values.get("year_pattern", "")
    if not raw:
        return DEFAULT_YEAR_PATTERN
    code = _YEAR_NAMES.get(_heading(raw))
    if code is None:
        row.problem("year_pattern", f"“{raw}” is not one of all_year, term_time or school_holidays")
        return DEFAULT_YEAR_PATTERN
    return code


def _check_status(row: _Row, actor: CurrentUser | None) -> str:
    raw = row.values.get("status", "")
    status = raw.lower() or "draft"
    if status not in ("draft", "approved"):
        row.problem("status", f"“{raw}” is not draft or approved")
        return "draft"
    if status == "approved" and (actor is None or actor.role not in STAFF_ROLES):
        row.problem("status", "Only a staff member can import an approved profile")
    return status


def _check_row(row: _Row, point: geo.GeoPoint | str | None, lookups: dict[str, Any], actor) -> None:
    _check_email(row, lookups["lines"], lookups["accounts"])
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
        "skills": _check_codes(row, "skills", lookups["skills"], "skill", years=True),
        "client_groups": _check_codes(row, "client_groups", lookups["groups"], "client group", years=False),
        "languages": _check_languages(row),
        "driving_licence": _yes_no(row, "driving_licence"),
        "has_car": _yes_no(row, "has_car"),
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
