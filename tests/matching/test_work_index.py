"""Work near you on the needs index (issue 22): one vectorised pass over the open needs
gives the same needs and scores as ``rank`` run one need at a time (the old way, kept as
``work_near_me_one_need_at_a_time``), and the index follows edits through the needs change
log within one poll."""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta

import msgspec

from market.accounts.schemas import CurrentUser
from market.dbs.standing import Policy
from market.matching import freshness, need_index, work_near
from market.matching.engine import needs as needs_engine
from market.matching.engine.columns import Vocabulary
from market.matching.engine.needs import pa_view
from market.matching.engine.records import PARow, Vocabularies, build_index
from market.matching.index import MAX_LANGUAGES
from market.matching.matches import CACHE
from market.matching.need_index import CACHE as NEEDS
from market.matching.needs import changes as need_changes
from market.matching.tables import Need
from market.register import skills_admin
from market.register.schemas import SkillNameInput
from market.register.tables import Language
from market.settings import Settings
from tests.dbs.support import as_current, certificate
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa

AT = date(2026, 12, 2)
DAYS = ("Monday", "Tuesday", "Wednesday", "Saturday")


def _user(pa: dict) -> CurrentUser:
    return CurrentUser(id=pa["user"], email=pa["email"], role="pa", display_name="PA")


async def _seed(create_user) -> list[dict]:
    """A seeded mix of weekly and cover needs with varied requirements, and varied PAs."""
    rng = random.Random(22)
    staff = await as_current(await create_user("staff"))
    owner = await create_user("recipient")
    people = [
        await make_recipient(user=current(owner), postcode=postcode)
        for postcode in ("PE1 1AB", "PE1 1BF", "PE1 1AB")
    ]
    for k in range(24):
        day = rng.choice(DAYS)
        start = rng.choice(("08:00", "09:00", "13:00"))
        extra: dict = {
            "max_rate_pence": rng.choice((0, 1200, 1400)) or None,
            "rate_firm": rng.random() < 0.5,
            "all_hours": rng.random() < 0.3,
            "gender_preference": rng.choice(("", "", "woman", "man")),
            "gender_required": rng.random() < 0.3,
            "driving": rng.choice(("none", "none", "recipients_car", "own_car")),
            "year_pattern": rng.choice(("all_year", "all_year", "term_time")),
            "hours_per_week": rng.choice((None, 4.0, 20.0)),
            "max_distance_miles": rng.choice((5, 10, 20)),
        }
        skills = rng.choice(((), ("hoist",), ("personal_care",)))
        preferred = rng.choice(((), ("hoist",), ("personal_care", "hoist")))
        if k % 3 == 0:
            first = AT + timedelta(days=rng.randint(1, 20))
            cover = tuple((first + timedelta(days=d), 9 * 60, 13 * 60) for d in range(rng.randint(1, 3)))
            await make_need(
                people[k % 3], title=f"Cover {k}", kind="cover", cover=cover, required_skills=skills, **extra
            )
        else:
            await make_need(
                people[k % 3],
                title=f"Weekly {k}",
                slots=((day, start, "12:00" if start < "12:00" else "17:00"),),
                required_skills=skills,
                preferred_skills=tuple(s for s in preferred if s not in skills),
                **extra,
            )
    pas = []
    for j in range(5):
        pa = await make_pa(
            postcode=("PE1 1BF", "PE1 1AB")[j % 2],
            skills=rng.choice(({}, {"hoist": 2}, {"hoist": 1, "personal_care": 3})),
            slots=tuple((d, "08:00", "17:00") for d in rng.sample(DAYS, rng.randint(1, 4))),
            min_rate_pence=rng.choice((1000, 1250, 1500)),
            gender=rng.choice(("", "woman", "man")),
            year_pattern=rng.choice(("all_year", "term_time")),
            driving_licence=rng.random() < 0.7,
            has_car=rng.random() < 0.6,
            travel_miles=rng.choice((5, 10, 30)),
        )
        await certificate(pa["id"], staff)
        pas.append(pa)
    return pas


async def test_the_reverse_pass_equals_rank_one_need_at_a_time(database: Settings, create_user):
    pas = await _seed(create_user)
    seen = 0
    for pa in pas:
        fast = await work_near.work_near_me(_user(pa), database, AT, limit=100)
        slow = await work_near.work_near_me_one_need_at_a_time(_user(pa), database, AT, limit=100)
        assert [(w.need_id, w.score) for w in fast] == [(w.need_id, w.score) for w in slow]
        assert fast == slow  # reasons, worth knowing, bands and times too
        seen += len(fast)
    assert seen  # the mix lists some work


