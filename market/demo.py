"""Demo accounts for every role, so a new user can look round at once."""

from __future__ import annotations

from market.accounts import services
from market.accounts.schemas import NewUserInput
from market.accounts.tables import User
from market.roles import Role
from market.settings import Settings

DEMO_PASSWORD = "demo-password-2026"

DEMO_ACCOUNTS: list[tuple[str, str, Role]] = [
    ("pa@demo.example", "Priya Shah", "pa"),
    ("recipient@demo.example", "Robert Evans", "recipient"),
    ("staff@demo.example", "Sam Taylor", "staff"),
    # Staff without the DBS permission: sees certificate numbers and dates of birth masked.
    ("support@demo.example", "Jo Green", "staff"),
    ("trainer@demo.example", "Tina Okafor", "trainer"),
    ("admin@demo.example", "Alex Morgan", "admin"),
]


async def seed(settings: Settings, *, only_if_empty: bool = False) -> int | None:
    """Create any missing demo account and the demo register; return how many accounts were
    made (None: skipped because the database is in use)."""
    if only_if_empty and await User.count() > 0:
        return None
    created = 0
    for email, name, role in DEMO_ACCOUNTS:
        if await User.exists().where(User.email == email):
            continue
        await services.create_user(
            NewUserInput(email=email, display_name=name, role=role, password=DEMO_PASSWORD)
        )
        created += 1
    # After the accounts: the demo staff member is who recorded the register's vetting checks.
    from market.register.demo import seed_register

    await seed_register()
    from market.dbs.demo import seed_dbs

    await seed_dbs()
    from market.training.demo import seed_training

    await seed_training()
    from market.terms.demo import seed_terms

    await seed_terms()
    from market.matching.demo import seed_needs, seed_pipeline

    await seed_needs()
    await seed_pipeline(settings)
    await _listed_pa_signs_in()
    return created


async def _listed_pa_signs_in() -> None:
    """Give the demo's PA on the register (``register.demo.LISTED_PA``) the demo password:
    pa@demo.example has no profile yet (it shows building one and sending it for checks), so
    without this no demo PA could see work near you."""
    from market.accounts.passwords import hash_password
    from market.register.demo import LISTED_PA

    row = await User.select(User.id, User.password_hash).where(User.email == LISTED_PA).first()
    if row is not None and row["password_hash"].startswith("!"):  # a demo PA's unusable hash
        await User.update({User.password_hash: hash_password(DEMO_PASSWORD)}).where(User.id == row["id"])


def print_logins() -> None:
    from market.register.demo import LISTED_PA

    print(f"Demo sign-ins (password for each: {DEMO_PASSWORD}):")
    for email, name, role in DEMO_ACCOUNTS:
        print(f"  {role:<10} {email:<26} {name}")
    print(f"  {'pa':<10} {LISTED_PA:<26} a PA on the register: work near you lists needs near them")
