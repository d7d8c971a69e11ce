"""The engine and the needed hours (issue 16): a PA free at none of a need's times is never
listed, and is counted; a need may ask for all of its hours; with all else equal, more of
the hours ranks higher, on weekly and cover needs alike; reasons come in two lists; the
budget rule is one rule; and pages of a ranking add up to the whole of it."""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.matching.engine.budget import BUDGET_STRETCH_PERCENT, budget_rule, rate_ceiling
from market.matching.engine.ranking import EXCLUSIONS, NeedSpec, Vocabulary, rank
from market.matching.engine.records import PARow, Vocabularies, build_index

AT = date(2026, 12, 1)  # a Tuesday
LATER = AT + timedelta(days=400)
PLACE = (52.5735, -0.2489)
VOCAB = Vocabularies(
    skills=Vocabulary(("personal_care", "hoist")),
    courses=Vocabulary(("moving_handling",)),
    groups=Vocabulary(("older_people",)),
    languages=Vocabulary(("english",)),
    limits=Vocabulary(("personal_care",)),
    shifts=Vocabulary(("day",)),
    skill_courses={},
)
DAY = 1440
MONDAY_9_TO_5 = ((9 * 60, 17 * 60),)


def pa(profile_id: int, **changes) -> PARow:
    base = PARow(
        profile_id=profile_id,
        lat=PLACE[0] + 0.01,
        lon=PLACE[1],
        travel_miles=10,
        dbs_until={"basic": LATER},
        skills={"personal_care": 3},
        languages=("english",),
        min_rate_pence=1200,
        slots=MONDAY_9_TO_5,
        shift_kinds=("day",),
    )
    return msgspec.structs.replace(base, **changes)


WEEKLY = NeedSpec(lat=PLACE[0], lon=PLACE[1], max_distance=10, slots=MONDAY_9_TO_5, hours_per_week=8)


def monday_cover(*mondays: date, start: int = 9 * 60, end: int = 13 * 60) -> NeedSpec:
    """A cover need on the given Mondays (as ``matches.spec_of`` lays dated shifts on a week)."""
    return NeedSpec(
        lat=PLACE[0],
        lon=PLACE[1],
        max_distance=10,
        slots=tuple((d.weekday() * DAY + start, d.weekday() * DAY + end) for d in mondays),
        cover_days=mondays,
        shift_kinds=("day",),
    )


NEXT_MONDAY = AT + timedelta(days=6)


def test_a_pa_free_at_none_of_the_times_is_not_listed_and_is_counted():
    tuesday = ((DAY + 9 * 60, DAY + 17 * 60),)
    index = build_index([pa(1), pa(2, slots=tuesday)], VOCAB)
    for need in (WEEKLY, monday_cover(NEXT_MONDAY)):
        ranking = rank(need, index, AT)
        assert [c.profile_id for c in ranking.candidates] == [1]
        assert ranking.excluded == {"unavailable": 1}
    assert EXCLUSIONS["unavailable"] == "Not free at any of the times"
    # A need with no times yet (a draft) lists PAs by its other rules.
    assert rank(msgspec.structs.replace(WEEKLY, slots=()), index, AT).total == 2


def test_a_need_for_all_of_its_hours_leaves_out_a_pa_free_for_some():
    mornings = ((9 * 60, 12 * 60),)
    index = build_index([pa(1), pa(2, slots=mornings), pa(3, slots=((DAY, DAY + 60),))], VOCAB)
    assert rank(WEEKLY, index, AT).total == 2
    strict = rank(msgspec.structs.replace(WEEKLY, all_hours=True), index, AT)
    assert [c.profile_id for c in strict.candidates] == [1]
    # Each PA counted once, under the first rule failed.
    assert strict.excluded == {"unavailable": 1, "part_hours": 1}


def test_a_cover_need_counts_hours_on_its_dates_not_a_week():
    need = monday_cover(NEXT_MONDAY, NEXT_MONDAY + timedelta(days=14))  # two 4-hour shifts
    morning_only = pa(2, slots=((9 * 60, 11 * 60),))
    ranking = rank(need, build_index([pa(1), morning_only], VOCAB), AT)
    by_id = {c.profile_id: c for c in ranking.candidates}
    assert "Covers 8 of 8 hours on the dates you need" in by_id[1].reasons
    assert "Covers 4 of 8 hours on the dates you need" in by_id[2].worth_knowing
    assert not any("a week" in r for c in ranking.candidates for r in (*c.reasons, *c.worth_knowing))


def test_reasons_against_are_worth_knowing_not_reasons_for():
    need = msgspec.structs.replace(
        WEEKLY, max_rate_pence=1400, rate_firm=False, preferred_skills=("hoist",), hours_per_week=8
    )
    dear = pa(1, min_rate_pence=1425, slots=((9 * 60, 12 * 60),))
    ranked = rank(need, build_index([dear], VOCAB), AT).candidates[0]
    assert ranked.worth_knowing == (
        "Covers 3 of 8 hours a week",
        "Has 0 of 1 preferred skills",
        "Asks £14.25 an hour, £0.25 (2%) above the £14.00 budget: listed because the budget is "
        f"not firm and may stretch by up to {BUDGET_STRETCH_PERCENT}%",
    )
    assert not any("above" in r or "0 of" in r for r in ranked.reasons)
    assert any("within both travel limits" in r for r in ranked.reasons)