async def test_the_needs_index_follows_the_change_log(database: Settings, create_user):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(postcode="PE1 1BF")
    await certificate(pa["id"], staff)
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    need = await make_need(person, title="Mondays")

    async def titles() -> list[str]:
        return [w.title for w in await work_near.work_near_me(_user(pa), database, AT)]

    assert await titles() == ["Mondays"]
    builds = NEEDS.builds

    async def edit(**values) -> None:
        await Need.update({getattr(Need, k): v for k, v in values.items()}).where(Need.id == need["id"])
        await need_changes.touch(need["id"])

    await edit(title="Monday mornings")
    assert await titles() == ["Monday mornings"]
    await edit(status="closed")
    assert await titles() == []
    await edit(status="open")
    assert await titles() == ["Monday mornings"]
    await edit(status="filled")
    assert await titles() == []
    await edit(status="open", gender_preference="man", gender_required=True)
    assert await titles() == []  # the PA has no gender given: a requirement edit, patched
    await edit(gender_required=False)
    await make_need(person, title="Another")
    assert sorted(await titles()) == ["Another", "Monday mornings"]
    assert NEEDS.builds == builds and NEEDS.patches >= 6  # every change patched, none rebuilt


async def test_a_language_beyond_the_64_bits_is_judged_by_code(database: Settings, create_user):
    """More languages than either index has bits for: the rarer ones (beyond the 64 that open
    needs name most, and beyond the 64 PAs speak most) are judged by code, as the reference
    judges every language, in a build and in a patch."""
    codes = [r["code"] for r in await Language.select(Language.code).order_by(Language.id)]
    codes = [c for c in codes if c != "english"]
    fillers, (rare_a, rare_b, rare_c) = codes[:MAX_LANGUAGES], codes[MAX_LANGUAGES : MAX_LANGUAGES + 3]
    staff = await as_current(await create_user("staff"))
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    for k in range(3):  # every filler named by three needs: the needs index's 64 bits are theirs
        await make_need(person, title=f"Filler {k}", languages_preferred=fillers)
    await make_need(person, title="Needs A", languages_required=[rare_a])
    await make_need(person, title="Prefers B", languages_preferred=[rare_b, fillers[0]])
    await make_need(
        person, title="Needs A, prefers B", languages_required=[rare_a], languages_preferred=[rare_b]
    )
    for _ in range(3):  # the candidate index's 64 bits: English and 63 fillers
        await make_pa(postcode="PE1 1BF", languages=("English", *fillers[:63]))
    both = await make_pa(postcode="PE1 1BF", languages=("English", rare_a, rare_b, rare_c))
    one = await make_pa(postcode="PE1 1BF", languages=("English", rare_a))
    neither = await make_pa(postcode="PE1 1BF", languages=("English", fillers[0]))
    for pa in (both, one, neither):
        await certificate(pa["id"], staff)

    async def listed(pa: dict) -> dict[str, int]:
        fast = await work_near.work_near_me(_user(pa), database, AT, limit=100)
        slow = await work_near.work_near_me_one_need_at_a_time(_user(pa), database, AT, limit=100)
        assert fast == slow
        return {w.title: w.score for w in fast}

    seen = await listed(both)
    assert NEEDS._index is not None and rare_a not in NEEDS._index.vocab.languages.codes
    assert {"Needs A", "Prefers B", "Needs A, prefers B"} <= set(seen)
    assert "Needs A" in await listed(one) and "Needs A, prefers B" in await listed(one)
    assert not {"Needs A", "Needs A, prefers B"} & set(await listed(neither))
    # Speaking the preferred rare language counts, as any preferred language does.
    assert seen["Needs A, prefers B"] > (await listed(one))["Needs A, prefers B"]

    builds = NEEDS.builds
    await make_need(person, title="Needs C", languages_required=[rare_c])  # patched in, by code
    assert "Needs C" in await listed(both) and "Needs C" not in await listed(one)
    assert NEEDS.builds == builds


async def test_a_rebuild_runs_in_the_background_while_the_old_index_answers(
    database: Settings, create_user, monkeypatch
):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(postcode="PE1 1BF", skills={"hoist": 2})
    await certificate(pa["id"], staff)
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    need = await make_need(person, title="Mondays", preferred_skills=("hoist",))

    async def titles() -> list[str]:
        return sorted(w.title for w in await work_near.work_near_me(_user(pa), database, AT))

    assert await titles() == ["Mondays"]
    old, builds = NEEDS._index, NEEDS.builds
    built, release = asyncio.Event(), asyncio.Event()
    real_build = need_index.build

    async def slow_build(pa_index):
        index = await real_build(pa_index)  # what the needs said when they were read
        built.set()
        await release.wait()
        return index

    monkeypatch.setattr(need_index, "build", slow_build)
    await need_changes.touch_all()  # "every need": rebuild, in the background
    assert await asyncio.wait_for(titles(), 5) == ["Mondays"]
    await asyncio.wait_for(built.wait(), 30)
    assert NEEDS.rebuilding and NEEDS._index is old
    # Logged after the rebuild read the needs: patched onto the old index at once ...
    await Need.update({Need.title: "Monday mornings"}).where(Need.id == need["id"])
    await need_changes.touch(need["id"])
    await make_need(person, title="Tuesdays")  # (Mondays too, as the PA works)
    assert await asyncio.wait_for(titles(), 5) == ["Monday mornings", "Tuesdays"]
    release.set()
    await NEEDS.settled()
    assert not NEEDS.rebuilding and NEEDS.builds == builds + 1 and NEEDS._index is not old
    # ... and again onto the new one, which was built from what the needs said before.
    assert await titles() == ["Monday mornings", "Tuesdays"]
    monkeypatch.setattr(need_index, "build", real_build)  # (not undo: the poll of 0 stays)

    # A skill added changes the candidate index's vocabularies: the needs index follows in
    # the background, the old one reading the PA in its own vocabularies meanwhile.
    await skills_admin.add_skill(SkillNameInput(name="Tube feeding"), actor=staff)
    await CACHE.get(Policy.of(database))
    await CACHE.settled()
    before = NEEDS.builds
    assert await titles() == ["Monday mornings", "Tuesdays"]
    await NEEDS.settled()
    assert NEEDS.builds == before + 1
    assert await titles() == ["Monday mornings", "Tuesdays"]


