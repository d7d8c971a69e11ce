import os

from piccolo.conf.apps import AppConfig

from market.geo.tables import PlaceCache, Postcode, PostcodeImport

APP_CONFIG = AppConfig(
    app_name="geo",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Postcode, PostcodeImport, PlaceCache],
    migration_dependencies=[],
    commands=[],
)
