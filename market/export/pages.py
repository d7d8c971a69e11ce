"""/admin/export: what the full data export holds, and a button that downloads it as a zip."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import File, Template

from market.audit.services import record
from market.export import dump
from market.export.common import EXCLUDED, exported_tables
from market.web.guards import ADMIN
from market.web.render import ip_of, render


class ExportPages(Controller):
    path = "/admin/export"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def overview(self) -> Template:
        tables = [
            {"name": spec.name, "app": spec.app, "rows": await spec.table.count()}
            for spec in exported_tables()
        ]
        return render(
            "export/index.html",
            tables=tables,
            excluded=EXCLUDED,
            total=sum(t["rows"] for t in tables),
        )

    @post("/", status_code=200)
    async def download(self, request: Request) -> File:
        work = Path(tempfile.mkdtemp(prefix="market-export-"))
        try:
            now = datetime.now(UTC)
            report = await dump.export_to(work / "files", now=now)
            name = f"market-export-{now:%Y%m%d-%H%M%S}.zip"
            archive = await asyncio.to_thread(dump.zip_directory, work / "files", work / name)
            await record(
                "export.full",
                actor=request.user,
                subject_type="export",
                subject_id=name,
                detail={"via": "web", "rows": report.total, "tables": len(report.rows)},
                ip=ip_of(request),
            )
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return File(
            path=archive,
            filename=name,
            media_type="application/zip",
            content_disposition_type="attachment",
            background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
        )


ROUTES: list[Any] = [ExportPages]
