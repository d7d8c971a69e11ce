"""The candidate index built from the database ranks what the register, DBS and training
records say: a PA whose DBS status check says NEW_INFO drops out of a child's need at once."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from market import demo
from market.clock import london_today, utcnow
from market.dbs import checks, forms
from market.dbs.standing import Policy
from market.dbs.tables import DBSCheck, StatusCheck
from market.geo.centroids import sector_centroid
from market.matching import index as match_index
from market.matching.engine import records
from market.matching.engine.columns import ROW_COLUMNS
from market.matching.engine.ranking import CandidateIndex, NeedSpec, rank
from market.register.tables import AwayPeriod, PAProfile, PASkill, Skill
from market.training import completions
from market.training.tables import Completion, Course
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


async def skill_id(code: str) -> int:
    row = await Skill.select(Skill.id).where(Skill.code == code).first()
    assert row is not None
    return row["id"]


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


async def test_the_streaming_build_reads_dbs_training_and_profiles_as_the_records_do(database):
    """The facts the streaming build gathers in SQL, at their edges: DBS checks of every level
    and barred list (one no rule knows), pending, unsuitable and stopped ones, Update Service
    status checks that renew a check (or do not: before its issue, or not current), issue
    days at a month's end; completions verified or not, never expiring, twice for a course;
    a skill listed twice; profile fields not said, a place code with no centre, and PAs
    between others off the register."""
    courses = {r["code"]: r["id"] for r in await Course.select(Course.id, Course.code)}
    pas = [await make_pa(name=f"Edge Case{k}", skills={"hoist": 2}) for k in range(8)]
    draft = await make_pa(name="Dee Draft", status="draft")
    await make_pa(name="Sue Suspended", status="suspended")
    ids = [pa["id"] for pa in pas]
    today = london_today()
    leap = date(2024, 2, 29)
    checks_made = [
        # profile, level, barred lists, issued, decision, update service, stopped
        (ids[0], "enhanced", "both", date(2024, 1, 31), "suitable", True, False),
        (ids[0], "basic", "none", days_ago(10), "suitable", False, False),
        (ids[1], "standard", "none", leap, "suitable", True, False),
        (ids[1], "enhanced", "adults", days_ago(5), "pending", False, False),
        (ids[2], "enhanced", "children", days_ago(400), "not_suitable", False, False),
        (ids[2], "enhanced", "adults", days_ago(800), "suitable", True, True),
        (ids[3], "enhanced", "odd", days_ago(100), "suitable", False, False),
        (ids[3], "unheard", "both", days_ago(100), "suitable", False, False),
        (ids[4], "enhanced", "adults", date(2023, 8, 31), "suitable", True, False),
        (ids[5], "enhanced", "adults", date(2024, 6, 30), "suitable", True, False),
        (draft["id"], "enhanced", "both", days_ago(3), "suitable", False, False),
    ]
    made = []
    for profile, level, lists, issued, decision, update_service, stopped in checks_made:
        row = DBSCheck(
            profile=profile, level=level, barred_lists=lists, issued_on=issued, certificate_number="001234567890",
            decision=decision, update_service=update_service, stopped_at=utcnow() if stopped else None,
        )  # fmt: skip
        await row.save()
        made.append(row.id)
    for check, checked_on, result in (
        (made[0], date(2025, 3, 31), "BLANK_NO_NEW_INFO"),
        (made[0], date(2025, 1, 15), "NON_BLANK_NO_NEW_INFO"),
        (made[0], date(2023, 12, 1), "BLANK_NO_NEW_INFO"),  # before the issue: counts for nothing
        (made[2], date(2025, 2, 28), "NEW_INFO"),  # not current: renews nothing
        (made[2], date(2024, 8, 31), "NON_BLANK_NO_NEW_INFO"),
        (made[9], date(2024, 6, 1), "BLANK_NO_NEW_INFO"),  # before the issue: the only one
        (made[5], days_ago(30), "BLANK_NO_NEW_INFO"),
        (made[8], today, "BLANK_NO_NEW_INFO"),
    ):
        await StatusCheck.insert(
            StatusCheck(dbs_check=check, checked_on=checked_on, result=result, checked_by=1)
        )
    for profile, course, completed, expires, verified in (
        (ids[0], "moving_handling", days_ago(30), days_ago(-335), True),
        (ids[0], "moving_handling", days_ago(10), days_ago(-700), False),  # later, unverified
        (ids[1], "moving_handling", days_ago(30), None, False),  # never expires
        (ids[1], "medication", days_ago(30), days_ago(-10), True),
        (ids[1], "medication", days_ago(20), None, True),
        (ids[2], "safeguarding_adults", days_ago(900), days_ago(500), True),  # expired
        (draft["id"], "medication", days_ago(3), None, True),
    ):
        await Completion.insert(
            Completion(
                profile=profile,
                course=courses[course],
                completed_on=completed,
                expires_on=expires,
                source="import",
                verified_at=utcnow() if verified else None,
            )  # fmt: skip
        )
    await PASkill.insert(PASkill(profile=ids[5], skill=(await skill_id("hoist")), years=9))  # listed twice
    await PAProfile.update(
        {PAProfile.travel_miles: None, PAProfile.min_rate_pence: None, PAProfile.min_hours: None,
         PAProfile.gender: "", PAProfile.year_pattern: "", PAProfile.has_car: False, PAProfile.car_insurance: None}
    ).where(PAProfile.id == ids[6])  # fmt: skip
    # A place code no table has: placed at the sector nearest their position.
    await PAProfile.update({PAProfile.sector: "ZZ9 9", PAProfile.district: "ZZ9"}).where(
        PAProfile.id == ids[7]
    )
    index = await assert_same_index(Policy())
    assert len(index) == 9  # the eight, and the suspended PA (no draft)
    assert index.dbs_until.any() and index.course_until.any() and index.course_verified.any()
    await assert_same_index(Policy(recheck_months=12, status_check_months=1))
    await assert_same_index(Policy(recheck_months=6, status_check_months=36))  # old status checks would count
