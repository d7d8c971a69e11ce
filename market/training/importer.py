"""Importing completions from an external training provider's CSV file.

Like the register import: every row is checked first and every problem reported by line
and column; nothing is written unless every row is right ("check" writes nothing at all).
A row that matches a completion already recorded (same PA, course and date) is skipped, so
importing a file twice adds nothing. Imported completions have source "import" and count as
verified: a trainer or staff member recorded them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import msgspec

from market.accounts import directory as account_directory
from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.db import for_update, write_transaction
from market.errors import Invalid, NotAllowed
from market.register import directory

# The register import's file reading: the same limits, encodings and messages.
from market.register.import_rows import MAX_BYTES, MAX_ROWS, Column, Problem, columns_at, heading
from market.register.import_rows import decode as decode_csv
from market.register.import_rows import records as csv_records
from market.training import completions
from market.training.claims import EARLIEST, EVIDENCE_LIMIT, PROVIDER_LIMIT, VERIFIERS
from market.training.tables import Completion, Course

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "MODES", "ImportReport", "Problem", "import_csv"]

Mode = Literal["check", "all"]
MODES: tuple[Mode, ...] = ("check", "all")
BATCH = 500


COLUMNS: tuple[Column, ...] = (
    Column("email", True, "Email address", "The email address of the PA's account on the register", "jo.smith@example.org"),
    Column("course", True, "Course", "A course code or the course's exact name, capitals ignored", "moving_handling"),
    Column("completed_on", True, "Date", "YYYY-MM-DD or DD/MM/YYYY; not in the future, not before 1950", "2026-03-01"),
    Column("provider", True, "Text", f"Who ran the training; up to {PROVIDER_LIMIT} characters", "Fenland Care Training"),
    Column("evidence", False, "Text", f"Their certificate or reference number; up to {EVIDENCE_LIMIT} characters", "FCT-11823"),
)  # fmt: skip
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ROLE_KIND = {
    "recipient": "an employer's",
    "staff": "a staff",
    "trainer": "a trainer's",
    "admin": "an administrator's",
}


class Skipped(msgspec.Struct, frozen=True):
    """A row already on the PA's record: not added again."""

    line: int
    email: str
    course: str
    completed_on: date


class ImportReport(msgspec.Struct, kw_only=True):
    file_name: str
    mode: str
    rows: int = 0
    valid: int = 0
    created: int = 0
    imported: bool = False
    skipped: list[Skipped] = []
    problems: list[Problem] = []

    @property
    def unreadable(self) -> bool:
        """True when the file itself is wrong (size, encoding, no rows ...)."""
        return any(p.line == 0 for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    profile_id: int | None = None
    course: dict[str, Any] | None = None
    completed_on: date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    @property
    def key(self) -> tuple[int, int, date] | None:
        if self.profile_id is None or self.course is None or self.completed_on is None:
            return None
        return (self.profile_id, self.course["id"], self.completed_on)


async def _pas(emails: set[str]) -> dict[str, tuple[str, int | None]]:
    """email -> (role, PA profile id or None)."""
    found: dict[str, tuple[str, int | None]] = {}
    users = await account_directory.users_by_email(emails)
    profiles = await directory.profile_ids_of(u.id for u in users.values())
    for email, user in users.items():
        profile_id = profiles.get(user.id)
        found[email] = (user.role, None) if profile_id is None else ("pa", profile_id)
    return found


async def _courses() -> dict[str, dict[str, Any]]:
    """Lower-case code and name -> course row (retired ones too, to say so)."""
    known: dict[str, dict[str, Any]] = {}
    for c in await Course.select():
        known[c["name"].strip().lower()] = c
        known[c["code"].lower()] = c
    return known


def _check_email(row: _Row, pas: dict[str, tuple[str, int | None]]) -> None:
    raw = row.values.get("email", "")
    email = accounts.normalise_email(raw)
    if not raw:
        row.problem("email", "Enter the PA's account email address")
    elif accounts.email_problem(email):
        row.problem("email", f"“{raw}” is not an email address in the correct format, like name@example.com")
    elif email not in pas:
        row.problem("email", f"No PA on the register has the email address {email}")
    elif (role := pas[email][0]) != "pa":
        row.problem("email", f"{email} belongs to {_ROLE_KIND.get(role, 'another')} account, not a PA's")
    elif pas[email][1] is None:
        row.problem("email", f"The PA with the email address {email} has no profile yet")
    else:
        row.profile_id = pas[email][1]


def _check_course(row: _Row, courses: dict[str, dict[str, Any]]) -> None:
    raw = row.values.get("course", "")
    found = courses.get(raw.lower()) or courses.get(heading(raw))
    if not raw:
        row.problem("course", "Enter the course code or name")
    elif found is None:
        row.problem("course", f"Unknown course “{raw}”: use a code or exact name from the catalogue")
    elif not found["active"]:
        row.problem("course", f"“{raw}” has been retired from the catalogue")
    else:
        row.course = found


def _check_date(row: _Row, today: date) -> None:
    raw = row.values.get("completed_on", "")
    if not raw:
        row.problem("completed_on", "Enter the date the PA completed the course")
        return
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        year = month = day = 0
    try:
        completed = date(year, month, day)
    except ValueError:
        row.problem("completed_on", f"“{raw}” is not a real date: write it like 2026-03-01 or 01/03/2026")
        return
    if completed > today:
        row.problem("completed_on", f"“{raw}” is in the future: give the date the course was completed")
    elif completed < EARLIEST:
        row.problem("completed_on", f"“{raw}” is before 1950: check the year")
    else:
        row.completed_on = completed


def _check_text(row: _Row, column: str, limit: int, missing: str) -> None:
    value = row.values.get(column, "")
    if missing and not value:
        row.problem(column, missing)
    elif len(value) > limit:
        row.problem(column, f"This must be {limit} characters or fewer (it has {len(value)})")


async def _existing(keys: set[tuple[int, int, date]]) -> set[tuple[int, int, date]]:
    """Which (profile, course, date) are already recorded."""
    found: set[tuple[int, int, date]] = set()
    profiles = sorted({k[0] for k in keys})
    for start in range(0, len(profiles), BATCH):
        for c in await Completion.select(
            Completion.profile, Completion.course, Completion.completed_on
        ).where(Completion.profile.is_in(profiles[start : start + BATCH])):
            found.add((c["profile"], c["course"], c["completed_on"]))
    return found & keys


def _check_repeats(rows: list[_Row]) -> None:
    """The same PA, course and date on more than one line: a problem on each."""
    lines: dict[tuple[int, int, date], list[int]] = {}
    for row in rows:
        if row.key:
            lines.setdefault(row.key, []).append(row.line)
    for row in rows:
        if row.key and len(lines[row.key]) > 1:
            others = ", ".join(str(n) for n in lines[row.key] if n != row.line)
            row.problem("", f"The same PA, course and date are also on line {others}")


async def check_file(
    content: bytes, *, file_name: str, mode: str, today: date
) -> tuple[ImportReport, list[_Row]]:
    """Read and check every row; write nothing. Returns the report and the rows to add."""
    report = ImportReport(file_name=file_name, mode=mode)
    # Register's private readers type their report as the register's; they only append to
    # ``report.problems``, which this report has too. Until the register publishes them
    # (asked for), the ignores say so.
    text = decode_csv(content, report)
    records = csv_records(text, report) if text is not None else None
    if not records:
        return report, []
    (header_line, header), data = records[0], records[1:]
    if not data:
        report.problems.append(
            Problem(0, "", "The file has headings but no rows: add one row per completion")
        )
        return report, []
    where = columns_at(header_line, header, COLUMNS, report.problems)
    rows = []
    for line, cells in data:
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in where.items()}
        row = _Row(line, values)
        if any(c.strip() for c in cells[len(header) :]):
            row.problem("", f"This row has {len(cells)} cells but the heading row has {len(header)}")
        rows.append(row)
    report.rows = len(rows)
    pas = await _pas({accounts.normalise_email(r.values.get("email", "")) for r in rows} - {""})
    courses = await _courses()
    for row in rows:
        _check_email(row, pas)
        _check_course(row, courses)
        _check_date(row, today)
        _check_text(row, "provider", PROVIDER_LIMIT, "Enter who provided the training")
        _check_text(row, "evidence", EVIDENCE_LIMIT, "")
    _check_repeats(rows)
    existing = await _existing({r.key for r in rows if r.key and not r.problems})
    valid = []
    for row in rows:
        report.problems.extend(row.problems)
        if row.problems:
            continue
        if row.key in existing:
            assert row.course is not None and row.completed_on is not None
            email = accounts.normalise_email(row.values["email"])
            report.skipped.append(Skipped(row.line, email, row.course["code"], row.completed_on))
        else:
            valid.append(row)
    report.problems.sort(key=lambda p: p.line)
    report.valid = len(valid)
    return report, valid


