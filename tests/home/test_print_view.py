"""The one-page profile for print shows pay and the DBS badge, and a text saved before the
limit was lowered still shows in full, with the PA asked to shorten it."""

from market.register.schemas import TEXT_LIMIT
from market.register.tables import PAProfile
from tests.dbs.support import as_current, certificate
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit


async def test_the_print_shows_pay_and_the_dbs_badge(client, create_user):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(min_rate_pence=1375)
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    before = (await client.get("/profile/print")).text
    assert "from £13.75 an hour; either" in before
    assert "No current DBS check recorded by our team" in before
    await certificate(pa["id"], staff)
    page = await client.get("/profile/print")
    assert page.status_code == 200
    assert "Enhanced DBS with the adults&#39; barred list, checked by staff on" in page.text
    assert "Shorten your one-page profile" not in page.text


async def test_a_text_longer_than_the_limit_still_shows_and_the_form_asks_to_shorten_it(client):
    old = "I am kind. " * 150  # 1,650 characters: allowed when the limit was 2,000
    pa = await make_pa(admire=old.strip())
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    assert old.strip() in (await client.get("/profile/print")).text
    assert "Shorten your one-page profile" in (await client.get("/profile/print")).text
    assert old.strip() in (await client.get("/profile")).text
    form = await client.get("/profile/about")
    assert form.status_code == 200
    assert "1 of your answers is longer than 750 characters" in form.text
    assert f"This answer is 1,649 characters: shorten it to {TEXT_LIMIT}" in form.text
    assert 'data-maxlength="750"' in form.text
    # Saving it unchanged is refused beside the field; shortened, it saves.
    values = {f: pa[f] for f in ("headline", "matters", "how_to_work")}
    refused = await submit(client, "/profile/about", {**values, "display_name": "Pat", "admire": old})
    assert refused.status_code == 422
    assert "What people like and admire about you must be 750 characters or fewer" in refused.text
    saved = await submit(client, "/profile/about", {**values, "display_name": "Pat", "admire": old[:700]})
    assert saved.status_code == 302
    assert (await PAProfile.select(PAProfile.admire).first())["admire"] == old[:700].strip()
