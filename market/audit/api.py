"""The audit log as JSON, for staff."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from market.audit import services
from market.audit.pages import parse_filter
from market.web.guards import STAFF


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
        actor: str | None = None,
        action: str | None = None,
        subject_type: str | None = None,
        subject_id: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        page: int = Parameter(default=1, ge=1),
        per_page: int = Parameter(default=50, ge=1, le=500),
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
