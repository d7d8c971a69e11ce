"""The engine on dated cover needs: the dates against the school terms and a PA's year
pattern, and dates away scored as part cover (issue 21), pure."""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
import pytest

from market.matching.engine.ranking import NeedSpec, Vocabulary, rank
from market.matching.engine.records import PARow, Vocabularies, build_index
from market.matching.engine.terms import HOLIDAY, TERM, UNKNOWN, SchoolYearDates, calendar_of

AT = date(2026, 1, 2)
LATER = AT + timedelta(days=400)
PETERBOROUGH = (52.5735, -0.2489)
VOCAB = Vocabularies(
    skills=Vocabulary(("personal_care",)),
    courses=Vocabulary(()),
    groups=Vocabulary(()),
    languages=Vocabulary(("english",)),
    limits=Vocabulary(()),
    shifts=Vocabulary(("day",)),
    skill_courses={},
)
WEEKDAYS_9_TO_5 = tuple((day * 1440 + 540, day * 1440 + 1020) for day in range(5))
YEAR = SchoolYearDates(
    starts=date(2025, 9, 1),
    ends=date(2026, 8, 31),
    terms=(
        (date(2025, 9, 3), date(2025, 12, 19)),
        (date(2026, 1, 5), date(2026, 3, 27)),
        (date(2026, 4, 13), date(2026, 7, 22)),
    ),
    breaks=((date(2026, 2, 16), date(2026, 2, 20)), (date(2026, 1, 5), date(2026, 1, 5))),
)
TERMS = calendar_of([YEAR])


def week_of(monday: date, days: int = 5) -> tuple[date, ...]:
    return tuple(monday + timedelta(days=i) for i in range(days))


MARCH = week_of(date(2026, 3, 9))  # all in the spring term
AUGUST = week_of(date(2026, 8, 3))  # all in the summer holiday
JULY = week_of(date(2026, 7, 20))  # term ends on Wednesday 22 July: 3 term days, 2 holiday
NEXT_YEAR = week_of(date(2026, 9, 7))  # no term dates recorded for 2026 to 2027


def cover(days: tuple[date, ...], **changes) -> NeedSpec:
    """A cover need: 09:00 to 17:00 on each of the days."""
    need = NeedSpec(
        lat=PETERBOROUGH[0],
        lon=PETERBOROUGH[1],
        max_distance=10,
        slots=tuple((d.weekday() * 1440 + 540, d.weekday() * 1440 + 1020) for d in days),
        cover_days=days,
        shift_kinds=("day",),
    )
    return msgspec.structs.replace(need, **changes)


def pa(profile_id: int, **changes) -> PARow:
    base = PARow(
        profile_id=profile_id,
        lat=PETERBOROUGH[0] + 0.01,
        lon=PETERBOROUGH[1],
        travel_miles=10,
        dbs_until={"enhanced_adults": LATER},
        shift_kinds=("day",),
        slots=WEEKDAYS_9_TO_5,
    )
    return msgspec.structs.replace(base, **changes)


def ranked(need: NeedSpec, *rows: PARow, terms=TERMS):
    return rank(need, build_index(list(rows), VOCAB, terms=terms), AT, limit=50)


def only(need: NeedSpec, row: PARow, terms=TERMS):
    ranking = ranked(need, row, terms=terms)
    return ranking.candidates[0] if ranking.candidates else None, ranking.excluded


def test_the_calendar_knows_term_half_term_inset_holiday_and_unknown_days():
    assert TERMS.kind(date(2026, 3, 10)) == TERM
    assert TERMS.kind(date(2026, 2, 17)) == HOLIDAY  # half term
    assert TERMS.kind(date(2026, 1, 5)) == HOLIDAY  # an INSET day
    assert TERMS.kind(date(2026, 8, 10)) == HOLIDAY  # summer: in the school year, in no term
    assert TERMS.kind(date(2026, 9, 10)) == UNKNOWN  # no school year recorded
    assert TERMS.kind(date(2025, 8, 10)) == UNKNOWN


def test_a_holidays_only_pa_is_listed_for_an_august_cover():
    found, _ = only(cover(AUGUST), pa(1, year_pattern="school_holidays"))
    assert found is not None
    assert "School holidays only: all 5 dates are in the school holidays" in found.reasons
    assert found.factors["availability"] == 1.0


def test_a_term_time_pa_is_listed_for_a_march_cover():
    found, _ = only(cover(MARCH), pa(1, year_pattern="term_time"))
    assert found is not None
    assert "Term time only: all 5 dates are in term" in found.reasons


@pytest.mark.parametrize(("days", "pattern"), [(AUGUST, "term_time"), (MARCH, "school_holidays")])
def test_a_pa_whose_pattern_fits_none_of_the_dates_is_not_listed(days, pattern):
    found, excluded = only(cover(days), pa(1, year_pattern=pattern))
    assert found is None
    assert excluded == {"year": 1}


