"""Counts under 5 in the commissioner's copy cannot be worked out by subtracting the others
from the total. Two readers try. One knows what "<5" and "hidden" can be and that the counts
add up to the total: each "<5" could still be any of 1 to 4. The other also replays the rule
itself on every table that adds up (keeping those it would have published just so): it may
narrow a "<5" (to 1 to 3, say), but never to a single number."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from market.reports.suppression import HIDDEN, LESS_THAN_FIVE, protect


def _candidates(published: list[tuple[str, object]], total: int, *, replay: bool) -> list[list[int]]:
    """Every table of true counts with this total that could be behind what is published:
    within the ranges shown (and, with ``replay``, that ``protect`` publishes exactly so)."""
    hidden = [i for i, (_, shown) in enumerate(published) if isinstance(shown, str)]
    known = sum(shown for _, shown in published if isinstance(shown, int))
    large = [shown for _, shown in published if isinstance(shown, int) and shown >= 5]
    ceiling = min(large) if large else total  # the smallest counts are hidden first
    ranges = [range(1, 5) if published[i][1] == LESS_THAN_FIVE else range(5, ceiling + 1) for i in hidden]
    found = []
    for guess in itertools.product(*ranges):
        if known + sum(guess) != total:
            continue
        values = [shown if isinstance(shown, int) else 0 for _, shown in published]
        for i, value in zip(hidden, guess, strict=True):
            values[i] = value
        rows = [(label, v) for (label, _), v in zip(published, values, strict=True)]
        if not replay or protect(rows) == published:
            found.append(values)
    return found


def recoverable(rows: list[tuple[str, int]], *, replay: bool = False) -> list[str]:
    """The labels of the "<5" counts a reader can narrow (``replay``: pin to one number) from
    what ``protect`` publishes."""
    published = protect(rows)
    if published is None:
        return []
    total = sum(v for _, v in rows)
    tables = _candidates(published, total, replay=replay)
    assert [v for _, v in rows] in tables  # the reader's reasoning admits the truth
    return [
        label
        for i, (label, shown) in enumerate(published)
        if shown == LESS_THAN_FIVE
        and (len({t[i] for t in tables}) < 2 if replay else {t[i] for t in tables} != {1, 2, 3, 4})
    ]


def test_subtracting_from_the_total_would_recover_a_lone_small_count():
    """The attack works on what primary suppression alone would show: 8 - 7 = 1."""
    rows = [("Woman", 7), ("Man", 1)]
    naive = [(label, LESS_THAN_FIVE if 0 < v < 5 else v) for label, v in rows]
    assert naive == [("Woman", 7), ("Man", "<5")]
    assert 8 - 7 == 1  # the reader's sum: the total 8 is published as "People supported"
    assert protect(rows) is None  # no other count can hide it: the breakdown is not shown


def test_a_second_count_is_hidden_and_nothing_can_be_recovered():
    rows = [("16 to 25", 2), ("26 to 64", 9), ("65 and over", 30), ("Not given", 0)]
    published = protect(rows)
    assert published == [("16 to 25", "<5"), ("26 to 64", HIDDEN), ("65 and over", 30), ("Not given", 0)]
    assert recoverable(rows) == []


def test_a_breakdown_of_fewer_than_five_people_is_not_shown():
    assert protect([("A", 3), ("B", 0)]) is None
    assert protect([("A", 0), ("B", 0)]) == [("A", 0), ("B", 0)]
    assert protect([("A", 5), ("B", 6)]) == [("A", 5), ("B", 6)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4))
def test_no_small_count_can_be_recovered_from_any_table(counts):
    rows = [(f"row {i}", count) for i, count in enumerate(counts)]
    published = protect(rows)
    if published is not None:
        for (_, true), (_, shown) in zip(rows, published, strict=True):
            # What is shown is true: exact counts as they are, "<5" only for 1 to 4.
            assert (
                shown == true or (shown == LESS_THAN_FIVE and 0 < true < 5) or (shown == HIDDEN and true >= 5)
            )
    assert recoverable(rows) == []
    assert recoverable(rows, replay=True) == []


def test_the_commissioners_workbook_protects_every_breakdown_of_people():
    """Through the real workbook: every breakdown of the people supported, read back from the
    file, gives the reader nothing to subtract; the staff copy has every number."""
    import io

    from openpyxl import load_workbook

    from market.reports import exports
    from market.reports.figures import Breakdown, Figure, Section
    from market.reports.periods import financial_year

    gender = [("Woman", 9), ("Man", 2), ("Not given", 30)]
    districts = [("PE1", 25), ("OX4", 13), ("PE2", 3)]  # largest first, as on the staff page
    people = Section(
        key="people",
        title="People supported",
        figures=[Figure(key="people.supported", title="People supported", definition="d", value=41)],
        breakdowns=[
            Breakdown(
                key="people.by_gender", title="By gender", definition="d", heading="Gender", rows=gender
            ),
            Breakdown(
                key="people.by_district",
                title="By district",
                definition="d",
                heading="District",
                rows=districts,
                ordered_by_count=True,
            ),
            Breakdown(
                key="people.tiny", title="Tiny", definition="d", heading="X", rows=[("A", 1), ("B", 6)]
            ),
        ],
    )
    book = load_workbook(io.BytesIO(exports.workbook([people], financial_year(2025), for_staff=False)))
    sheet = [_trimmed([c.value for c in row]) for row in book["People supported"].iter_rows()]
    assert ["People supported", 41, None, "d"] in sheet
    assert ["Woman", "hidden"] in sheet and ["Man", "<5"] in sheet and ["Not given", 30] in sheet
    # The districts go in name order once a count is hidden: its place would tell its size.
    shown_districts = sheet[sheet.index(["District", "Count"]) + 1 :][:3]
    assert shown_districts == [["OX4", "hidden"], ["PE1", 25], ["PE2", "<5"]]
    assert [exports.WITHHELD] in sheet  # 1 and 6 cannot be protected: not shown
    for rows in (gender, sorted(districts), [("A", 1), ("B", 6)]):
        assert recoverable(rows) == [] and recoverable(rows, replay=True) == []
    staff = load_workbook(io.BytesIO(exports.workbook([people], financial_year(2025))))
    assert ["Man", 2] in [_trimmed([c.value for c in row]) for row in staff["People supported"].iter_rows()]


def _trimmed(cells: list) -> list:
    while cells and cells[-1] is None:
        cells.pop()
    return cells
