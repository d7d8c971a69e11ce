"""The background jobs' bookkeeping: one row per job holding its lease (which process runs it
now, and until when) and its last run (when, how long, its outcome, message and error), so
that each job runs in one process at a time and keeps its interval across processes and
restarts. Table: JobState. Published service: ``market.worker.leases``. The jobs themselves,
and the loop that runs them, are ``market.jobs`` (it sits above every feature).
"""
