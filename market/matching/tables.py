"""Matching: the people supported (recipients), who acts for them, and what they need.

The pipeline's tables (applications, interviews, appointments) come later in this app.
Postcodes here are private: only the people who act for the recipient and staff see them;
everyone else gets the district.
"""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from market.accounts.tables import User
from market.register.tables import ClientGroup, PAProfile, Skill


class Recipient(Table, tablename="matching_recipient"):
    """The person supported. May have no login: family, a representative or staff act for them."""

    id = Serial(primary_key=True)
    display_name = Varchar(length=80)
    birth_date = Date(null=True, default=None)
    age_group = Varchar(length=16, default="adult")  # child | adult | older_adult
    postcode = Varchar(length=8, default="")
    sector = Varchar(length=6, default="", index=True)
    district = Varchar(length=4, default="", index=True)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    gender = Varchar(length=16, default="")
    notes = Text(default="")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Equality monitoring, optional: "" not given | the codes in schemas.DISABILITY / ETHNICITY.
    disability = Varchar(length=16, default="")
    ethnicity = Varchar(length=16, default="")


class RecipientAccess(Table, tablename="matching_recipient_access"):
    """A user who acts for a recipient: the person themselves, family, or a representative.
    Staff act for every recipient without a row here."""

    id = Serial(primary_key=True)
    recipient = ForeignKey(references=Recipient, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    relationship = Varchar(length=32, default="self")  # self | family | representative
    created_at = Timestamptz(default=TimestamptzNow())


class Need(Table, tablename="matching_need"):
    """What a recipient asks for: regular weekly support, or dated cover."""

    id = Serial(primary_key=True)
    recipient = ForeignKey(references=Recipient, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=120)
    description = Text(default="")
    kind = Varchar(length=16, default="regular")  # regular | cover
    postcode = Varchar(length=8, default="")
    sector = Varchar(length=6, default="", index=True)
    district = Varchar(length=4, default="", index=True)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    hours_per_week = DoublePrecision(null=True, default=None)
    shift_kinds = JSON(default="[]")
    start_date = Date(null=True, default=None)
    age_group = Varchar(length=16, default="adult")
    languages_required = JSON(default="[]")
    languages_preferred = JSON(default="[]")
    gender_preference = Varchar(length=8, default="")  # "" | woman | man
    gender_required = Boolean(default=False)
    # Unused since issue 21 (kept: dropping a column is not additive); ``driving`` says it.
    driver_needed = Boolean(default=False)
    driving = Varchar(length=16, default="none")  # none | recipients_car | own_car
    pets = Boolean(default=False)
    smoking = Boolean(default=False)
    personal_care = Boolean(default=False)
    max_rate_pence = Integer(null=True, default=None)
    rate_firm = Boolean(default=False)
    # Only PAs free at every one of the need's hours (else: free at some of them).
    all_hours = Boolean(default=False)
    max_distance_miles = Integer(default=10)
    year_pattern = Varchar(length=16, default="all_year")  # all_year | term_time | school_holidays
    # The DBS requirement in force: derived from the person, and raised by staff if need be.
    dbs_level = Varchar(length=16, default="basic")
    dbs_adults_barred = Boolean(default=False)
    dbs_children_barred = Boolean(default=False)
    dbs_raised = Boolean(default=False)
    status = Varchar(length=16, default="draft", index=True)
    version = Integer(default=1)
    # Recruitment-support cases (staff record these; they feed the reports).
    referral_source = Varchar(length=32, default="")
    referred_on = Date(null=True, default=None)
    first_contact_on = Date(null=True, default=None)
    support_set_up_on = Date(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    opened_at = Timestamptz(null=True, default=None)
    filled_at = Timestamptz(null=True, default=None)


class NeedSkill(Table, tablename="matching_need_skill"):
    id = Serial(primary_key=True)
    need = ForeignKey(references=Need, on_delete=OnDelete.cascade, index=True)
    skill = ForeignKey(references=Skill, on_delete=OnDelete.restrict, index=True)
    required = Boolean(default=False)


class NeedClientGroup(Table, tablename="matching_need_client_group"):
    id = Serial(primary_key=True)
    need = ForeignKey(references=Need, on_delete=OnDelete.cascade, index=True)
    group = ForeignKey(references=ClientGroup, on_delete=OnDelete.restrict, index=True)


class NeedSlot(Table, tablename="matching_need_slot"):
    """A weekly slot as minutes of the week, like the register's AvailabilitySlot (may wrap)."""

    id = Serial(primary_key=True)
    need = ForeignKey(references=Need, on_delete=OnDelete.cascade, index=True)
    start_minute = Integer()
    end_minute = Integer()


class NeedCoverDate(Table, tablename="matching_need_cover_date"):
    """One dated shift of a cover need. Minutes count from midnight at the start of ``on_date``;
    ``end_minute`` is always after ``start_minute`` and passes 1440 for an overnight shift."""

    id = Serial(primary_key=True)
    need = ForeignKey(references=Need, on_delete=OnDelete.cascade, index=True)
    on_date = Date()
    start_minute = Integer()
    end_minute = Integer()


class Application(Table, tablename="matching_application"):
    """One PA on one need's shortlist, carried through the pipeline. One row per (need, PA):
    a unique index made in the migration (piccolo has no composite unique column)."""

    id = Serial(primary_key=True)
    need = ForeignKey(references=Need, on_delete=OnDelete.cascade, index=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    # shortlisted | invited | accepted | declined | withdrawn | rejected
    stage = Varchar(length=16, default="shortlisted", index=True)
    version = Integer(default=1)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StageChange(Table, tablename="matching_stage_change"):
    """The dated history of an application: every move from one stage to another."""

    id = Serial(primary_key=True)
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    from_stage = Varchar(length=16, default="")
    to_stage = Varchar(length=16)
    reason = Text(default="")
    actor_id = Integer(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class Interview(Table, tablename="matching_interview"):
    """An interview booked for an application. Rescheduling changes it in place and bumps
    ``sequence`` (the calendar files' SEQUENCE, so calendars update the same event)."""

    id = Serial(primary_key=True)
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    minutes = Integer(default=60)
    mode = Varchar(length=16, default="in_person")  # in_person | video | phone
    place = Text(default="")  # the address or the video link, as the need's side wrote it
    attendees = Text(default="")
    status = Varchar(length=16, default="booked")  # booked | cancelled | held
    outcome_notes = Text(default="")
    sequence = Integer(default=0)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Appointment(Table, tablename="matching_appointment"):
    """The terms offered to a PA and, once they accept, of their appointment."""

    id = Serial(primary_key=True)
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, unique=True)
    start_date = Date()
    hours_per_week = DoublePrecision()
    rate_pence = Integer()
    notes = Text(default="")
    offered_at = Timestamptz(default=TimestamptzNow())
    appointed_at = Timestamptz(null=True, default=None)
    started_at = Timestamptz(null=True, default=None)
    # Offered for part of the need's hours: whether the need stays open for the rest once
    # the PA accepts (None when the offer covers them all: the need is then filled).
    keep_need_open = Boolean(null=True, default=None)


class ChecklistItem(Table, tablename="matching_checklist_item"):
    """One safe-recruitment check for an appointment: done (when, by whom, a note) or, for
    at most one item, overridden by staff with a recorded reason."""

    id = Serial(primary_key=True)
    appointment = ForeignKey(references=Appointment, on_delete=OnDelete.cascade, index=True)
    item = Varchar(length=32)
    done_on = Date(null=True, default=None)
    note = Text(default="")
    overridden = Boolean(default=False)
    override_reason = Text(default="")
    actor_id = Integer(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class OutcomeSnapshot(Table, tablename="matching_outcome_snapshot"):
    """The engine's factors for a (need, PA) pair at the moment a pipeline step happened:
    what ``market matching train`` learns from."""

    id = Serial(primary_key=True)
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    need_id = Integer(index=True)
    profile_id = Integer()
    stage = Varchar(length=16)
    factors = JSON(default="{}")
    score = DoublePrecision(default=0.0)
    at = Timestamptz(default=TimestamptzNow())


class LearnedWeights(Table, tablename="matching_learned_weights"):
    """One run of ``market matching train``: the weights it fitted and how they did on
    held-out outcomes against the defaults. The newest row with ``in_use`` is used."""

    id = Serial(primary_key=True)
    weights = JSON(default="{}")
    outcomes = Integer(default=0)
    ndcg_learned = DoublePrecision(default=0.0)
    ndcg_default = DoublePrecision(default=0.0)
    in_use = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class NeedChange(Table, tablename="matching_need_change"):
    """A log of changes to what work near you sees of a need (its fields, skills, client
    groups, times, status): each web worker patches its needs index with the rows after the
    last one it applied (``market.matching.needs.changes``). ``need`` 0 means "every need"
    (rebuild). Not a foreign key, so that the log outlives a deleted need."""

    id = Serial(primary_key=True)
    need = Integer(index=True)
    at = Timestamptz(default=TimestamptzNow())