async def test_a_failed_rebuild_is_logged_and_the_old_index_kept(
    database: Settings, create_user, monkeypatch, caplog
):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(postcode="PE1 1BF")
    await certificate(pa["id"], staff)
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    await make_need(person, title="Mondays")
    now = [0.0]
    cache = need_index.NeedsCache(poll=0, clock=lambda: now[0])
    pa_index = await CACHE.get(Policy.of(database))
    old = await cache.get(pa_index)

    real_build = need_index.build

    async def broken(pa_index):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(need_index, "build", broken)
    await need_changes.touch_all()
    with caplog.at_level("ERROR", logger=need_index.__name__):
        assert await cache.get(pa_index) is old
        await cache.settled()
    assert "rebuild failed" in caplog.text and "the database went away" in caplog.text
    assert (cache.builds, cache.failures) == (1, 1)
    assert await cache.get(pa_index) is old and len(old) == 1
    assert not cache.rebuilding  # not retried at once ...
    monkeypatch.setattr(need_index, "build", real_build)
    now[0] += freshness.RETRY_SECONDS + 1  # ... but after a while, and then it succeeds
    assert await cache.get(pa_index) is old
    await cache.settled()
    assert await cache.get(pa_index) is not old and cache.builds == 2


def test_a_pa_is_read_in_the_vocabularies_of_a_needs_index_built_before_they_changed():
    vocab = Vocabularies(
        skills=Vocabulary(("a", "b", "c")),
        courses=Vocabulary(()),
        groups=Vocabulary(("g1", "g2")),
        languages=Vocabulary(("english", "polish")),
        limits=Vocabulary(("pets", "smoking")),
        shifts=Vocabulary(("live_in",)),
        skill_courses={},
    )
    pa = PARow(
        profile_id=1,
        lat=52.57,
        lon=-0.24,
        skills={"b": 3, "c": 1},
        groups=("g2",),
        languages=("english", "polish"),
        wont_do=("smoking",),
    )
    index = build_index([pa], vocab)
    older = msgspec.structs.replace(
        vocab,
        skills=Vocabulary(("c", "b")),
        groups=Vocabulary(("g2",)),
        languages=Vocabulary(("polish",)),
        limits=Vocabulary(("smoking", "pets")),
    )
    one = pa_view(index, 0, older)
    assert int(one.skills[0]) == 0b11 and one.skill_years[0].tolist() == [1, 3]
    assert (int(one.groups[0]), int(one.languages[0]), int(one.wont_do[0])) == (1, 1, 1)
    assert one.skill_vocab == older.skills and one.course_vocab == vocab.courses
    # The PA's languages in full, when the candidate index had no bit for one of them.
    assert int(pa_view(index, 0, older, ["english"]).languages[0]) == 0


async def test_needs_patched_again_and_again_are_judged_as_a_fresh_build(
    database: Settings, create_user, monkeypatch
):
    """Patches leave old rows behind (not live) and compact now and then: whatever the
    layout, weekly and dated cover needs are judged as the reference judges them."""
    monkeypatch.setattr(needs_engine, "COMPACT_MIN", 3)
    pas = await _seed(create_user)
    assert await work_near.work_near_me(_user(pas[0]), database, AT)
    builds = NEEDS.builds
    ids = [r["id"] for r in await Need.select(Need.id).order_by(Need.id)]
    for round_ in range(3):
        for k, need_id in enumerate(ids):
            if (k + round_) % 2:  # half of them edited each round, some closed, then opened
                status = "closed" if (k + round_) % 5 == 0 else "open"
                await Need.update({Need.title: f"Need {k} ({round_})", Need.status: status}).where(
                    Need.id == need_id
                )
                await need_changes.touch(need_id)
        for pa in pas:
            fast = await work_near.work_near_me(_user(pa), database, AT, limit=100)
            slow = await work_near.work_near_me_one_need_at_a_time(_user(pa), database, AT, limit=100)
            assert fast == slow
    assert NEEDS.builds == builds and NEEDS._index is not None
    assert len(NEEDS._index.columns["live"]) < 2 * len(ids)  # compacted along the way
