import os

from piccolo.conf.apps import AppConfig

from market.dbs.tables import DBSApplication, DBSCheck, DBSFee, DBSPermission, StatusCheck

APP_CONFIG = AppConfig(
    app_name="dbs",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[DBSCheck, StatusCheck, DBSApplication, DBSFee, DBSPermission],
    # audit: a migration closes duplicate applications with an audit event.
    migration_dependencies=[
        "market.accounts.piccolo_app",
        "market.audit.piccolo_app",
        "market.register.piccolo_app",
    ],
    commands=[],
)
