from datetime import timedelta

from market.accounts.tables import AccountToken, User, UserSession
from market.mail.tables import OutboxEmail
from tests.support import PASSWORD, csrf_token, link_in, submit

NEW_PASSWORD = "a brand new passphrase"


async def reset_link(email: str) -> str:
    row = (
        await OutboxEmail.select()
        .where(OutboxEmail.to_address == email)
        .order_by(OutboxEmail.id, ascending=False)
        .first()
    )
    return link_in(row["body_text"], "/password/reset/")


async def test_password_reset_by_email_ends_every_session(client, create_user, make_client):
    user = await create_user("pa")
    other_device = make_client()
    await submit(other_device, "/login", {"email": user.email, "password": PASSWORD})
    assert (await other_device.get("/home")).status_code == 200

    response = await submit(client, "/password/forgot", {"email": user.email})
    assert "Check your email" in response.text
    link = await reset_link(user.email)
    form = await client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.text
    done = await client.post(link, data={"password": NEW_PASSWORD, "_csrf_token": csrf_token(form.text)})
    assert done.status_code == 302 and done.headers["location"] == "/login?done=password-reset"

    assert (await other_device.get("/home")).status_code == 302  # signed out everywhere
    old = await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert old.status_code == 422
    new = await submit(client, "/login", {"email": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


async def test_reset_link_works_once(client, create_user):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    link = await reset_link(user.email)
    await submit(client, link, {"password": NEW_PASSWORD})
    again = await client.get(link)
    assert again.status_code == 400 and "already been used" in again.text


async def test_expired_reset_link_is_refused(client, create_user):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    link = await reset_link(user.email)
    await AccountToken.update({AccountToken.expires_at: AccountToken.expires_at - timedelta(hours=2)}).where(
        AccountToken.id > 0
    )
    response = await client.get(link)
    assert response.status_code == 400 and "expired" in response.text


async def test_weak_new_password_is_refused_and_the_link_still_works(client, create_user):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    link = await reset_link(user.email)
    weak = await submit(client, link, {"password": "short"})
    assert weak.status_code == 422 and "10 characters or more" in weak.text
    assert (await submit(client, link, {"password": NEW_PASSWORD})).status_code == 302


async def test_unknown_email_gets_the_same_answer_and_no_email(client):
    response = await submit(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "Check your email" in response.text
    assert await OutboxEmail.count() == 0


async def test_changing_password_keeps_this_session_and_ends_the_others(client, create_user, make_client):
    user = await create_user("pa")
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    other = make_client()
    await submit(other, "/login", {"email": user.email, "password": PASSWORD})
    assert await UserSession.count() == 2

    wrong = await submit(
        client, "/account/password", {"current_password": "not it at all", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and "Your current password is not right" in wrong.text
    changed = await submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.headers["location"] == "/account?done=password-changed"
    assert (await client.get("/home")).status_code == 200
    assert (await other.get("/home")).status_code == 302
    row = await User.select(User.password_changed_at, User.created_at).where(User.id == user.id).first()
    assert row["password_changed_at"] >= row["created_at"]


async def test_one_reset_link_used_twice_at_once_works_only_once(client, create_user, settings):
    import asyncio

    from market.accounts import services
    from market.accounts.schemas import PasswordResetInput
    from market.errors import Invalid

    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    token = (await reset_link(user.email)).rsplit("/", 1)[1]
    results = await asyncio.gather(
        services.reset_password(PasswordResetInput(token=token, password="first new passphrase"), settings),
        services.reset_password(PasswordResetInput(token=token, password="second new passphrase"), settings),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Invalid) for r in results) == 1
    assert sum(not isinstance(r, Exception) for r in results) == 1
