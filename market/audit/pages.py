"""Staff page to read and filter the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from market.audit import services
from market.dates import DateProblem, parse_date_text
from market.errors import Invalid
from market.web.forms import form_errors
from market.web.guards import STAFF
from market.web.params import PageNumber
from market.web.render import render

PER_PAGE = 50


def _date(name: str, raw: str | None, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        # The shared reader: ISO or 27/03/2027, and a year from 1900 to 2100 (the day after
        # 9999-12-31 would overflow when the search adds a day).
        return parse_date_text(raw, "The date")
    except DateProblem:
        errors[name] = "Enter a real date, like 2026-11-25"
        return None


def parse_filter(values: dict[str, str]) -> services.AuditFilter:
    errors: dict[str, str] = {}
    filters = services.AuditFilter(
        actor=values.get("actor", ""),
        action=values.get("action", ""),
        subject_type=values.get("subject_type", ""),
        subject_id=values.get("subject_id", ""),
        date_from=_date("date_from", values.get("date_from"), errors),
        date_to=_date("date_to", values.get("date_to"), errors),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = "The end date must be the same as or after the start date"
    if errors:
        raise Invalid(errors)
    return filters


class AuditPages(Controller):
    path = "/staff/audit"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def audit_log(
        self,
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        subject_type: FromQuery[str | None] = None,
        subject_id: FromQuery[str | None] = None,
        date_from: FromQuery[str | None] = None,
        date_to: FromQuery[str | None] = None,
        page: PageNumber = 1,
    ) -> Template:
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
        actions = await services.actions()
        try:
            filters = parse_filter(values)
        except Invalid as invalid:
            return render(
                "audit/log.html",
                status_code=422,
                events=[],
                total=0,
                page=1,
                pages=1,
                actions=actions,
                query="",
                **form_errors(invalid, values),
            )
        events, total = await services.search(filters, page=page, per_page=PER_PAGE)
        query = "&".join(f"{k}={v}" for k, v in values.items())
        return render(
            "audit/log.html",
            events=events,
            total=total,
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            actions=actions,
            values=values,
            query=query,
        )


ROUTES: list[Any] = [AuditPages]
