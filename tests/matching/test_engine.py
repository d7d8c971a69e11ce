"""The matching engine, pure: every hard requirement excludes, overnight coverage counts,
the score is reciprocal, and properties that must hold for any need and register."""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.geo.distance import haversine_miles
from market.matching.engine.columns import DBS_KINDS
from market.matching.engine.ranking import NeedSpec, Vocabulary, quarters_in, rank, slots_mask
from market.matching.engine.records import PARow, Vocabularies, build_index
from market.matching.engine.synthetic import make_index, random_need

AT = date(2026, 12, 1)
LATER = AT + timedelta(days=400)
EARLIER = AT - timedelta(days=1)
PETERBOROUGH = (52.5735, -0.2489)
VOCAB = Vocabularies(
    skills=Vocabulary(("personal_care", "hoist", "medication", "children", "dementia")),
    courses=Vocabulary(("moving_handling", "medication")),
    groups=Vocabulary(("older_people", "dementia")),
    languages=Vocabulary(("english", "polish")),
    limits=Vocabulary(("personal_care", "pets", "smoking", "sleeping_nights")),
    shifts=Vocabulary(("day", "sleeping_night")),
    skill_courses={"hoist": ("moving_handling",), "medication": ("medication",)},
)
MONDAY_9_TO_5 = ((9 * 60, 17 * 60),)


def pa(profile_id: int, **changes) -> PARow:
    """A PA who passes the baseline need below; ``changes`` break one thing at a time."""
    base = PARow(
        profile_id=profile_id,
        lat=PETERBOROUGH[0] + 0.01,
        lon=PETERBOROUGH[1],
        travel_miles=10,
        dbs_until={
            "basic": LATER,
            "standard": LATER,
            "enhanced": LATER,
            "enhanced_adults": LATER,
            "enhanced_children": LATER,
            "enhanced_both": LATER,
        },
        skills={"personal_care": 3, "hoist": 2},
        courses={"moving_handling": (LATER, True)},
        languages=("english", "polish"),
        gender="woman",
        licence=True,
        car=True,
        car_insurance=True,
        min_rate_pence=1200,
        slots=MONDAY_9_TO_5,
        shift_kinds=("day", "sleeping_night"),
    )
    return msgspec.structs.replace(base, **changes)


NEED = NeedSpec(
    lat=PETERBOROUGH[0],
    lon=PETERBOROUGH[1],
    max_distance=10,
    slots=MONDAY_9_TO_5,
    hours_per_week=8,
    required_skills=("hoist",),
    languages_required=("english",),
    max_rate_pence=1500,
    rate_firm=True,
    dbs="enhanced_adults",
)


def ids(need: NeedSpec, *rows: PARow) -> set[int]:
    return {c.profile_id for c in rank(need, build_index(list(rows), VOCAB), AT, limit=100).candidates}


def test_the_baseline_pa_is_listed_with_reasons():
    ranking = rank(NEED, build_index([pa(1)], VOCAB), AT)
    assert [c.profile_id for c in ranking.candidates] == [1]
    reasons = ranking.candidates[0].reasons
    assert "Covers 8 of 8 hours a week" in reasons
    assert any("miles away as the crow flies, within both travel limits" in r for r in reasons)


