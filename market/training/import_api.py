"""The JSON API for importing a provider's completions: the same import as the upload page,
with the CSV as text in the body."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody

from market.clock import london_today
from market.training import claims, importer
from market.training.schemas import ImportInput
from market.web.guards import roles


class TrainingImportAPI(Controller):
    path = "/api/v1/training/import"
    opt = roles(*claims.VERIFIERS)
    tags = ["training"]

    @post(
        "/",
        status_code=200,
        request_max_body_size=importer.MAX_BYTES * 3,
        summary="Import completions from CSV text; dry_run only checks. Every problem by line.",
    )
    async def import_csv(self, request: Request, data: JSONBody[ImportInput]) -> importer.ImportReport:
        return await importer.import_csv(
            data.csv.encode("utf-8"),
            file_name=data.file_name[:200],
            actor=request.user,
            mode="check" if data.dry_run else "all",
            today=london_today(),
        )


ROUTES: list[Any] = [TrainingImportAPI]
