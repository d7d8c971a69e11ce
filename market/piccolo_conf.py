"""piccolo's configuration: the app registry, and the engine (resolved lazily)."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

APP_REGISTRY = AppRegistry(
    apps=[
        "market.accounts.piccolo_app",
        "market.audit.piccolo_app",
        "market.mail.piccolo_app",
        "market.geo.piccolo_app",
        "market.register.piccolo_app",
        "market.dbs.piccolo_app",
        "market.training.piccolo_app",
        "market.matching.piccolo_app",
        "market.help.piccolo_app",
        "market.terms.piccolo_app",
        "market.worker.piccolo_app",
    ]
)


def __getattr__(name: str) -> Engine:
    # DB is looked up on each use so that market.db.activate() decides it.
    if name == "DB":
        from market.db import current_engine

        return current_engine()
    raise AttributeError(name)