@pytest.mark.parametrize(
    ("rule", "changes", "need_changes"),
    [
        ("inactive", {"active": False}, {}),
        ("distance", {"lat": PETERBOROUGH[0] + 0.3}, {}),
        ("travel", {"travel_miles": 0.2}, {}),
        ("dbs", {"dbs_until": {"enhanced": LATER}}, {}),
        ("dbs", {"dbs_until": {"enhanced_adults": EARLIER}}, {}),
        ("dbs", {"dbs_until": {"enhanced_adults": LATER}}, {"dbs": "enhanced_children"}),
        ("skills", {"skills": {"personal_care": 3}}, {}),
        ("training", {"courses": {"moving_handling": (AT, True)}}, {}),
        ("training", {"courses": {"moving_handling": (LATER, False)}}, {}),
        ("training", {"courses": {}}, {}),
        ("language", {"languages": ("english",)}, {"languages_required": ("english", "polish")}),
        ("gender", {"gender": "man"}, {"gender": "woman", "gender_required": True}),
        ("licence", {"licence": False}, {"driving": "recipients_car"}),
        ("licence", {"licence": False}, {"driving": "own_car"}),
        ("car", {"car": False}, {"driving": "own_car"}),
        ("insurance", {"car_insurance": False}, {"driving": "own_car"}),
        ("rate", {"min_rate_pence": 1600}, {}),
        ("limits", {"wont_do": ("pets",)}, {"limits": ("pets",)}),
        ("limits", {"wont_do": ("personal_care",)}, {"limits": ("personal_care",)}),
        ("year", {"year_pattern": "term_time"}, {"year_pattern": "school_holidays"}),
        ("year", {"year_pattern": "term_time"}, {}),
        (
            "shift",
            {"shift_kinds": ("day",)},
            {"cover_days": (AT + timedelta(days=1),), "shift_kinds": ("sleeping_night",)},
        ),
        (
            "away",
            {"away": ((AT, AT + timedelta(days=3)),)},
            {"cover_days": (AT + timedelta(days=1),), "shift_kinds": ("day",)},
        ),
    ],
)
def test_each_hard_requirement_excludes_and_is_counted(rule, changes, need_changes):
    need = msgspec.structs.replace(NEED, **need_changes)
    ranking = rank(need, build_index([pa(1), pa(2, **changes)], VOCAB), AT)
    assert [c.profile_id for c in ranking.candidates] == [1]
    if rule == "inactive":
        assert ranking.excluded == {}  # not on the register: not a candidate at all
    else:
        assert ranking.excluded == {rule: 1}


def test_a_budget_not_marked_firm_stretches_ten_percent():
    loose = msgspec.structs.replace(NEED, rate_firm=False)
    assert ids(loose, pa(1, min_rate_pence=1650)) == {1}
    assert ids(loose, pa(1, min_rate_pence=1700)) == set()
    assert ids(NEED, pa(1, min_rate_pence=1650)) == set()


def test_a_term_time_need_suits_a_term_time_pa_and_an_all_year_pa():
    need = msgspec.structs.replace(NEED, year_pattern="term_time")
    assert ids(need, pa(1, year_pattern="term_time"), pa(2), pa(3, year_pattern="school_holidays")) == {1, 2}


def test_overnight_slots_cover_across_midnight_and_the_weeks_end():
    sunday_night = ((6 * 1440 + 22 * 60, 7 * 60),)  # Sunday 22:00 to Monday 07:00
    mask = slots_mask(sunday_night)
    assert quarters_in(mask) == 9 * 4
    need = msgspec.structs.replace(NEED, slots=sunday_night, hours_per_week=9)
    ranking = rank(
        need, build_index([pa(1, slots=sunday_night), pa(2, slots=((6 * 1440 + 22 * 60, 10080),))], VOCAB), AT
    )
    coverage = {c.profile_id: c.factors["availability"] for c in ranking.candidates}
    assert coverage[1] == 1.0
    assert coverage[2] == pytest.approx(2 / 9, abs=0.001)
    assert (
        "Covers 2 of 9 hours a week" in next(c for c in ranking.candidates if c.profile_id == 2).worth_knowing
    )


def test_the_score_is_reciprocal_a_match_good_for_one_side_only_ranks_low():
    # Both cover the hours and are close; one PA wants far more hours than offered.
    need = msgspec.structs.replace(NEED, hours_per_week=8)
    ranking = rank(
        need, build_index([pa(1, min_hours=8, max_hours=20), pa(2, min_hours=35, max_hours=40)], VOCAB), AT
    )
    first, second = ranking.candidates
    assert first.profile_id == 1
    assert second.recipient_score == pytest.approx(first.recipient_score)
    assert second.pa_score < first.pa_score
    assert second.score < (second.recipient_score + second.pa_score) / 2  # harmonic, below the mean


