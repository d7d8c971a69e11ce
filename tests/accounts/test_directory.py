"""The accounts feature's published lookups for other features."""

from __future__ import annotations

import pytest

from market.accounts import directory, services


async def test_users_and_emails_by_id_leave_closed_accounts_out_unless_asked(database, create_user):
    staff = await create_user("staff", email="Staff.One@Example.org")
    closed = await create_user("staff", email="closed@example.org")
    trainer = await create_user("trainer")
    admin = await create_user("admin")
    await services.set_active(closed.id, False, actor=_actor(admin))

    found = await directory.users([staff.id, closed.id, 999_999])
    assert set(found) == {staff.id, closed.id}
    assert found[staff.id].email == "staff.one@example.org" and found[staff.id].role == "staff"
    assert await directory.emails([staff.id, closed.id]) == {staff.id: "staff.one@example.org"}
    assert await directory.emails([closed.id], active_only=False) == {closed.id: "closed@example.org"}

    assert (await directory.user_by_email("  STAFF.one@example.org ")).id == staff.id
    assert await directory.user_by_email("nobody@example.org") is None
    assert set(await directory.users_by_email(["closed@example.org", "x@y.z"])) == {"closed@example.org"}

    assert sorted(await directory.active_staff_emails()) == sorted(["staff.one@example.org", admin.email])
    assert [u.id for u in await directory.active_with_roles("trainer")] == [trainer.id]


def _actor(user):
    from market.accounts.schemas import CurrentUser

    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def test_invited_accounts_are_made_in_bulk_and_no_password_opens_them(database):
    from market.accounts.passwords import verify_password
    from market.accounts.tables import User
    from market.clock import utcnow
    from market.errors import Invalid

    made = await services.create_invited_accounts(
        [("New.One@example.org", "New One"), ("two@example.org", "Two")], role="pa", verified_at=utcnow()
    )
    assert set(made) == {"new.one@example.org", "two@example.org"}
    assert (await directory.users(made.values()))[made["two@example.org"]].role == "pa"
    stored = (await User.select(User.password_hash).where(User.id == made["two@example.org"]).first())[
        "password_hash"
    ]
    assert stored.startswith("!")
    assert not any(verify_password(stored, guess) for guess in ("", "!", stored, stored[1:]))
    with pytest.raises(Invalid) as problem:
        await services.create_invited_accounts([("x@example.org", "X")], role="wizard", verified_at=utcnow())
    assert "role" in problem.value.errors
