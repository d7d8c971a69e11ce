"""Report downloads: each section as CSV, and the whole monitoring return as one XLSX
workbook (a sheet per section: its figures, then each breakdown). Beyond staff (the
commissioner's copy, ``for_staff=False``), counts of people supported from 1 to 4 are shown as
"<5", and each breakdown is protected so that none can be worked out by subtraction
(``market.reports.suppression``). The staff copy shows every number, and its file name says
"staff-only". Every cell is written through ``market.spreadsheets``, so no text (a name, a
label) runs as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from market import spreadsheets
from market.reports import suppression
from market.reports.figures import SMALL, Breakdown, Figure, Section, suppressed
from market.reports.periods import Period

# Sections that count people supported: in the commissioner's copy of the return their counts
# from 1 to 4 are shown as "<5". (Counts of PAs, needs and referrals are about the service.)
ABOUT_PEOPLE = ("people",)
STAFF_ONLY = "staff-only"
WITHHELD = (
    "Not shown in this copy: its counts cannot be shown without letting a count under 5 be "
    "worked out (or fewer than 5 people in all)."
)
SUPPRESSION_NOTE = (
    "Counts of people supported from 1 to 4 are shown as <5, so that no one can be identified. "
    "So that no <5 can be worked out by subtracting the other counts from the total, the "
    "smallest other counts in the same table are shown as 'hidden' (each is 5 or more); a table "
    "that cannot be protected that way is not shown."
)


def return_file_name(period: Period, *, for_staff: bool) -> str:
    """The two copies of the return never share a name: the staff copy's says staff-only."""
    return f"monitoring-return-{period.start}-{period.end}{'-' + STAFF_ONLY if for_staff else ''}.xlsx"


def section_file_name(section: Section, period: Period) -> str:
    """A section as staff download it: every number, so a section about people is staff-only."""
    only = f"-{STAFF_ONLY}" if section.key in ABOUT_PEOPLE else ""
    return f"{section.key}-{period.start}-{period.end}{only}.csv"


TITLE = "PA register monitoring return"


def shown(
    figure_or_count: Figure | int | float | None, *, unit: str = "", for_staff: bool
) -> str | int | float:
    """A value as it goes into a file: counts suppressed beyond staff; shares and days as they are."""
    value = figure_or_count.value if isinstance(figure_or_count, Figure) else figure_or_count
    unit = figure_or_count.unit if isinstance(figure_or_count, Figure) else unit
    if value is None:
        return "not available"
    if unit == "" and isinstance(value, int) and not for_staff and 0 < value < SMALL:
        return suppressed(value)
    return value


def breakdown_rows(b: Breakdown, *, for_staff: bool) -> list[tuple[str, int | str]] | None:
    """A breakdown's rows as they go into a file (None: withheld from this copy)."""
    if for_staff:
        return list(b.rows)
    published = suppression.protect(sorted(b.rows) if b.ordered_by_count else b.rows)
    if published is not None and not any(isinstance(v, str) for _, v in published):
        return list(b.rows)  # nothing hidden: keep the order by size
    return published


def _rows(section: Section, *, for_staff: bool) -> list[list[str | int | float]]:
    rows: list[list[str | int | float]] = [["Figure", "Value", "Unit", "Definition"]]
    for f in section.figures:
        rows.append([f.title, shown(f, for_staff=for_staff), f.unit, f.definition])
    for b in section.breakdowns:
        rows += [[], [b.title, "", "", b.definition], [b.heading, "Count"]]
        published = breakdown_rows(b, for_staff=for_staff)
        rows += [[WITHHELD]] if published is None else [[label, count] for label, count in published]
    return rows


def section_csv(section: Section, period: Period, *, for_staff: bool = True) -> str:
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    writer.writerow([f"{section.title}: {period.label} ({period.start:%d/%m/%Y} to {period.end:%d/%m/%Y})"])
    writer.writerows(_rows(section, for_staff=for_staff))
    return out.getvalue()


def workbook(sections: Sequence[Section], period: Period, *, for_staff: bool = True) -> bytes:
    """The return; ``for_staff=False`` is the copy that leaves the service (for the
    commissioner): small counts of people supported are suppressed."""
    book = Workbook()
    cover = book.active
    cover.title = "About"
    lines: list[list[object]] = [
        [TITLE + (": staff-only copy" if for_staff else ": the commissioner's copy")],
        ["Period", period.label],
        ["From", period.start],
        ["To", period.end],
    ]
    if period.planned_end:
        lines.append(["The period ends", period.planned_end])
        lines.append(
            [f"The period has not ended: every figure is as it stood so far, to {period.end:%-d %B %Y}."]
        )
    lines += [[], ["Every figure is computed from the records; each sheet says how."]]
    if for_staff:
        lines.append(["Every number is shown: this copy is for staff only and must not leave the service."])
    else:
        lines.append([SUPPRESSION_NOTE])
    for line in lines:
        spreadsheets.append_row(cover, line)
    cover["A1"].font = Font(bold=True, size=14)
    for section in sections:
        sheet = book.create_sheet(section.title[:31])
        for row in _rows(section, for_staff=for_staff or section.key not in ABOUT_PEOPLE):
            spreadsheets.append_row(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["D"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_csv(title: str, headings: list[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    writer.writerow([title])
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def table_xlsx(title: str, headings: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    spreadsheets.append_row(sheet, headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheets.append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
