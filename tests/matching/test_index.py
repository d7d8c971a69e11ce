"""The candidate index built from the database ranks what the register, DBS and training
records say: a PA whose DBS status check says NEW_INFO drops out of a child's need at once."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from market import demo
from market.clock import london_today
from market.dbs import checks, forms
from market.dbs.standing import Policy
from market.geo.centroids import sector_centroid
from market.matching import index as match_index
from market.matching.engine import records
from market.matching.engine.columns import ROW_COLUMNS
from market.matching.engine.ranking import CandidateIndex, NeedSpec, rank
from market.register.tables import AwayPeriod, PAProfile
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import make_user
from tests.register.factories import make_pa

PE1 = (52.5735, -0.2489)


def need(**changes) -> NeedSpec:
    values = dict(lat=PE1[0], lon=PE1[1], max_distance=10, slots=((540, 1020),), dbs="enhanced_children")
    values.update(changes)
    return NeedSpec(**values)


async def test_the_index_reflects_the_register_dbs_and_training(app, create_user):
    staff = await as_current(await create_user("staff"))
    child_carer = await make_pa(skills={"hoist": 2, "children": 3})
    adult_only = await make_pa(skills={"hoist": 2})
    check_id = await certificate(
        child_carer["id"], staff, barred_lists="both", update_service=True, ready_for_status_checks=True
    )
    await certificate(adult_only["id"], staff, barred_lists="adults")
    course = await Course.select().where(Course.code == "moving_handling").first()
    for profile in (child_carer, adult_only):
        await completions.add(
            profile["id"], course, days_ago(30), source="import", actor=staff, verified=True
        )
    today = london_today()

    index = await match_index.build(policy=Policy())
    assert len(index) == 2
    ranked = rank(need(required_skills=("hoist",)), index, today)
    assert [c.profile_id for c in ranked.candidates] == [child_carer["id"]]
    assert ranked.excluded == {"dbs": 1}
    adults = rank(need(dbs="enhanced_adults", required_skills=("hoist",)), index, today)
    assert {c.profile_id for c in adults.candidates} == {child_carer["id"], adult_only["id"]}

    # The Update Service says "not current": the PA drops out as soon as the index is rebuilt.
    await checks.record_status_check(
        child_carer["id"],
        check_id,
        forms.status_check_input({"checked_on": today.isoformat(), "result": "NEW_INFO"}),
        actor=staff,
    )
    index = await match_index.build(policy=Policy())
    assert rank(need(), index, today).candidates == ()

    # Training that a required skill depends on must be current and verified.
    later = today + timedelta(days=400)
    assert (
        rank(need(dbs="enhanced_adults", required_skills=("hoist",)), index, later).excluded.get("training")
        == 1
    )


async def assert_same_index(policy: Policy) -> CandidateIndex:
    """The streaming build and the build from one PARow per PA make equal arrays."""
    streamed = await match_index.build(policy=policy)
    by_records = await match_index.build_from_records(policy=policy)
    assert len(streamed) == len(by_records)
    for name in (*ROW_COLUMNS, "xyz", "travel_cos", "key"):
        mine, theirs = getattr(streamed, name), getattr(by_records, name)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, name
        assert np.array_equal(mine, theirs), name
    assert records.vocabularies_of(streamed) == records.vocabularies_of(by_records)
    assert streamed.away == by_records.away and streamed.terms == by_records.terms
    return streamed


async def test_the_streaming_build_makes_the_columns_the_records_make(database, monkeypatch):
    """On the demo register (hundreds of PAs, DBS checks, training, away periods, several
    languages) plus PAs at the edges: no travel limit said, off the register, no slots."""
    await demo.seed(database)
    staff = await make_user("staff")
    odd = await make_pa(name="Olive Odd", slots=(), languages=("English", "Welsh", "Polish"))
    await make_pa(name="Dee Draft", status="draft")
    await make_pa(name="Sue Suspended", status="suspended")
    await PAProfile.update({PAProfile.travel_miles: None, PAProfile.car_insurance: None}).where(
        PAProfile.id == odd["id"]
    )
    await AwayPeriod.insert(
        AwayPeriod(profile=odd["id"], starts_on=days_ago(-20), ends_on=days_ago(-10)),
        AwayPeriod(profile=odd["id"], starts_on=days_ago(-5), ends_on=days_ago(-3)),
    )
    await certificate(odd["id"], staff, barred_lists="children")
    monkeypatch.setattr(match_index, "BUILD_BATCH", 7)  # many batches, some ranges with gaps
    index = await assert_same_index(Policy())
    assert len(index) > 100 and index.away
    await assert_same_index(Policy(recheck_months=12, status_check_months=6))


async def test_a_pa_who_has_not_said_how_far_they_travel_is_reached_by_no_need(database):
    """Not said is never within reach, not 0 miles: 0 would reach a need in their own sector."""
    said = await make_pa(name="Sam Said", postcode="PE1 1AB", travel_miles=5)
    unsaid = await make_pa(name="Una Unsaid", postcode="PE1 1AB")
    await PAProfile.update({PAProfile.travel_miles: None}).where(PAProfile.id == unsaid["id"])
    here = sector_centroid("PE1 1")
    spec = need(lat=here[0], lon=here[1], dbs="")
    for index in (
        await match_index.build(policy=Policy()),
        await match_index.build_from_records(policy=Policy()),
    ):
        ranked = rank(spec, index, london_today())
        assert [c.profile_id for c in ranked.candidates] == [said["id"]]
        assert ranked.excluded.get("travel") == 1
    (row,) = await match_index.pa_rows([unsaid["id"]])
    assert row.travel_miles < 0
