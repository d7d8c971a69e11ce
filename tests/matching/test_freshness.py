"""Each worker's candidate index is built once and patched from the register's change log:
an edit made through a service in one worker shows in another worker's rankings on its next
look (poll 0 here; a second in production), without a rebuild; a rebuild happens only when
a patch cannot be applied or a change concerns everyone."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import msgspec
import numpy as np

from market.accounts.schemas import CurrentUser
from market.clock import london_today
from market.dbs import checks, forms
from market.dbs.standing import Policy
from market.geo.centroids import sector_centroid
from market.matching import freshness, matches
from market.matching import index as match_index
from market.matching.engine import records, synthetic
from market.matching.engine.ranking import NeedSpec, Vocabulary, rank
from market.matching.index import MAX_LANGUAGES
from market.register import changes, details, services, vetting
from market.register.schemas import AwayInput, ReferenceInput, SlotInput, WhereInput
from market.register.tables import PAProfile, ProfileChange
from market.training import catalogue, completions
from market.training import forms as training_forms
from market.training.tables import Course
from tests.dbs.support import certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient, make_user
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

POLICY = Policy()
PE1 = sector_centroid("PE1 1")  # the need; PE2 5 is 2.7 miles away


def need(**values) -> NeedSpec:
    spec = dict(lat=PE1[0], lon=PE1[1], max_distance=10, slots=((540, 1020),))  # Monday 9 to 5
    spec.update(values)
    return NeedSpec(**spec)


def as_user(profile: dict) -> CurrentUser:
    return CurrentUser(id=profile["user_id"], email=profile["email"], role="pa", display_name="Pat")


async def ranked(cache: freshness.IndexCache, spec: NeedSpec):
    return rank(spec, await cache.get(POLICY), london_today())


async def ids(cache: freshness.IndexCache, spec: NeedSpec) -> list[int]:
    return [c.profile_id for c in (await ranked(cache, spec)).candidates]


async def two_workers() -> tuple[freshness.IndexCache, freshness.IndexCache]:
    first, second = freshness.IndexCache(poll=0), freshness.IndexCache(poll=0)
    await first.get(POLICY)
    await second.get(POLICY)
    return first, second


async def test_profile_edits_in_one_worker_are_patched_into_another(database):
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA", travel_miles=10)
    other = await make_pa(name="Nina Near", postcode="PE1 1BF")
    first, second = await two_workers()
    assert set(await ids(second, need())) == {other["id"], paula["id"]}

    # Paula will now travel 2 miles only: she is 2.7 miles from the need.
    where = WhereInput(
        home_postcode="PE2 5AA", travel_miles=2, driving_licence=True, has_car=True, car_insurance=True
    )
    await services.update_where(as_user(paula), where)
    result = await ranked(second, need())
    assert [c.profile_id for c in result.candidates] == [other["id"]]
    assert result.excluded == {"travel": 1}
    assert (second.builds, second.patches) == (1, 1)

    # Nina adds Tuesday: free at none of a Tuesday need's hours she is not listed for it;
    # then she is, free for all of it.
    tuesday = need(slots=((1440 + 540, 1440 + 1020),))
    before = await ranked(second, tuesday)
    assert other["id"] not in [c.profile_id for c in before.candidates]
    assert before.excluded.get("unavailable", 0) >= 1
    await services.add_slot(as_user(other), SlotInput(day="Tuesday", start=time(9), end=time(17)))
    after = {c.profile_id: c for c in (await ranked(second, tuesday)).candidates}
    assert after[other["id"]].factors["availability"] == 1
    # Nina is away on the day of a cover need (a Tuesday, when she is free): she drops out of it.
    soon = days_ago(-8)
    cover_day = soon + timedelta(days=(1 - soon.weekday()) % 7)
    cover = need(
        cover_days=(cover_day,),
        slots=((cover_day.weekday() * 1440 + 540, cover_day.weekday() * 1440 + 1020),),
    )
    assert other["id"] in await ids(second, cover)
    await details.add_away(as_user(other), AwayInput(starts_on=cover_day, ends_on=cover_day))
    assert other["id"] not in await ids(second, cover)
    assert (second.builds, second.patches) == (1, 3)
    assert (first.builds, first.patches) == (1, 0)  # the first worker has not looked yet
    assert await ids(first, need()) == [other["id"]]
    assert (first.builds, first.patches) == (1, 1)  # three changes, one patch


async def test_approval_suspension_and_reinstatement_are_patched(database):
    staff = await make_user("staff")
    sam = await make_pa(name="Sam Submitted", status="submitted")
    await make_pa(name="Olly Oxford", postcode="OX1 1DP")  # (an empty register knows no languages)
    first, second = await two_workers()
    assert await ids(second, need()) == []

    for kind in vetting.CHECK_KINDS:
        await vetting.record_check(sam["id"], kind, "satisfactory", "", actor=staff)
    for n in range(vetting.REFERENCES_NEEDED):
        await vetting.add_reference(
            sam["id"],
            ReferenceInput(referee_name=f"Ref {n}", relationship="Employer", contact="r@example.org"),
            actor=staff,
        )
    references = (await vetting.state(sam["id"])).references
    for reference in references:
        await vetting.record_reference(sam["id"], reference.id, "satisfactory", actor=staff)
    await vetting.decide(sam["id"], "approve", "", actor=staff, settings=database)
    assert await ids(second, need()) == [sam["id"]]

    await vetting.suspend(sam["id"], "A complaint to look into", actor=staff, settings=database)
    assert await ids(second, need()) == []
    index = await second.get(POLICY)
    assert (len(index), index.active_count) == (2, 1)  # kept, inactive: reinstating is a patch

    await vetting.reinstate(sam["id"], "Looked into: no case", actor=staff, settings=database)
    assert await ids(second, need()) == [sam["id"]]
    assert (second.builds, second.patches) == (1, 3)


async def test_dbs_and_training_records_are_patched(database):
    staff = await make_user("staff")
    hana = await make_pa(name="Hana Hoist", skills={"hoist": 3})
    first, second = await two_workers()
    spec = need(required_skills=("hoist",), dbs="enhanced_adults")
    assert (await ranked(second, spec)).excluded == {"dbs": 1}

    check_id = await certificate(hana["id"], staff, update_service=True, ready_for_status_checks=True)
    assert (await ranked(second, spec)).excluded == {"training": 1}  # hoisting needs moving and handling

    course = await Course.select().where(Course.code == "moving_handling").first()
    await completions.add(hana["id"], course, days_ago(20), source="import", actor=staff, verified=True)
    assert await ids(second, spec) == [hana["id"]]

    await checks.record_status_check(
        hana["id"],
        check_id,
        forms.status_check_input({"checked_on": london_today().isoformat(), "result": "NEW_INFO"}),
        actor=staff,
    )
    assert (await ranked(second, spec)).excluded == {"dbs": 1}
    assert second.builds == 1 and second.patches >= 3


async def test_a_patch_that_cannot_be_applied_and_a_change_to_everyone_rebuild(database, monkeypatch):
    staff = await make_user("staff")
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA")
    first, second = await two_workers()

    def refuse(index, rows, gone=()):
        raise records.NeedsRebuild("test")

    monkeypatch.setattr(records, "patch_index", refuse)
    where = WhereInput(
        home_postcode="PE2 5AA", travel_miles=2, driving_licence=True, has_car=True, car_insurance=True
    )
    await services.update_where(as_user(paula), where)
    await second.get(POLICY)  # starts the rebuild in the background
    await second.settled()
    assert await ids(second, need()) == []
    assert (second.builds, second.patches) == (2, 0)
    monkeypatch.undo()

    # A new course that hoisting depends on changes every PA's row: rebuild.
    await catalogue.add(
        training_forms.new_course_input(
            {
                "name": "Hoist refresher",
                "kind": "specialist",
                "validity_months": "12",
                "safeguarding": "",
                "skill_hoist": "yes",
            }
        ),
        actor=staff,
    )
    await second.get(POLICY)
    await second.settled()
    assert second.builds == 3

    # Nothing changed: a poll reads the log and leaves the index as it is.
    index = await second.get(POLICY)
    assert await second.get(POLICY) is index and second.builds == 3

    # While one request refreshes the index, the others get it as it is rather than wait.
    async with second._lock:
        assert await asyncio.wait_for(second.get(POLICY), 1) is index


async def test_a_change_seen_before_an_earlier_one_commits_is_not_missed(database):
    """On PostgreSQL id 11 can commit before id 10: the cache keeps reading above the hole
    until it fills, and gives up on it after GAP_SECONDS (a rolled-back transaction)."""
    now = [0.0]
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA")
    nina = await make_pa(name="Nina Near", postcode="PE1 1BF")
    cache = freshness.IndexCache(poll=0, clock=lambda: now[0])
    await cache.get(POLICY)
    base = await changes.newest()

    # Id base+2 (Nina suspended) commits first; id base+1 (Paula suspended) later.
    await PAProfile.update({PAProfile.status: "suspended"}).where(
        PAProfile.id.is_in([paula["id"], nina["id"]])
    )
    await ProfileChange.insert(ProfileChange(id=base + 2, profile=nina["id"]))
    assert await ids(cache, need()) == [paula["id"]]
    await ProfileChange.insert(ProfileChange(id=base + 1, profile=paula["id"]))
    assert await ids(cache, need()) == []
    assert (cache.builds, cache.patches) == (1, 2)
    assert await changes.since(base) == (base + 2, {paula["id"], nina["id"]})

    # A hole that never fills is given up on after GAP_SECONDS, and reading moves on.
    await ProfileChange.insert(ProfileChange(id=base + 4, profile=paula["id"]))
    await cache.get(POLICY)
    assert cache._floor == base + 2
    now[0] += freshness.GAP_SECONDS + 1
    await cache.get(POLICY)
    now[0] += 1
    await cache.get(POLICY)
    assert cache._floor == base + 4 and not cache._applied


async def test_the_matches_page_lists_a_pa_as_soon_as_they_become_eligible(
    client, create_user, make_client, monkeypatch
):
    monkeypatch.setattr(matches.CACHE, "poll", 0)
    staff = current(await create_user("staff"))
    dora = await make_pa(name="Dora Distant", postcode="PE2 5AA", travel_miles=2)  # 2.7 miles off
    await certificate(dora["id"], staff)  # an enhanced check with the adults' list, suitable
    user = await create_user("recipient")
    recipient = await make_recipient(user=current(user), postcode="PE1 1AB")
    need_row = await make_need(recipient, personal_care=True)
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})

    page = await client.get(f"/needs/{need_row['id']}/matches")
    assert page.status_code == 200 and "Dora" not in page.text
    assert (
        "Beyond the PA&#39;s own travel limit" in page.text or "Beyond the PA's own travel limit" in page.text
    )
    builds = matches.CACHE.builds

    # Dora, in her own browser, will now travel 10 miles.
    pa = make_client()
    await submit(pa, "/login", {"email": dora["email"], "password": PASSWORD})
    saved = await submit(
        pa,
        "/profile/where",
        {
            "home_postcode": "PE2 5AA",
            "travel_miles": "10",
            "driving_licence": "yes",
            "has_car": "yes",
            "car_insurance": "yes",
        },
    )
    assert saved.status_code == 302
    page = await client.get(f"/needs/{need_row['id']}/matches")
    assert page.status_code == 200 and "Dora" in page.text
    assert matches.CACHE.builds == builds  # patched, not rebuilt


async def test_a_rebuild_runs_in_the_background_and_loses_no_change(database, monkeypatch):
    """While the rebuild runs every request gets the old index at once, still patched for
    every edit a patch can carry; then the new one, with the changes logged while it was
    being built applied on top."""
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA", travel_miles=10)
    nina = await make_pa(name="Nina Near", postcode="PE1 1BF")
    first, second = await two_workers()
    old = await second.get(POLICY)
    built, release = asyncio.Event(), asyncio.Event()
    real_build = match_index.build

    async def slow_build(*, policy):
        index = await real_build(policy=policy)  # what the register said when it was read
        built.set()
        await release.wait()
        return index

    monkeypatch.setattr(match_index, "build", slow_build)
    await changes.touch_all()  # a change to everyone: rebuild
    assert await asyncio.wait_for(second.get(POLICY), 1) is old
    await asyncio.wait_for(built.wait(), 30)
    assert second.rebuilding
    # Paula will now travel 2 miles only (2.7 miles from the need): logged after the rebuild
    # read the register, so it is not in the new index as built.
    where = WhereInput(
        home_postcode="PE2 5AA", travel_miles=2, driving_licence=True, has_car=True, car_insurance=True
    )
    await services.update_where(as_user(paula), where)
    assert await asyncio.wait_for(second.get(POLICY), 1) is old
    assert await ids(second, need()) == [nina["id"]]  # the old index, patched meanwhile
    release.set()
    await second.settled()
    assert not second.rebuilding and second.builds == 2
    new = await second.get(POLICY)
    assert new is not old
    assert await ids(second, need()) == [nina["id"]]  # the change since the start is applied
    assert second.patches == 2  # onto the old index, then again onto the new
    # The other worker, looking for the first time since: its old index, patched, answers
    # while it rebuilds.
    assert await ids(first, need()) == [nina["id"]]
    await first.settled()
    assert await ids(first, need()) == [nina["id"]] and first.builds == 2


async def test_a_rebuild_finishing_during_a_refresh_waits_for_it(database, monkeypatch):
    """A background rebuild that finishes while a refresh is reading the rows of an edited PA
    swaps its index in only after that refresh: otherwise the refresh would mark the edit as
    applied on the new index, which it never patched, and the edit would be lost until the
    next rebuild."""
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA", travel_miles=10)
    nina = await make_pa(name="Nina Near", postcode="PE1 1BF")
    cache = freshness.IndexCache(poll=0)
    await cache.get(POLICY)
    built, release = asyncio.Event(), asyncio.Event()
    reading, read = asyncio.Event(), asyncio.Event()
    real_build, real_rows = match_index.build, match_index.pa_rows

    async def slow_build(*, policy):
        index = await real_build(policy=policy)  # before Paula's edit
        built.set()
        await release.wait()
        return index

    async def slow_rows(*args, **kwargs):
        reading.set()
        await read.wait()
        return await real_rows(*args, **kwargs)

    monkeypatch.setattr(match_index, "build", slow_build)
    await changes.touch_all()
    await cache.get(POLICY)  # starts the rebuild
    await asyncio.wait_for(built.wait(), 30)
    where = WhereInput(
        home_postcode="PE2 5AA", travel_miles=2, driving_licence=True, has_car=True, car_insurance=True
    )
    await services.update_where(as_user(paula), where)  # out of the need's reach now
    monkeypatch.setattr(match_index, "pa_rows", slow_rows)
    refreshing = asyncio.create_task(cache.get(POLICY))
    await asyncio.wait_for(reading.wait(), 30)  # the refresh reads Paula's new rows ...
    release.set()  # ... when the rebuild (without her edit) is done
    for _ in range(20):
        await asyncio.sleep(0)
    read.set()
    await asyncio.wait_for(refreshing, 30)
    await asyncio.wait_for(cache.settled(), 30)
    monkeypatch.undo()
    assert cache.builds == 2
    assert await ids(cache, need()) == [nina["id"]]


async def test_a_failed_background_rebuild_is_logged_and_the_old_index_kept(database, monkeypatch, caplog):
    nina = await make_pa(name="Nina Near", postcode="PE1 1BF")
    now = [0.0]
    cache = freshness.IndexCache(poll=0, clock=lambda: now[0])
    old = await cache.get(POLICY)

    async def broken(*, policy):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(match_index, "build", broken)
    await changes.touch_all()
    with caplog.at_level("ERROR", logger=freshness.__name__):
        assert await cache.get(POLICY) is old
        await cache.settled()
    assert "rebuild failed" in caplog.text and "the database went away" in caplog.text
    assert (cache.builds, cache.failures) == (1, 1)
    assert await cache.get(POLICY) is old and await ids(cache, need()) == [nina["id"]]
    assert not cache.rebuilding  # not retried at once ...
    monkeypatch.undo()
    now[0] += freshness.RETRY_SECONDS + 1  # ... but after a while, and then it succeeds
    assert await cache.get(POLICY) is old
    await cache.settled()
    assert await cache.get(POLICY) is not old and cache.builds == 2


def test_a_language_a_full_vocabulary_has_no_bit_for_is_left_out_not_rebuilt_for():
    rng = np.random.default_rng(3)
    vocab = msgspec.structs.replace(
        synthetic.VOCABULARIES, languages=Vocabulary(tuple(f"language{i}" for i in range(MAX_LANGUAGES)))
    )
    index = records.build_index([synthetic.random_row(rng, 1, at=london_today())], vocab)
    row = msgspec.structs.replace(
        synthetic.random_row(rng, 2, at=london_today()), languages=("language0", "klingon")
    )
    fitted = freshness._fit(index, row)
    assert fitted.languages == ("language0",)
    records.patch_index(index, [fitted])
    assert len(index) == 2
    roomy = records.build_index([synthetic.random_row(rng, 1)], synthetic.VOCABULARIES)
    assert freshness._fit(roomy, row) is row  # room for it: the patch asks for a rebuild


async def test_old_change_log_entries_are_pruned_but_never_the_newest(database, monkeypatch):
    from datetime import timedelta

    from market.clock import utcnow
    from market.register import changes
    from market.register.tables import ProfileChange

    monkeypatch.setattr(changes, "KEEP_NEWEST", 3)
    await changes.touch(*range(1, 9))  # eight entries
    old = utcnow() - timedelta(days=3)
    await ProfileChange.update({ProfileChange.at: old}).where(ProfileChange.id > 0)
    newest = await changes.newest()
    assert await changes.prune(utcnow() - timedelta(days=1)) == 5
    left = await changes.entries(0)
    assert [change for change, _ in left] == [newest - 2, newest - 1, newest]
    assert await changes.prune(utcnow() - timedelta(days=1)) == 0
    await changes.touch(9)
    assert await changes.prune(old - timedelta(days=1)) == 0  # nothing that old


async def test_the_journal_says_who_each_refresh_changed_so_others_can_follow(database):
    """What else a worker keeps of the PAs (the search's extras) follows the index through
    ``changed_since``: the PAs patched since a generation, or None after a build from scratch."""
    paula = await make_pa(name="Paula Park", postcode="PE2 5AA")
    nina = await make_pa(name="Nina Near", postcode="PE1 1BF")
    cache = freshness.IndexCache(poll=0)
    await cache.get(POLICY)
    built = cache.generation
    assert cache.changed_since(built) == set()
    assert cache.changed_since(built - 1) is None  # the first build: everyone may have changed

    await changes.touch(paula["id"])
    await cache.get(POLICY)
    await changes.touch(nina["id"])
    await cache.get(POLICY)
    assert cache.changed_since(built) == {paula["id"], nina["id"]}
    assert cache.changed_since(built + 1) == {nina["id"]}

    # A change that concerns everyone rebuilds, and still names the PAs logged with it.
    await changes.touch(paula["id"])
    await changes.touch_all()
    await cache.get(POLICY)  # starts the rebuild in the background ...
    await cache.settled()  # ... which installs the new index when done
    assert cache.builds == 2
    assert cache.changed_since(built + 2) == {paula["id"]}
