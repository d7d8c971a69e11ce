"""The sign-in rate limit holds under a burst, and never locks the owner out.

Counted per account at an address (5 in a window) and per address (ten times that); a
throttled person still gets in with a link emailed to them. On SQLite and PostgreSQL."""

import asyncio
from datetime import timedelta

import httpx
import msgspec
import pytest

from market.accounts import services, sessions, throttle
from market.accounts.schemas import LoginInput, NewUserInput
from market.accounts.tables import LoginThrottle, UserSession
from market.audit.tables import AuditEvent
from market.errors import Invalid, RateLimited
from market.mail.tables import OutboxEmail
from tests.support import PASSWORD, csrf_token, link_in, submit

BURST = 200
SPRAYER, OFFICE = "198.51.100.1", "192.0.2.10"


def client_at(app, address: str) -> httpx.AsyncClient:
    """A client whose requests come from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_a_burst_of_wrong_passwords_is_checked_only_up_to_the_limit(app, client, create_user, settings):
    user = await create_user("pa")
    wrong = {"email": user.email, "password": "not the password at all"}
    answers = await asyncio.gather(*[client.post("/api/v1/auth/login", json=wrong) for _ in range(BURST)])

    statuses = [a.status_code for a in answers]
    limit = settings.login_attempts_per_window
    assert statuses.count(422) == limit  # checked, and wrong
    assert statuses.count(429) == BURST - limit  # refused unchecked
    assert await AuditEvent.count().where(AuditEvent.action == "account.login_failed") == limit
    refused = next(a for a in answers if a.status_code == 429)
    assert 0 < int(refused.headers["retry-after"]) <= settings.login_window_seconds
    assert refused.headers["content-type"].startswith("application/problem+json")

    # The right password from the same address waits too...
    right = {"email": user.email, "password": PASSWORD}
    assert (await client.post("/api/v1/auth/login", json=right)).status_code == 429
    # ...but the owner, elsewhere, is not locked out by someone else's guesses.
    async with client_at(app, "203.0.113.7") as elsewhere:
        assert (await elsewhere.post("/api/v1/auth/login", json=right)).status_code == 200

    # At the throttled address, an emailed sign-in link gets them in.
    asked = await client.post("/api/v1/auth/sign-in-link", json={"email": user.email})
    assert asked.status_code == 202
    email = await OutboxEmail.select().where(OutboxEmail.kind == "sign-in-link").first()
    token = link_in(email["body_text"], "/login/link/").rsplit("/", 1)[1]
    signed_in = await client.post("/api/v1/auth/sign-in-link/confirm", json={"token": token})
    assert signed_in.status_code == 200
    headers = {"Authorization": f"Bearer {signed_in.json()['token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).json()["email"] == user.email
    # The link starts the account afresh at this address: the password works here again.
    assert (await client.post("/api/v1/auth/login", json=right)).status_code == 200


async def test_the_sign_in_page_says_how_to_get_in_while_throttled(client, create_user, settings):
    user = await create_user("pa")
    for _ in range(settings.login_attempts_per_window):
        await submit(client, "/login", {"email": user.email, "password": "wrong password!"})
    blocked = await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "govuk-error-summary" in blocked.text and 'href="/login/link"' in blocked.text

    asked = await submit(client, "/login/link", {"email": user.email.upper()})
    assert asked.status_code == 200 and "Check your email" in asked.text
    link = link_in(
        (await OutboxEmail.select().where(OutboxEmail.kind == "sign-in-link").first())["body_text"],
        "/login/link/",
    )
    page = await client.get(link)  # opening the link uses nothing: mail scanners open links
    assert page.status_code == 200 and (await client.get(link)).status_code == 200
    done = await client.post(link, data={"_csrf_token": csrf_token(page.text)})
    assert done.status_code == 302 and done.headers["location"] == "/home"
    assert (await client.get("/home")).status_code == 200
    again = await client.get(link)
    assert again.status_code == 400 and "already been used" in again.text


async def test_many_accounts_from_one_address_hit_the_higher_address_limit(database):
    settings = msgspec.structs.replace(database, login_attempts_per_window=1)
    most = throttle.ADDRESS_MULTIPLIER
    for n in range(most):  # one wrong guess at each of many accounts
        with pytest.raises(Invalid):
            await sessions.login(
                LoginInput(email=f"p{n}@example.org", password="wrong!"), settings, ip=SPRAYER
            )
    with pytest.raises(RateLimited):
        await sessions.login(LoginInput(email="another@example.org", password="wrong!"), settings, ip=SPRAYER)
    # Another address is unaffected.
    with pytest.raises(Invalid):
        await sessions.login(LoginInput(email="another@example.org", password="wrong!"), settings, ip=OFFICE)


async def test_successes_do_not_use_up_the_address_and_a_window_passes(database):
    settings = msgspec.structs.replace(database, login_attempts_per_window=1)
    user = await services.create_user(
        NewUserInput(email="office@example.org", display_name="Office", role="staff", password=PASSWORD)
    )
    good = LoginInput(email=user.email, password=PASSWORD)
    for _ in range(throttle.ADDRESS_MULTIPLIER + 1):  # an office signing in all day
        await sessions.login(good, settings, ip=OFFICE)
    bad = LoginInput(email=user.email, password="wrong password!")
    with pytest.raises(Invalid):
        await sessions.login(bad, settings, ip=OFFICE)
    with pytest.raises(RateLimited):
        await sessions.login(good, settings, ip=OFFICE)
    # Once the window has passed (moved back, not waited for), a new one starts.
    window = timedelta(seconds=settings.login_window_seconds)
    await LoginThrottle.update(
        {LoginThrottle.window_started_at: LoginThrottle.window_started_at - window}
    ).where(LoginThrottle.id > 0)
    await sessions.login(good, settings, ip=OFFICE)
    assert await UserSession.count() == throttle.ADDRESS_MULTIPLIER + 2
    # The table keeps neither emails nor addresses.
    buckets = " ".join(r["bucket"] for r in await LoginThrottle.select(LoginThrottle.bucket))
    assert user.email not in buckets and OFFICE not in buckets
