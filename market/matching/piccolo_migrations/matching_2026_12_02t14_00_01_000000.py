"""Today's driving answers move into ``matching_need.driving`` (issue 21), losing nothing:

- the "The PA needs to drive" tick box (``driver_needed``) meant a licence and a car, so it
  becomes "own_car";
- a need requiring or preferring the skill "Driving (own car)" becomes "own_car", and one
  requiring or preferring "Driving (recipient's car)" becomes "recipients_car" (unless it
  already asks for the PA's own car, which asks more);
- those skills are removed from the needs' skill lists (the register's migration of the same
  day retired them: the driving question asks it now).

Every step is safe to run twice (the tests run them again on legacy rows).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Integer, Serial, Varchar
from piccolo.table import Table

ID = "2026-12-02T14:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "matching_need.driving from driver_needed and the driving skills"

OWN_CAR = "driving_own_car"
RECIPIENTS_CAR = "driving_recipients_car"


async def move_driving() -> None:
    # Snapshots of the tables as they are at this migration, not as they may become.
    class Skill(Table, tablename="register_skill"):
        id = Serial(primary_key=True)
        code = Varchar(length=48)

    class Need(Table, tablename="matching_need"):
        id = Serial(primary_key=True)
        driver_needed = Boolean()
        driving = Varchar(length=16)

    class NeedSkill(Table, tablename="matching_need_skill"):
        id = Serial(primary_key=True)
        need = Integer()
        skill = Integer()

    skills = {
        r["code"]: r["id"]
        for r in await Skill.select(Skill.id, Skill.code).where(Skill.code.is_in([OWN_CAR, RECIPIENTS_CAR]))
    }
    rows = (
        await NeedSkill.select(NeedSkill.id, NeedSkill.need, NeedSkill.skill).where(
            NeedSkill.skill.is_in(list(skills.values()))
        )
        if skills
        else []
    )
    ticked = [r["id"] for r in await Need.select(Need.id).where(Need.driver_needed.eq(True))]
    own_car = sorted(set(ticked) | {r["need"] for r in rows if r["skill"] == skills.get(OWN_CAR)})
    recipients_car = sorted(
        {r["need"] for r in rows if r["skill"] == skills.get(RECIPIENTS_CAR)} - set(own_car)
    )
    if own_car:
        await Need.update({Need.driving: "own_car"}).where(Need.id.is_in(own_car))
    if recipients_car:
        await Need.update({Need.driving: "recipients_car"}).where(
            Need.id.is_in(recipients_car) & (Need.driving == "none")
        )
    if rows:
        await NeedSkill.delete().where(NeedSkill.id.is_in([r["id"] for r in rows]))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    manager.add_raw(move_driving)
    return manager
