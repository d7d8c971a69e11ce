"""Text written to a CSV or XLSX file is never run as a formula (OWASP's CSV injection rule):
a CSV text cell starting with =, +, -, @, tab or carriage return gets a single quote in front,
an XLSX text cell is a string cell marked quote-prefix, and numbers stay numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from market import spreadsheets
from market.export.common import to_csv

# The display names the tests of every export use.
NASTY = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_text_that_a_spreadsheet_would_run_gets_a_quote():
    for name in NASTY:
        assert spreadsheets.csv_text(name) == "'" + name
        assert spreadsheets.unescape(spreadsheets.csv_text(name)) == name
    for plain in ("Jo Smith", "", "'quoted", "a=b", "12", "O'Brien", " =x"):
        assert spreadsheets.csv_text(plain) == plain
        assert spreadsheets.unescape(plain) == plain
    assert spreadsheets.csv_text(-2) == -2 and spreadsheets.csv_text(-2.5) == -2.5
    assert spreadsheets.csv_text(None) is None


def test_the_csv_writer_escapes_text_and_keeps_numbers():
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Count"])
    writer.writerows([[name, -2] for name in NASTY])
    rows = read_csv(out.getvalue())
    assert rows[0] == ["Name", "Count"]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in NASTY]
    assert {row[1] for row in rows[1:]} == {"-2"}


def test_xlsx_text_is_a_string_never_a_formula_and_numbers_stay_numbers():
    book = Workbook()
    sheet = book.active
    spreadsheets.append_row(sheet, ["Name", "Count"])
    for name in NASTY:
        spreadsheets.append_row(sheet, [name, -2])
    spreadsheets.append_row(sheet, [])
    spreadsheets.append_row(sheet, ["Jo", 3.5])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(read.iter_rows(min_row=2, max_row=1 + len(NASTY)))
    # XML reads a carriage return back as a line feed (its line-end rule), not our doing.
    assert [row[0].value for row in rows] == [name.replace("\r", "\n") for name in NASTY]
    assert all(row[0].data_type == "s" and row[0].quotePrefix for row in rows)
    assert all(row[1].value == -2 and row[1].data_type == "n" for row in rows)
    last = [c for c in read[read.max_row]]
    assert last[0].value == "Jo" and not last[0].quotePrefix and last[1].value == 3.5


def test_the_data_export_csv_escapes_text_columns_only():
    assert to_csv("text", '=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert to_csv("text", "+44 7700 900123") == "'+44 7700 900123"
    assert to_csv("text", "Jo") == "Jo"
    assert to_csv("integer", -2) == "-2"
    assert to_csv("number", -2.5) == "-2.5"
    assert to_csv("json", "=x") == '"=x"'
    assert to_csv("json", -1) == "-1"
