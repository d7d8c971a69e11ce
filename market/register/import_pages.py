"""Staff upload a CSV of PAs: check it, or import it, and see every problem by line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from market.accounts.schemas import CurrentUser
from market.errors import Invalid
from market.register import importer
from market.register.import_rows import is_mode
from market.settings import Settings
from market.web import imports
from market.web.forms import form_errors
from market.web.guards import STAFF
from market.web.render import render

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "register-import-example.csv"
PAGE_MODES = {
    "check": "Check the file only: nothing is added",
    "all": "Import the PAs, if every row is right",
}


@dataclass
class ImportForm:
    file: UploadFile | None = None
    mode: str = ""


async def _form_context() -> dict[str, Any]:
    return {
        "modes": PAGE_MODES,
        "columns": importer.COLUMNS,
        "codes": await importer.known_codes(),
        "max_rows": f"{importer.MAX_ROWS:,}",
        "max_mb": importer.MAX_BYTES // 1_048_576,
    }


async def _import(
    data: ImportForm, mode: str, *, settings: Settings, actor: CurrentUser
) -> importer.ImportReport:
    """Check or import the uploaded file; Invalid names what is wrong with the form or the
    file as a whole (problems in its rows are in the report)."""
    errors = {}
    upload = data.file if isinstance(data.file, UploadFile) else None
    if upload is None or not upload.filename:
        errors["file"] = "Select a CSV file"
    if not mode:
        errors["mode"] = "Select whether to check the file or import it"
    if errors:
        raise Invalid(errors)
    assert upload is not None
    content = await upload.read()
    if not content:
        raise Invalid({"file": "The selected file is empty"})
    if not is_mode(mode):
        raise Invalid({"mode": "Select whether to check the file or import it"})
    report = await importer.import_csv(
        content, file_name=upload.filename, settings=settings, actor=actor, mode=mode
    )
    if report.unreadable:
        raise Invalid({"file": " ".join(p.message for p in report.problems)})
    return report


def _summary(report: importer.ImportReport) -> str:
    """'3 problems in 2 rows, and in the heading row'."""
    rows = len(report.rejected)
    summary = f"{len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}"
    if rows:
        summary += f" in {rows} row{'s' if rows != 1 else ''}"
    if report.file_problems:
        summary += ", and in the heading row" if rows else " in the heading row"
    return summary


class RegisterImportPages(Controller):
    path = "/staff/register/import"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def form(self) -> Template:
        return render("register/import.html", values={"mode": "check"}, **await _form_context())

    # Room for a file a little over the limit, so its owner is told the limit, not refused.
    @post("/", request_max_body_size=importer.MAX_BYTES * 2)
    async def upload(
        self,
        request: Request,
        settings: NamedDependency[Settings],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        mode = data.mode if data.mode in PAGE_MODES else ""
        try:
            report = await _import(data, mode, settings=settings, actor=request.user)
        except Invalid as problem:
            return render(
                "register/import.html",
                status_code=422,
                **await _form_context(),
                **form_errors(problem, {"mode": mode}),
            )
        return imports.result_page(
            "register/import_result.html",
            report,
            summary=_summary(report),
            unchanged="nothing has been added",
        )

    @get("/example.csv")
    async def example(self) -> Response[bytes]:
        return imports.example_csv(EXAMPLE, "register-import-example.csv")


ROUTES: list[Any] = [RegisterImportPages]
