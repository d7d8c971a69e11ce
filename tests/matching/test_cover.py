"""Staff send cover to the best few at once: each is shortlisted, invited and emailed; sending
again reaches the next best; only staff may, only for open cover."""

from __future__ import annotations

from datetime import timedelta

from market.clock import london_today
from market.mail.tables import OutboxEmail
from market.matching import matches
from market.matching.tables import Application
from tests.dbs.support import as_current, certificate
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit


async def _cover_need(create_user):
    staff = await as_current(await create_user("staff"))
    pas = []
    for name, postcode in [("Ann Ace", "PE1 1BF"), ("Bea Bright", "PE1 1BF"), ("Cat Calm", "PE1 1BF")]:
        pa = await make_pa(name=name, postcode=postcode)
        await certificate(pa["id"], staff)
        pas.append(pa)
    owner = await create_user("recipient")
    recipient = await make_recipient(user=current(owner), postcode="PE1 1AB")
    # The next Monday from tomorrow: the PAs are free on Mondays from 9 to 5, and a PA free at
    # none of a cover's hours is never listed.
    tomorrow = london_today() + timedelta(days=1)
    monday = tomorrow + timedelta(days=(7 - tomorrow.weekday()) % 7)
    need = await make_need(
        recipient, title="Cover on Monday", kind="cover", cover=((monday, 9 * 60, 13 * 60),)
    )
    matches.CACHE._index = None  # a fresh index for this test's database
    return staff, owner, need, pas


async def test_staff_send_cover_to_the_best_few(client, create_user, make_client):
    staff, owner, need, pas = await _cover_need(create_user)
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    page = await client.get(f"/needs/{need['id']}/matches")
    assert page.status_code == 200 and "Send this cover to the best few at once" in page.text, page.text
    bad = await client.post(
        f"/needs/{need['id']}/matches/send", data={"count": "50", "_csrf_token": csrf_token(page.text)}
    )
    assert bad.status_code == 422 and "from 1 to 10" in bad.text and 'value="50"' in bad.text
    sent = await client.post(
        f"/needs/{need['id']}/matches/send", data={"count": "2", "_csrf_token": csrf_token(page.text)}
    )
    assert sent.status_code in (302, 303), sent.text
    invited = await Application.select().where(Application.need == need["id"], Application.stage == "invited")
    assert len(invited) == 2
    assert await OutboxEmail.count().where(OutboxEmail.kind == "invitation") == 2
    again = await client.post(
        f"/needs/{need['id']}/matches/send", data={"count": "2", "_csrf_token": csrf_token(page.text)}
    )
    assert again.status_code in (302, 303)
    assert await Application.count().where(Application.need == need["id"]) == 3  # only one was left
    last = await client.post(
        f"/needs/{need['id']}/matches/send", data={"count": "2", "_csrf_token": csrf_token(page.text)}
    )
    assert last.status_code == 422 and "already been asked" in last.text

    recipient_client = make_client()
    await submit(recipient_client, "/login", {"email": owner.email, "password": PASSWORD})
    mine = await recipient_client.get(f"/needs/{need['id']}/matches")
    assert "Send this cover" not in mine.text
    refused = await recipient_client.post(
        f"/needs/{need['id']}/matches/send", data={"count": "1", "_csrf_token": csrf_token(mine.text)}
    )
    assert refused.status_code == 404
