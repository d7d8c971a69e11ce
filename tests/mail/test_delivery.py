"""Delivery through a real SMTP server (aiosmtpd on a local port)."""

from datetime import timedelta

import msgspec
import pytest
from aiosmtpd.controller import Controller

from market.clock import utcnow
from market.mail import services as mail
from market.mail.tables import OutboxEmail
from tests.support import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_queued_email_is_delivered_over_smtp(database, smtp_server):
    controller, inbox = smtp_server
    settings = msgspec.structs.replace(database, smtp_host="127.0.0.1", smtp_port=controller.port)
    await mail.queue("jo@example.org", "Hello", "A body with a link: http://x/y", kind="test")
    report = await mail.deliver_due(settings)
    assert report == mail.DeliveryReport(sent=1)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message.rcpt_tos == ["jo@example.org"]
    assert b"Subject: Hello" in message.content and b"A body with a link" in message.content
    row = await OutboxEmail.select().first()
    assert row["sent_at"] is not None and row["attempts"] == 1
    # Sent once only: a second run finds nothing due.
    assert await mail.deliver_due(settings) == mail.DeliveryReport()
    assert len(inbox.messages) == 1


async def test_a_failed_send_is_retried_with_backoff_then_delivered(database, smtp_server):
    controller, inbox = smtp_server
    down = msgspec.structs.replace(database, smtp_host="127.0.0.1", smtp_port=free_port())
    await mail.queue("jo@example.org", "Hello", "Body")
    now = utcnow()
    assert await mail.deliver_due(down, now=now) == mail.DeliveryReport(retrying=1)
    row = await OutboxEmail.select().first()
    assert row["attempts"] == 1 and row["last_error"] and row["sent_at"] is None
    assert row["next_attempt_at"] >= now + timedelta(seconds=59)
    # Not due again until the backoff has passed, even with the server back.
    up = msgspec.structs.replace(down, smtp_port=controller.port)
    assert await mail.deliver_due(up, now=now + timedelta(seconds=30)) == mail.DeliveryReport()
    assert await mail.deliver_due(up, now=now + timedelta(minutes=2)) == mail.DeliveryReport(sent=1)
    assert len(inbox.messages) == 1


async def test_gives_up_after_the_last_attempt(database):
    down = msgspec.structs.replace(database, smtp_host="127.0.0.1", smtp_port=free_port())
    await mail.queue("jo@example.org", "Hello", "Body")
    moment = utcnow()
    for _ in range(mail.MAX_ATTEMPTS):
        await mail.deliver_due(down, now=moment)
        moment += mail.LONGEST_WAIT + timedelta(minutes=1)
    row = await OutboxEmail.select().first()
    assert row["failed_at"] is not None and row["attempts"] == mail.MAX_ATTEMPTS
    assert (await mail.get(row["id"])).status == "failed"


def test_backoff_doubles_up_to_a_ceiling():
    assert [mail.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert mail.backoff(30) == mail.LONGEST_WAIT


async def test_without_smtp_nothing_is_sent_and_staff_see_the_outbox(client, login_as):
    await mail.queue("jo@example.org", "Reset your password", "Link: http://testserver/password/reset/abc")
    await login_as("staff")
    page = await client.get("/staff/outbox")
    assert page.status_code == 200 and "Reset your password" in page.text and "Queued" in page.text
    row = await OutboxEmail.select().first()
    detail = await client.get(f"/staff/outbox/{row['id']}")
    assert detail.status_code == 200 and "/password/reset/abc" in detail.text
    assert (await client.get("/staff/outbox/999999")).status_code == 404
