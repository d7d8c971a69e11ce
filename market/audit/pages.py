"""Staff page to read and filter the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from market.audit import labels, services
from market.dates import DateProblem, parse_date_parts, parse_date_text
from market.errors import Invalid
from market.paging import PER_PAGE, Page, within
from market.web.forms import form_errors
from market.web.guards import STAFF
from market.web.params import PageNumber
from market.web.render import render


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


# The page's date filters are GOV.UK date inputs: a day, a month and a year box each.
DATE_FIELDS = {"date_from": "The start date", "date_to": "The end date"}
PART_NAMES = [f"{name}_{part}" for name in DATE_FIELDS for part in ("day", "month", "year")]


def page_dates(values: dict[str, str]) -> tuple[dict[str, date | None], dict[str, str]]:
    """The two dates typed as day, month and year, and an error for each that is not a date."""
    dates: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, label in DATE_FIELDS.items():
        try:
            dates[name] = parse_date_parts(
                values.get(f"{name}_day", ""),
                values.get(f"{name}_month", ""),
                values.get(f"{name}_year", ""),
                label,
            )
        except DateProblem as problem:
            dates[name], errors[name] = None, str(problem)
    return dates, errors


def page_filter(values: dict[str, str]) -> services.AuditFilter:
    """The page's filter form as a filter, naming every field problem at once."""
    dates, errors = page_dates(values)
    filters = services.AuditFilter(
        actor=values.get("actor", ""),
        action=values.get("action", ""),
        subject_type=values.get("subject_type", ""),
        subject_id=values.get("subject_id", ""),
        date_from=dates["date_from"],
        date_to=dates["date_to"],
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
    async def audit_log(self, request: Request, page: PageNumber = 1) -> Template:
        names = ("actor", "action", "subject_type", "subject_id", *PART_NAMES)
        values = {k: v for k in names if (v := request.query_params.get(k, "").strip())}
        actions = labels.choices(await services.actions())
        try:
            filters = page_filter(values)
        except Invalid as invalid:
            return render(
                "audit/log.html",
                status_code=422,
                events=Page(items=[], total=0),
                actions=actions,
                labels=labels,
                filters=values,
                **form_errors(invalid, values),
            )
        # A page past the end (an old link, a narrower filter) shows the last page.
        page = within(page, await services.count(filters), PER_PAGE)
        events, total = await services.search(filters, page=page, per_page=PER_PAGE)
        return render(
            "audit/log.html",
            events=Page(items=events, total=total, page=page, per_page=PER_PAGE),
            actions=actions,
            labels=labels,
            values=values,
            filters=values,
        )


ROUTES: list[Any] = [AuditPages]
