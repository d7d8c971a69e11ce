import os

from piccolo.conf.apps import AppConfig

from market.worker.tables import JobState

APP_CONFIG = AppConfig(
    app_name="worker",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[JobState],
    migration_dependencies=[],
    commands=[],
)
