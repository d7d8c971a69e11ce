"""The roles an account can have: the one list that guards, accounts and services share.

It sits below every feature and below ``market.web`` so that the guards (web) and the
services (features) can both name roles without importing each other.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["pa", "recipient", "staff", "trainer", "admin"]
ROLES: tuple[Role, ...] = ("pa", "recipient", "staff", "trainer", "admin")
SELF_SIGNUP_ROLES: tuple[Role, ...] = ("pa", "recipient")
STAFF_ROLES: tuple[Role, ...] = ("staff", "admin")
ROLE_NAMES: dict[str, str] = {
    "pa": "Personal assistant",
    "recipient": "Employer (recipient or someone acting for them)",
    "staff": "Recruitment-support staff",
    "trainer": "Trainer",
    "admin": "Administrator",
}
