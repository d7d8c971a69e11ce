import json

from market.register.demo import DEMO_LIMITS, seed_register, summary
from market.register.schemas import WONT_DO
from market.register.tables import AvailabilitySlot, PAProfile, PASkill


async def test_the_demo_register_is_realistic_and_added_once(database):
    assert await seed_register(count=60) == 60
    statuses = {row["status"] for row in await PAProfile.select(PAProfile.status)}
    assert {"approved", "submitted"} <= statuses
    assert await PASkill.count() >= 60 * 3
    assert await AvailabilitySlot.count() >= 60
    districts = {row["district"] for row in await PAProfile.select(PAProfile.district)}
    assert all(d.startswith(("PE", "OX")) for d in districts) and len(districts) > 5
    # Some PAs have their own limits (one or two kinds of work they will not do), and some
    # work term time only; never a limit that contradicts a skill they hold.
    assert set(DEMO_LIMITS) <= set(WONT_DO)
    rows = await PAProfile.select(PAProfile.id, PAProfile.wont_do, PAProfile.year_pattern)
    limits = {
        r["id"]: json.loads(r["wont_do"]) if isinstance(r["wont_do"], str) else r["wont_do"] for r in rows
    }
    limited = [codes for codes in limits.values() if codes]
    assert 6 <= len(limited) <= 24 and all(1 <= len(codes) <= 2 for codes in limited)
    assert 2 <= sum(r["year_pattern"] == "term_time" for r in rows) <= 12
    held = await PASkill.select(PASkill.profile, PASkill.skill.code)
    assert not [h for h in held if h["skill.code"] in limits[h["profile"]]]
    assert await seed_register(count=60) == 0  # idempotent
    assert (await summary()).startswith("Demo register: 60 PAs")