def test_the_budget_rule_is_one_rule_at_its_edge():
    ceiling = rate_ceiling(1400, False)
    assert ceiling == 1540 and rate_ceiling(1400, True) == 1400 and rate_ceiling(0, False) is None
    at_edge, above = pa(1, min_rate_pence=1540), pa(2, min_rate_pence=1541)
    index = build_index([at_edge, above], VOCAB)
    loose = msgspec.structs.replace(WEEKLY, max_rate_pence=1400)
    ranking = rank(loose, index, AT)
    assert [c.profile_id for c in ranking.candidates] == [1] and ranking.excluded == {"rate": 1}
    assert rank(msgspec.structs.replace(loose, rate_firm=True), index, AT).excluded == {"rate": 2}
    assert budget_rule(1400, False) == (
        "Asks no more than £15.40 an hour: the budget of £14.00 is not marked firm, so it may "
        "stretch by up to 10%"
    )
    assert budget_rule(1400, True) == "Asks no more than the budget of £14.00 an hour (it is firm)"


# -- properties --------------------------------------------------------------------------------

# A quarter-hour interval within one day: (day, first quarter, quarters long).
spans = st.tuples(st.integers(0, 6), st.integers(0, 90), st.integers(1, 6))


def _slots(drawn: list[tuple[int, int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((day * DAY + first * 15, day * DAY + (first + length) * 15) for day, first, length in drawn)


@st.composite
def needs_and_shared(draw):
    """A weekly or cover need, and what two PAs share (rate, hours wanted, travel, skills)."""
    cover = draw(st.booleans())
    times = draw(st.lists(spans, min_size=1, max_size=4))
    if cover:
        # Dated shifts: each on the next date with that weekday, some a week later too.
        days = tuple(
            AT + timedelta(days=(day - AT.weekday()) % 7 + 7 * draw(st.integers(0, 2))) for day, _, _ in times
        )
        need = NeedSpec(
            lat=PLACE[0],
            lon=PLACE[1],
            max_distance=10,
            slots=_slots(times),
            cover_days=days,
            shift_kinds=("day",),
        )
    else:
        need = NeedSpec(lat=PLACE[0], lon=PLACE[1], max_distance=10, slots=_slots(times))
    need = msgspec.structs.replace(
        need,
        hours_per_week=draw(st.sampled_from([0.0, 4.0, 20.0])),
        max_rate_pence=draw(st.sampled_from([0, 1100, 1300])),
        preferred_skills=draw(st.sampled_from([(), ("hoist",)])),
    )
    shared = {
        "min_rate_pence": draw(st.sampled_from([1100, 1200, 1400])),
        "min_hours": draw(st.sampled_from([0.0, 10.0])),
        "max_hours": draw(st.sampled_from([0.0, 12.0, 40.0])),
        "travel_miles": draw(st.sampled_from([1, 5, 20])),
    }
    return need, shared


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs_and_shared(), st.lists(spans, max_size=6), st.lists(spans, max_size=6), st.booleans())
def test_all_else_equal_more_of_the_needed_hours_ranks_higher(drawn, first, second, swap):
    need, shared = drawn
    # Two PAs at one place, alike in everything but their free time; the ids are drawn in
    # either order so that the last tie-break (the lower id) cannot be what puts one first.
    one, two = (1, 2) if not swap else (2, 1)
    rows = [pa(one, slots=_slots(first), **shared), pa(two, slots=_slots(second), **shared)]
    ranking = rank(need, build_index(rows, VOCAB), AT)
    got = {c.profile_id: c.factors["availability"] for c in ranking.candidates}
    assert all(share > 0 for share in got.values())  # never a PA free at none of the times
    if len(got) == 2 and got[one] != got[two]:
        order = [c.profile_id for c in ranking.candidates]
        assert order[0] == max(got, key=lambda k: got[k])
        better, worse = ranking.candidates
        assert better.score >= worse.score


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 7), st.integers(0, 2**16))
def test_pages_of_a_ranking_add_up_to_the_whole(size, seed):
    rows = [
        pa(i, lat=PLACE[0] + (seed % (i + 3)) * 0.003, slots=((9 * 60, (9 + i % 8 + 1) * 60),))
        for i in range(1, 24)
    ]
    index = build_index(rows, VOCAB)
    whole = rank(WEEKLY, index, AT, limit=100)
    pages = []
    for offset in range(0, whole.total + size, size):
        page = rank(WEEKLY, index, AT, limit=size, offset=offset)
        assert page.total == whole.total
        pages.extend(page.candidates)
    assert [c.profile_id for c in pages] == [c.profile_id for c in whole.candidates]
