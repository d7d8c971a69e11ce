"""JSON bodies are read strictly: ``"travel_miles": "10"`` is refused, not quietly coerced.

Litestar converts a decoded body into the handler's ``data`` type in msgspec's lax mode,
which turns the string "10" into 10, "true" into True and the number 0 into False. Our API
documents real types, so a client sending anything else must hear about it: before the
handler runs, the raw body is decoded strictly against the same type, and any mismatch
answers 422 with the field named (see web/errors.py). The handler's own (lax) decoding then
sees only bodies that already passed.

A body of the right types can still hold values no column can keep, which would fail in the
database driver with a 500. The decoded body is walked once more and each of these is a 422
naming its field too:

- a whole number beyond PostgreSQL's integer (every integer column, ids included, is 32-bit
  there; SQLite's 64-bit limit is wider, so this one bound serves both);
- a date outside the years 1900 to 2100 (``market.dates``: the forms' bound too);
- text holding the NUL character, which PostgreSQL's text cannot store (web/nul.py refuses
  those before this runs, with the same message; this keeps the walk whole on its own).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler

from market.dates import MAX_YEAR, MIN_YEAR, year_in_range
from market.fields import PG_INT_MAX
from market.web.nul import MESSAGE as NUL_MESSAGE

_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
INT_MIN = -PG_INT_MAX - 1
TOO_BIG = f"must be a whole number from {INT_MIN:,} to {PG_INT_MAX:,}"
BAD_YEAR = f"must be a date with a year from {MIN_YEAR} to {MAX_YEAR}"
NOT_FINITE = "must be a finite number"


def _field_of(message: str) -> tuple[str, str]:
    """msgspec's 'Expected `int`, got `str` - at `$.slots[0].start`' as ('slots[0].start', ...)."""
    match = _PATH.search(message)
    if not match:
        return "body", message
    path = match.group("path").lstrip(".") or "body"
    return path, message[: match.start()]


def body_type(handler: HTTPRouteHandler) -> Any:
    """The type a handler's JSON body is decoded into, or None when it takes no JSON body
    (no ``data``, or a form or multipart body, which forms.py reads)."""
    field = handler.parsed_data_field
    if field is None:
        return None
    media_type = getattr(field.kwarg_definition, "media_type", RequestEncodingType.JSON)
    if media_type != RequestEncodingType.JSON:
        return None
    return field.annotation


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _children(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, msgspec.Struct):
        for name, encoded in zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True):
            yield _join(path, encoded), getattr(value, name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield _join(path, str(key)), item
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item


def _problem(value: Any) -> str | None:
    """What is wrong with one scalar the database would be given, if anything."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= PG_INT_MAX else TOO_BIG
    if isinstance(value, float):
        return None if math.isfinite(value) else NOT_FINITE
    if isinstance(value, str):
        return NUL_MESSAGE if "\x00" in value else None
    if isinstance(value, date):  # a datetime is a date too
        return None if year_in_range(value) else BAD_YEAR
    return None


def out_of_range(value: Any, path: str = "") -> dict[str, str]:
    """Every value in a decoded body that no column could hold, by field path
    ("slots[0].start", as msgspec names them)."""
    found: dict[str, str] = {}
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        problem = _problem(item)
        if problem:
            found.setdefault(where or "body", problem)
        stack.extend(_children(item, where))
    return found


def _refuse(errors: dict[str, str]) -> ValidationException:
    return ValidationException(
        "The request body does not match the documented types",
        extra=[{"key": key, "message": message, "source": "body"} for key, message in sorted(errors.items())],
    )


async def check_json_body(request: Request) -> None:
    """A ``before_request`` hook for every route: a JSON body must match the handler's
    type exactly (types as documented, no coercion) and hold only values the database can
    keep."""
    target = body_type(request.route_handler)
    if target is None:
        return
    body = await request.body()
    if not body.strip():
        return  # no body: litestar's own decoding says what is missing
    try:
        decoded = msgspec.json.decode(body, type=target, strict=True)
    except msgspec.ValidationError as error:
        key, message = _field_of(str(error))
        raise _refuse({key: message}) from None
    except msgspec.DecodeError:
        return  # malformed JSON: litestar's own decoding answers 400 for that
    except TypeError:
        return  # a type msgspec cannot decode into (none today): litestar's decoding decides
    if errors := out_of_range(decoded):
        raise _refuse(errors)
