"""The job lease: one holder at a time, taken in one statement (concurrent acquirers on both
databases), renewed by its holder, lapsing when a holder stops renewing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from market.worker import leases

NOW = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
MINUTES_5 = timedelta(minutes=5)


async def test_one_holder_at_a_time_until_it_gives_the_lease_back(database) -> None:
    assert await leases.acquire("DBS sweep", "a", now=NOW, lease_for=MINUTES_5)
    assert not await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=1), lease_for=MINUTES_5)
    # Another job's lease is its own.
    assert await leases.acquire("email delivery", "b", now=NOW, lease_for=MINUTES_5)
    assert await leases.finish("DBS sweep", "a", now=NOW, seconds=1.5, outcome=leases.OK, message="done")
    assert await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=1), lease_for=MINUTES_5)
    record = (await leases.records())["DBS sweep"]
    assert record.holder == "b" and record.last_outcome == "ok" and record.last_message == "done"


async def test_a_lapsed_lease_is_taken_over_and_its_old_holder_can_neither_renew_nor_finish(database) -> None:
    assert await leases.acquire("DBS sweep", "crashed", now=NOW, lease_for=MINUTES_5)
    assert not await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=4), lease_for=MINUTES_5)
    assert await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=6), lease_for=MINUTES_5)
    assert not await leases.renew("DBS sweep", "crashed", now=NOW + timedelta(minutes=7), lease_for=MINUTES_5)
    assert not await leases.finish("DBS sweep", "crashed", now=NOW, seconds=1, outcome=leases.OK)
    assert (await leases.records())["DBS sweep"].holder == "b"


async def test_renewal_keeps_the_lease_past_its_first_expiry(database) -> None:
    assert await leases.acquire("DBS sweep", "a", now=NOW, lease_for=MINUTES_5)
    assert await leases.renew("DBS sweep", "a", now=NOW + timedelta(minutes=4), lease_for=MINUTES_5)
    assert not await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=8), lease_for=MINUTES_5)
    assert await leases.acquire("DBS sweep", "b", now=NOW + timedelta(minutes=10), lease_for=MINUTES_5)


async def test_with_an_interval_the_lease_is_taken_only_when_the_job_is_due(database) -> None:
    day = timedelta(days=1)
    assert await leases.acquire("DBS sweep", "a", now=NOW, lease_for=MINUTES_5, every=day)
    await leases.finish("DBS sweep", "a", now=NOW, seconds=1, outcome=leases.OK)
    later = NOW + timedelta(hours=23)
    assert not await leases.acquire("DBS sweep", "b", now=later, lease_for=MINUTES_5, every=day)
    assert await leases.acquire("DBS sweep", "b", now=later, lease_for=MINUTES_5)  # forced: cron
    await leases.finish("DBS sweep", "b", now=later, seconds=1, outcome=leases.OK)
    assert not await leases.acquire("DBS sweep", "a", now=NOW + day, lease_for=MINUTES_5, every=day)
    assert await leases.acquire("DBS sweep", "a", now=later + day, lease_for=MINUTES_5, every=day)


async def test_concurrent_acquirers_at_the_same_instant_give_one_holder(database) -> None:
    """Ten processes asking for a never-taken lease (the row does not exist yet: the INSERT
    race) and then for a lapsed one (the UPDATE race): one wins each time."""
    for round_, now in enumerate((NOW, NOW + timedelta(hours=1))):
        won = await asyncio.gather(
            *(leases.acquire("DBS sweep", f"p{round_}-{i}", now=now, lease_for=MINUTES_5) for i in range(10))
        )
        assert sum(won) == 1, won
        holder = (await leases.records())["DBS sweep"].holder
        assert holder == f"p{round_}-{won.index(True)}"
