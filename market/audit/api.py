"""The audit log as JSON, for staff."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from market.audit import services
from market.audit.pages import parse_filter
from market.web.guards import STAFF
from market.web.params import PageNumber


class AuditPage(msgspec.Struct, kw_only=True):
    total: int
    page: int
    per_page: int
    events: list[services.AuditRow]


class AuditAPI(Controller):
    path = "/api/v1/audit"
    opt = STAFF
    tags = ["audit"]

    @get("/", summary="Audit events matching every filter, newest first")
    async def events(
        self,
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        subject_type: FromQuery[str | None] = None,
        subject_id: FromQuery[str | None] = None,
        date_from: FromQuery[str | None] = None,
        date_to: FromQuery[str | None] = None,
        page: PageNumber = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> AuditPage:
        values = {
            k: v
            for k, v in {
                "actor": actor,
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "date_from": date_from,
                "date_to": date_to,
            }.items()
            if v
        }
        events, total = await services.search(parse_filter(values), page=page, per_page=per_page)
        return AuditPage(total=total, page=page, per_page=per_page, events=events)


ROUTES: list[Any] = [AuditAPI]
