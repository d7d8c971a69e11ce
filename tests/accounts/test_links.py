"""Emailed links: only the newest of a kind works, a new password ends them all, each works
once and not for long; invitations survive a reset request."""

from datetime import timedelta

from market.accounts import links, services
from market.accounts.schemas import PasswordResetInput
from market.accounts.tables import AccountToken, User, UserSession
from market.clock import utcnow
from market.mail.tables import OutboxEmail
from tests.support import PASSWORD, csrf_token, link_in, submit

NEW_PASSWORD = "a brand new passphrase"


async def newest_link(email: str, prefix: str) -> str:
    row = (
        await OutboxEmail.select()
        .where(OutboxEmail.to_address == email)
        .order_by(OutboxEmail.id, ascending=False)
        .first()
    )
    return link_in(row["body_text"], prefix)


async def test_a_new_reset_link_replaces_the_older_one(client, create_user):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    older = await newest_link(user.email, "/password/reset/")
    await submit(client, "/password/forgot", {"email": user.email})
    newer = await newest_link(user.email, "/password/reset/")
    refused = await client.get(older)
    assert refused.status_code == 400 and "newer link has replaced it" in refused.text
    form = await client.get("/password/forgot")
    posted = await client.post(older, data={"password": NEW_PASSWORD, "_csrf_token": csrf_token(form.text)})
    assert posted.status_code == 400
    assert (await submit(client, newer, {"password": NEW_PASSWORD})).status_code == 302


async def test_reset_links_last_an_hour_and_sign_in_links_half_an_hour(client, create_user):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    await submit(client, "/login/link", {"email": user.email})
    rows = {r["purpose"]: r for r in await AccountToken.select().where(AccountToken.user == user.id)}
    assert rows["reset"]["expires_at"] - rows["reset"]["created_at"] <= timedelta(hours=1, seconds=5)
    assert rows["sign-in"]["expires_at"] - rows["sign-in"]["created_at"] <= timedelta(minutes=30, seconds=5)


async def test_changing_the_password_ends_every_link_and_every_other_session(
    client, create_user, make_client
):
    user = await create_user("pa")
    await submit(client, "/password/forgot", {"email": user.email})
    reset = await newest_link(user.email, "/password/reset/")
    await submit(client, "/login/link", {"email": user.email})
    sign_in = await newest_link(user.email, "/login/link/")
    other = make_client()
    await submit(other, "/login", {"email": user.email, "password": PASSWORD})
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})

    changed = await submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert (await client.get(reset)).status_code == 400
    assert (await client.get(sign_in)).status_code == 400
    assert (await other.get("/home")).status_code == 302
    assert await UserSession.count() == 1


async def test_a_reset_ends_the_other_links_too(client, create_user):
    user = await create_user("pa")
    await submit(client, "/login/link", {"email": user.email})
    sign_in = await newest_link(user.email, "/login/link/")
    await submit(client, "/password/forgot", {"email": user.email})
    reset = await newest_link(user.email, "/password/reset/")
    assert (await submit(client, reset, {"password": NEW_PASSWORD})).status_code == 302
    assert (await client.get(sign_in)).status_code == 400


async def test_an_expired_sign_in_link_is_refused_and_unknown_addresses_get_the_same_answer(
    client, create_user
):
    user = await create_user("pa")
    unknown = await submit(client, "/login/link", {"email": "nobody@example.org"})
    assert unknown.status_code == 200 and "Check your email" in unknown.text
    assert await OutboxEmail.count() == 0
    bad = await submit(client, "/login/link", {"email": "not-an-email"})
    assert bad.status_code == 422 and "correct format" in bad.text

    await submit(client, "/login/link", {"email": user.email})
    link = await newest_link(user.email, "/login/link/")
    await AccountToken.update({AccountToken.expires_at: utcnow() - timedelta(minutes=1)}).where(
        AccountToken.id > 0
    )
    expired = await client.get(link)
    assert expired.status_code == 400 and "expired" in expired.text and 'href="/login/link"' in expired.text


async def test_a_sign_in_link_does_not_open_a_deactivated_account(client, create_user):
    user = await create_user("pa")
    await submit(client, "/login/link", {"email": user.email})
    link = await newest_link(user.email, "/login/link/")
    await User.update({User.is_active: False}).where(User.id == user.id)
    page = await client.get("/login/link")
    refused = await client.post(link, data={"_csrf_token": csrf_token(page.text)})
    assert refused.status_code == 400 and await UserSession.count() == 0


async def test_a_reset_request_leaves_an_invitation_working(database):
    [(email, user_id)] = (
        await services.create_invited_accounts(
            [("invited@example.org", "Ivy")], role="pa", verified_at=utcnow()
        )
    ).items()
    invitation = await services.issue_token(user_id, services.INVITE, timedelta(days=14))
    await services.request_password_reset(email, database)
    await services.check_reset_token(invitation)  # still usable
    # Choosing a password through either link ends the other.
    await services.reset_password(PasswordResetInput(token=invitation, password=NEW_PASSWORD), database)
    reset = await AccountToken.select().where(AccountToken.purpose == links.RESET).first()
    assert reset["used_at"] is None and reset["expires_at"] <= utcnow()
