import json

from market.register.demo import DEMO_LIMITS, NEARBY, seed_register, summary
from market.register.schemas import WONT_DO, refused_skills
from market.register.tables import AvailabilitySlot, PAProfile, PASkill


async def test_the_demo_register_is_realistic_and_added_once(database):
    nearby = sum(count for count, *_ in NEARBY)  # the PAs round the demo needs
    assert await seed_register(count=60) == 60 + nearby
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
    # (driving for work contradicts either driving skill, so the codes alone do not say it)
    assert not [h for h in held if refused_skills([h["skill.code"]], limits[h["profile"]])]
    assert await seed_register(count=60) == 0  # idempotent
    assert (await summary()).startswith(f"Demo register: {60 + nearby} PAs")


async def test_every_demo_pas_rebuilt_status_today_is_its_stored_status(database):
    """Reports rebuild a PA's status at a moment from the status history, so the demo's
    history must end where the profile is: submitted, approved and suspended PAs alike."""
    from datetime import UTC, datetime

    from market.register.tables import StatusChange
    from market.reports.register_figures import holding_cte, raw

    await seed_register(count=120)
    stored = {r["id"]: r["status"] for r in await PAProfile.select(PAProfile.id, PAProfile.status)}
    assert {"approved", "submitted", "suspended", "draft"} <= set(stored.values())
    now = datetime.now(UTC)
    changes = await StatusChange.select().order_by(StatusChange.changed_at).order_by(StatusChange.id)
    rebuilt = dict.fromkeys(stored, "draft")
    for change in changes:
        assert change["changed_at"] < now
        assert change["from_status"] == rebuilt[change["profile"]], "the history reads in order"
        rebuilt[change["profile"]] = change["to_status"]
    assert rebuilt == stored
    # The reports' own reading of the history agrees: everyone approved is on the register.
    for status in ("approved", "suspended", "submitted"):
        rows = await raw(holding_cte("holding", (status,)) + "SELECT COUNT(*) AS n FROM holding", now, now)
        assert rows[0]["n"] == sum(s == status for s in stored.values())
