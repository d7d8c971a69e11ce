from market.accounts.tables import UserSession
from tests.support import PASSWORD, submit


async def test_a_person_can_sign_out_another_of_their_devices(client, create_user, make_client):
    user = await create_user("pa")
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    phone = make_client()
    await submit(phone, "/login", {"email": user.email, "password": PASSWORD})
    page = await client.get("/account")
    assert "This device" in page.text
    phone_session = await UserSession.select(UserSession.id).order_by(UserSession.id, ascending=False).first()
    ended = await submit(client, "/account", {}, action=f"/account/sessions/{phone_session['id']}/end")
    assert ended.status_code == 302
    assert (await phone.get("/home")).status_code == 302
    assert (await client.get("/home")).status_code == 200


async def test_someone_elses_session_answers_404(client, create_user, make_client):
    mine = await create_user("pa")
    theirs = await create_user("pa")
    await submit(client, "/login", {"email": mine.email, "password": PASSWORD})
    other = make_client()
    await submit(other, "/login", {"email": theirs.email, "password": PASSWORD})
    their_session = await UserSession.select(UserSession.id).where(UserSession.user == theirs.id).first()

    page = await submit(client, "/account", {}, action=f"/account/sessions/{their_session['id']}/end")
    assert page.status_code == 404
    api = await client.delete(f"/api/v1/me/sessions/{their_session['id']}")
    assert api.status_code == 404 and api.json()["status"] == 404
    assert (await other.get("/home")).status_code == 200  # untouched
