import os

from piccolo.conf.apps import AppConfig

from market.training.tables import Booking, Completion, Course, CourseSkill, TrainingSession

APP_CONFIG = AppConfig(
    app_name="training",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Course, CourseSkill, TrainingSession, Booking, Completion],
    migration_dependencies=["market.accounts.piccolo_app", "market.register.piccolo_app"],
    commands=[],
)