def _audit_detail(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file_name[:200],
        "mode": report.mode,
        "imported": report.imported,
        "rows": report.rows,
        "created": report.created,
        "skipped": len(report.skipped),
        "problems": len(report.problems),
    }


async def _create(rows: list[_Row], actor: CurrentUser, report: ImportReport) -> None:
    async with write_transaction():
        # Two imports of one file at once: the second waits here, then skips every row. The
        # rows of the courses are locked (training's own; a PA's profile is the register's),
        # in id order so that two imports of different files cannot deadlock.
        course_ids = sorted({r.course["id"] for r in rows if r.course is not None})
        for start in range(0, len(course_ids), BATCH):
            await for_update(
                Course.select(Course.id)
                .where(Course.id.is_in(course_ids[start : start + BATCH]))
                .order_by(Course.id)
            )
        existing = await _existing({r.key for r in rows if r.key})
        for row in rows:
            if row.key in existing:
                assert row.course is not None and row.completed_on is not None
                email = accounts.normalise_email(row.values["email"])
                report.skipped.append(Skipped(row.line, email, row.course["code"], row.completed_on))
                continue
            assert row.profile_id is not None and row.course is not None and row.completed_on is not None
            await completions.add(
                row.profile_id,
                row.course,
                row.completed_on,
                source="import",
                actor=actor,
                verified=True,
                evidence=row.values.get("evidence", ""),
                provider=row.values.get("provider", ""),
            )
            report.created += 1
        report.skipped.sort(key=lambda s: s.line)
        await audit.record("training.import", actor=actor, detail=_audit_detail(report))


async def import_csv(
    content: bytes, *, file_name: str, actor: CurrentUser, mode: str, today: date
) -> ImportReport:
    """Check every row; unless only checking, add them all at once, or none if any is wrong.

    Every run, a check or a refused import too, is audit-logged with its counts."""
    if actor.role not in VERIFIERS:
        raise NotAllowed("Only trainers and staff can import training records")
    if mode not in MODES:
        raise Invalid({"mode": "Select whether to check the file or import it"})
    report, valid = await check_file(content, file_name=file_name, mode=mode, today=today)
    report.imported = mode == "all" and not report.problems
    if report.imported and valid:
        await _create(valid, actor, report)
        return report
    async with write_transaction():
        await audit.record("training.import", actor=actor, detail=_audit_detail(report))
    return report
