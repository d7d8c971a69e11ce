"""What results pages keep of the PAs they showed (``listing.Recent``): a value for what it
was worked out for (a DBS standing, for its day and policy), never past a change the change
log told of, and never a read that a change overtook."""

from __future__ import annotations

from datetime import date, timedelta

from market.dbs.standing import Policy, Standing
from market.search.listing import Recent

TODAY = date(2026, 12, 7)
NOW = (TODAY, Policy())


def _standing(profile_id: int) -> Standing:
    return Standing(
        profile_id=profile_id,
        check_id=profile_id * 10,
        level="enhanced",
        barred_lists="adults",
        current_until=TODAY + timedelta(days=300),
        checked_on=TODAY - timedelta(days=30),
    )


def test_a_standing_is_kept_for_its_day_and_policy():
    recent: Recent[Standing | None] = Recent()
    recent.keep({1: _standing(1), 2: None}, recent.epoch, NOW)
    assert recent.known([1, 2, 3], NOW) == {1: _standing(1), 2: None}  # 2: no current check
    assert recent.known([1, 2], (TODAY + timedelta(days=1), Policy())) == {}  # a new day: read again
    assert recent.known([1, 2], (TODAY, Policy(recheck_months=12))) == {}  # another rule of currency


def test_a_pa_the_change_log_names_is_forgotten_and_a_read_overtaken_by_a_change_is_not_kept():
    recent: Recent[Standing | None] = Recent()
    recent.keep({1: _standing(1), 2: _standing(2)}, recent.epoch, NOW)
    recent.forget([1])
    assert recent.known([1, 2], NOW) == {2: _standing(2)}
    began = recent.epoch  # a page reads PA 1's checks...
    recent.forget([1])  # ...while their record changes again
    recent.keep({1: _standing(1)}, began, NOW)
    assert recent.known([1], NOW) == {}
    recent.forget(None)  # everyone (the index was rebuilt)
    assert recent.known([2], NOW) == {}


def test_only_the_most_recently_shown_are_kept():
    recent: Recent[Standing | None] = Recent(most=3)
    recent.keep({pid: _standing(pid) for pid in (1, 2, 3)}, recent.epoch, NOW)
    recent.known([1], NOW)  # shown again: the most recent
    recent.keep({4: _standing(4)}, recent.epoch, NOW)
    assert set(recent.known([1, 2, 3, 4], NOW)) == {1, 3, 4}
