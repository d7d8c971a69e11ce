import asyncio
import re
from datetime import timedelta

from market.accounts import services
from market.accounts.schemas import NewUserInput
from market.accounts.tables import AccountToken, User
from market.audit.tables import AuditEvent
from market.errors import Invalid
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


def same_page(one: str, other: str) -> bool:
    """Equal but for each response's own CSP nonce."""
    nonce = re.compile(r'nonce="[^"]*"')
    return nonce.sub("", one) == nonce.sub("", other)


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


async def test_a_taken_email_gets_the_same_answer_and_its_owner_is_emailed(client, create_user):
    new_address = await submit(client, "/signup", {**PA_FORM, "email": "new@example.org"})
    owner = await create_user("pa", email="jo@example.org")
    await OutboxEmail.delete().where(OutboxEmail.id > 0)
    # An account made more than a few minutes ago: a sign-up racing its own gets no email.
    await User.update({User.created_at: User.created_at - timedelta(hours=1)}).where(User.id == owner.id)
    taken = await submit(client, "/signup", PA_FORM)
    assert taken.status_code == new_address.status_code == 200
    assert same_page(taken.text.replace("jo@example.org", "new@example.org"), new_address.text)
    assert await User.count().where(User.email == "jo@example.org") == 1
    email = await latest_email("jo@example.org")
    assert email["kind"] == "account-exists" and "/password/forgot" in email["body_text"]
    assert "/verify-email/" not in email["body_text"]
    # Asking again straight away does not email the owner again.
    await submit(client, "/signup", PA_FORM)
    assert await OutboxEmail.count() == 1


async def test_a_taken_email_never_shows_even_beside_other_problems(client, create_user):
    await create_user("pa", email="jo@example.org")
    taken = await submit(client, "/signup", {**PA_FORM, "password": "short"})
    free = await submit(client, "/signup", {**PA_FORM, "email": "free@example.org", "password": "short"})
    assert taken.status_code == free.status_code == 422
    assert "already" not in taken.text
    assert 'value="Jo Bloggs"' in taken.text and 'value="Jo@Example.org"' in taken.text
    assert PASSWORD not in taken.text  # a password is never echoed back
    assert await OutboxEmail.count() == 0


async def test_signing_up_again_before_confirming_sends_a_new_confirmation_link(client):
    await submit(client, "/signup", PA_FORM)
    await User.update({User.created_at: User.created_at - timedelta(hours=1)}).where(User.id > 0)
    await AccountToken.update({AccountToken.created_at: AccountToken.created_at - timedelta(hours=1)}).where(
        AccountToken.id > 0
    )
    first = link_in((await latest_email("jo@example.org"))["body_text"], "/verify-email/")
    again = await submit(client, "/signup", PA_FORM)
    assert again.status_code == 200 and await User.count() == 1
    second = link_in((await latest_email("jo@example.org"))["body_text"], "/verify-email/")
    assert second != first
    assert (await submit(client, first, {})).status_code == 422  # the older link was replaced
    assert (await submit(client, second, {})).status_code == 302


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


async def test_the_same_sign_up_eight_times_at_once_makes_one_account(client):
    body = {"email": "race@example.org", "password": PASSWORD, "display_name": "Ray Race", "role": "pa"}
    answers = await asyncio.gather(*[client.post("/api/v1/auth/signup", json=body) for _ in range(8)])
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # the losers get the same answer
    assert await User.count().where(User.email == "race@example.org") == 1
    # One confirmation email: the copies that lost the race tell nobody anything.
    assert await OutboxEmail.count() == 1


async def test_an_admin_creating_one_account_eight_times_at_once_gets_one(database):
    data = NewUserInput(email="Twice@Example.org", display_name="Tess", role="staff", password=PASSWORD)
    results = await asyncio.gather(*[services.create_user(data) for _ in range(8)], return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(
        isinstance(r, Invalid) and "already exists" in r.errors["email"]
        for r in results
        if isinstance(r, Exception)
    )
    assert await User.count().where(User.email == "twice@example.org") == 1
