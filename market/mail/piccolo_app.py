import os

from piccolo.conf.apps import AppConfig

from market.mail.tables import OutboxEmail

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[OutboxEmail],
    migration_dependencies=[],
    commands=[],
)
