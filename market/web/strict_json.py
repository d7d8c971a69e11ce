"""JSON bodies are read strictly: ``"travel_miles": "10"`` is refused, not quietly coerced.

Litestar converts a decoded body into the handler's ``data`` type in msgspec's lax mode,
which turns the string "10" into 10 and "true" into True. Our API documents real types, so
a client sending the old string forms must hear about it: before the handler runs, the raw
body is decoded strictly against the same Struct, and any mismatch answers 422 with the
field named (see web/errors.py). The handler's own (lax) decoding then sees only bodies
that already passed.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def _field_of(message: str) -> tuple[str, str]:
    """msgspec's 'Expected `int`, got `str` - at `$.slots[0].start`' as ('slots[0].start', ...)."""
    match = _PATH.search(message)
    if not match:
        return "body", message
    path = match.group("path").lstrip(".") or "body"
    return path, message[: match.start()]


def _body_type(request: Request) -> Any:
    field = request.route_handler.parsed_data_field
    if field is None:
        return None
    annotation = field.annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct) else None


async def check_json_body(request: Request) -> None:
    """A ``before_request`` hook for every route: a JSON body meant for a Struct must match
    it exactly (types as documented, no coercion)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or not request.url.path.startswith("/api/"):
        return
    struct = _body_type(request)
    if struct is None:
        return
    body = await request.body()
    try:
        msgspec.json.decode(body, type=struct, strict=True)
    except msgspec.ValidationError as error:
        key, message = _field_of(str(error))
        raise ValidationException(
            "The request body does not match the documented types",
            extra=[{"key": key, "message": message, "source": "body"}],
        ) from None
    except msgspec.DecodeError:
        return  # malformed JSON: litestar's own decoding answers 400 for that
