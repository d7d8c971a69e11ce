from datetime import timedelta

from market.accounts.tables import UserSession
from market.audit.tables import AuditEvent
from tests.support import PASSWORD, csrf_token, submit


async def test_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(client, create_user):
    user = await create_user("pa")
    response = await submit(client, "/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["location"] == "/home"
    cookie = response.headers["set-cookie"].lower()
    assert "market_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    token = client.cookies["market_session"]
    stored = await UserSession.select(UserSession.token_hash).first()
    assert stored["token_hash"] != token  # only a hash of the token is kept
    assert (await client.get("/home")).status_code == 200

    home = await client.get("/home")
    out = await client.post("/logout", data={"_csrf_token": csrf_token(home.text)})
    assert out.status_code == 302 and out.headers["location"] == "/login?done=signed-out"
    assert await UserSession.count() == 0
    # The old token is dead even if someone kept a copy of the cookie.
    client.cookies.set("market_session", token)
    assert (await client.get("/home")).status_code == 302


async def test_wrong_password_is_refused_clearly(client, create_user):
    user = await create_user("pa")
    response = await submit(client, "/login", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.text
    # Both fields are marked, but the summary lists the problem once.
    summary = response.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert summary.count("Enter a correct email address and password") == 1
    assert f'value="{user.email}"' in response.text
    assert await UserSession.count() == 0
    assert await AuditEvent.exists().where(AuditEvent.action == "account.login_failed")


async def test_empty_sign_in_names_both_fields(client):
    response = await submit(client, "/login", {})
    assert response.status_code == 422
    assert "Enter your email address" in response.text and "Enter your password" in response.text


async def test_repeated_failures_are_rate_limited(client, create_user):
    user = await create_user("pa")
    for _ in range(5):
        response = await submit(client, "/login", {"email": user.email, "password": "wrong password!"})
        assert response.status_code == 422
    blocked = await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed attempts to sign in" in blocked.text and "minutes" in blocked.text
    assert await UserSession.count() == 0


async def test_expired_session_is_signed_out(client, login_as):
    await login_as("pa")
    await UserSession.update({UserSession.expires_at: UserSession.expires_at - timedelta(days=30)}).where(
        UserSession.id > 0
    )
    assert (await client.get("/home")).status_code == 302


async def test_deactivated_account_cannot_sign_in(client, create_user):
    from market.accounts.tables import User

    user = await create_user("pa")
    await User.update({User.is_active: False}).where(User.id == user.id)
    response = await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 422


async def test_next_cannot_send_people_to_another_site(client, create_user):
    user = await create_user("pa")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = await submit(client, "/login", {"email": user.email, "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/home", target


async def test_signing_in_gives_a_new_csrf_token(client, create_user):
    user = await create_user("pa")
    before = await client.get("/login")
    old_token, old_cookie = csrf_token(before.text), client.cookies["market_csrf"]
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "_csrf_token": old_token}
    )
    assert response.status_code == 302
    assert client.cookies["market_csrf"] != old_cookie
    # A token learnt before signing in is no use afterwards...
    assert (await client.post("/logout", data={"_csrf_token": old_token})).status_code == 403
    # ...while the signed-in pages carry the new one.
    home = await client.get("/home")
    assert (await client.post("/logout", data={"_csrf_token": csrf_token(home.text)})).status_code == 302
