"""DBS checks: criminal-offence data under UK GDPR. Keep the minimum; see docs/dbs.md.

No certificate images, and never the details of what a certificate disclosed: only
"clear" or "information disclosed - reviewed", and a staff rationale that the sweep
deletes after the retention period.
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from market.accounts.tables import User
from market.register.tables import PAProfile


class DBSCheck(Table, tablename="dbs_check"):
    """One DBS certificate a PA holds, and staff's decision on it."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    level = Varchar(length=16)  # basic | standard | enhanced
    barred_lists = Varchar(length=16, default="none")  # none | adults | children | both
    workforce = Varchar(length=24, default="")  # adult | child | adult_and_child | other
    certificate_number = Varchar(length=12)
    issued_on = Date()
    # "clear" or "disclosed" (information disclosed - reviewed); never the details.
    certificate_result = Varchar(length=16, default="clear")
    update_service = Boolean(default=False)
    update_service_joined_on = Date(null=True, default=None)
    # What an Update Service status check needs besides the number.
    holder_surname = Varchar(length=100, default="")
    holder_birth_date = Date(null=True, default=None)
    consent_on = Date(null=True, default=None)
    consent_recorded_by = Integer(null=True, default=None)
    original_seen_at = Timestamptz(null=True, default=None)
    original_seen_by = Integer(null=True, default=None)
    decision = Varchar(length=16, default="pending")  # pending | suitable | not_suitable
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    # Readable only by staff with the DBS permission; deleted by the sweep after retention.
    rationale = Text(default="")
    rationale_deleted_at = Timestamptz(null=True, default=None)
    # The latest status check said NEW_INFO or found no match: the check fails every DBS
    # requirement, and is on staff's to-do list, until a later status check says current.
    stopped_at = Timestamptz(null=True, default=None)
    # Set by the sweep: the check's currency ran out; the PA was emailed before it did.
    expired_flagged_at = Timestamptz(null=True, default=None)
    reminder_sent_on = Date(null=True, default=None)
    recorded_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StatusCheck(Table, tablename="dbs_status_check"):
    """One online Update Service status check, as DBS answered it."""

    id = Serial(primary_key=True)
    dbs_check = ForeignKey(references=DBSCheck, on_delete=OnDelete.cascade, index=True)
    checked_on = Date()
    # BLANK_NO_NEW_INFO | NON_BLANK_NO_NEW_INFO | NEW_INFO | NO_MATCH
    result = Varchar(length=24)
    checked_by = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


class DBSApplication(Table, tablename="dbs_application"):
    """An application for a new certificate, step by step; its dates feed the reports."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    route = Varchar(length=16)  # service | own | employer
    level = Varchar(length=16, default="enhanced")
    workforce = Varchar(length=24, default="adult")
    barred_lists = Varchar(length=16, default="adults")
    # requested | id_verified | submitted | issued | seen | decided | withdrawn
    step = Varchar(length=16, default="requested", index=True)
    requested_on = Date()
    id_verified_on = Date(null=True, default=None)
    id_documents = Text(default="")
    id_verified_by = Integer(null=True, default=None)
    submitted_on = Date(null=True, default=None)
    umbrella_reference = Varchar(length=60, default="")
    issued_on = Date(null=True, default=None)
    dbs_check = ForeignKey(references=DBSCheck, on_delete=OnDelete.set_null, null=True, default=None)
    seen_on = Date(null=True, default=None)
    seen_by = Integer(null=True, default=None)
    decided_on = Date(null=True, default=None)
    withdrawn_on = Date(null=True, default=None)
    withdrawn_reason = Text(default="")
    # The step staff were last reminded about, so that each stuck step is reminded once.
    reminded_step = Varchar(length=16, default="")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class DBSFee(Table, tablename="dbs_fee"):
    """The fees shown to PAs: data an admin keeps up to date, not code."""

    id = Serial(primary_key=True)
    code = Varchar(length=32, unique=True)
    name = Varchar(length=120)
    amount_pence = Integer(default=0)
    note = Varchar(length=300, default="")
    position = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = Integer(null=True, default=None)


class DBSPermission(Table, tablename="dbs_permission"):
    """Staff who may read DBS rationales and record decisions (granted by an admin)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    granted_by = Integer(null=True, default=None)
    granted_at = Timestamptz(default=TimestamptzNow())
