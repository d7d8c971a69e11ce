"""Training: the course catalogue, sessions trainers run, bookings, and each PA's record of
completed courses (from a session, an import, or the PA's own claim that staff verified)."""

from piccolo.columns import Boolean, Date, Float, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from market.accounts.tables import User
from market.register.tables import PAProfile, Skill


class Course(Table, tablename="training_course"):
    """A course or qualification. ``validity_months`` (None: never expires) is the setting an
    admin changes when the council's refresher interval differs; a change recomputes every
    expiry. ``default_validity_months`` is what the catalogue shipped with."""

    id = Serial(primary_key=True)
    code = Varchar(length=48, unique=True)
    name = Varchar(length=160)
    # care_certificate_standard | care_certificate | mandatory | specialist | qualification
    kind = Varchar(length=32, index=True)
    validity_months = Integer(null=True, default=None)
    default_validity_months = Integer(null=True, default=None)
    # "" | adults | children: counted as safeguarding training for the commissioner.
    safeguarding = Varchar(length=16, default="")
    qualification_level = Integer(null=True, default=None)
    description = Text(default="")
    active = Boolean(default=True)
    position = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class CourseSkill(Table, tablename="training_course_skill"):
    """A skill that depends on a course: listing the skill without the course is a gap."""

    id = Serial(primary_key=True)
    course = ForeignKey(references=Course, on_delete=OnDelete.cascade, index=True)
    skill = ForeignKey(references=Skill, on_delete=OnDelete.cascade, index=True)


class TrainingSession(Table, tablename="training_session"):
    id = Serial(primary_key=True)
    course = ForeignKey(references=Course, on_delete=OnDelete.restrict, index=True)
    trainer = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    venue = Varchar(length=200, default="")  # a place, or "" for online
    postcode = Varchar(length=8, default="")
    district = Varchar(length=4, default="")
    lat = Float(null=True, default=None)
    lon = Float(null=True, default=None)
    online_link = Varchar(length=300, default="")
    capacity = Integer()
    notes = Text(default="")
    # scheduled | cancelled | recorded (attendance taken)
    status = Varchar(length=16, default="scheduled", index=True)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Booking(Table, tablename="training_booking"):
    """A PA's place on a session, or on its waiting list."""

    id = Serial(primary_key=True)
    session = ForeignKey(references=TrainingSession, on_delete=OnDelete.cascade, index=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    # booked | waiting | cancelled | completed | attended (not completed) | absent
    status = Varchar(length=16, default="booked", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Completion(Table, tablename="training_completion"):
    """One course a PA completed. ``expires_on`` is computed from the course's validity."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    course = ForeignKey(references=Course, on_delete=OnDelete.restrict, index=True)
    completed_on = Date()
    expires_on = Date(null=True, default=None, index=True)
    evidence = Varchar(length=300, default="")  # a certificate or provider's reference
    certificate_number = Varchar(length=32, default="")  # ours, for completions from a session
    source = Varchar(length=16)  # session | import | claim
    session = ForeignKey(references=TrainingSession, on_delete=OnDelete.set_null, null=True, default=None)
    provider = Varchar(length=160, default="")
    recorded_by = Integer(null=True, default=None)
    verified_at = Timestamptz(null=True, default=None)
    verified_by = Integer(null=True, default=None)
    reminder_sent_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
