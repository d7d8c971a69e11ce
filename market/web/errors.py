"""One place that turns errors into responses: problem JSON for /api, pages for people."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from market.errors import DomainError, Invalid, RateLimited

log = logging.getLogger(__name__)

PROBLEM_TYPES = "https://pa-register.example/problems/"

TITLES = {
    400: "The request could not be understood",
    401: "Sign in to continue",
    403: "You do not have access",
    404: "Page not found",
    405: "That method is not allowed here",
    409: "That conflicts with what is already recorded",
    413: "The request is too large",
    422: "There is a problem",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(status: int, detail: str, *, errors: dict[str, str] | None = None, title: str = "") -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPES + str(status),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type="application/problem+json")


def error_page(request: Request, status: int, detail: str, title: str = "") -> Response:
    if status == 404:
        # One wording for every missing page: the heading and the template's own advice.
        # Litestar's "Not Found" or a service's "Not found" under it would say it twice.
        title, detail = "", ""
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": title or TITLES.get(status, "Error"), "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
    )


def _validation_errors(exc: ValidationException) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            errors[key] = str(item.get("message", "is not valid"))
    return errors


_MSGSPEC = (
    ("Expected `int`", "must be a whole number"),
    ("Expected `bool`", "must be true or false"),
    ("Expected `str`", "must be text"),
    ("Expected `array`", "must be a list"),
    ("Expected `object`", "must be an object"),
    ("Expected `float`", "must be a number"),
    ("Invalid RFC3339 encoded date", "must be a date like 2027-03-27"),
    ("Invalid RFC3339 encoded time", "must be a time like 09:30:00"),
    ("Invalid enum value", "is not one of the allowed values"),
)


_MISSING = re.compile(r"^Object missing required field `([^`]+)`$")


def _plain(errors: dict[str, str]) -> dict[str, str]:
    """msgspec's messages in words an API client's developer reads at once, keeping the
    original after a colon: 'must be a whole number (Expected `int`, got `str`)'."""
    out = {}
    for field, message in errors.items():
        key = "body" if field == "data" else field
        missing = _MISSING.match(message)
        if missing:
            prefix = "" if key == "body" else key + "."
            out[prefix + missing.group(1)] = f"is required ({message})"
            continue
        for start, words in _MSGSPEC:
            if (
                message.startswith(start)
                and ", got" in message
                or start.startswith("Invalid")
                and message.startswith(start)
            ):
                message = f"{words} ({message})"
                break
        out[key] = message
    return out


def _only_path_errors(exc: ValidationException) -> bool:
    items = [item for item in exc.extra or [] if isinstance(item, dict)]
    return bool(items) and all(item.get("source") == "path" for item in items)


def handle_domain_error(request: Request, exc: DomainError) -> Response:
    errors = exc.errors if isinstance(exc, Invalid) else None
    if is_api(request):
        response = problem(exc.status_code, exc.detail, errors=errors, title=exc.title)
    else:
        response = error_page(request, exc.status_code, exc.detail, exc.title)
    if isinstance(exc, RateLimited) and exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    response = _http_exception_response(request, exc)
    # What the exception says about the answer (a 405's Allow, a 429's Retry-After) is kept.
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    return response


def _http_exception_response(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, ValidationException) and _only_path_errors(exc):
        # A malformed or impossible id in the address names no record.
        return problem(404, "Not found") if is_api(request) else error_page(request, 404, "")
    if isinstance(exc, ValidationException):
        detail = "The request body is not valid"
        errors = _validation_errors(exc)
        if is_api(request):
            # A body that parsed but does not fit the documented types is a 422 naming each
            # field, like a service's Invalid; JSON that cannot be parsed at all stays 400.
            status = 422 if errors else 400
            return problem(status, exc.detail or detail, errors=_plain(errors))
        return error_page(request, 400, "The form could not be read. Go back and try again.")
    if isinstance(exc, NotAuthorizedException) and not is_api(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='')}")
    detail = exc.detail
    if isinstance(exc, PermissionDeniedException) and "CSRF" in (exc.detail or ""):
        detail = (
            "Your form had expired or was sent from another site. Go back, reload the page and try again."
        )
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
        detail = "Try again later."
    if is_api(request):
        return problem(status, detail)
    return error_page(request, status, detail)


def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.url.path)
    if is_api(request):
        return problem(
            HTTP_500_INTERNAL_SERVER_ERROR, "Try again later. If the problem continues, see /contact."
        )
    # The error page itself says how to reach the team (templates/errors/error.html).
    return error_page(request, 500, "Try again later.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: handle_domain_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
