from market.accounts.tables import User, UserSession
from tests.support import PASSWORD, submit


async def test_admin_creates_a_staff_account_that_can_sign_in(client, login_as, make_client):
    await login_as("admin")
    bad = await submit(client, "/admin/users/new", {"role": "staff", "email": "nope", "display_name": ""})
    assert bad.status_code == 422
    assert "Enter your name" in bad.text and "correct format" in bad.text and 'value="nope"' in bad.text
    created = await submit(
        client,
        "/admin/users/new",
        {
            "role": "staff",
            "email": "new.staff@example.org",
            "display_name": "New Staff",
            "password": PASSWORD,
        },
    )
    assert created.headers["location"] == "/admin/users?done=created"
    listing = await client.get(created.headers["location"])
    assert "new.staff@example.org" in listing.text and "The account has been created" in listing.text

    staff_browser = make_client()
    signed_in = await submit(
        staff_browser, "/login", {"email": "new.staff@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert "Recruitment support" in (await staff_browser.get("/home")).text


async def test_deactivating_an_account_signs_it_out(client, login_as, create_user, make_client):
    pa = await create_user("pa")
    pa_browser = make_client()
    await submit(pa_browser, "/login", {"email": pa.email, "password": PASSWORD})
    admin = await login_as("admin")
    await submit(client, "/admin/users", {}, action=f"/admin/users/{pa.id}/deactivate")
    assert await UserSession.count().where(UserSession.user == pa.id) == 0
    assert (await pa_browser.get("/home")).status_code == 302
    assert (await User.select(User.is_active).where(User.id == pa.id).first())["is_active"] is False
    own = await submit(client, "/admin/users", {}, action=f"/admin/users/{admin.id}/deactivate")
    assert own.status_code == 409 and "You cannot deactivate your own account" in own.text
    missing = await submit(client, "/admin/users", {}, action="/admin/users/999999/deactivate")
    assert missing.status_code == 404
    await submit(client, "/admin/users", {}, action=f"/admin/users/{pa.id}/activate")
    assert (await User.select(User.is_active).where(User.id == pa.id).first())["is_active"] is True
