"""What the CSV import pages share (the register's, the training records' and the school
terms'): the result page, refused whole with a summary when any row has a problem, and the
example file to download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Response
from litestar.response import Template

from market.web.render import render


def lines_summary(problems: list[Any]) -> str:
    """'3 problems on 2 lines' (each problem has a ``line``)."""
    count, lines = len(problems), len({p.line for p in problems})
    return f"{count} problem{'s' if count != 1 else ''} on {lines} line{'s' if lines != 1 else ''}"


def result_page(template: str, report: Any, *, summary: str, unchanged: str) -> Template:
    """The import's result: 422 with the summary at the top (``unchanged``: what it says was not
    done, e.g. "nothing has been added") when the report has problems."""
    if report.problems:
        return render(
            template,
            status_code=422,
            report=report,
            error_list=[{"text": f"{summary}: {unchanged}", "href": "#problems"}],
        )
    return render(template, report=report)


def example_csv(path: Path, filename: str) -> Response[bytes]:
    """The import's example file, as a download."""
    return Response(
        path.read_bytes(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
