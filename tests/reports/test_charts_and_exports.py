"""Charts are accessible SVG (title, description, escaped labels, the numbers in words); the
CSV and XLSX downloads carry every figure with its definition, and beyond staff suppress
counts under 5."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from market.reports import charts, exports
from market.reports.figures import Breakdown, Figure, Section, share, suppressed
from market.reports.periods import financial_year

SECTION = Section(
    key="register",
    title="The register",
    figures=[
        Figure(
            key="register.on_register",
            title="PAs on the register",
            definition="Approved at the end.",
            value=120,
        ),
        Figure(key="register.new", title="New PAs", definition="First approved in the period.", value=3),
        Figure(
            key="register.contact_share",
            title="Contacted in a week",
            definition="Share.",
            value=87.5,
            unit="%",
        ),
        Figure(key="register.median", title="Median days", definition="Median.", value=None, unit="days"),
    ],
    breakdowns=[
        Breakdown(
            key="register.by_skill",
            title="PAs by skill",
            definition="Each PA once per skill.",
            heading="Skill",
            rows=[("Personal care", 80), ("Autism <support> & more", 2), ("Hoist", 0)],
        )
    ],
)


def test_small_numbers_and_shares():
    assert [suppressed(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert share(1, 3) == 33.3 and share(0, 0) is None


def test_a_chart_is_an_accessible_image_of_the_same_numbers():
    svg = charts.bar_chart(SECTION.breakdowns[0], "chart-skill")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="chart-skill-title chart-skill-desc"' in svg
    assert '<title id="chart-skill-title">PAs by skill</title>' in svg
    assert "Personal care: 80" in svg and "Autism &lt;support&gt; &amp; more: 2" in svg
    assert "<support>" not in svg
    empty = Breakdown(key="x", title="Nothing", definition="", heading="Skill", rows=[("A", 0)])
    assert charts.bar_chart(empty, "chart-x") == ""


def test_csv_for_staff_and_beyond():
    period = financial_year(2025)
    staff = list(csv.reader(io.StringIO(exports.section_csv(SECTION, period))))
    assert staff[0] == ["The register: 2025-26 (01/04/2025 to 31/03/2026)"]
    assert ["New PAs", "3", "", "First approved in the period."] in staff
    assert ["Median days", "not available", "days", "Median."] in staff
    assert ["Autism <support> & more", "2"] in staff
    outside = list(csv.reader(io.StringIO(exports.section_csv(SECTION, period, for_staff=False))))
    assert ["New PAs", "<5", "", "First approved in the period."] in outside
    assert ["Autism <support> & more", "<5"] in outside and ["Hoist", "0"] in outside
    assert ["Contacted in a week", "87.5", "%", "Share."] in outside  # shares are not counts


def test_the_workbook_has_a_sheet_per_section():
    book = load_workbook(io.BytesIO(exports.workbook([SECTION], financial_year(2025))))
    assert book.sheetnames == ["About", "The register"]
    about = [[c.value for c in row] for row in book["About"].iter_rows()]
    assert about[1] == ["Period", "2025-26"] and about[2][1].date() == date(2025, 4, 1)
    sheet = [[c.value for c in row] for row in book["The register"].iter_rows()]
    assert sheet[0] == ["Figure", "Value", "Unit", "Definition"]
    assert ["PAs on the register", 120, None, "Approved at the end."] in sheet


def test_the_commissioners_copy_suppresses_small_counts_of_people_only():
    people = Section(
        key="people",
        title="People supported",
        figures=[Figure(key="people.supported", title="People supported", definition="d", value=3)],
        breakdowns=[],
    )
    book = load_workbook(
        io.BytesIO(exports.workbook([SECTION, people], financial_year(2025), for_staff=False))
    )
    register = [[c.value for c in row] for row in book["The register"].iter_rows()]
    assert ["New PAs", 3, None, "First approved in the period."] in register  # PAs: not suppressed
    supported = [[c.value for c in row] for row in book["People supported"].iter_rows()]
    assert ["People supported", "<5", None, "d"] in supported
    staff = load_workbook(io.BytesIO(exports.workbook([people], financial_year(2025))))
    assert ["People supported", 3, None, "d"] in [
        [c.value for c in r] for r in staff["People supported"].iter_rows()
    ]
