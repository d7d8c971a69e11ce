"""Driving, said plainly (issue 21): a PA's business insurance for their car, and the two
driving skills retired into the profile's own answers.

- ``register_pa_profile.car_insurance``: whether the car the PA can use for work has business
  use cover. None is "not said": it cannot be inferred from anything stored before, so it
  stays unanswered and the PA's home page asks those with a car to answer it.
- A PA who listed "Driving (own car)" drives their own car: they get a licence and a car. A PA
  who listed "Driving (recipient's car)" drives: a licence. Neither answer is ever cleared
  here (a PA who ticked the licence box keeps it). Their rows of those skills are then
  deleted: the profile says the same thing now, in the columns the engine reads.
- The two skills are deactivated, not deleted: deactivating is how the skill list already
  retires a skill (the pages and the API offer only active ones), a need's or a PA's old
  row could still refer to one (a foreign key that restricts deletion), and the codes stay
  reserved so that nobody adds a new skill with one of them meaning something else. The
  need's side (matching's migration of the same day) reads them by code afterwards.
- No change-log entry: the code that reads the new answers starts with this migration, and
  every worker builds its index from the tables when it starts.

Every step is safe to run twice (the tests run the raw steps again on legacy rows).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Integer, Serial, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "register_pa_profile.car_insurance; the driving skills move into licence and car"

OWN_CAR = "driving_own_car"
RECIPIENTS_CAR = "driving_recipients_car"
RETIRED = (OWN_CAR, RECIPIENTS_CAR)


async def move_driving_skills() -> None:
    # Snapshots of the tables as they are at this migration, not as they may become.
    class Skill(Table, tablename="register_skill"):
        id = Serial(primary_key=True)
        code = Varchar(length=48)
        active = Boolean()

    class PAProfile(Table, tablename="register_pa_profile"):
        id = Serial(primary_key=True)
        driving_licence = Boolean()
        has_car = Boolean()

    class PASkill(Table, tablename="register_pa_skill"):
        id = Serial(primary_key=True)
        profile = Integer()
        skill = Integer()

    skills = {
        r["code"]: r["id"]
        for r in await Skill.select(Skill.id, Skill.code).where(Skill.code.is_in(list(RETIRED)))
    }
    if not skills:
        return
    rows = await PASkill.select(PASkill.id, PASkill.profile, PASkill.skill).where(
        PASkill.skill.is_in(list(skills.values()))
    )
    own_car = sorted({r["profile"] for r in rows if r["skill"] == skills.get(OWN_CAR)})
    drivers = sorted({r["profile"] for r in rows})
    if own_car:
        await PAProfile.update({PAProfile.driving_licence: True, PAProfile.has_car: True}).where(
            PAProfile.id.is_in(own_car)
        )
    if drivers:
        await PAProfile.update({PAProfile.driving_licence: True}).where(PAProfile.id.is_in(drivers))
    if rows:
        await PASkill.delete().where(PASkill.id.is_in([r["id"] for r in rows]))
    await Skill.update({Skill.active: False}).where(Skill.id.is_in(list(skills.values())))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PAProfile",
        tablename="register_pa_profile",
        column_name="car_insurance",
        db_column_name="car_insurance",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_raw(move_driving_skills)
    return manager
