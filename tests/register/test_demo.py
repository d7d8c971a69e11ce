from market.register.demo import seed_register, summary
from market.register.tables import AvailabilitySlot, PAProfile, PASkill


async def test_the_demo_register_is_realistic_and_added_once(database):
    assert await seed_register(count=60) == 60
    statuses = {row["status"] for row in await PAProfile.select(PAProfile.status)}
    assert {"approved", "submitted"} <= statuses
    assert await PASkill.count() >= 60 * 3
    assert await AvailabilitySlot.count() >= 60
    districts = {row["district"] for row in await PAProfile.select(PAProfile.district)}
    assert all(d.startswith(("PE", "OX")) for d in districts) and len(districts) > 5
    assert await seed_register(count=60) == 0  # idempotent
    assert (await summary()).startswith("Demo register: 60 PAs")
