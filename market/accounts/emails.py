"""The accounts feature's emails: what each says, and the outbox kind it goes out as.

The kinds of the emails that carry a working link (``LINK_KINDS``) are what the outbox page
must never show anyone but the recipient: each link signs in, sets a password or confirms an
address. "account-exists" carries no link of its own.
"""

from __future__ import annotations

from market.mail import services as mail
from market.settings import Settings

VERIFY_KIND = "verify-email"
RESET_KIND = "password-reset"
SIGN_IN_KIND = "sign-in-link"
ACCOUNT_EXISTS_KIND = "account-exists"
# The importer's invitations (market.register.importer) go out as "register-invite".
LINK_KINDS = (VERIFY_KIND, RESET_KIND, SIGN_IN_KIND, "register-invite")


async def verification(settings: Settings, email: str, name: str, token: str) -> None:
    await mail.queue(
        email,
        f"Confirm your email address for the {settings.service_name}",
        f"Hello {name},\n\n"
        f"Confirm your email address to finish setting up your {settings.service_name} account:\n\n"
        f"{settings.base_url}/verify-email/{token}\n\n"
        f"The link works once and expires in {settings.token_hours} hours.\n"
        "If you did not sign up, you can ignore this email.\n",
        kind=VERIFY_KIND,
    )


async def account_exists(settings: Settings, email: str, name: str) -> None:
    await mail.queue(
        email,
        f"Someone tried to create a {settings.service_name} account with your email address",
        f"Hello {name},\n\n"
        f"Someone tried to create a {settings.service_name} account with this email address, "
        "which already has an account. If it was you, you do not need a new one: sign in at\n\n"
        f"{settings.base_url}/login\n\n"
        f"If you have forgotten your password, reset it at {settings.base_url}/password/forgot\n\n"
        "If it was not you, you can ignore this email: nothing has changed.\n",
        kind=ACCOUNT_EXISTS_KIND,
    )


async def password_reset(settings: Settings, email: str, name: str, token: str) -> None:
    await mail.queue(
        email,
        f"Reset your {settings.service_name} password",
        f"Hello {name},\n\n"
        "Someone (we hope you) asked to reset your password. Choose a new one here:\n\n"
        f"{settings.base_url}/password/reset/{token}\n\n"
        "The link works once and expires in 1 hour. If you did not ask, ignore this email: "
        "your password has not changed.\n",
        kind=RESET_KIND,
    )


async def sign_in_link(settings: Settings, email: str, name: str, token: str, minutes: int) -> None:
    await mail.queue(
        email,
        f"Your link to sign in to the {settings.service_name}",
        f"Hello {name},\n\n"
        "Someone (we hope you) asked for a link to sign in without your password. "
        "Sign in here:\n\n"
        f"{settings.base_url}/login/link/{token}\n\n"
        f"The link works once and expires in {minutes} minutes. If you did not ask, ignore "
        "this email: nobody can sign in without the link. If you keep getting these, reset "
        f"your password at {settings.base_url}/password/forgot\n",
        kind=SIGN_IN_KIND,
    )
