"""HTML forms: read the fields, and re-render the same page when a service says Invalid.

A page handler calls ``form_page(request, template, context)`` before it calls the
service; if the service raises Invalid, the exception handler renders that template
again with the user's input and an error per field (see web/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from litestar import Request

from market.errors import Invalid

FORM_STATE_KEY = "form_page"

StructT = TypeVar("StructT", bound=msgspec.Struct)


async def read_form(request: Request) -> dict[str, str]:
    """The submitted fields as strings (the last value wins), without the CSRF token."""
    form = await request.form()
    return {key: str(value) for key, value in form.items() if key != "_csrf_token"}


def form_struct(data: dict[str, str], struct: type[StructT]) -> StructT:
    """Fill a Struct whose fields are all strings with defaults, ignoring extra fields."""
    fields = set(struct.__struct_fields__)
    return struct(**{k: v for k, v in data.items() if k in fields})


def form_page(request: Request, template: str, context: dict[str, Any], values: dict[str, str]) -> None:
    request.state[FORM_STATE_KEY] = (template, context, values)


def field_id(field: str, form: str = "") -> str:
    """The id a field's input has on the page: the macros in templates/macros/form.html
    build the same (``form`` is their ``prefix``; list fields like ``slots[0].start`` map to
    ``slots-0-start``)."""
    name = field.replace("_", "-").replace("].", "-").replace("[", "-").replace("]", "")
    return f"{form}-{name}" if form else name


def error_list(errors: dict[str, str], form: str = "") -> list[dict[str, str]]:
    """The GOV.UK error summary's list, each message linking to its field in ``form``."""
    return [{"text": message, "href": f"#{field_id(field, form)}"} for field, message in errors.items()]


def form_errors(
    problem: Invalid | dict[str, str], values: Mapping[str, object], *, form: str = ""
) -> dict[str, Any]:
    """What a page re-rendered after bad input needs: every error by its field, the
    summary linking to each, the input kept, and which form on the page failed."""
    errors = problem.errors if isinstance(problem, Invalid) else dict(problem)
    return {"errors": errors, "values": dict(values), "error_list": error_list(errors, form), "active": form}