def test_a_term_time_pa_is_ranked_on_the_term_dates_of_a_cover_across_the_end_of_term():
    need = cover(JULY)
    all_year, term_only = ranked(need, pa(1, year_pattern="term_time"), pa(2)).candidates
    assert (all_year.profile_id, term_only.profile_id) == (2, 1)  # the one free at all of it first
    assert term_only.factors["availability"] == pytest.approx(3 / 5)
    assert "Covers 24 of 40 hours on the dates you need" in term_only.worth_knowing
    assert "Term time only: 2 of the 5 dates are in the school holidays" in term_only.worth_knowing


def test_a_need_asking_for_all_its_hours_leaves_out_a_pa_whose_pattern_misses_a_date():
    found, excluded = only(cover(JULY, all_hours=True), pa(1, year_pattern="term_time"))
    assert found is None
    assert excluded == {"year": 1}


def test_dates_with_no_term_data_neither_exclude_nor_count_as_in_term():
    for terms in (TERMS, calendar_of([])):
        found, _ = only(cover(NEXT_YEAR), pa(1, year_pattern="term_time"), terms=terms)
        assert found is not None
        assert found.factors["availability"] == 1.0
        assert not any(r.startswith("Term time only") for r in found.reasons)
        assert (
            "Term time only: no school term dates are recorded for all 5 dates, so whether they suit is not known"
            in found.worth_knowing
        )


def test_a_weekly_need_keeps_its_when_in_the_year_answer():
    weekly = cover((), slots=WEEKDAYS_9_TO_5, cover_days=(), shift_kinds=())
    assert only(weekly, pa(1, year_pattern="term_time"))[1] == {"year": 1}
    found, _ = only(
        msgspec.structs.replace(weekly, year_pattern="term_time"), pa(1, year_pattern="term_time")
    )
    assert found is not None


def test_a_pa_away_on_some_dates_is_ranked_on_the_others():
    away = pa(1, away=((date(2026, 3, 9), date(2026, 3, 10)),))
    free = pa(2)
    first, second = ranked(cover(MARCH), away, free).candidates
    assert (first.profile_id, second.profile_id) == (2, 1)
    assert second.factors["availability"] == pytest.approx(3 / 5)
    assert "Away on 2 of the 5 dates" in second.worth_knowing
    assert "Covers 24 of 40 hours on the dates you need" in second.worth_knowing


def test_a_pa_away_on_every_date_or_on_any_when_all_hours_are_asked_is_not_listed():
    every = pa(1, away=((date(2026, 3, 1), date(2026, 3, 31)),))
    assert only(cover(MARCH), every)[1] == {"away": 1}
    some = pa(1, away=((date(2026, 3, 9), date(2026, 3, 9)),))
    assert only(cover(MARCH, all_hours=True), some)[1] == {"away": 1}


def test_away_and_out_of_pattern_dates_add_up():
    # Term time only over the end of term (2 holiday dates), and away on the Monday: 2 of 5 left.
    row = pa(1, year_pattern="term_time", away=((date(2026, 7, 20), date(2026, 7, 20)),))
    found, _ = only(cover(JULY), row)
    assert found is not None
    assert found.factors["availability"] == pytest.approx(2 / 5)
    assert "Away on 1 of the 5 dates" in found.worth_knowing


def test_one_date_reads_as_the_date():
    found, _ = only(cover(AUGUST[:1]), pa(1, year_pattern="school_holidays"))
    assert "School holidays only: the date is in the school holidays" in found.reasons


def test_dates_away_before_the_rules_cannot_hide_a_pa_free_on_another_date():
    # Free only on Fridays, away on the Monday: still listed for the Friday of the cover.
    row = pa(1, slots=((4 * 1440 + 540, 4 * 1440 + 1020),), away=((MARCH[0], MARCH[0]),))
    found, _ = only(cover(MARCH), row)
    assert found is not None
    assert found.factors["availability"] == pytest.approx(1 / 5)


def test_a_night_shift_is_lost_to_a_date_away_the_morning_it_ends():
    # Sunday 8 March 22:00 to Monday 07:00; away from Monday 9 March: none of the night is theirs.
    sunday = date(2026, 3, 8)
    night = cover((sunday,), slots=((6 * 1440 + 22 * 60, 7 * 60),))
    row = pa(1, slots=((6 * 1440 + 22 * 60, 7 * 60),), away=((date(2026, 3, 9), date(2026, 3, 12)),))
    assert only(night, row)[1] == {"away": 1}
    assert only(night, pa(1, slots=((6 * 1440 + 22 * 60, 7 * 60),)))[0] is not None
