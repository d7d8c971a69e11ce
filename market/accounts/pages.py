"""Account pages: sign up, confirm email, sign in and out, reset and change password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from market.accounts import forms, services, sessions
from market.accounts.middleware import clear_session_cookie, session_cookie
from market.accounts.schemas import ACTING_AS
from market.errors import Invalid, RateLimited
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import PUBLIC, SIGNED_IN
from market.web.params import RecordId
from market.web.render import ip_of, render
from market.web.security import fresh_csrf_cookie

DONE_MESSAGES = {
    "signed-out": "You have signed out.",
    "verified": "Your email address is confirmed. You can now sign in.",
    "password-reset": "Your password has been reset. Sign in with your new password.",
    "password-changed": "Your password has been changed. You have been signed out everywhere else.",
    "session-ended": "That device has been signed out.",
}


def done_message(code: str | None) -> str:
    return DONE_MESSAGES.get(code or "", "")


def signed_in(target: str, settings: Settings, token: str) -> Redirect:
    """The response that signs someone in: the session cookie, and a new CSRF token."""
    response = Redirect(target)
    response.set_cookie(session_cookie(settings, token, settings.session_days * 86400))
    response.set_cookie(fresh_csrf_cookie(settings))
    return response


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
        values = await read_form(request)
        try:
            data = forms.signup_input(values)
            await services.signup(data, settings, ip=ip_of(request))
        except Invalid as problem:
            return render(
                "accounts/signup.html",
                status_code=422,
                acting_as=ACTING_AS,
                **form_errors(problem, forms.without_passwords(values)),
            )
        # The same answer whether or not the address already had an account.
        return render(
            "accounts/check_email.html", email=services.normalise_email(data.email), purpose="verify"
        )


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
        problem: Invalid | None = None
        try:
            token, _, _ = await sessions.login(
                forms.login_input(data),
                settings,
                ip=ip_of(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except sessions.Unverified:
            await services.resend_verification(values["email"], settings)
            problem = Invalid(
                {
                    "email": "Confirm your email address first: we have sent you a new link. "
                    "Check your inbox and spam folder."
                }
            )
        except RateLimited as limited:
            page = render(
                "accounts/login.html",
                status_code=429,
                next_path=next_path,
                throttled=True,
                **form_errors(Invalid({"email": limited.detail}), values),
            )
            page.headers["Retry-After"] = str(limited.retry_after or 60)
            return page
        except Invalid as invalid:
            problem = invalid
        if problem is not None:
            return render(
                "accounts/login.html", status_code=422, next_path=next_path, **form_errors(problem, values)
            )
        return signed_in(next_path, settings, token)


class SignInLinkPages(Controller):
    """Signing in with a one-time link emailed to the account's address: the way in for
    someone the rate limit has stopped (or who has forgotten their password)."""

    path = "/login/link"
    opt = PUBLIC
    include_in_schema = False

    @get("/")
    async def request_form(self) -> Template:
        return render("accounts/sign_in_link.html")

    @post("/")
    async def request_link(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        values = await read_form(request)
        try:
            email = forms.email_input(values).email
            await services.request_sign_in_link(email, settings, ip=ip_of(request))
        except Invalid as problem:
            return render("accounts/sign_in_link.html", status_code=422, **form_errors(problem, values))
        return render(
            "accounts/check_email.html",
            email=services.normalise_email(email),
            purpose="sign-in",
            minutes=int(services.SIGN_IN_LIFETIME.total_seconds() // 60),
        )

    @get("/{token:str}")
    async def confirm_form(self, token: FromPath[str]) -> Template:
        # Opening the link uses nothing (mail scanners open links); the button signs in.
        try:
            await services.check_sign_in_link(token)
        except Invalid as invalid:
            return render(
                "accounts/link_problem.html", status_code=400, problem=invalid.errors["token"], link="sign-in"
            )
        return render("accounts/sign_in_link_confirm.html", token=token)

    @post("/{token:str}")
    async def confirm(
        self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        try:
            session_token, _, _ = await sessions.login_with_link(
                token, settings, ip=ip_of(request), user_agent=request.headers.get("user-agent", "")
            )
        except Invalid as invalid:
            return render(
                "accounts/link_problem.html", status_code=400, problem=invalid.errors["token"], link="sign-in"
            )
        return signed_in("/home", settings, session_token)


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
        values = await read_form(request)
        try:
            email = forms.email_input(values).email
        except Invalid as problem:
            return render("accounts/resend.html", status_code=422, **form_errors(problem, values))
        await services.resend_verification(email, settings)
        return render("accounts/check_email.html", email=services.normalise_email(email), purpose="resend")

    @get("/{token:str}")
    async def confirm_form(self, token: FromPath[str]) -> Template:
        return render("accounts/verify.html", token=token)

    @post("/{token:str}")
    async def confirm(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        try:
            await services.verify_email(token, ip=ip_of(request))
        except Invalid as problem:
            return render("accounts/verify.html", status_code=422, token=token, **form_errors(problem, {}))
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
        values = await read_form(request)
        try:
            email = forms.email_input(values).email
            await services.request_password_reset(email, settings, ip=ip_of(request))
        except Invalid as problem:
            return render("accounts/forgot.html", status_code=422, **form_errors(problem, values))
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
        values = await read_form(request)
        try:
            await services.reset_password(
                forms.password_reset_input(values, token), settings, ip=ip_of(request)
            )
        except Invalid as problem:
            if "token" in problem.errors:
                return render("accounts/link_problem.html", status_code=400, problem=problem.errors["token"])
            return render("accounts/reset.html", status_code=422, token=token, **form_errors(problem, {}))
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
    async def change_password(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await services.change_password(
                request.user, forms.password_change_input(values), ip=ip_of(request)
            )
        except Invalid as problem:
            return render("accounts/change_password.html", status_code=422, **form_errors(problem, {}))
        return Redirect("/account?done=password-changed")

    @post("/sessions/{session_id:int}/end")
    async def end_session(self, request: Request, session_id: RecordId) -> Redirect:
        await sessions.end_session(request.user, session_id, ip=ip_of(request))
        return Redirect("/account?done=session-ended")


ROUTES: list[Any] = [
    SignupPages,
    SignInPages,
    SignInLinkPages,
    SignOutPages,
    EmailVerificationPages,
    PasswordResetPages,
    AccountPages,
]
