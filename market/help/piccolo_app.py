import os

from piccolo.conf.apps import AppConfig

from market.help.tables import Feedback

APP_CONFIG = AppConfig(
    app_name="help",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Feedback],
    migration_dependencies=[],
    commands=[],
)
