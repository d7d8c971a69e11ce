"""Account pages: sign up, confirm email, sign in and out, reset and change password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from market.accounts import services, sessions
from market.accounts.middleware import clear_session_cookie, session_cookie
from market.accounts.schemas import (
    ACTING_AS,
    EmailInput,
    LoginInput,
    PasswordChangeInput,
    PasswordResetInput,
    SignupInput,
)
from market.errors import Invalid
from market.settings import Settings
from market.web.forms import form_page, form_struct, read_form
from market.web.guards import PUBLIC, SIGNED_IN
from market.web.params import RecordId
from market.web.render import ip_of, render

DONE_MESSAGES = {
    "signed-out": "You have signed out.",
    "verified": "Your email address is confirmed. You can now sign in.",
    "password-reset": "Your password has been reset. Sign in with your new password.",
    "password-changed": "Your password has been changed. You have been signed out everywhere else.",
    "session-ended": "That device has been signed out.",
}


def done_message(code: str | None) -> str:
    return DONE_MESSAGES.get(code or "", "")


def safe_next(target: str | None) -> str:
    """Only our own paths: never another site (open redirect) or a protocol-relative URL."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/home"


class SignupPages(Controller):
    path = "/signup"
    opt = PUBLIC
    include_in_schema = False

    @get("/")
    async def form(self) -> Template:
        return render("accounts/signup.html", acting_as=ACTING_AS)

    @post("/")
    async def submit(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        data = await read_form(request)
        form_page(request, "accounts/signup.html", {"acting_as": ACTING_AS}, data)
        user = await services.signup(form_struct(data, SignupInput), settings, ip=ip_of(request))
        return render("accounts/check_email.html", email=user.email, purpose="verify")


class SignInPages(Controller):
    opt = PUBLIC
    include_in_schema = False

    @get("/login")
    async def login_form(
        self,
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return render("accounts/login.html", next_path=safe_next(next_path), flash=done_message(done))

    @post("/login")
    async def login(self, request: Request, settings: NamedDependency[Settings]) -> Template | Redirect:
        data = await read_form(request)
        next_path = safe_next(data.get("next"))
        values = {"email": data.get("email", "")}
        form_page(request, "accounts/login.html", {"next_path": next_path}, values)
        try:
            token, _, _ = await sessions.login(
                form_struct(data, LoginInput),
                settings,
                ip=ip_of(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except sessions.Unverified as unverified:
            await services.resend_verification(values["email"], settings)
            raise Invalid(
                {
                    "email": "Confirm your email address first: we have sent you a new link. "
                    "Check your inbox and spam folder."
                },
                unverified.detail,
            ) from None
        response = Redirect(next_path)
        response.set_cookie(session_cookie(settings, token, settings.session_days * 86400))
        return response


class SignOutPages(Controller):
    opt = SIGNED_IN
    include_in_schema = False

    @post("/logout")
    async def logout(self, request: Request, settings: NamedDependency[Settings]) -> Redirect:
        await sessions.logout(request.user, ip=ip_of(request))
        response = Redirect("/login?done=signed-out")
        response.set_cookie(clear_session_cookie(settings))
        return response


class EmailVerificationPages(Controller):
    path = "/verify-email"
    opt = PUBLIC
    include_in_schema = False

    @get("/resend")
    async def resend_form(self) -> Template:
        return render("accounts/resend.html")

    @post("/resend")
    async def resend(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        data = await read_form(request)
        form_page(request, "accounts/resend.html", {}, data)
        email = form_struct(data, EmailInput).email
        if problem := services.email_problem(services.normalise_email(email)):
            raise Invalid({"email": problem})
        await services.resend_verification(email, settings)
        return render("accounts/check_email.html", email=services.normalise_email(email), purpose="resend")

    @get("/{token:str}")
    async def confirm_form(self, token: FromPath[str]) -> Template:
        return render("accounts/verify.html", token=token)

    @post("/{token:str}")
    async def confirm(self, request: Request, token: FromPath[str]) -> Redirect:
        form_page(request, "accounts/verify.html", {"token": token}, {})
        await services.verify_email(token, ip=ip_of(request))
        return Redirect("/login?done=verified")


class PasswordResetPages(Controller):
    path = "/password"
    opt = PUBLIC
    include_in_schema = False

    @get("/forgot")
    async def forgot_form(self) -> Template:
        return render("accounts/forgot.html")

    @post("/forgot")
    async def forgot(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        data = await read_form(request)
        form_page(request, "accounts/forgot.html", {}, data)
        email = form_struct(data, EmailInput).email
        await services.request_password_reset(email, settings, ip=ip_of(request))
        return render("accounts/check_email.html", email=services.normalise_email(email), purpose="reset")

    @get("/reset/{token:str}")
    async def reset_form(self, token: FromPath[str]) -> Template:
        try:
            await services.check_reset_token(token)
        except Invalid as invalid:
            return render("accounts/link_problem.html", status_code=400, problem=invalid.errors["token"])
        return render("accounts/reset.html", token=token)

    @post("/reset/{token:str}")
    async def reset(
        self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        data = await read_form(request)
        form_page(request, "accounts/reset.html", {"token": token}, {})
        try:
            await services.reset_password(
                PasswordResetInput(token=token, password=data.get("password", "")),
                settings,
                ip=ip_of(request),
            )
        except Invalid as invalid:
            if "token" in invalid.errors:
                return render("accounts/link_problem.html", status_code=400, problem=invalid.errors["token"])
            raise
        return Redirect("/login?done=password-reset")


class AccountPages(Controller):
    path = "/account"
    opt = SIGNED_IN
    include_in_schema = False

    @get("/")
    async def account(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        user = await services.get_user(request.user.id)
        devices = await sessions.list_sessions(request.user)
        return render("accounts/account.html", account=user, devices=devices, flash=done_message(done))

    @get("/password")
    async def password_form(self) -> Template:
        return render("accounts/change_password.html")

    @post("/password")
    async def change_password(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "accounts/change_password.html", {}, {})
        await services.change_password(
            request.user, form_struct(data, PasswordChangeInput), ip=ip_of(request)
        )
        return Redirect("/account?done=password-changed")

    @post("/sessions/{session_id:int}/end")
    async def end_session(self, request: Request, session_id: RecordId) -> Redirect:
        await sessions.end_session(request.user, session_id, ip=ip_of(request))
        return Redirect("/account?done=session-ended")


ROUTES: list[Any] = [
    SignupPages,
    SignInPages,
    SignOutPages,
    EmailVerificationPages,
    PasswordResetPages,
    AccountPages,
]