def test_expired_training_of_a_preferred_skill_is_explained():
    need = msgspec.structs.replace(NEED, preferred_skills=("medication",))
    row = pa(
        1,
        skills={"personal_care": 1, "hoist": 1, "medication": 2},
        courses={"moving_handling": (LATER, True), "medication": (AT - timedelta(days=61), True)},
    )
    reasons = rank(need, build_index([row], VOCAB), AT).candidates[0].worth_knowing
    assert "Medication training expired 2 months ago" in reasons


# -- properties over random registers and needs ------------------------------------------------

INDEX = make_index(3000, seed=7, at=AT)


@st.composite
def needs(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return random_need(rng, at=AT)


def _passing(need: NeedSpec) -> set[int]:
    return {c.profile_id for c in rank(need, INDEX, AT, limit=10_000).candidates}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs(), st.sampled_from(["hoist", "medication", "dementia", "children", "bsl"]))
def test_adding_a_required_skill_never_adds_a_candidate(need, skill):
    stricter = msgspec.structs.replace(
        need, required_skills=tuple(dict.fromkeys((*need.required_skills, skill)))
    )
    assert _passing(stricter) <= _passing(need)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs(), st.floats(1, 30))
def test_widening_the_distance_never_removes_a_candidate(need, extra):
    wider = msgspec.structs.replace(need, max_distance=need.max_distance + extra)
    assert _passing(need) <= _passing(wider)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs())
def test_no_result_ever_breaks_a_hard_requirement(need):
    today = AT.toordinal()
    by_id = {int(p): i for i, p in enumerate(INDEX.profile_id.tolist())}
    for candidate in rank(need, INDEX, AT, limit=10_000).candidates:
        row = by_id[candidate.profile_id]
        assert INDEX.active[row]
        assert (
            INDEX.dbs_until[
                row,
                [
                    "basic",
                    "standard",
                    "enhanced",
                    "enhanced_adults",
                    "enhanced_children",
                    "enhanced_both",
                ].index(need.dbs),
            ]
            >= today
        )
        assert candidate.miles <= need.max_distance + 0.05
        assert candidate.miles <= float(INDEX.travel_miles[row]) + 0.05
        mask = INDEX.skill_vocab.mask(need.required_skills)
        assert int(INDEX.skills[row]) & mask == mask
        if need.rate_firm:
            assert INDEX.min_rate[row] <= need.max_rate_pence
        if need.driving != "none":
            assert INDEX.licence[row]
        if need.driving == "own_car":
            assert INDEX.car[row] and INDEX.car_insurance[row]


