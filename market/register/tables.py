"""The register: PA profiles and what hangs off them."""

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


class Skill(Table, tablename="register_skill"):
    """The controlled list of skills: seeded by a migration, editable by admin."""

    id = Serial(primary_key=True)
    code = Varchar(length=48, unique=True)
    name = Varchar(length=120)
    position = Integer(default=0)
    active = Boolean(default=True)


class Language(Table, tablename="register_language"):
    """The controlled list of languages (market.register.languages): seeded by a migration
    from the ONS Census 2021 main language classification, extended by admin. Profiles and
    needs store the ``code``; ``aliases`` (a JSON list) are the other names people type."""

    id = Serial(primary_key=True)
    code = Varchar(length=48, unique=True)
    name = Varchar(length=120)
    aliases = JSON(default="[]")
    position = Integer(default=0)
    active = Boolean(default=True)
    # "ons-census-2021", "added" (seeded beside the census list) or "admin".
    source = Varchar(length=24, default="admin")


class LanguageUnmapped(Table, tablename="register_language_unmapped"):
    """A free-text language, from before the list, that no language's name or alias
    matched: kept here, off the record, until staff map it to a language."""

    id = Serial(primary_key=True)
    # "profile" (register_pa_profile.languages) or "need" (matching_need's two lists).
    kind = Varchar(length=16)
    record_id = Integer()
    field = Varchar(length=32)
    text = Varchar(length=200)
    resolved_code = Varchar(length=48, default="")
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Integer(null=True, default=None)


class ClientGroup(Table, tablename="register_client_group"):
    id = Serial(primary_key=True)
    code = Varchar(length=48, unique=True)
    name = Varchar(length=120)
    position = Integer(default=0)


class PAProfile(Table, tablename="register_pa_profile"):
    """One PA's one-page profile. The home postcode is private: only the PA and staff see it."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True, index=True)
    status = Varchar(length=24, default="draft", index=True)
    display_name = Varchar(length=80, default="")
    headline = Varchar(length=150, default="")
    admire = Text(default="")
    matters = Text(default="")
    how_to_work = Text(default="")
    home_postcode = Varchar(length=8, default="")
    sector = Varchar(length=6, default="", index=True)
    district = Varchar(length=4, default="", index=True)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    travel_miles = Integer(null=True, default=None)
    driving_licence = Boolean(default=False)
    has_car = Boolean(default=False)
    # Business use cover for that car: None is "not said" (nothing before issue 21 told us).
    car_insurance = Boolean(null=True, default=None)
    min_rate_pence = Integer(null=True, default=None)
    employment = Varchar(length=16, default="")
    right_to_work_declared = Boolean(default=False)
    right_to_work_confirmed_at = Timestamptz(null=True, default=None)
    right_to_work_confirmed_by = Integer(null=True, default=None)
    earliest_start = Date(null=True, default=None)
    min_hours = Integer(null=True, default=None)
    max_hours = Integer(null=True, default=None)
    shift_kinds = JSON(default="[]")
    languages = JSON(default="[]")
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    # Used only to honour a recipient's stated gender preference; never shown as a filter otherwise.
    gender = Varchar(length=16, default="")
    approved_at = Timestamptz(null=True, default=None)
    approved_by = Integer(null=True, default=None)
    review_due_on = Date(null=True, default=None)
    # The latest reason given for a status change (changes asked for, suspension ...).
    status_reason = Text(default="")
    # The PA's own limits, as binding as a recipient's requirements: codes from
    # schemas.WONT_DO (work they will not do) and schemas.YEAR_PATTERNS.
    wont_do = JSON(default="[]")
    year_pattern = Varchar(length=24, default="all_year")


class PASkill(Table, tablename="register_pa_skill"):
    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    skill = ForeignKey(references=Skill, on_delete=OnDelete.restrict, index=True)
    years = Integer(default=0)


class PAClientGroup(Table, tablename="register_pa_client_group"):
    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    group = ForeignKey(references=ClientGroup, on_delete=OnDelete.restrict, index=True)


class AvailabilitySlot(Table, tablename="register_availability_slot"):
    """A weekly slot as minutes of the week (Monday 00:00 = 0); end <= start wraps past Sunday."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    start_minute = Integer()
    end_minute = Integer()


class AwayPeriod(Table, tablename="register_away_period"):
    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    starts_on = Date()
    ends_on = Date()
    note = Varchar(length=200, default="")


class Qualification(Table, tablename="register_qualification"):
    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=32)
    title = Varchar(length=200, default="")
    achieved_on = Date(null=True, default=None)
    verified_at = Timestamptz(null=True, default=None)
    verified_by = Integer(null=True, default=None)


class VettingCheck(Table, tablename="register_vetting_check"):
    """One check staff made before listing a PA: identity seen, right to work, interview ..."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=24)
    outcome = Varchar(length=24)
    note = Text(default="")
    checked_by = Integer()
    checked_at = Timestamptz(default=TimestamptzNow())


class Reference(Table, tablename="register_reference"):
    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    referee_name = Varchar(length=120)
    relationship = Varchar(length=120)
    contact = Varchar(length=200)
    outcome = Varchar(length=24, default="awaiting")
    received_on = Date(null=True, default=None)
    recorded_by = Integer(null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class StatusChange(Table, tablename="register_status_change"):
    """The history of a profile's status: who moved it, from what, to what, and why."""

    id = Serial(primary_key=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    from_status = Varchar(length=24)
    to_status = Varchar(length=24)
    reason = Text(default="")
    changed_by = Integer(null=True, default=None)
    changed_at = Timestamptz(default=TimestamptzNow())


class ShortlistEntry(Table, tablename="register_shortlist_entry"):
    """A PA someone looking for a PA has saved (the matching pipeline builds on it)."""

    id = Serial(primary_key=True)
    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    profile = ForeignKey(references=PAProfile, on_delete=OnDelete.cascade, index=True)
    note = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ProfileChange(Table, tablename="register_profile_change"):
    """A log of changes to what the matching engine sees of a PA (profile, status, skills,
    availability, DBS, training): each web worker patches its candidate index with the rows
    after the last one it applied. ``profile`` 0 means "everyone" (the vocabularies changed:
    rebuild). Not a foreign key, so that the log outlives a deleted profile."""

    id = Serial(primary_key=True)
    profile = Integer(index=True)
    at = Timestamptz(default=TimestamptzNow())
