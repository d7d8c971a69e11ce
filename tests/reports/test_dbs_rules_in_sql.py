"""The DBS rechecks overdue, counted in SQL (``dbs_figures.overdue_at``), agree PA by PA with
``market.dbs.rules`` applied in Python to what was known on the day, over a varied history:
certificates issued on either side of the day that decides whether they are still current
(month ends and 29 February among them), decisions made on the evening of the day or the
next morning, Update Service status checks that extend, stop, or come before the issue, two
status checks on one day, and PAs whose status changes on the day."""

import random
from datetime import UTC, date, datetime, timedelta

from market.dates import add_months
from market.dbs import rules
from market.dbs.standing import Policy
from market.dbs.tables import DBSCheck, StatusCheck
from market.dbs.worklist import WATCHED_STATUSES
from market.register.tables import StatusChange
from market.reports import dbs_figures
from market.reports.register_figures import end_moment
from tests.register.factories import make_pa

DAYS = (date(2026, 2, 28), date(2024, 2, 29), date(2026, 3, 31), date(2026, 1, 31), date(2025, 6, 30))
STATUSES = ("submitted", "changes_requested", "approved", "suspended", "withdrawn", "declined")
RESULTS = (*rules.CURRENT_RESULTS, *rules.STOPPING_RESULTS)
# The default, and one where a status check lasts longer than a certificate (so that a status
# check made on the day of issue can decide).
POLICIES = (Policy(), Policy(recheck_months=12, status_check_months=24))


def expected(
    day: date, policy: Policy, changes: list[dict], checks: list[dict], statuses: list[dict]
) -> set[int]:
    """The worklist's rules, one PA at a time."""
    moment = end_moment(day)
    latest_change: dict[int, dict] = {}
    for c in sorted(changes, key=lambda c: (c["changed_at"], c["id"])):
        if c["changed_at"] < moment:
            latest_change[c["profile"]] = c
    until: dict[int, date] = {}
    for check in checks:
        if check["decision"] != "suitable" or check["issued_on"] > day:
            continue
        if check["decided_at"] is not None and check["decided_at"] >= moment:
            continue
        views = tuple(
            rules.StatusCheckView(s["checked_on"], s["result"])
            for s in sorted(statuses, key=lambda s: (s["checked_on"], s["id"]))
            if s["dbs_check"] == check["id"] and s["checked_on"] <= day
        )
        facts = rules.CheckFacts(
            level="enhanced",
            barred_lists="adults",
            issued_on=check["issued_on"],
            decision="suitable",
            update_service=check["update_service"],
            status_checks=views,
        )
        last = rules.latest_status(facts)
        if last is not None and last.result in rules.STOPPING_RESULTS:
            continue
        current = rules.current_until(
            facts, recheck_months=policy.recheck_months, status_check_months=policy.status_check_months
        )
        until[check["profile"]] = max(until.get(check["profile"], date.min), current)
    return {
        profile
        for profile, last_day in until.items()
        if last_day < day
        and profile in latest_change
        and latest_change[profile]["to_status"] in WATCHED_STATUSES
    }


async def _history(rng: random.Random, profile: int) -> None:
    """A PA's statuses and checks around one of the DAYS: an old check that has run out, and
    others issued, decided and status-checked near the edges that decide whether it is current."""
    day = rng.choice(DAYS)
    moment = end_moment(day)
    moves = [("draft", "submitted", datetime(2020, 1, 1, 12, tzinfo=UTC))]
    moves.append(
        (
            "submitted",
            rng.choice(["approved", "approved", "changes_requested"]),
            moves[0][2] + timedelta(days=30),
        )
    )
    if rng.random() < 0.5:  # a change on the day, on either side of midnight in London
        moves.append((moves[-1][1], rng.choice(STATUSES), moment + timedelta(minutes=rng.choice([-1, 1]))))
    await StatusChange.insert(
        *[StatusChange(profile=profile, from_status=f, to_status=t, changed_at=w) for f, t, w in moves]
    )
    policy = rng.choice(POLICIES)
    recheck, status_months = policy.recheck_months, policy.status_check_months
    old = add_months(day, -recheck - 12)
    issued_days = [old] + [
        rng.choice([dbs_figures.fresh_from(day, recheck), day, day - timedelta(days=400)])
        + timedelta(days=rng.randint(-1, 1))
        for _ in range(rng.randint(0, 2))
    ]
    for issued in issued_days:
        decided_at = rng.choice(
            [
                datetime.combine(issued, datetime.min.time(), tzinfo=UTC) + timedelta(days=2),
                None,  # decided with no time recorded
                moment - timedelta(minutes=1),  # late on the day, London time
                moment + timedelta(hours=9),  # the next morning: not known on the day
            ]
        )
        decision = (
            "suitable" if issued == old or rng.random() < 0.8 else rng.choice(["pending", "not_suitable"])
        )
        (row,) = await DBSCheck.insert(
            DBSCheck(
                profile=profile,
                level="enhanced",
                barred_lists="adults",
                workforce="adult",
                certificate_number="000000000000",
                issued_on=issued,
                decision=decision,
                decided_at=decided_at if issued != old else decided_at or moment - timedelta(days=999),
                update_service=rng.random() < 0.7,
            )
        ).returning(DBSCheck.id)
        for _ in range(rng.randint(0, 3)):
            checked = rng.choice(
                [dbs_figures.fresh_from(day, status_months), day, issued, issued - timedelta(days=1)]
            ) + timedelta(days=rng.randint(-1, 1))
            # Two on one day, a stop and a "still current" in either order: the one recorded
            # last counts.
            results = rng.sample([rng.choice(rules.CURRENT_RESULTS), rng.choice(rules.STOPPING_RESULTS)], 2)
            for result in results if rng.random() < 0.4 else [rng.choice(RESULTS)]:
                await StatusCheck.insert(
                    StatusCheck(dbs_check=row["id"], checked_on=checked, result=result, checked_by=1)
                )


async def test_overdue_in_sql_agrees_with_the_rules(database):
    rng = random.Random(22)
    for _ in range(40):
        await _history(rng, (await make_pa(status="approved"))["id"])
    changes = await StatusChange.select(
        StatusChange.id, StatusChange.profile, StatusChange.to_status, StatusChange.changed_at
    )
    checks = await DBSCheck.select(
        DBSCheck.id,
        DBSCheck.profile,
        DBSCheck.issued_on,
        DBSCheck.decision,
        DBSCheck.decided_at,
        DBSCheck.update_service,
    )
    statuses = await StatusCheck.select(
        StatusCheck.id, StatusCheck.dbs_check, StatusCheck.checked_on, StatusCheck.result
    )
    found = set()
    for policy in POLICIES:
        for day in DAYS:
            for offset in (-1, 0, 1):
                at = day + timedelta(days=offset)
                want = expected(at, policy, changes, checks, statuses)
                assert await dbs_figures.overdue_at(at, policy) == want, (at, policy)
                found |= want
    assert len(found) > 10  # the history does hold overdue PAs, and some not overdue
