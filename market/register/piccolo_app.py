import os

from piccolo.conf.apps import AppConfig

from market.register.tables import (
    AvailabilitySlot,
    AwayPeriod,
    ClientGroup,
    Language,
    LanguageUnmapped,
    PAClientGroup,
    PAProfile,
    PASkill,
    ProfileChange,
    Qualification,
    Reference,
    ShortlistEntry,
    Skill,
    StatusChange,
    VettingCheck,
)

APP_CONFIG = AppConfig(
    app_name="register",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Skill,
        ClientGroup,
        PAProfile,
        PASkill,
        PAClientGroup,
        AvailabilitySlot,
        AwayPeriod,
        Qualification,
        VettingCheck,
        Reference,
        StatusChange,
        ShortlistEntry,
        ProfileChange,
        Language,
        LanguageUnmapped,
    ],
    migration_dependencies=["market.accounts.piccolo_app"],
    commands=[],
)
