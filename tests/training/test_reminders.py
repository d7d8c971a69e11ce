"""Expiry reminders: once per completion, only for the latest of each course, claimed before
the email is queued, audit-logged."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.audit.tables import AuditEvent
from market.mail.tables import OutboxEmail
from market.register.tables import PAProfile
from market.training import completions, reminders
from market.training.tables import Completion, Course
from tests.register.factories import make_pa

TODAY = date(2026, 3, 10)


async def recorder(create_user) -> CurrentUser:
    user = await create_user("trainer")
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def add(pa: dict, code: str, completed_on: date, who: CurrentUser) -> int:
    course = await Course.select().where(Course.code == code).first()
    return await completions.add(pa["id"], course, completed_on, source="import", actor=who, verified=True)


def reminded(rows) -> list[str]:
    return sorted(r["to_address"] for r in rows)


async def test_a_reminder_is_sent_once_per_completion(app, settings, create_user):
    who = await recorder(create_user)
    pa = await make_pa()
    soon = await add(pa, "moving_handling", date(2025, 3, 20), who)  # expires 20 March 2026: in 10 days
    await add(pa, "first_aid", date(2025, 3, 20), who)  # 2028: not yet
    await add(pa, "fire_safety", date(2025, 3, 1), who)  # expired 1 March: too late to remind
    await add(pa, "diploma_l3", date(2020, 1, 1), who)  # never expires
    assert await reminders.send_due(settings, TODAY) == 1
    [mail] = await OutboxEmail.select().where(OutboxEmail.kind == "training-reminder")
    assert mail["to_address"] == pa["email"] and "Moving and handling" in mail["subject"]
    assert "20 March 2026" in mail["subject"] and "/profile/training" in mail["body_text"]
    row = await Completion.select().where(Completion.id == soon).first()
    assert row["reminder_sent_on"] == TODAY
    assert await reminders.send_due(settings, TODAY) == 0
    assert await reminders.send_due(settings, TODAY + timedelta(days=1)) == 0
    assert await OutboxEmail.count().where(OutboxEmail.kind == "training-reminder") == 1
    [event] = await AuditEvent.select().where(AuditEvent.action == "training.reminder_sent")
    assert event["subject_id"] == str(pa["id"]) and str(soon) in event["detail"]


async def test_the_reminder_period_is_the_setting(app, settings, create_user):
    who = await recorder(create_user)
    pa = await make_pa()
    await add(pa, "moving_handling", date(2025, 4, 9), who)  # expires 9 April: 30 days ahead
    await add(pa, "safeguarding_adults", date(2025, 4, 10), who)  # 31 days ahead
    assert settings.training_reminder_days == 30
    assert await reminders.send_due(settings, TODAY) == 1
    assert await reminders.send_due(settings, TODAY + timedelta(days=1)) == 1


async def test_a_renewed_course_does_not_remind_about_the_old_completion(app, settings, create_user):
    who = await recorder(create_user)
    pa = await make_pa()
    old = await add(pa, "moving_handling", date(2025, 3, 20), who)
    await add(pa, "moving_handling", date(2026, 3, 1), who)  # renewed: expires 2027
    # Renewed by an unverified claim counts too: the PA has done it again.
    await add(pa, "safeguarding_adults", date(2025, 3, 25), who)
    course = await Course.select().where(Course.code == "safeguarding_adults").first()
    await completions.add(pa["id"], course, date(2026, 3, 2), source="claim", actor=who, verified=False)
    assert await reminders.send_due(settings, TODAY) == 0
    assert (await Completion.select().where(Completion.id == old).first())["reminder_sent_on"] is None
    # A course that never expires supersedes an expiring one of the same course too.
    await Course.update({Course.validity_months: 12}).where(Course.code == "diploma_l3")
    expiring = await add(pa, "diploma_l3", date(2025, 3, 15), who)
    await Course.update({Course.validity_months: None}).where(Course.code == "diploma_l3")
    await add(pa, "diploma_l3", date(2025, 9, 1), who)
    assert await reminders.send_due(settings, TODAY) == 0
    assert (await Completion.select().where(Completion.id == expiring).first())["reminder_sent_on"] is None


async def test_withdrawn_and_inactive_pas_are_not_emailed(app, settings, create_user):
    who = await recorder(create_user)
    gone, off, here = await make_pa(status="withdrawn"), await make_pa(), await make_pa()
    await User.update({User.is_active: False}).where(User.id == off["user_id"])
    for pa in (gone, off, here):
        await add(pa, "moving_handling", date(2025, 3, 20), who)
    assert await reminders.send_due(settings, TODAY) == 1
    assert reminded(await OutboxEmail.select()) == [here["email"]]
    assert await PAProfile.count() == 3


async def test_two_workers_at_once_send_each_reminder_once(app, settings, create_user):
    who = await recorder(create_user)
    pas = [await make_pa() for _ in range(3)]
    for pa in pas:
        await add(pa, "moving_handling", date(2025, 3, 20), who)
    counts = await asyncio.gather(reminders.send_due(settings, TODAY), reminders.send_due(settings, TODAY))
    assert sum(counts) == 3
    assert reminded(await OutboxEmail.select()) == sorted(pa["email"] for pa in pas)
    assert await AuditEvent.count().where(AuditEvent.action == "training.reminder_sent") == 3
