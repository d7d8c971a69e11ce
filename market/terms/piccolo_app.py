import os

from piccolo.conf.apps import AppConfig

from market.terms.tables import SchoolPeriod, SchoolYear

APP_CONFIG = AppConfig(
    app_name="terms",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[SchoolYear, SchoolPeriod],
    migration_dependencies=[],
    commands=[],
)
