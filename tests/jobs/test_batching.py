"""The jobs batch their writes: the training reminders commit a batch of completions at a time
(their claim, emails and audit events in one transaction), and the purges delete in batches.
Counted by the batches the job reports and the rows it leaves, never by the clock."""

from __future__ import annotations

from datetime import date, timedelta

from market.accounts import sessions
from market.accounts.tables import UserSession
from market.audit.tables import AuditEvent
from market.batching import BATCH, delete_in_batches
from market.clock import utcnow
from market.mail.tables import OutboxEmail
from market.training import reminders
from market.training.tables import Completion
from tests.register.factories import make_pa
from tests.training.test_reminders import TODAY, add, recorder


async def test_reminders_commit_in_batches_each_with_its_emails_and_audit_events(app, settings, create_user):
    who = await recorder(create_user)
    for _ in range(5):
        await add(await make_pa(), "moving_handling", date(2025, 3, 20), who)  # all due
    report = await reminders.send_due_report(settings, TODAY, batch=2)
    assert (report.sent, report.batches) == (5, 3)
    assert await OutboxEmail.count().where(OutboxEmail.kind == "training-reminder") == 5
    assert await AuditEvent.count().where(AuditEvent.action == "training.reminder_sent") == 5
    assert await Completion.count().where(Completion.reminder_sent_on == TODAY) == 5
    # Run again (or a second worker after the first): nothing twice.
    again = await reminders.send_due_report(settings, TODAY, batch=2)
    assert (again.sent, again.batches) == (0, 0)
    assert await OutboxEmail.count().where(OutboxEmail.kind == "training-reminder") == 5
    assert BATCH == reminders.BATCH == 500


async def test_expired_sessions_go_in_batches(app, create_user):
    user = await create_user()
    now = utcnow()
    await UserSession.insert(
        *(
            UserSession(
                user=user.id,
                token_hash=f"h{i}",
                expires_at=now - timedelta(days=1) if i < 7 else now + timedelta(days=1),
            )
            for i in range(9)
        )
    )
    assert await delete_in_batches(UserSession, UserSession.expires_at < now, size=3) == 7
    assert await UserSession.count() == 2
    assert await sessions.purge_expired(now) == 0
