import os

from piccolo.conf.apps import AppConfig

from market.matching.tables import (
    Application,
    Appointment,
    ChecklistItem,
    Interview,
    LearnedWeights,
    Need,
    NeedChange,
    NeedClientGroup,
    NeedCoverDate,
    NeedSkill,
    NeedSlot,
    OutcomeSnapshot,
    Recipient,
    RecipientAccess,
    StageChange,
)

APP_CONFIG = AppConfig(
    app_name="matching",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Recipient,
        RecipientAccess,
        Need,
        NeedSkill,
        NeedClientGroup,
        NeedSlot,
        NeedCoverDate,
        Application,
        StageChange,
        Interview,
        Appointment,
        ChecklistItem,
        OutcomeSnapshot,
        LearnedWeights,
        NeedChange,
    ],
    migration_dependencies=["market.accounts.piccolo_app", "market.register.piccolo_app"],
    commands=[],
)
