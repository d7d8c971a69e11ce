"""The register's published lookups: what other features may know of a PA, read without
touching the register's tables and without creating a profile."""

from __future__ import annotations

from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.register import directory
from market.register.tables import PAProfile
from tests.register.factories import make_pa
from tests.support import PASSWORD


async def test_a_pa_is_found_by_account_and_named_by_profile(database):
    pa = await make_pa(name="Amira Hassan", postcode="PE1 1AB", status="submitted")
    ref = await directory.profile_of_user(pa["user_id"])
    assert ref == directory.ProfileRef(id=pa["id"], status="submitted")
    assert await directory.profile_id_of(pa["user_id"]) == pa["id"]
    assert await directory.profile_status(pa["id"]) == "submitted"
    assert await directory.names([pa["id"], 999_999]) == {
        pa["id"]: directory.PAName(display_name="Amira", full_name="Amira Hassan", district="PE1")
    }
    contact = await directory.contact(pa["id"])
    assert contact == directory.PAContact(user_id=pa["user_id"], email=pa["email"], name="Amira Hassan")
    assert await directory.names([]) == {} and await directory.contacts([]) == {}


async def test_an_account_without_a_profile_has_none_and_asking_creates_none(database):
    user = await accounts.create_user(
        NewUserInput(email="new.pa@example.org", display_name="New PA", role="pa", password=PASSWORD)
    )
    assert await directory.profile_of_user(user.id) is None
    assert await directory.profile_status(424_242) is None
    assert await PAProfile.count() == 0


async def test_ids_by_status_and_every_skill_including_retired(database):
    approved = await make_pa(status="approved")
    await make_pa(status="draft")
    suspended = await make_pa(status="suspended")
    assert await directory.ids_with_status("approved", "suspended") == sorted(
        [approved["id"], suspended["id"]]
    )
    skills = await directory.skills()
    assert "personal_care" in skills and skills["personal_care"].name
    active = await directory.skills(include_retired=False)
    assert set(active) <= set(skills) and all(s.active for s in active.values())


async def test_bulk_lookups_for_training_profiles_by_account_homes_and_skill_codes(database):
    first = await make_pa(skills={"personal_care": 2, "hoist": 1}, postcode="PE1 1AB")
    second = await make_pa(skills={"personal_care": 1})
    profiles = await directory.profile_ids_of([first["user_id"], second["user_id"], 999_999])
    assert profiles == {first["user_id"]: first["id"], second["user_id"]: second["id"]}
    home = await directory.home_of_user(first["user_id"])
    assert home is not None and home.profile_id == first["id"] and home.lat is not None
    assert await directory.home_of_user(999_999) is None
    codes = await directory.skill_codes([first["id"], second["id"]])
    assert sorted(codes[first["id"]]) == ["hoist", "personal_care"] and codes[second["id"]] == [
        "personal_care"
    ]
