"""A register import file, read: its columns, its limits, its rows and the report of what
was wrong, as (line, column, message).

The file-level reading (``decode``, ``records``, ``heading``) is published: the training
import reads its files the same way. Each row's cells are checked in
``market.register.import_checks``; ``market.register.importer`` runs the checks and the
writes, and is the module the pages, the API and the command line call.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from datetime import timedelta
from typing import Literal, NamedTuple, Protocol, TypeGuard

import msgspec

from market.register.schemas import HEADLINE_LIMIT, MAX_TRAVEL_MILES, MAX_YEARS
from market.spreadsheets import unescape

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_LANGUAGES = 10
INVITE_LIFETIME = timedelta(days=14)
BATCH = 200

Mode = Literal["check", "all", "valid_only"]
MODES: tuple[Mode, ...] = ("check", "all", "valid_only")


def is_mode(value: str) -> TypeGuard[Mode]:
    return value in MODES


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
    Column("languages", False, "List", f"Up to {MAX_LANGUAGES} names or other names from the list of languages (docs/languages.md), separated by semicolons", "English;Polish"),
    Column("driving_licence", False, "yes or no", "Blank means no", "yes"),
    Column("has_car", False, "yes or no", "A car the PA can use for work; only with driving_licence yes. Blank means no", "yes"),
    Column("car_insurance", False, "yes or no", "Business insurance (business use cover) for that car; only with has_car yes. Blank means not said", "yes"),
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


class CollectsProblems(Protocol):
    """A report the file reading can add its problems to (this import's or training's)."""

    problems: list[Problem]


def heading(text: str) -> str:
    """A heading (or a code) as it is matched: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def decode(content: bytes, report: CollectsProblems) -> str | None:
    """The file's text; None when it cannot be read, with the reason among the report's problems."""
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
    if "\x00" in text:
        # A UTF-16 file read as UTF-8 is full of them; PostgreSQL cannot store one (it was a 500).
        line = text[: text.index("\x00")].count("\n") + 1
        report.problems.append(
            Problem(0, "", f"Line {line} has a NUL character: save the file as CSV UTF-8 (comma delimited)")
        )
        return None
    if not text.strip():
        report.problems.append(Problem(0, "", "The file is empty"))
        return None
    return text


def records(text: str, report: CollectsProblems) -> list[tuple[int, list[str]]] | None:
    """(first line, cells) of each row that is not blank; Excel's quoting rules. A cell the
    service quoted so that a spreadsheet shows it as text ("'=...", "'+44 ...": a rejects
    file handed back) is read as it was before (market.spreadsheets.unescape)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                found.append((start, [unescape(cell) for cell in cells]))
    except csv.Error as error:
        report.problems.append(Problem(0, "", f"Line {last + 1} cannot be read as CSV: {error}"))
        return None
    if len(found) - 1 > MAX_ROWS:
        report.problems.append(
            Problem(0, "", f"The file has {len(found) - 1:,} rows: import at most {MAX_ROWS:,} at a time")
        )
        return None
    return found


def columns_at(
    line: int, header: list[str], columns: tuple[Column, ...], problems: list[Problem]
) -> dict[str, int]:
    """For a simpler import than the register's (training records, school terms): which cell
    holds each of ``columns``; a repeated, unknown or missing required heading is a problem
    on the heading's line."""
    names = tuple(c.name for c in columns)
    where: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = heading(raw)
        if not name:
            continue
        if name in where:
            problems.append(Problem(line, name, "This column appears more than once"))
        elif name in names:
            where[name] = index
        else:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"did you mean {close[0]}?" if close else f"the columns are {', '.join(names)}"
            problems.append(Problem(line, raw.strip(), f"Unknown column “{raw.strip()}”: {hint}"))
    for column in columns:
        if column.required and column.name not in where:
            problems.append(Problem(line, column.name, f"Add the required column {column.name}"))
    return where


def read_header(
    line: int, header: list[str], rows: list[tuple[int, list[str]]], report: ImportReport
) -> dict[str, int]:
    """Which cell holds each column; heading problems go on the heading's line."""
    where: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = heading(raw)
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
