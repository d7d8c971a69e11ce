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
    # The list's button only asks: one click changes nothing.
    listed = await client.get("/admin/users")
    assert f'href="/admin/users/{pa.id}/deactivate"' in listed.text
    assert f'action="/admin/users/{pa.id}/deactivate"' not in listed.text
    confirm = await client.get(f"/admin/users/{pa.id}/deactivate")
    assert confirm.status_code == 200 and "Are you sure you want to deactivate" in confirm.text
    assert (await User.select(User.is_active).where(User.id == pa.id).first())["is_active"] is True
    assert (await client.get(f"/admin/users/{admin.id}/deactivate")).status_code == 409
    assert (await client.get("/admin/users/999999/deactivate")).status_code == 404
    await submit(client, f"/admin/users/{pa.id}/deactivate", {})
    assert await UserSession.count().where(UserSession.user == pa.id) == 0
    assert (await pa_browser.get("/home")).status_code == 302
    assert (await User.select(User.is_active).where(User.id == pa.id).first())["is_active"] is False
    own = await submit(client, "/admin/users", {}, action=f"/admin/users/{admin.id}/deactivate")
    assert own.status_code == 409 and "You cannot deactivate your own account" in own.text
    missing = await submit(client, "/admin/users", {}, action="/admin/users/999999/deactivate")
    assert missing.status_code == 404
    await submit(client, "/admin/users", {}, action=f"/admin/users/{pa.id}/activate")
    assert (await User.select(User.is_active).where(User.id == pa.id).first())["is_active"] is True


async def test_the_accounts_list_pages_searches_and_filters(client, login_as, create_user):
    """301 accounts are all reachable, 50 a page, and the list says how many there are."""
    from market.accounts.services import normalise_email

    await login_as("admin")
    await User.insert(
        *[
            User(
                email=normalise_email(f"person{n:03}@example.org"),
                password_hash="!unused",
                role="recipient",
                display_name=f"Person {n:03}",
                is_active=n % 10 != 0,
            )
            for n in range(300)
        ]
    )
    first = await client.get("/admin/users")
    assert "Showing 1 to 50 of 301 accounts" in first.text
    assert 'href="/admin/users?page=7"' in first.text
    last = await client.get("/admin/users?page=7")
    assert "Showing 301 to 301 of 301 accounts" in last.text
    beyond = await client.get("/admin/users?page=70")
    assert "Showing 301 to 301 of 301 accounts" in beyond.text

    found = await client.get("/admin/users", params={"q": "person12"})
    assert "Showing all 10 accounts" in found.text and "person129@example.org" in found.text
    off = await client.get("/admin/users", params={"status": "deactivated"})
    assert "Showing all 30 accounts" in off.text
    assert "person010@example.org" in off.text and "person011@example.org" not in off.text
    # The filters are kept on every page's links.
    unconfirmed = await client.get("/admin/users", params={"status": "unconfirmed", "role": "recipient"})
    assert "Showing 1 to 50 of 270 accounts" in unconfirmed.text
    assert 'href="/admin/users?role=recipient&amp;status=unconfirmed&amp;page=2"' in unconfirmed.text
    nobody = await client.get("/admin/users", params={"q": "nobody-like-this"})
    assert "No accounts" in nobody.text
