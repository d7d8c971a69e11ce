"""The candidate index built from the database ranks what the register, DBS and training
records say: a PA whose DBS status check says NEW_INFO drops out of a child's need at once."""

from __future__ import annotations

from datetime import timedelta

from market.clock import london_today
from market.dbs import checks, forms
from market.dbs.standing import Policy
from market.matching import index as match_index
from market.matching.engine.ranking import NeedSpec, rank
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
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
