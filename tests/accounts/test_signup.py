from datetime import timedelta

from market.accounts.tables import AccountToken, User
from market.audit.tables import AuditEvent
from market.mail.tables import OutboxEmail
from tests.support import PASSWORD, link_in, submit

PA_FORM = {"role": "pa", "display_name": "Jo Bloggs", "email": "Jo@Example.org", "password": PASSWORD}


async def latest_email(to: str) -> dict:
    row = (
        await OutboxEmail.select()
        .where(OutboxEmail.to_address == to)
        .order_by(OutboxEmail.id, ascending=False)
        .first()
    )
    assert row, f"no email to {to}"
    return row


async def test_signup_creates_an_unverified_account_and_emails_a_link(client):
    response = await submit(client, "/signup", PA_FORM)
    assert response.status_code == 200
    assert "Check your email" in response.text
    user = await User.select().where(User.email == "jo@example.org").first()
    assert user["role"] == "pa" and user["verified_at"] is None
    assert user["password_hash"].startswith("$argon2id$")
    email = await latest_email("jo@example.org")
    assert "/verify-email/" in email["body_text"]
    assert await AuditEvent.exists().where(AuditEvent.action == "account.signup")


async def test_empty_signup_names_every_problem_next_to_its_field(client):
    response = await submit(client, "/signup", {})
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text
    assert "<title>Error: Create an account" in response.text
    for message in (
        "Select whether you are a personal assistant or looking for one",
        "Enter your name",
        "Enter your email address",
        "Enter a password",
    ):
        assert response.text.count(message) == 2, message  # in the summary and by the field
    assert await User.count() == 0


async def test_duplicate_email_is_refused_and_the_input_is_kept(client, create_user):
    await create_user("pa", email="jo@example.org")
    response = await submit(client, "/signup", PA_FORM)
    assert response.status_code == 422
    assert "An account with this email address already exists" in response.text
    assert 'value="Jo Bloggs"' in response.text and 'value="Jo@Example.org"' in response.text
    assert PASSWORD not in response.text  # a password is never echoed back
    assert await User.count() == 1


async def test_recipient_must_say_who_the_pa_is_for(client):
    form = {**PA_FORM, "role": "recipient"}
    response = await submit(client, "/signup", form)
    assert response.status_code == 422
    assert "Select who the personal assistant is for" in response.text
    ok = await submit(client, "/signup", {**form, "acting_as": "family"})
    assert ok.status_code == 200
    user = await User.select().where(User.email == "jo@example.org").first()
    assert (user["role"], user["acting_as"]) == ("recipient", "family")


async def test_a_role_outside_sign_up_cannot_be_chosen(client):
    response = await submit(client, "/signup", {**PA_FORM, "role": "admin"})
    assert response.status_code == 422
    assert await User.count() == 0


async def test_verification_link_works_once(client):
    await submit(client, "/signup", PA_FORM)
    link = link_in((await latest_email("jo@example.org"))["body_text"], "/verify-email/")
    confirmed = await submit(client, link, {})
    assert confirmed.status_code == 302 and confirmed.headers["location"] == "/login?done=verified"
    assert (await User.select().first())["verified_at"] is not None
    again = await submit(client, link, {})
    assert again.status_code == 422
    assert "already been used" in again.text


async def test_expired_verification_link_is_refused(client):
    await submit(client, "/signup", PA_FORM)
    link = link_in((await latest_email("jo@example.org"))["body_text"], "/verify-email/")
    await AccountToken.update({AccountToken.expires_at: AccountToken.expires_at - timedelta(days=2)}).where(
        AccountToken.id > 0
    )
    response = await submit(client, link, {})
    assert response.status_code == 422 and "expired" in response.text
    assert (await User.select().first())["verified_at"] is None


async def test_unverified_account_cannot_sign_in_and_gets_a_new_link(client):
    await submit(client, "/signup", PA_FORM)
    await OutboxEmail.delete().where(OutboxEmail.id > 0)
    # The first link is still fresh, so no second email is sent straight away...
    response = await submit(client, "/login", {"email": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "Confirm your email address first" in response.text
    assert "market_session" not in response.headers.get("set-cookie", "")
    # ...but once it is older than a few minutes, signing in sends a new one.
    await AccountToken.update({AccountToken.created_at: AccountToken.created_at - timedelta(hours=1)}).where(
        AccountToken.id > 0
    )
    await submit(client, "/login", {"email": "jo@example.org", "password": PASSWORD})
    assert await OutboxEmail.count() == 1


async def test_resend_page_says_the_same_for_unknown_addresses(client):
    response = await submit(client, "/verify-email/resend", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "Check your email" in response.text
    assert await OutboxEmail.count() == 0
    bad = await submit(client, "/verify-email/resend", {"email": "not-an-email"})
    assert bad.status_code == 422 and "correct format" in bad.text