def _reference(need: NeedSpec, index, at: date) -> tuple[set[int], dict[str, int]]:
    """The hard rules read plainly, one PA at a time, over the whole index: who passes, and
    how many each rule excluded first."""
    today = at.toordinal()
    excluded: dict[str, int] = {}
    passing: set[int] = set()
    skills = index.skill_vocab.mask(need.required_skills)
    spoken = index.language_vocab.mask(need.languages_required)
    limits = index.limit_vocab.mask(c for c in need.limits if index.limit_vocab.position(c) is not None)
    shifts = index.shift_vocab.mask(k for k in need.shift_kinds if index.shift_vocab.position(k) is not None)
    pattern = ("all_year", "term_time", "school_holidays").index(need.year_pattern)
    courses = [
        index.course_vocab.position(c) for s in need.required_skills for c in index.skill_courses.get(s, ())
    ]
    ceiling = need.max_rate_pence if need.rate_firm else need.max_rate_pence * 1.10
    # The need's hours, one mask per dated shift for cover (one for the whole week otherwise).
    masks = [slots_mask([s]) for s in need.slots] if need.cover_days else [slots_mask(need.slots)]
    wanted = sum(quarters_in(m) for m in masks)
    for row in range(len(index)):
        if not index.active[row]:
            continue
        miles = haversine_miles(need.lat, need.lon, float(index.lat[row]), float(index.lon[row]))
        held = int(index.skills[row])
        rules = [
            ("distance", miles <= need.max_distance),
            ("travel", miles <= float(index.travel_miles[row])),
            ("dbs", not need.dbs or index.dbs_until[row, DBS_KINDS.index(need.dbs)] >= today),
            ("skills", skills >= 0 and held & skills == skills),
            (
                "training",
                all(index.course_until[row, c] > today and index.course_verified[row, c] for c in courses),
            ),
            ("language", spoken >= 0 and int(index.languages[row]) & spoken == spoken),
            (
                "gender",
                not (need.gender and need.gender_required)
                or index.gender[row] == ("", "woman", "man").index(need.gender),
            ),
            ("licence", need.driving == "none" or index.licence[row]),
            ("car", need.driving != "own_car" or index.car[row]),
            ("insurance", need.driving != "own_car" or index.car_insurance[row]),
            ("rate", not need.max_rate_pence or index.min_rate[row] <= ceiling),
            ("limits", not limits or int(index.wont_do[row]) & limits == 0),
            # A cover need's dates decide (the synthetic index has no school terms: every date
            # is unknown, which rules nobody out); a weekly need's answer must be the PA's.
            ("year", bool(need.cover_days) or index.year_pattern[row] in (0, pattern)),
            (
                "shift",
                not (need.cover_days and shifts > 0) or int(index.shift_kinds[row]) & shifts != 0,
            ),
        ]
        free = sum(quarters_in(m & index.availability[row]) for m in masks)
        # Dates away count out their shifts' hours, last: none left (or, with all_hours, not all).
        days = need.cover_days or [None] * len(masks)
        away = [
            d is not None and any(a <= d.toordinal() <= b for a, b in index.away.get(row, ())) for d in days
        ]
        left = sum(
            quarters_in(m & index.availability[row]) for m, gone in zip(masks, away, strict=True) if not gone
        )
        rules += [
            ("unavailable", not wanted or free > 0),
            ("part_hours", not (wanted and need.all_hours) or free >= wanted),
            ("away", not wanted or (left >= wanted if need.all_hours else left > 0)),
        ]
        failed = next((rule for rule, ok in rules if not ok), None)
        if failed is None:
            passing.add(int(index.profile_id[row]))
        else:
            excluded[failed] = excluded.get(failed, 0) + 1
    return passing, excluded


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs(), st.sampled_from([3.0, 10.0, 25.0, 60.0]), st.booleans())
def test_rank_agrees_with_the_rules_read_one_pa_at_a_time(need, miles, all_hours):
    need = msgspec.structs.replace(need, max_distance=miles, all_hours=all_hours)
    ranking = rank(need, INDEX, AT, limit=10_000)
    passing, excluded = _reference(need, INDEX, AT)
    assert {c.profile_id for c in ranking.candidates} == passing
    assert ranking.total == len(passing)
    assert ranking.excluded == excluded
    scores = [c.score for c in ranking.candidates]
    assert scores == sorted(scores, reverse=True)


def test_a_banded_ranking_tells_two_pas_in_one_band_apart_by_id_not_by_who_is_nearer():
    """For anyone but staff (see "Location privacy" in docs/matching.md)."""
    need = NeedSpec(lat=PETERBOROUGH[0], lon=PETERBOROUGH[1], max_distance=10, slots=MONDAY_9_TO_5)
    # Both "about 2 miles" away; the second is nearer.
    far = pa(1, lat=PETERBOROUGH[0] + 2.3 / 69.1)
    near = pa(2, lat=PETERBOROUGH[0] + 1.6 / 69.1)
    index = build_index([far, near], VOCAB)
    exact = rank(need, index, AT)
    assert [c.profile_id for c in exact.candidates] == [2, 1]
    assert exact.candidates[0].score > exact.candidates[1].score
    banded = rank(need, index, AT, banded=True)
    assert [c.profile_id for c in banded.candidates] == [1, 2]
    assert banded.candidates[0].score == banded.candidates[1].score
    assert {c.miles for c in banded.candidates} == {2.0}
    assert banded.total == exact.total == 2  # the same PAs are in: only what is shown changes
