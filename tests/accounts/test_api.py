from datetime import timedelta

from market.accounts.tables import User
from market.mail.tables import OutboxEmail
from tests.support import PASSWORD, link_in

SIGNUP = {"email": "api@example.org", "password": PASSWORD, "display_name": "Api Person", "role": "pa"}


async def sign_in(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_sign_up_verify_and_sign_in_through_the_api(client):
    created = await client.post("/api/v1/auth/signup", json=SIGNUP)
    # 202 and a message, not the account: the answer must not tell whether the email was taken.
    assert created.status_code == 202 and "emailed a link" in created.json()["message"]
    assert (await User.select(User.verified_at).first())["verified_at"] is None
    unverified = await client.post(
        "/api/v1/auth/login", json={"email": SIGNUP["email"], "password": PASSWORD}
    )
    assert unverified.status_code == 403
    assert unverified.json()["detail"].startswith("Confirm your email address")

    email = await OutboxEmail.select().first()
    token = link_in(email["body_text"], "/verify-email/").rsplit("/", 1)[1]
    verified = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200 and verified.json()["verified"] is True

    headers = await sign_in(client, SIGNUP["email"])
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["email"] == "api@example.org"
    assert "password_hash" not in me.json()
    assert (await client.post("/api/v1/me/logout", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_invalid_input_answers_problem_details_with_every_field(client):
    response = await client.post("/api/v1/auth/signup", json={"email": "nope", "role": "pa"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422 and body["title"]
    assert set(body["errors"]) == {"email", "display_name", "password"}
    assert await User.count() == 0


async def test_malformed_json_is_a_400_problem_and_wrong_types_a_422_naming_the_field(client):
    response = await client.post(
        "/api/v1/auth/signup", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400
    wrong_type = await client.post("/api/v1/auth/login", json={"email": 5, "password": []})
    assert wrong_type.status_code == 422
    errors = wrong_type.json()["errors"]
    assert errors["email"].startswith("must be text")


async def test_oversized_body_is_refused_with_413(client):
    response = await client.post(
        "/api/v1/auth/signup", content=b"x" * 2_000_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert await User.count() == 0


async def test_a_taken_email_gets_the_same_answer_as_a_new_one(client, create_user):
    fresh = await client.post("/api/v1/auth/signup", json={**SIGNUP, "email": "new@example.org"})
    owner = await create_user("pa", email="api@example.org")
    # Made an hour ago: an account made moments ago is a racing copy of this sign-up, not told.
    await User.update({User.created_at: User.created_at - timedelta(hours=1)}).where(User.id == owner.id)
    taken = await client.post("/api/v1/auth/signup", json=SIGNUP)
    assert (taken.status_code, taken.json()) == (fresh.status_code, fresh.json())
    assert await User.count().where(User.email == "api@example.org") == 1
    # The owner is told instead.
    told = await OutboxEmail.select().where(OutboxEmail.to_address == "api@example.org").first()
    assert told["kind"] == "account-exists" and "/login" in told["body_text"]


async def test_password_reset_through_the_api(client, create_user):
    user = await create_user("pa")
    asked = await client.post("/api/v1/auth/password-reset", json={"email": user.email})
    assert asked.status_code == 202
    email = await OutboxEmail.select().where(OutboxEmail.to_address == user.email).first()
    token = link_in(email["body_text"], "/password/reset/").rsplit("/", 1)[1]
    done = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "a brand new passphrase"}
    )
    assert done.status_code == 200
    reused = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "another new passphrase"}
    )
    assert reused.status_code == 422 and "already been used" in reused.json()["errors"]["token"]


async def test_only_admins_manage_accounts(client, create_user):
    admin = await create_user("admin")
    staff = await create_user("staff")
    new = {
        "email": "trainer@example.org",
        "display_name": "New Trainer",
        "role": "trainer",
        "password": PASSWORD,
    }

    assert (await client.post("/api/v1/users", json=new)).status_code == 401
    staff_headers = await sign_in(client, staff.email)
    assert (await client.post("/api/v1/users", json=new, headers=staff_headers)).status_code == 403
    admin_headers = await sign_in(client, admin.email)
    created = await client.post("/api/v1/users", json=new, headers=admin_headers)
    assert created.status_code == 201 and created.json()["verified"] is True
    listed = await client.get("/api/v1/users?role=trainer", headers=admin_headers)
    assert [u["email"] for u in listed.json()] == ["trainer@example.org"]
    assert (await client.get("/api/v1/users/999999", headers=admin_headers)).status_code == 404


async def test_cookie_session_api_calls_from_a_form_need_the_csrf_token(client, login_as):
    await login_as("pa")
    # A urlencoded POST is what a hostile page could send with the cookie: refused.
    forged = await client.post("/api/v1/me/logout", data={"x": "1"})
    assert forged.status_code == 403
    assert (await client.get("/api/v1/me")).status_code == 200  # still signed in
