import os

from piccolo.conf.apps import AppConfig

from market.accounts.tables import AccountToken, LoginThrottle, User, UserSession

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, UserSession, AccountToken, LoginThrottle],
    migration_dependencies=[],
    commands=[],
)
