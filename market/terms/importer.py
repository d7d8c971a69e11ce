"""Importing school term dates from a CSV file: one row for each school year (kind
``school_year``: its first and last day and where the dates come from) and one for each of
its terms, half terms, holidays and INSET days.

Like the other imports: every row is checked first and every problem reported by line and
column; nothing is written unless every row is right ("check" writes nothing at all). Each
school year in the file replaces that year's dates here (a year already kept needs no
``school_year`` row: its first and last day stay as they are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import msgspec

from market.audit import services as audit
from market.audit.services import ActorLike
from market.clock import utcnow
from market.dates import DateProblem, parse_any_date
from market.db import unique_or, write_transaction
from market.errors import Invalid
from market.register import changes
from market.register.import_rows import MAX_BYTES, Column, Problem, columns_at, heading
from market.register.import_rows import decode as decode_csv
from market.register.import_rows import records as csv_records
from market.terms import rules
from market.terms.rules import ENDS_BEFORE, Span
from market.terms.schemas import KINDS, NAME_LIMIT, PERIOD_NAME_LIMIT, SOURCE_LIMIT
from market.terms.tables import SchoolPeriod, SchoolYear
from market.terms.years import clean

__all__ = ["COLUMNS", "MAX_BYTES", "MODES", "ImportReport", "Problem", "import_csv"]

Mode = Literal["check", "all"]
MODES: tuple[Mode, ...] = ("check", "all")
YEAR_KIND = "school_year"
ROW_KINDS = (YEAR_KIND, *KINDS)
# What people may write in the kind column, by heading(): codes and the pages' names.
KIND_WORDS = (
    {heading(k): k for k in ROW_KINDS}
    | {heading(t): k for k, t in KINDS.items()}
    | {
        "year": YEAR_KIND,
        "halfterm": "half_term",
        "holidays": "holiday",
        "inset_day": "inset",
        "training_day": "inset",
    }
)


COLUMNS: tuple[Column, ...] = (
    Column("school_year", True, "Text", f"The school year's name, up to {NAME_LIMIT} characters", "2025 to 2026"),
    Column("kind", True, "Choice", "school_year, term, half_term, holiday or inset", "term"),
    Column("name", False, "Text", f"Up to {PERIOD_NAME_LIMIT} characters; blank means the kind's name", "Autumn term"),
    Column("first_day", True, "Date", "YYYY-MM-DD, DD/MM/YYYY or 1 September 2025", "2025-09-01"),
    Column("last_day", True, "Date", "The same forms; on or after first_day", "2025-12-19"),
    Column("source", False, "Text", f"On the school_year row: where the dates come from, up to {SOURCE_LIMIT} characters", "Peterborough City Council"),
)  # fmt: skip


class YearCount(msgspec.Struct, frozen=True):
    name: str
    periods: int
    new: bool


class ImportReport(msgspec.Struct, kw_only=True):
    file_name: str
    mode: str
    rows: int = 0
    imported: bool = False
    years: list[YearCount] = []
    problems: list[Problem] = []

    @property
    def unreadable(self) -> bool:
        return any(p.line == 0 for p in self.problems)


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    kind: str = ""
    first: date | None = None
    last: date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    @property
    def year(self) -> str:
        return clean(self.values.get("school_year", ""))

    @property
    def span(self) -> Span | None:
        if self.first is None or self.last is None or self.last < self.first or not self.kind:
            return None
        name = self.year if self.kind == YEAR_KIND else clean(self.values.get("name", "")) or KINDS[self.kind]
        return Span("year" if self.kind == YEAR_KIND else self.kind, name, self.first, self.last)


def _check_cells(row: _Row) -> None:
    if not row.year:
        row.problem("school_year", "Enter the school year's name, like 2025 to 2026")
    elif len(row.year) > NAME_LIMIT:
        row.problem("school_year", f"The school year's name must be {NAME_LIMIT} characters or fewer")
    raw_kind = row.values.get("kind", "")
    row.kind = KIND_WORDS.get(heading(raw_kind), "")
    if not row.kind:
        row.problem("kind", f"“{raw_kind}” is not a kind: use school_year, term, half_term, holiday or inset")
    if len(clean(row.values.get("name", ""))) > PERIOD_NAME_LIMIT:
        row.problem("name", f"The name must be {PERIOD_NAME_LIMIT} characters or fewer")
    source = row.values.get("source", "")
    if len(source) > SOURCE_LIMIT:
        row.problem("source", f"The source must be {SOURCE_LIMIT} characters or fewer")
    for column, label in (("first_day", "The first day"), ("last_day", "The last day")):
        raw = row.values.get(column, "")
        if not raw:
            row.problem(column, f"Enter {label.lower()}")
            continue
        try:
            setattr(row, "first" if column == "first_day" else "last", parse_any_date(raw, label))
        except DateProblem as problem:
            row.problem(column, str(problem))
    if row.first and row.last and row.last < row.first:
        row.problem("last_day", ENDS_BEFORE)
    elif (
        row.kind == YEAR_KIND
        and row.first
        and row.last
        and (message := rules.year_length_problem(row.first, row.last))
    ):
        row.problem("last_day", message)


def _check_years(rows: list[_Row], kept: dict[str, dict[str, Any]]) -> dict[str, Span]:
    """Each school year of the file as a span (from its school_year row, or as kept); the
    problems of repeated, missing and overlapping years on their lines."""
    spans: dict[str, Span] = {}
    lines: dict[str, int] = {}
    for row in rows:
        if row.kind != YEAR_KIND or not row.year:
            continue
        key = row.year.casefold()
        if key in lines:
            row.problem(
                "school_year",
                f"The school year {row.year} already has a school_year row, on line {lines[key]}",
            )
        elif (span := row.span) is not None:
            spans[key], lines[key] = span, row.line
    for row in rows:
        key = row.year.casefold()
        if row.kind and row.kind != YEAR_KIND and row.year and key not in spans and key not in lines:
            if key in kept:
                spans[key] = Span("year", kept[key]["name"], kept[key]["first_day"], kept[key]["last_day"])
            else:
                row.problem(
                    "school_year",
                    f"{row.year} is not a school year here yet: add a school_year row giving its first and last day",
                )
                lines[key] = 0  # said once
    others = [
        Span("year", y["name"], y["first_day"], y["last_day"]) for k, y in kept.items() if k not in spans
    ]
    by_line = {row.line: row for row in rows}
    seen: list[tuple[int, Span]] = []
    for key, span in spans.items():
        line = lines.get(key, 0)
        clash = next((o for o in others if rules.overlap(span, o)), None) or next(
            (s for _, s in seen if rules.overlap(span, s)), None
        )
        if clash is not None and line in by_line:
            by_line[line].problem(
                "first_day", f"These dates overlap {clash.text}: school years cannot overlap"
            )
        seen.append((line, span))
    return spans


def _check_periods(rows: list[_Row], spans: dict[str, Span]) -> None:
    earlier: dict[str, list[tuple[int, Span]]] = {}
    for row in rows:
        span = row.span
        year = spans.get(row.year.casefold())
        if row.kind == YEAR_KIND or span is None or year is None:
            continue
        if rules.outside(span, year):
            row.problem("first_day" if span.first < year.first else "last_day", rules.outside_message(year))
            continue
        found = earlier.setdefault(row.year.casefold(), [])
        clash = next(((line, other) for line, other in found if rules.clashes(span, other)), None)
        if clash is not None:
            row.problem("first_day", f"{rules.clash_message(span, clash[1])} (line {clash[0]})")
        found.append((row.line, span))


async def _kept() -> dict[str, dict[str, Any]]:
    return {y["name"].casefold(): y for y in await SchoolYear.select()}


async def check_file(
    content: bytes, *, file_name: str, mode: str
) -> tuple[ImportReport, list[_Row], dict[str, Span]]:
    report = ImportReport(file_name=file_name, mode=mode)
    text = decode_csv(content, report)
    found = csv_records(text, report) if text is not None else None
    if not found:
        return report, [], {}
    (header_line, header), data = found[0], found[1:]
    if not data:
        report.problems.append(
            Problem(0, "", "The file has headings but no rows: add one row per term, holiday or school year")
        )
        return report, [], {}
    where = columns_at(header_line, header, COLUMNS, report.problems)
    rows = []
    for line, cells in data:
        row = _Row(line, {name: cells[i].strip() if i < len(cells) else "" for name, i in where.items()})
        if any(c.strip() for c in cells[len(header) :]):
            row.problem("", f"This row has {len(cells)} cells but the heading row has {len(header)}")
        _check_cells(row)
        rows.append(row)
    report.rows = len(rows)
    kept = await _kept()
    spans = _check_years(rows, kept)
    _check_periods(rows, spans)
    for row in rows:
        report.problems.extend(row.problems)
    report.problems.sort(key=lambda p: p.line)
    report.years = [
        YearCount(
            span.name,
            sum(1 for r in rows if r.year.casefold() == key and r.kind != YEAR_KIND),
            key not in kept,
        )
        for key, span in spans.items()
    ]
    return report, rows, spans


def _audit_detail(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file_name[:200],
        "mode": report.mode,
        "imported": report.imported,
        "rows": report.rows,
        "years": [y.name for y in report.years],
        "problems": len(report.problems),
    }


async def _write(rows: list[_Row], spans: dict[str, Span]) -> None:
    kept = await _kept()
    sources = {r.year.casefold(): r.values.get("source", "").strip() for r in rows if r.kind == YEAR_KIND}
    for key, span in spans.items():
        if key in kept:
            year_id = kept[key]["id"]
            update: dict[Any, Any] = {SchoolYear.first_day: span.first, SchoolYear.last_day: span.last,
                                      SchoolYear.updated_at: utcnow()}  # fmt: skip
            if sources.get(key):
                update[SchoolYear.source] = sources[key]
            await SchoolYear.update(update).where(SchoolYear.id == year_id)
            await SchoolPeriod.delete().where(SchoolPeriod.school_year == year_id)
        else:
            inserted = await SchoolYear.insert(
                SchoolYear(
                    name=span.name, first_day=span.first, last_day=span.last, source=sources.get(key, "")
                )
            ).returning(SchoolYear.id)
            year_id = inserted[0]["id"]
        periods = [r.span for r in rows if r.year.casefold() == key and r.kind != YEAR_KIND]
        if periods:
            await SchoolPeriod.insert(
                *[SchoolPeriod(school_year=year_id, kind=p.kind, name=p.name, first_day=p.first, last_day=p.last)
                  for p in periods if p is not None]
            )  # fmt: skip


async def import_csv(
    content: bytes, *, file_name: str, actor: ActorLike | None, mode: str, ip: str = ""
) -> ImportReport:
    """Check every row; unless only checking, replace the file's school years' dates with
    its rows, all at once, or nothing if any row is wrong. Every run is audit-logged."""
    if mode not in MODES:
        raise Invalid({"mode": "Select whether to check the file or import it"})
    # Another import adding the same school year at the same moment (PostgreSQL): said plainly.
    meanwhile = Invalid({"file": "Someone else changed these school years just now: upload the file again"})
    async with unique_or(meanwhile), write_transaction():
        report, rows, spans = await check_file(content, file_name=file_name, mode=mode)
        report.imported = mode == "all" and not report.problems and bool(spans)
        if report.imported:
            await _write(rows, spans)
            await changes.touch_all()  # every PA's term-time matching reads the calendar
        await audit.record("terms.import", actor=actor, detail=_audit_detail(report), ip=ip)
    return report
