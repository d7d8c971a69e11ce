"""Work near you on the needs index (issue 22): one vectorised pass over the open needs
gives the same needs and scores as ``rank`` run one need at a time (the old way, kept as
``work_near_me_one_need_at_a_time``), and the index follows edits through the needs change
log within one poll."""

from __future__ import annotations

import random
from datetime import date, timedelta

from market.accounts.schemas import CurrentUser
from market.matching import work_near
from market.matching.need_index import CACHE as NEEDS
from market.matching.needs import changes as need_changes
from market.matching.tables import Need
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
