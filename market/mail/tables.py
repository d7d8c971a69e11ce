from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxEmail(Table, tablename="mail_outbox"):
    """An email waiting to go, or gone. Written in the same transaction as the
    change that caused it, so a message is never lost or sent for a rolled-back change."""

    id = Serial(primary_key=True)
    to_address = Varchar(length=254, index=True)
    subject = Varchar(length=200)
    body_text = Text()
    kind = Varchar(length=32, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    claimed_until = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None, index=True)
    failed_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    # One optional text attachment (e.g. an interview's calendar file).
    attachment_name = Varchar(length=120, default="")
    attachment_type = Varchar(length=80, default="")
    attachment_text = Text(default="")
