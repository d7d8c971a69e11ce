"""What comes in and goes out of the accounts feature."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

import msgspec

from market.roles import ROLE_NAMES, ROLES, SELF_SIGNUP_ROLES, Role

# Who a recipient account belongs to: the person themselves, or who acts for them.
ActingAs = Literal["self", "family", "representative"]
ACTING_AS = {
    "self": "I am looking for a PA for myself",
    "family": "I am a family member or friend acting for someone",
    "representative": "I am a representative (for example, an appointee or deputy)",
}
# The roles anyone may give themselves at sign-up; staff, trainer and admin are made by an admin.
SignupRole = Literal["pa", "recipient"]

# The label dicts the pages show must name exactly the codes the inputs accept.
assert tuple(ACTING_AS) == get_args(ActingAs)
assert get_args(SignupRole) == SELF_SIGNUP_ROLES
assert tuple(ROLE_NAMES) == get_args(Role) == ROLES

# Limits the service also checks (with messages for people); here they show in the OpenAPI schema.
EMAIL_MAX_LENGTH = 254
Email = Annotated[str, msgspec.Meta(max_length=EMAIL_MAX_LENGTH)]
DisplayName = Annotated[str, msgspec.Meta(max_length=120)]


class CurrentUser(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    email: str
    role: str
    display_name: str
    session_id: int = 0

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


class SignupInput(msgspec.Struct, kw_only=True):
    role: SignupRole
    # Only a recipient says who the PA is for; it is ignored for a PA.
    acting_as: ActingAs | None = None
    # Blank by default so that one answer names every missing field, not just the first.
    email: Email = ""
    password: str = ""
    display_name: DisplayName = ""


class LoginInput(msgspec.Struct, kw_only=True):
    email: Email = ""
    password: str = ""


class EmailInput(msgspec.Struct, kw_only=True):
    email: str = ""


class TokenInput(msgspec.Struct, kw_only=True):
    token: str = ""


class PasswordResetInput(msgspec.Struct, kw_only=True):
    token: str = ""
    password: str = ""


class PasswordChangeInput(msgspec.Struct, kw_only=True):
    current_password: str = ""
    new_password: str = ""


class NewUserInput(msgspec.Struct, kw_only=True):
    role: Role
    email: Email = ""
    display_name: DisplayName = ""
    password: str = ""


class UserOut(msgspec.Struct, kw_only=True):
    id: int
    email: str
    role: str
    display_name: str
    acting_as: str
    verified: bool
    is_active: bool
    created_at: datetime


class SessionOut(msgspec.Struct, kw_only=True):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str
    current: bool = False


class LoginOut(msgspec.Struct, kw_only=True):
    token: str
    expires_at: datetime
    user: UserOut


class Message(msgspec.Struct, kw_only=True):
    message: str
