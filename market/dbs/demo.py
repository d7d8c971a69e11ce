"""Demo DBS data: certificates for the demo PAs, applications at each step, and the DBS
permission for the demo staff and admin accounts.

Every PA on the register has a current enhanced check decided suitable (some falling due
soon, some on the Update Service), with the children's barred list for those who work with
children, so that "everyone listed has been checked" is true. The DBS lists still have work:
the suspended PAs' checks are overdue, stopped by a status check or waiting for a decision,
and the PAs waiting for checks have applications under way."""

from __future__ import annotations

import random
from datetime import date, timedelta

from market.accounts.tables import User
from market.clock import at_london_noon, london_today, utcnow
from market.db import write_transaction
from market.dbs.tables import DBSApplication, DBSCheck, DBSPermission, StatusCheck
from market.register.demo import DEMO_DOMAIN
from market.register.tables import PAProfile, PASkill

# What the suspended PAs' checks show, in turn: work for the DBS worklist.
SUSPENDED_CHECKS = ("overdue", "stopped", "pending")

PERMITTED = ("staff@demo.example", "admin@demo.example")


async def seed_dbs(*, seed: int = 2026) -> int:
    """Add demo DBS records unless there are some; return how many certificates were added."""
    staff = await User.select(User.id, User.email).where(User.email.is_in(list(PERMITTED)))
    for person in staff:
        if not await DBSPermission.exists().where(DBSPermission.user == person["id"]):
            await DBSPermission.insert(DBSPermission(user=person["id"]))
    if await DBSCheck.exists():
        return 0
    by = staff[0]["id"] if staff else None
    rng = random.Random(seed)
    today = london_today()
    profiles = (
        await PAProfile.select(PAProfile.id, PAProfile.status)
        .where(PAProfile.user.email.like(f"%@{DEMO_DOMAIN}"))
        .order_by(PAProfile.id)
    )
    with_children = {
        r["profile"] for r in await PASkill.select(PASkill.profile).where(PASkill.skill.code == "children")
    }
    added = suspended = 0
    async with write_transaction():
        for profile in profiles:
            if profile["status"] in ("approved", "suspended"):
                standing = "current"
                if profile["status"] == "suspended":
                    standing = SUSPENDED_CHECKS[suspended % len(SUSPENDED_CHECKS)]
                    suspended += 1
                await _certificate(rng, profile["id"], today, by, standing, profile["id"] in with_children)
                added += 1
            elif profile["status"] == "submitted":
                await _application(rng, profile["id"], today, by)
    return added


def _issued(rng: random.Random, today: date, standing: str) -> date:
    """A current check is under three years old (at least a fortnight left); an overdue one
    is older, with no Update Service to carry it on."""
    if standing == "overdue":
        return today - timedelta(days=rng.randint(1120, 1300))
    if standing == "pending":
        return today - timedelta(days=rng.randint(5, 20))
    if standing == "stopped":  # older than any status check made since (at most 300 days ago)
        return today - timedelta(days=rng.randint(400, 900))
    return today - timedelta(days=rng.randint(10, 1080))


async def _certificate(
    rng: random.Random, profile_id: int, today: date, by: int | None, standing: str, children: bool
) -> None:
    barred = "both" if children else rng.choices(("adults", "both"), weights=(80, 20))[0]
    issued = _issued(rng, today, standing)
    subscribed = standing == "stopped" or (standing == "current" and rng.random() < 0.4)
    decision = "pending" if standing == "pending" else "suitable"
    row = await DBSCheck.insert(
        DBSCheck(
            profile=profile_id,
            level="enhanced",
            barred_lists=barred,
            workforce={"adults": "adult", "children": "child", "both": "adult_and_child"}[barred],
            certificate_number=f"{rng.randrange(10**11, 10**12):012d}",
            issued_on=issued,
            certificate_result="clear" if rng.random() < 0.93 else "disclosed",
            update_service=subscribed,
            update_service_joined_on=issued + timedelta(days=rng.randint(0, 25)) if subscribed else None,
            holder_surname="Demo" if subscribed else "",
            holder_birth_date=today.replace(year=today.year - rng.randint(22, 60)) if subscribed else None,
            consent_on=issued + timedelta(days=30) if subscribed else None,
            consent_recorded_by=by if subscribed else None,
            original_seen_at=at_london_noon(issued + timedelta(days=rng.randint(3, 20))),
            original_seen_by=by,
            decision=decision,
            decided_by=by if decision != "pending" else None,
            decided_at=at_london_noon(issued + timedelta(days=rng.randint(5, 25)))
            if decision != "pending"
            else None,
            recorded_by=by,
        )
    ).returning(DBSCheck.id)
    check_id = row[0]["id"]
    if subscribed and by:
        checked = today - timedelta(days=rng.randint(5, 300))
        if checked > issued:
            result = "NEW_INFO" if standing == "stopped" else "BLANK_NO_NEW_INFO"
            await StatusCheck.insert(
                StatusCheck(dbs_check=check_id, checked_on=checked, result=result, checked_by=by)
            )
            if result == "NEW_INFO":
                await DBSCheck.update({DBSCheck.stopped_at: utcnow()}).where(DBSCheck.id == check_id)


async def _application(rng: random.Random, profile_id: int, today: date, by: int | None) -> None:
    requested = today - timedelta(days=rng.randint(1, 60))
    step = rng.choice(("requested", "id_verified", "submitted"))
    verified = requested + timedelta(days=rng.randint(0, 5)) if step != "requested" else None
    submitted = verified + timedelta(days=rng.randint(0, 3)) if step == "submitted" and verified else None
    await DBSApplication.insert(
        DBSApplication(
            profile=profile_id,
            route=rng.choice(("service", "service", "own", "employer")),
            level="enhanced",
            workforce="adult",
            barred_lists="adults",
            step=step,
            requested_on=requested,
            id_verified_on=min(verified, today) if verified else None,
            id_documents="Passport, council tax bill" if verified else "",
            id_verified_by=by if verified else None,
            submitted_on=min(submitted, today) if submitted else None,
            umbrella_reference=f"UB-{rng.randrange(100000, 999999)}" if submitted else "",
            created_by=by,
        )
    )
