"""The account pages' posted forms, read into the inputs the services take.

Passwords are passed on exactly as typed (never stripped: a space can be part of one).
Sign-up and the admin's new account name every problem at once: the role, and the checks
on email, name and password that need no database (the service repeats them, and adds
whether the email is taken).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from market.accounts.schemas import (
    ACTING_AS,
    ActingAs,
    EmailInput,
    LoginInput,
    NewUserInput,
    PasswordChangeInput,
    PasswordResetInput,
    SignupInput,
    SignupRole,
)
from market.accounts.services import (
    ACTING_AS_MESSAGE,
    ROLE_MESSAGE,
    SIGNUP_ROLE_MESSAGE,
    email_problem,
    new_account_problems,
    normalise_email,
)
from market.errors import Invalid
from market.fields import FormReader
from market.roles import ROLES, SELF_SIGNUP_ROLES, Role


def without_passwords(values: Mapping[str, str]) -> dict[str, str]:
    """The input to fill a form again: a password is never sent back to the browser."""
    return {key: value for key, value in values.items() if "password" not in key}


def _account_fields(read: FormReader) -> tuple[str, str, str]:
    email, name, password = read.raw("email"), read.raw("display_name"), read.form.get("password", "")
    for field, message in new_account_problems(normalise_email(email), name, password).items():
        read.problem(field, message)
    return email, name, password


def signup_input(values: Mapping[str, str]) -> SignupInput:
    read = FormReader(values)
    email, name, password = _account_fields(read)
    role = read.choice("role", SELF_SIGNUP_ROLES, SIGNUP_ROLE_MESSAGE)
    acting_as = read.choice("acting_as", ACTING_AS, ACTING_AS_MESSAGE) if role == "recipient" else None
    read.done()
    return SignupInput(
        role=cast(SignupRole, role),
        acting_as=cast(ActingAs | None, acting_as),
        email=email,
        password=password,
        display_name=name,
    )


def new_user_input(values: Mapping[str, str]) -> NewUserInput:
    read = FormReader(values)
    email, name, password = _account_fields(read)
    role = read.choice("role", ROLES, ROLE_MESSAGE)
    read.done()
    return NewUserInput(role=cast(Role, role), email=email, display_name=name, password=password)


def login_input(values: Mapping[str, str]) -> LoginInput:
    return LoginInput(email=values.get("email", ""), password=values.get("password", ""))


def email_input(values: Mapping[str, str]) -> EmailInput:
    """An address to send a link to, which must look like one (the page says so at once)."""
    email = values.get("email", "")
    if problem := email_problem(normalise_email(email)):
        raise Invalid({"email": problem})
    return EmailInput(email=email)


def password_reset_input(values: Mapping[str, str], token: str) -> PasswordResetInput:
    return PasswordResetInput(token=token, password=values.get("password", ""))


def password_change_input(values: Mapping[str, str]) -> PasswordChangeInput:
    return PasswordChangeInput(
        current_password=values.get("current_password", ""), new_password=values.get("new_password", "")
    )
