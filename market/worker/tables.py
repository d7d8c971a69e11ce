from piccolo.columns import Float, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobState(Table, tablename="worker_job"):
    """One background job: who holds its lease, and how its last run went. The row is made by
    the first process to take the lease (one INSERT ... ON CONFLICT, market.worker.leases)."""

    id = Serial(primary_key=True)
    name = Varchar(length=64, unique=True)
    # The process holding the lease ("host:pid:tag"), "" when free; it lapses at lease_until.
    holder = Varchar(length=120, default="")
    lease_until = Timestamptz(null=True, default=None)
    last_started_at = Timestamptz(null=True, default=None)
    last_finished_at = Timestamptz(null=True, default=None)
    last_seconds = Float(null=True, default=None)
    # "" (never finished) | ok | failed
    last_outcome = Varchar(length=16, default="")
    last_message = Text(default="")
    last_error = Text(default="")
    last_holder = Varchar(length=120, default="")
