"""The feature packages the app is built from, in the order their routes are added, and
the lazy ``ROUTES`` each package exports.

A feature's ``__init__.py`` says what it owns and ends with
``__getattr__ = routes_of(__name__)``: ``market.<feature>.ROUTES`` is then its pages and
API controllers (from its ``routes.py``), imported only when the app asks for them. So
importing a service or the matching engine never drags in litestar.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# Every feature with routes (the development-only outbox is added by the app factory).
FEATURES = (
    "home",
    "accounts",
    "audit",
    "register",
    "search",
    "dbs",
    "training",
    "terms",
    "matching",
    "reports",
    "export",
    "help",
)


def routes_of(package: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves ``ROUTES`` from ``<package>.routes``."""

    def __getattr__(name: str) -> Any:
        if name == "ROUTES":
            return importlib.import_module(f"{package}.routes").ROUTES
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def all_routes(features: tuple[str, ...] = FEATURES) -> list[Any]:
    routes: list[Any] = []
    for feature in features:
        routes += importlib.import_module(f"market.{feature}").ROUTES
    return routes
