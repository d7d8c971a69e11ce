"""How many queries the busiest pages are built from (issue 22: at most 4 a page), counted
with db.count_queries() around a whole request, on a register with something on every part
of the page: skills, client groups, slots, a DBS check with a status check, training, a
shortlist entry, and matches with badges."""

from __future__ import annotations

from market import db
from market.matching import freshness, matches
from market.register.tables import ShortlistEntry
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

MOST = 4


async def register_with_everything(create_user) -> tuple[dict, dict, object]:
    staff = await as_current(await create_user("staff"))
    course = await Course.select().where(Course.code == "moving_handling").first()
    pas = []
    for name in ("Nina Near", "Nora Next", "Niamh Neighbour"):
        pa = await make_pa(
            name=name,
            postcode="PE1 1BF",
            skills={"hoist": 2, "personal_care": 3},
            client_groups=("older_people",),
            slots=(("Monday", "09:00", "17:00"), ("Tuesday", "07:00", "12:00")),
        )
        await certificate(pa["id"], staff)
        await completions.add(pa["id"], course, days_ago(20), source="import", actor=staff, verified=True)
        pas.append(pa)
    user = await create_user("recipient")
    recipient = await make_recipient(user=current(user), postcode="PE1 1AB")
    need = await make_need(recipient, required_skills=("hoist",), personal_care=True)
    await ShortlistEntry.insert(ShortlistEntry(owner=user.id, profile=pas[0]["id"]))
    return pas[0], need, user


async def counted(client, path: str, *, warm: int = 1, hold_poll=None) -> tuple[str, list[str]]:
    """The page and the queries of one steady request. ``hold_poll`` (monkeypatch): count a
    request between two looks at the change log, which the tests take on every request and
    a worker once a second (POLL_SECONDS), one query more on that request."""
    for _ in range(warm):  # the first may build the worker's index: not a steady request
        await client.get(path)
    if hold_poll is not None:  # the warm-up has just looked: the next look is not due
        hold_poll.setattr(matches.CACHE, "poll", freshness.POLL_SECONDS * 3600)
    with db.count_queries() as sql:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.text, sql


async def test_the_profile_page_takes_at_most_four_queries(client, create_user):
    pa, _, user = await register_with_everything(create_user)
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    text, sql = await counted(client, f"/pas/{pa['id']}?from=PE1+1AB")
    assert "Moving and handling with a hoist (2 years)" in text
    assert "Older people" in text and "Monday 09:00 to 17:00" in text
    assert "Enhanced DBS with the adults&#39; barred list, checked by staff on" in text
    assert "Moving and handling" in text and "(verified)" in text
    assert "On your shortlist." in text
    assert "about 1 mile" in text or "under 1 mile" in text
    assert len(sql) <= MOST, "\n\n".join(sql)


async def test_the_matches_page_takes_at_most_four_queries(client, create_user):
    _, need, user = await register_with_everything(create_user)
    matches.CACHE._index = None  # a fresh index for this test's database
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    text, sql = await counted(client, f"/needs/{need['id']}/matches")
    assert "Nina" in text and "Nora" in text and "Niamh" in text
    assert text.count("Enhanced DBS with the adults&#39; barred list, checked by staff on") == 3
    assert len(sql) <= MOST, "\n\n".join(sql)


async def test_home_takes_at_most_four_queries(client, create_user):
    _, _, user = await register_with_everything(create_user)
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    _, sql = await counted(client, "/home")
    assert len(sql) <= MOST, "\n\n".join(sql)


SEARCH = "/search?postcode=PE1+1AB&radius=10&skill=hoist&day=Monday"
# A search's first request reads the skill lists and then builds the index; the lists are
# read once more after that first build (search.listing.LISTS), then kept: steady from the third.
SEARCH_WARM = 2


async def test_a_staff_search_takes_at_most_four_queries(client, create_user, monkeypatch):
    await register_with_everything(create_user)
    staff = await create_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    text, sql = await counted(client, SEARCH, warm=SEARCH_WARM, hold_poll=monkeypatch)
    assert "Nina" in text and "Nora" in text and "Niamh" in text
    assert text.count("Enhanced DBS with the adults&#39; barred list, checked by staff on") == 3
    assert len(sql) <= MOST, "\n\n".join(sql)


async def test_a_recipients_search_from_their_own_place_takes_at_most_four_queries(
    client, create_user, monkeypatch
):
    _, _, user = await register_with_everything(create_user)
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    text, sql = await counted(client, SEARCH, warm=SEARCH_WARM, hold_poll=monkeypatch)
    assert "Nina" in text and "Nora" in text and "Niamh" in text
    assert "On your shortlist" in text  # the viewer's marks come with the page's rows
    assert len(sql) <= MOST, "\n\n".join(sql)


async def test_work_near_you_takes_at_most_four_queries(client, create_user):
    pa, need, _ = await register_with_everything(create_user)
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    text, sql = await counted(client, "/work")
    assert need["title"] in text
    assert len(sql) <= MOST, "\n\n".join(sql)
