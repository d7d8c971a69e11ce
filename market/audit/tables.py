from piccolo.columns import JSONB, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: who did what to which record, and when.

    The actor is copied by id and email rather than a foreign key, so the trail
    outlives the accounts it mentions.
    """

    id = Serial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_email = Varchar(length=254, default="")
    actor_role = Varchar(length=16, default="")
    action = Varchar(length=64, index=True)
    subject_type = Varchar(length=64, default="", index=True)
    subject_id = Varchar(length=64, default="", index=True)
    detail = JSONB(default="{}")
    ip = Varchar(length=45, default="")
