"""Trainers and staff upload a provider's CSV of completions: check it, or import it, and
see every problem by line and column (the JSON API for the same import: ``import_api``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from market.clock import london_today
from market.errors import Invalid
from market.training import claims, importer, records
from market.web import imports
from market.web.forms import form_errors
from market.web.guards import roles
from market.web.render import render

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "training-import-example.csv"
PAGE_MODES = {
    "check": "Check the file only: nothing is added",
    "all": "Import the training records, if every row is right",
}
IMPORTERS = roles(*claims.VERIFIERS)


@dataclass
class ImportForm:
    file: UploadFile | None = None
    mode: str = ""


async def _form_context() -> dict[str, Any]:
    return {
        "modes": PAGE_MODES,
        "columns": importer.COLUMNS,
        "courses": await records.active_courses(),
        "max_rows": f"{importer.MAX_ROWS:,}",
        "max_mb": importer.MAX_BYTES // 1_048_576,
    }


async def _import(request: Request, upload: UploadFile | None, mode: str) -> importer.ImportReport:
    """Check or import the uploaded file; Invalid names what is wrong with the form or file."""
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
        content, file_name=upload.filename, actor=request.user, mode=mode, today=london_today()
    )
    if report.unreadable:
        raise Invalid({"file": " ".join(p.message for p in report.problems)})
    return report


class TrainingImportPages(Controller):
    path = "/training/import"
    opt = IMPORTERS
    include_in_schema = False

    @get("/")
    async def form(self) -> Template:
        return render("training/import.html", values={"mode": "check"}, **await _form_context())

    # Room for a file a little over the limit, so its owner is told the limit, not refused.
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
                "training/import.html",
                status_code=422,
                **await _form_context(),
                **form_errors(problem, {"mode": mode}),
            )
        return imports.result_page(
            "training/import_result.html",
            report,
            summary=imports.lines_summary(report.problems),
            unchanged="nothing has been added",
        )

    @get("/example.csv")
    async def example(self) -> Response[bytes]:
        return imports.example_csv(EXAMPLE, "training-import-example.csv")


ROUTES: list[Any] = [TrainingImportPages]
