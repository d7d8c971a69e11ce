"""The reports page for staff and admins: choose a period (a financial year, one of its
quarters, or custom dates), read every figure with its definition, see each breakdown as a
chart and a table, and download the monitoring return (XLSX) or any section (CSV)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from market.audit import services as audit
from market.clock import london_today
from market.dates import DateProblem, parse_date_parts
from market.db import write_transaction
from market.errors import NotFound
from market.fields import whole_number
from market.reports import charts, exports, listings, periods, returns
from market.reports.periods import Period, PeriodError
from market.web.forms import form_errors
from market.web.guards import roles
from market.web.render import ip_of, render

KINDS = {"year": "A financial year", "quarter": "A quarter", "custom": "Other dates"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Where a period that has not started yet is reported, by the kind of period asked for.
NOT_STARTED_FIELD = {"year": "year", "quarter": "quarter", "custom": "from"}


def read_period(query: dict[str, str], today: date) -> tuple[Period, dict[str, str]]:
    """The period asked for (the current financial year when nothing is asked), read to today
    if it has not ended (``periods.so_far``), and the problems by field; the current financial
    year so far stands in when the period cannot be read."""
    this_year = periods.financial_year_of(today)
    kind = query.get("kind", "year")
    period: Period | None
    if kind == "custom":
        period, errors = _custom_period(query)
    elif kind in ("year", "quarter"):
        period, errors = _year_or_quarter(kind, query, this_year)
    else:
        period, errors = None, {"kind": "Select the kind of period"}
    if period is not None:
        try:
            return periods.so_far(period, today), errors
        except PeriodError as problem:
            errors = {**errors, NOT_STARTED_FIELD[kind]: str(problem)}
    return periods.so_far(periods.financial_year(this_year), today), errors


def _year_or_quarter(
    kind: str, query: dict[str, str], this_year: int
) -> tuple[Period | None, dict[str, str]]:
    year_text = query.get("year", str(this_year))
    year = whole_number(year_text) or 0
    if not 2000 <= year <= this_year + 1:
        return None, {"year": "Select a financial year from the list"}
    if kind == "year":
        return periods.financial_year(year), {}
    number = query.get("quarter", "")
    if number not in ("1", "2", "3", "4"):
        return None, {"quarter": "Select a quarter"}
    return periods.quarter(year, int(number)), {}


def _date_boxes(query: dict[str, str], prefix: str, label: str, errors: dict[str, str]) -> date | None:
    """One of the custom period's dates (``from`` or ``to``), its problem put in ``errors``."""
    try:
        day = parse_date_parts(
            query.get(f"{prefix}_day", ""),
            query.get(f"{prefix}_month", ""),
            query.get(f"{prefix}_year", ""),
            label,
        )
    except DateProblem as problem:
        errors[prefix] = str(problem)
        return None
    if day is None:
        errors[prefix] = f"Enter {label[:1].lower()}{label[1:]}"
    return day


def _custom_period(query: dict[str, str]) -> tuple[Period | None, dict[str, str]]:
    errors: dict[str, str] = {}
    start = _date_boxes(query, "from", "The start date", errors)
    end = _date_boxes(query, "to", "The end date", errors)
    if start and end:
        try:
            return periods.custom(start, end), errors
        except PeriodError as problem:
            errors["to"] = str(problem)
    return None, errors


class ReportPages(Controller):
    path = "/staff/reports"
    opt = roles("staff", "admin")
    include_in_schema = False

    async def _period(self, request: Request) -> tuple[Period, dict[str, str], dict[str, str]]:
        query = {k: str(v) for k, v in request.query_params.items()}
        period, errors = read_period(query, london_today())
        return period, errors, query

    @get("/")
    async def index(self, request: Request) -> Template:
        period, errors, query = await self._period(request)
        today = london_today()
        sections = await returns.monitoring_return(period, today)
        this_year = periods.financial_year_of(today)
        years = [(str(y), periods.financial_year(y).label) for y in range(this_year, this_year - 6, -1)]
        chart_svgs = {
            b.key: charts.bar_chart(b, "chart-" + b.key.replace(".", "-"))
            for s in sections
            for b in s.breakdowns
        }
        keep = urlencode({k: v for k, v in query.items() if v}) if not errors else ""
        return render(
            "reports/index.html",
            status_code=422 if errors else 200,
            period=period,
            sections=sections,
            charts=chart_svgs,
            kinds=KINDS,
            years=years,
            **form_errors(errors, {"kind": "year", "year": str(this_year), **query}),
            query=keep,
            admin=request.user.role == "admin",
        )

    @get("/return.xlsx")
    async def workbook(self, request: Request) -> Response[bytes]:
        period, errors, _ = await self._period(request)
        if errors:
            raise NotFound()
        sections = await returns.monitoring_return(period, london_today())
        staff_copy = request.query_params.get("copy") == "staff"
        return Response(
            exports.workbook(sections, period, for_staff=staff_copy),
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="{exports.return_file_name(period, for_staff=staff_copy)}"'
            },
        )

    @get("/register-listing.csv")
    async def register_listing(self, request: Request) -> Response[str]:
        """Staff: every PA on the register at the period's end, with skills and training."""
        period, errors, _ = await self._period(request)
        if errors:
            raise NotFound()
        headings, rows = await listings.register_listing(period)
        title = f"PAs on the register at the end of {period.label} ({period.end:%d/%m/%Y}): staff only"
        return Response(
            exports.table_csv(title, headings, rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="register-{period.end}-staff-only.csv"'},
        )

    @get("/people-supported.xlsx", opt=roles("admin"))
    async def people_supported(self, request: Request) -> Response[bytes]:
        """Admins only: the people supported, by name. Every download is audit-logged."""
        period, errors, _ = await self._period(request)
        if errors:
            raise NotFound()
        headings, rows = await listings.people_supported_list(period)
        async with write_transaction():
            await audit.record(
                "reports.people_supported_downloaded",
                actor=request.user,
                subject_type="report",
                subject_id="people_supported",
                detail={"from": period.start.isoformat(), "to": period.end.isoformat(), "people": len(rows)},
                ip=ip_of(request),
            )
        return Response(
            exports.table_xlsx("People supported", headings, rows),
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="people-supported-{period.start}-{period.end}-staff-only.xlsx"'
            },
        )

    @get("/csv/{section:str}")
    async def section_csv(self, request: Request, section: FromPath[str]) -> Response[str]:
        period, errors, _ = await self._period(request)
        chosen = next(
            (s for s in await returns.monitoring_return(period, london_today()) if s.key == section), None
        )
        if errors or chosen is None:
            raise NotFound()
        return Response(
            exports.section_csv(chosen, period),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{exports.section_file_name(chosen, period)}"'
            },
        )


ROUTES: list[Any] = [ReportPages]
