"""Report downloads: each section as CSV, and the whole monitoring return as one XLSX
workbook (a sheet per section: its figures, then each breakdown). Beyond staff, counts from 1
to 4 are shown as "<5" (``for_staff=False``), so no person can be picked out. Every cell is
written through ``market.spreadsheets``, so no text (a name, a label) runs as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from market import spreadsheets
from market.reports.figures import Figure, Section, suppressed
from market.reports.periods import Period

# Sections that count people supported: in the commissioner's copy of the return their counts
# from 1 to 4 are shown as "<5". (Counts of PAs, needs and referrals are about the service.)
ABOUT_PEOPLE = ("people",)

TITLE = "PA register monitoring return"


def shown(
    figure_or_count: Figure | int | float | None, *, unit: str = "", for_staff: bool
) -> str | int | float:
    """A value as it goes into a file: counts suppressed beyond staff; shares and days as they are."""
    value = figure_or_count.value if isinstance(figure_or_count, Figure) else figure_or_count
    unit = figure_or_count.unit if isinstance(figure_or_count, Figure) else unit
    if value is None:
        return "not available"
    if unit == "" and isinstance(value, int) and not for_staff:
        return suppressed(value)
    return value


def _rows(section: Section, *, for_staff: bool) -> list[list[str | int | float]]:
    rows: list[list[str | int | float]] = [["Figure", "Value", "Unit", "Definition"]]
    for f in section.figures:
        rows.append([f.title, shown(f, for_staff=for_staff), f.unit, f.definition])
    for b in section.breakdowns:
        rows += [[], [b.title, "", "", b.definition], [b.heading, "Count"]]
        rows += [[label, shown(count, for_staff=for_staff)] for label, count in b.rows]
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
        [TITLE],
        ["Period", period.label],
        ["From", period.start],
        ["To", period.end],
        [],
        ["Every figure is computed from the records; each sheet says how."],
    ]
    if not for_staff:
        lines.append(
            ["Counts of people supported from 1 to 4 are shown as <5, so that no one can be identified."]
        )
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
