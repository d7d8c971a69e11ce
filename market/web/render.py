"""Rendering pages with the context every template expects."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template


def render(template: str, *, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("error_list", [])
    return Template(template_name=template, context=context, status_code=status_code)


def ip_of(request: Request) -> str:
    return request.client.host if request.client else ""
