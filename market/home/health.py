"""Service health, for load balancers and monitoring."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.response import Response

from market import db
from market.web.guards import PUBLIC


class Health(msgspec.Struct):
    status: str
    database: str


class HealthAPI(Controller):
    opt = PUBLIC
    tags = ["service"]

    @get("/healthz", summary="Whether the service and its database answer")
    async def healthz(self) -> Response[Health]:
        return await _health()


async def _health() -> Response[Health]:
    try:
        ok = await db.check()
    except Exception:  # noqa: BLE001 - any failure to reach the database is "down"
        ok = False
    status = 200 if ok else 503
    return Response(
        Health(status="ok" if ok else "unavailable", database="ok" if ok else "unreachable"),
        status_code=status,
    )


ROUTES: list[Any] = [HealthAPI]
