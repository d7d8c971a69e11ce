"""What comes in and goes out of the accounts feature."""

from __future__ import annotations

from datetime import datetime

import msgspec

from market.roles import ROLE_NAMES

# Who a recipient account belongs to: the person themselves, or who acts for them.
ACTING_AS = {
    "self": "I am looking for a PA for myself",
    "family": "I am a family member or friend acting for someone",
    "representative": "I am a representative (for example, an appointee or deputy)",
}


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
    email: str = ""
    password: str = ""
    display_name: str = ""
    role: str = ""
    acting_as: str = ""


class LoginInput(msgspec.Struct, kw_only=True):
    email: str = ""
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
    email: str = ""
    display_name: str = ""
    role: str = ""
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
