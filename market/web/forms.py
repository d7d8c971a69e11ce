"""HTML forms: read the posted fields, and what a page needs to show them again with errors.

A page handler reads the form, has the feature's ``forms.py`` turn it into the typed input,
calls the service, and on ``Invalid`` renders the same template with
``**form_errors(problem, values, form=...)``: every error by its field, the summary at the
top linking to each, the input kept (docs/architecture.md shows the pattern). An Invalid
that no page catches reaches web/errors.py and shows the error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request

from market.errors import Invalid


async def read_form(request: Request) -> dict[str, str]:
    """The submitted fields as strings (the last value wins), without the CSRF token."""
    form = await request.form()
    return {key: str(value) for key, value in form.items() if key != "_csrf_token"}


def field_id(field: str, form: str = "") -> str:
    """The id a field's input has on the page: the macros in templates/macros/form.html
    build the same (``form`` is their ``prefix``; list fields like ``slots[0].start`` map to
    ``slots-0-start``)."""
    name = field.replace("_", "-").replace("].", "-").replace("[", "-").replace("]", "")
    return f"{form}-{name}" if form else name


def error_list(errors: dict[str, str], form: str = "") -> list[dict[str, str]]:
    """The GOV.UK error summary's list, each message linking to its field in ``form``.

    A message given to several fields (a wrong email or password marks both) is listed once,
    linking to the first of them: the summary says each problem once."""
    first: dict[str, str] = {}
    for field, message in errors.items():
        first.setdefault(message, field)
    return [{"text": message, "href": f"#{field_id(field, form)}"} for message, field in first.items()]


def form_errors(
    problem: Invalid | dict[str, str], values: Mapping[str, object], *, form: str = ""
) -> dict[str, Any]:
    """What a page re-rendered after bad input needs: every error by its field, the
    summary linking to each, the input kept, and which form on the page failed."""
    errors = problem.errors if isinstance(problem, Invalid) else dict(problem)
    return {"errors": errors, "values": dict(values), "error_list": error_list(errors, form), "active": form}
