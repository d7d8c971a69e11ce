"""The accounts API: sign up, sign in for a bearer token, and the same rules as the pages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from market.accounts import listing, services, sessions
from market.accounts.schemas import (
    EmailInput,
    LoginInput,
    LoginOut,
    Message,
    NewUserInput,
    PasswordChangeInput,
    PasswordResetInput,
    SessionOut,
    SignupInput,
    TokenInput,
    UserOut,
)
from market.settings import Settings
from market.web.guards import ADMIN, PUBLIC, SIGNED_IN
from market.web.params import RecordId
from market.web.render import ip_of

SIGNUP_SENT = (
    "We have emailed a link to confirm the address. If it already has an account, the email says "
    "how to sign in instead."
)


class AuthAPI(Controller):
    path = "/api/v1/auth"
    opt = PUBLIC
    tags = ["accounts"]

    @post(
        "/signup",
        status_code=202,
        summary="Create a PA or recipient account",
        description="The answer is the same whether or not the email already has an account: "
        "a new account is sent a link to confirm the address, an existing one's owner is told "
        "how to sign in. Input that breaks a rule is a 422 naming each field.",
    )
    async def signup(
        self, request: Request, data: JSONBody[SignupInput], settings: NamedDependency[Settings]
    ) -> Message:
        await services.signup(data, settings, ip=ip_of(request))
        return Message(message=SIGNUP_SENT)

    @post("/login", status_code=200, summary="Sign in; the token goes in 'Authorization: Bearer'")
    async def login(
        self, request: Request, data: JSONBody[LoginInput], settings: NamedDependency[Settings]
    ) -> LoginOut:
        token, user, expires_at = await sessions.login(
            data, settings, ip=ip_of(request), user_agent=request.headers.get("user-agent", "")
        )
        return LoginOut(token=token, expires_at=expires_at, user=await services.get_user(user.id))

    @post("/sign-in-link", status_code=202, summary="Email a one-time sign-in link")
    async def request_sign_in_link(
        self, request: Request, data: JSONBody[EmailInput], settings: NamedDependency[Settings]
    ) -> Message:
        await services.request_sign_in_link(data.email, settings, ip=ip_of(request))
        return Message(message="If that email belongs to an account, a sign-in link has been sent.")

    @post("/sign-in-link/confirm", status_code=200, summary="Sign in with the emailed sign-in link's token")
    async def sign_in_with_link(
        self, request: Request, data: JSONBody[TokenInput], settings: NamedDependency[Settings]
    ) -> LoginOut:
        token, user, expires_at = await sessions.login_with_link(
            data.token, settings, ip=ip_of(request), user_agent=request.headers.get("user-agent", "")
        )
        return LoginOut(token=token, expires_at=expires_at, user=await services.get_user(user.id))

    @post("/verify-email", status_code=200, summary="Confirm an email address with the emailed token")
    async def verify_email(self, request: Request, data: JSONBody[TokenInput]) -> UserOut:
        return await services.verify_email(data.token, ip=ip_of(request))

    @post("/verify-email/resend", status_code=202, summary="Send a new confirmation link")
    async def resend(self, data: JSONBody[EmailInput], settings: NamedDependency[Settings]) -> Message:
        await services.resend_verification(data.email, settings)
        return Message(message="If that account needs confirming, a new link has been sent.")

    @post("/password-reset", status_code=202, summary="Email a password reset link")
    async def request_reset(
        self, request: Request, data: JSONBody[EmailInput], settings: NamedDependency[Settings]
    ) -> Message:
        await services.request_password_reset(data.email, settings, ip=ip_of(request))
        return Message(message="If that email belongs to an account, a reset link has been sent.")

    @post("/password-reset/confirm", status_code=200, summary="Set a new password with the emailed token")
    async def confirm_reset(
        self, request: Request, data: JSONBody[PasswordResetInput], settings: NamedDependency[Settings]
    ) -> UserOut:
        return await services.reset_password(data, settings, ip=ip_of(request))


class MeAPI(Controller):
    path = "/api/v1/me"
    opt = SIGNED_IN
    tags = ["accounts"]

    @get("/", summary="The signed-in account")
    async def me(self, request: Request) -> UserOut:
        return await services.get_user(request.user.id)

    @post("/logout", status_code=200, summary="End this session")
    async def logout(self, request: Request) -> Message:
        await sessions.logout(request.user, ip=ip_of(request))
        return Message(message="Signed out.")

    @post("/password", status_code=200, summary="Change password; ends every other session")
    async def change_password(self, request: Request, data: JSONBody[PasswordChangeInput]) -> Message:
        await services.change_password(request.user, data, ip=ip_of(request))
        return Message(message="Password changed.")

    @get("/sessions", summary="Where this account is signed in")
    async def list_sessions(self, request: Request) -> list[SessionOut]:
        return await sessions.list_sessions(request.user)

    @delete("/sessions/{session_id:int}", status_code=204, summary="Sign out one of your sessions")
    async def end_session(self, request: Request, session_id: RecordId) -> None:
        await sessions.end_session(request.user, session_id, ip=ip_of(request))


class UsersAPI(Controller):
    path = "/api/v1/users"
    opt = ADMIN
    tags = ["admin"]

    @get("/", summary="Accounts, newest first")
    async def list_users(
        self,
        role: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> list[UserOut]:
        return await listing.list_users(role=role or "", query=q or "")

    @post("/", status_code=201, summary="Create an account of any role (verified)")
    async def create(self, request: Request, data: JSONBody[NewUserInput]) -> UserOut:
        return await services.create_user(data, actor=request.user, ip=ip_of(request))

    @get("/{user_id:int}", summary="One account")
    async def get_user(self, user_id: RecordId) -> UserOut:
        return await services.get_user(user_id)


ROUTES: list[Any] = [AuthAPI, MeAPI, UsersAPI]
