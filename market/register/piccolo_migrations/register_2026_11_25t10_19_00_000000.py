"""Seed the controlled lists: skills and client groups (admin can edit them later)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

ID = "2026-11-25T10:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed skills and client groups"

SKILLS = [
    ("personal_care", "Personal care"),
    ("hoist", "Moving and handling with a hoist"),
    ("medication", "Medication support"),
    ("peg_feeding", "PEG feeding"),
    ("catheter_stoma", "Catheter and stoma care"),
    ("epilepsy", "Epilepsy support"),
    ("dementia", "Dementia care"),
    ("autism", "Autism support"),
    ("learning_disability", "Learning disability support"),
    ("mental_health", "Mental health support"),
    ("behaviour", "Behaviour that challenges"),
    ("complex_health", "Complex health needs"),
    ("end_of_life", "End-of-life care"),
    ("children", "Children and young people"),
    ("bsl", "British Sign Language"),
    ("driving_own_car", "Driving (own car)"),
    ("driving_recipients_car", "Driving (recipient's car)"),
    ("meal_preparation", "Meal preparation"),
    ("domestic", "Domestic tasks"),
    ("shopping", "Shopping"),
    ("community", "Community and social activities"),
    ("sleeping_nights", "Sleeping nights"),
    ("waking_nights", "Waking nights"),
    ("live_in", "Live-in care"),
    ("respite", "Respite for family carers"),
]

CLIENT_GROUPS = [
    ("older_people", "Older people"),
    ("physical_disability", "Physical disability"),
    ("learning_disability", "Learning disability"),
    ("autism", "Autism"),
    ("mental_health", "Mental health"),
    ("sensory_impairment", "Sensory impairment"),
    ("dementia", "Dementia"),
    ("children", "Children and young people"),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def seed():
        # Snapshots of the tables as they are at this migration, not as they may become.
        class Skill(Table, tablename="register_skill"):
            code = Varchar(length=48)
            name = Varchar(length=120)
            position = Integer()

        class ClientGroup(Table, tablename="register_client_group"):
            code = Varchar(length=48)
            name = Varchar(length=120)
            position = Integer()

        await Skill.insert(*[Skill(code=c, name=n, position=i) for i, (c, n) in enumerate(SKILLS)])
        await ClientGroup.insert(
            *[ClientGroup(code=c, name=n, position=i) for i, (c, n) in enumerate(CLIENT_GROUPS)]
        )

    manager.add_raw(seed)
    return manager
