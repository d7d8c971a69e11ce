"""The OpenAPI document at /schema/openapi.json and its viewer at /schema.

Both exist where ``Settings.serves_api_docs`` says so (MARKET_API_DOCS: on in development,
off in production). The viewer is our own copy of Swagger UI, built into /assets/ from its
npm package (scripts/build-assets.sh): the page loads nothing from elsewhere and runs under
the site's Content-Security-Policy (market/web/security.py).

Every /api/ operation documents the errors it may answer as problem details, the shape
``market.web.errors.problem`` writes, so that the document tells the truth about failures too.
"""

from __future__ import annotations

from html import escape
from typing import Any

import msgspec
from litestar import Litestar, Request, Router
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.routes import HTTPRoute

from market.settings import Settings
from market.web.guards import PUBLIC

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemDetails(msgspec.Struct, kw_only=True):
    """An error from the API (RFC 9457 problem details)."""

    type: str  # a URI naming the kind of problem, ending in the status code
    title: str  # a short, human-readable summary of the kind of problem
    status: int  # the HTTP status code
    detail: str  # what went wrong with this request, in a sentence
    # For 422: each field path ("postcode", "slots.0.start") and what is wrong with it.
    errors: dict[str, str] = msgspec.field(default_factory=dict)


# Every /api/ operation may answer these (400 too: JSON that cannot be parsed at all).
PROBLEM_RESPONSES: dict[int, str] = {
    400: "The request body could not be read (not JSON, or not the documented types).",
    401: "Not signed in: send a session cookie or an `Authorization: Bearer` token.",
    403: "Signed in, but this account may not do this (or the CSRF check failed).",
    404: "No such record, or not one this account may see (records that are not yours answer 404).",
    409: "The record changed since it was read (send the current version) or conflicts with one already recorded.",
    422: "The request was read but is not valid: `errors` names each field and what is wrong with it.",
}


def _problem_responses() -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_MEDIA_TYPE,
            description=description,
            generate_examples=False,
        )
        for status, description in PROBLEM_RESPONSES.items()
    }


def document_problems(app: Litestar) -> None:
    """Add the problem responses to every /api/ operation of ``app`` (its own, more specific
    responses win). Pages answer errors as HTML, and are not in the document anyway."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            handler.responses = {**_problem_responses(), **(handler.responses or {})}


class SwaggerViewer(OpenAPIRenderPlugin):
    """Swagger UI from /assets/: no CDN, no inline script (assets/api-docs.js starts it)."""

    def __init__(self) -> None:
        super().__init__(path="/swagger")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema.get("info", {}).get("title", "API")))
        url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-url="{url}"></div>
  <script src="/assets/swagger-ui-bundle.js"></script>
  <script src="/assets/api-docs.js"></script>
</body>
</html>
""".encode()


def openapi_config(settings: Settings) -> OpenAPIConfig | None:
    """The OpenAPI routes, or None (no /schema at all) where the settings turn them off."""
    if not settings.serves_api_docs:
        return None
    return OpenAPIConfig(
        title=f"{settings.service_name} API",
        version="1",
        path="/schema",
        render_plugins=[SwaggerViewer()],  # the first is also /schema; openapi.json is litestar's
        openapi_router=Router(path="/schema", route_handlers=[], opt=PUBLIC, include_in_schema=False),
    )
