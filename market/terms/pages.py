"""The admin's school terms: the school years, each year's terms, half terms, holidays and
INSET days, and the CSV import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.terms import forms, importer, years
from market.terms.demo import DEMO_DATES as EXAMPLE
from market.terms.schemas import KINDS
from market.web import imports
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import RecordId
from market.web.render import ip_of, render

BASE = "/admin/terms"
DONE = {
    "year_added": "The school year has been added. Now add its terms and holidays.",
    "year_saved": "The school year has been saved.",
    "year_deleted": "The school year has been deleted.",
    "period_added": "The dates have been added.",
    "period_saved": "The dates have been saved.",
    "period_deleted": "The dates have been deleted.",
}
PAGE_MODES = {
    "check": "Check the file only: nothing is changed",
    "all": "Import the dates, if every row is right",
}


@dataclass
class ImportForm:
    file: UploadFile | None = None
    mode: str = ""


def _flash(done: str | None) -> str:
    return DONE.get(done or "", "")


class TermPages(Controller):
    path = BASE
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def listing(self, done: FromQuery[str | None] = None) -> Template:
        return render("terms/years.html", years=await years.school_years(), flash=_flash(done))

    @get("/new")
    async def new_year(self) -> Template:
        return render("terms/year_form.html", year=None)

    @post("/")
    async def add_year(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            year_id = await years.add_year(forms.year_input(values), actor=request.user, ip=ip_of(request))
        except Invalid as problem:
            return render("terms/year_form.html", status_code=422, year=None, **form_errors(problem, values))
        return Redirect(f"{BASE}/{year_id}?done=year_added")

    @get("/{year_id:int}")
    async def year(self, year_id: RecordId, done: FromQuery[str | None] = None) -> Template:
        return render("terms/year.html", year=await years.school_year(year_id), flash=_flash(done))

    @get("/{year_id:int}/edit")
    async def edit_year(self, year_id: RecordId) -> Template:
        year = await years.school_year(year_id)
        return render("terms/year_form.html", year=year, values=forms.year_values(year))

    @post("/{year_id:int}/edit")
    async def save_year(self, request: Request, year_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await years.update_year(year_id, forms.year_input(values), actor=request.user, ip=ip_of(request))
        except Invalid as problem:
            year = await years.school_year(year_id)
            return render("terms/year_form.html", status_code=422, year=year, **form_errors(problem, values))
        return Redirect(f"{BASE}/{year_id}?done=year_saved")

    @get("/{year_id:int}/delete")
    async def confirm_delete_year(self, year_id: RecordId) -> Template:
        return render("terms/delete.html", year=await years.school_year(year_id), period=None)

    @post("/{year_id:int}/delete")
    async def delete_year(self, request: Request, year_id: RecordId) -> Redirect:
        await years.delete_year(year_id, actor=request.user, ip=ip_of(request))
        return Redirect(f"{BASE}?done=year_deleted")

    @get("/{year_id:int}/periods/new")
    async def new_period(self, year_id: RecordId) -> Template:
        year = await years.school_year(year_id)
        return render("terms/period_form.html", year=year, period=None, kinds=KINDS)

    @post("/{year_id:int}/periods")
    async def add_period(self, request: Request, year_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await years.add_period(year_id, forms.period_input(values), actor=request.user, ip=ip_of(request))
        except Invalid as problem:
            year = await years.school_year(year_id)
            return render(
                "terms/period_form.html", status_code=422, year=year, period=None, kinds=KINDS,
                **form_errors(problem, values),
            )  # fmt: skip
        return Redirect(f"{BASE}/{year_id}?done=period_added")

    @get("/{year_id:int}/periods/{period_id:int}")
    async def edit_period(self, year_id: RecordId, period_id: RecordId) -> Template:
        year, period = await years.period(year_id, period_id)
        return render(
            "terms/period_form.html",
            year=year,
            period=period,
            kinds=KINDS,
            values=forms.period_values(period),
        )

    @post("/{year_id:int}/periods/{period_id:int}")
    async def save_period(
        self, request: Request, year_id: RecordId, period_id: RecordId
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await years.update_period(
                year_id, period_id, forms.period_input(values), actor=request.user, ip=ip_of(request)
            )
        except Invalid as problem:
            year, period = await years.period(year_id, period_id)
            return render(
                "terms/period_form.html", status_code=422, year=year, period=period, kinds=KINDS,
                **form_errors(problem, values),
            )  # fmt: skip
        return Redirect(f"{BASE}/{year_id}?done=period_saved")

    @get("/{year_id:int}/periods/{period_id:int}/delete")
    async def confirm_delete_period(self, year_id: RecordId, period_id: RecordId) -> Template:
        year, period = await years.period(year_id, period_id)
        return render("terms/delete.html", year=year, period=period)

    @post("/{year_id:int}/periods/{period_id:int}/delete")
    async def delete_period(self, request: Request, year_id: RecordId, period_id: RecordId) -> Redirect:
        await years.delete_period(year_id, period_id, actor=request.user, ip=ip_of(request))
        return Redirect(f"{BASE}/{year_id}?done=period_deleted")


def _import_context() -> dict[str, Any]:
    return {"modes": PAGE_MODES, "columns": importer.COLUMNS, "max_mb": importer.MAX_BYTES // 1_048_576}


async def _import(request: Request, upload: UploadFile | None, mode: str) -> importer.ImportReport:
    errors = {}
    if upload is None or not upload.filename:
        errors["file"] = "Select a CSV file"
    if not mode:
        errors["mode"] = "Select whether to check the file or import it"
    if errors or upload is None:
        raise Invalid(errors)
    content = await upload.read()
    if not content:
        raise Invalid({"file": "The selected file is empty"})
    report = await importer.import_csv(
        content, file_name=upload.filename, actor=request.user, mode=mode, ip=ip_of(request)
    )
    if report.unreadable:
        raise Invalid({"file": " ".join(p.message for p in report.problems)})
    return report


class TermImportPages(Controller):
    path = f"{BASE}/import"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def form(self) -> Template:
        return render("terms/import.html", values={"mode": "check"}, **_import_context())

    @post("/", request_max_body_size=importer.MAX_BYTES * 2)
    async def upload(
        self, request: Request, data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)]
    ) -> Template:
        mode = data.mode if data.mode in PAGE_MODES else ""
        upload = data.file if isinstance(data.file, UploadFile) else None
        try:
            report = await _import(request, upload, mode)
        except Invalid as problem:
            return render(
                "terms/import.html",
                status_code=422,
                **_import_context(),
                **form_errors(problem, {"mode": mode}),
            )
        return imports.result_page(
            "terms/import_result.html",
            report,
            summary=imports.lines_summary(report.problems),
            unchanged="nothing has been changed",
        )

    @get("/example.csv")
    async def example(self) -> Response[bytes]:
        return imports.example_csv(EXAMPLE, "school-terms-example.csv")


ROUTES: list[Any] = [TermImportPages, TermPages]
