"""No text we keep may hold a NUL character (U+0000): it is refused at the door.

PostgreSQL cannot store U+0000 in text or jsonb (asyncpg raises, which was a 500), while
SQLite keeps it, so the same input behaved differently on the two databases. Nobody types a
NUL, and no browser sends one from a form, so any request that carries one, in its address,
its query string, a form field or a JSON string, is answered as malformed before a handler
runs: 422 naming the field on /api/, the "form could not be read" page elsewhere, 404 for
an address (web/errors.py). Uploaded files are left alone: a spreadsheet is binary, and its
reader turns it into text of its own.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import ValidationException

MESSAGE = "must not contain the NUL character (U+0000)"

# A JSON \u0000 escape not itself escaped (an odd number of backslashes before the u).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _refuse(key: str, source: str) -> ValidationException:
    return ValidationException(
        "The request contains a NUL character", extra=[{"key": key, "message": MESSAGE, "source": source}]
    )


def _encoded_nul(raw: bytes) -> bool:
    return b"%00" in raw or b"\x00" in raw


def _first_in_pairs(raw: bytes) -> str:
    """The first field of a query string or urlencoded form whose name or value holds a NUL."""
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "") or "body"
    return "body"


def _first_in_json(value: Any, path: str = "") -> str | None:
    """The path (msgspec's style: 'slots[0].start') of the first string holding a NUL."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return inner.replace("\x00", "")
            if (found := _first_in_json(item, inner)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _first_in_json(item, f"{path}[{index}]")) is not None:
                return found
    return None


async def _check_body(request: Request) -> None:
    content_type = request.content_type[0]
    if content_type == "application/json" or content_type.endswith("+json"):
        body = await request.body()
        if _JSON_NUL.search(body):
            try:
                found = _first_in_json(msgspec.json.decode(body))
            except msgspec.DecodeError:
                return  # not JSON at all: the handler's own decoding answers 400
            raise _refuse(found or "body", "body")
    elif content_type == "application/x-www-form-urlencoded":
        body = await request.body()
        if _encoded_nul(body):
            raise _refuse(_first_in_pairs(body), "body")
    elif content_type == "multipart/form-data":
        form = await request.form()  # kept by litestar for the handler
        for key, value in form.multi_items():
            if not isinstance(value, UploadFile) and "\x00" in f"{key}{value}":
                raise _refuse(key.replace("\x00", "") or "body", "body")


async def refuse_nul(request: Request) -> None:
    """A ``before_request`` check for every route (app.py runs it first)."""
    if "\x00" in request.scope["path"] or b"%00" in request.scope.get("raw_path", b""):
        raise _refuse("path", "path")
    query = request.scope.get("query_string", b"")
    if _encoded_nul(query):
        raise _refuse(_first_in_pairs(query), "query")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await _check_body(request)
