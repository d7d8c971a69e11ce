"""The school terms kept in ``market.terms`` reach the engine: the loader's day kinds, the
index's calendar, and a term change rebuilding every worker's index."""

from __future__ import annotations

from datetime import date

from market.dbs.standing import Policy
from market.matching import freshness, term_calendar
from market.matching import index as match_index
from market.matching.engine.terms import HOLIDAY, TERM, UNKNOWN
from market.terms import years
from market.terms.demo import seed_terms
from market.terms.schemas import PeriodInput, SchoolYearInput
from tests.register.factories import make_pa


class Admin:
    id, email, role = 1, "admin@example.org", "admin"


async def test_the_loader_gives_each_day_its_kind(database):
    await seed_terms()  # Peterborough, 2025 to 2026 and 2026 to 2027
    calendar = await term_calendar.load()
    assert calendar.kind(date(2025, 11, 5)) == TERM  # autumn term
    assert calendar.kind(date(2026, 3, 2)) == TERM  # spring term, after its half term
    assert calendar.kind(date(2025, 10, 28)) == HOLIDAY  # autumn half term
    assert calendar.kind(date(2026, 7, 20)) == HOLIDAY  # the INSET day the council suggests
    assert calendar.kind(date(2026, 7, 17)) == TERM  # the summer term's last Friday
    assert calendar.kind(date(2026, 8, 10)) == HOLIDAY  # summer holiday
    assert calendar.kind(date(2025, 12, 25)) == HOLIDAY  # Christmas holiday
    assert calendar.kind(date(2027, 6, 1)) == HOLIDAY  # 2026 to 2027's summer half term
    assert calendar.kind(date(2025, 8, 31)) == UNKNOWN  # before every school year kept
    assert calendar.kind(date(2027, 9, 6)) == UNKNOWN  # after them


async def test_no_terms_kept_means_every_day_is_unknown(database):
    calendar = await term_calendar.load()
    assert not calendar and calendar.kind(date(2026, 3, 2)) == UNKNOWN


async def test_a_term_change_reaches_every_workers_index(database):
    await make_pa(name="Paula Park", postcode="PE2 5AA")
    policy = Policy()
    first, second = freshness.IndexCache(poll=0), freshness.IndexCache(poll=0)
    assert (await first.get(policy)).terms.kind(date(2025, 11, 5)) == UNKNOWN
    await second.get(policy)
    year_id = await years.add_year(
        SchoolYearInput(
            name="2025 to 2026", first_day=date(2025, 9, 1), last_day=date(2026, 8, 31), source="x"
        ),
        actor=Admin(),
    )
    await years.add_period(
        year_id,
        PeriodInput(kind="term", first_day=date(2025, 9, 1), last_day=date(2025, 12, 19)),
        actor=Admin(),
    )
    for worker in (first, second):
        await worker.get(policy)  # a change to everyone: rebuilt in the background
        await worker.settled()
        index = await worker.get(policy)
        assert index.terms.kind(date(2025, 11, 5)) == TERM
        assert index.terms.kind(date(2026, 1, 10)) == HOLIDAY
        assert worker.builds == 2
    assert (await match_index.build(policy=policy)).terms.kind(date(2025, 12, 20)) == HOLIDAY


async def test_a_dated_cover_is_judged_against_the_kept_terms(database, create_user):
    """End to end: the demo's Peterborough dates, a holidays-only PA and a term-time PA, a
    cover on a Monday in the Christmas holiday and one in term."""
    from market.matching import matches
    from tests.dbs.support import as_current, certificate
    from tests.matching.factories import current, make_need, make_recipient

    await seed_terms()
    staff = await as_current(await create_user("staff"))
    holly = await make_pa(name="Holly Holiday", postcode="PE1 1BF", year_pattern="school_holidays")
    terry = await make_pa(name="Terry Term", postcode="PE1 1BF", year_pattern="term_time")
    for pa in (holly, terry):
        await certificate(pa["id"], staff)
    owner = await create_user("recipient")
    recipient = await make_recipient(user=current(owner), postcode="PE1 1AB")
    matches.CACHE._index = None  # a fresh index for this test's database
    settings = database  # the Settings of this test's database
    listed = {}
    for day in (date(2026, 12, 21), date(2027, 1, 11)):  # Mondays: Christmas holiday, spring term
        need = await make_need(recipient, title=f"Cover {day}", kind="cover", cover=((day, 9 * 60, 13 * 60),))
        found = await matches.matches(staff, need["id"], settings, date(2026, 12, 1))
        listed[day] = {m.profile_id for m in found.matches}
    assert listed[date(2026, 12, 21)] == {holly["id"]}
    assert listed[date(2027, 1, 11)] == {terry["id"]}
