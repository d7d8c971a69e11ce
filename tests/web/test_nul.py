"""No request carrying a NUL character (U+0000) reaches a handler, and no uploaded CSV with
one is imported: PostgreSQL cannot store it, so each of these was a 500 there (found by the
fuzz tests, tests/web/test_fuzz_*.py), while SQLite kept it. Also a sign-in with an email
too long for any account, which PostgreSQL refused to record (a 500 before the sign-in limits
named their buckets by an HMAC)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody

from market.accounts.tables import LoginThrottle
from market.training.tables import Completion
from market.web.errors import EXCEPTION_HANDLERS
from market.web.nul import refuse_nul
from tests.support import PASSWORD, submit
from tests.training.test_import import EXAMPLE, pa_with_email, upload


class Slot(msgspec.Struct):
    start: str


class Echo(msgspec.Struct, kw_only=True):
    name: str = ""
    slots: list[Slot] = []


@dataclass
class Upload:
    file: UploadFile | None = None
    note: str = ""


@post("/api/echo")
async def echo(data: JSONBody[Echo]) -> dict[str, Any]:
    return msgspec.to_builtins(data)


@get("/api/find")
async def find(q: FromQuery[str] = "") -> str:
    return q


@get("/api/things/{name:str}")
async def thing(name: FromPath[str]) -> str:
    return name


@post("/api/upload")
async def take_upload(data: Annotated[Upload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> str:
    return (await data.file.read()).hex() if data.file else ""


@pytest.fixture
async def small():
    app = Litestar(
        [echo, find, thing, take_upload], exception_handlers=EXCEPTION_HANDLERS, before_request=refuse_nul
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "a\x00b"}, "name"), ({"slots": [{"start": "9\x00"}]}, "slots[0].start"), ({"n\x00": 1}, "n")],
)
async def test_a_nul_in_json_is_a_422_naming_the_field(small, body, field):
    response = await small.post("/api/echo", json=body)
    assert response.status_code == 422
    assert "NUL" in response.json()["errors"][field]


async def test_text_that_only_shows_a_backslash_u_is_kept(small):
    response = await small.post("/api/echo", json={"name": "C:\\u0000 and \\\\u0000"})
    assert response.status_code == 201 and response.json()["name"] == "C:\\u0000 and \\\\u0000"


async def test_a_nul_in_the_query_or_address(small):
    response = await small.get("/api/find", params={"q": "a\x00"})
    assert response.status_code == 422 and "q" in response.json()["errors"]
    assert (await small.get("/api/find?q=a%00")).status_code == 422
    assert (await small.get("/api/find", params={"q": "100%00"})).text == "100%00"  # %2500: no NUL
    assert (await small.get("/api/things/a%00b")).status_code == 404


async def test_an_uploaded_file_may_hold_nul_bytes_but_a_field_may_not(small):
    binary = b"PK\x03\x04\x00\x00"
    response = await small.post("/api/upload", files={"file": ("book.xlsx", binary)}, data={"note": "fine"})
    assert response.status_code == 201 and response.text == binary.hex()
    refused = await small.post("/api/upload", files={"file": ("a.csv", b"x")}, data={"note": "a\x00"})
    assert refused.status_code == 422 and "note" in refused.json()["errors"]


async def test_the_service_refuses_a_nul_in_json_query_and_forms(client, login_as):
    response = await client.post("/api/v1/auth/login", json={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 422 and "email" in response.json()["errors"]
    page = await submit(client, "/login", {"email": "a\x00@example.org", "password": PASSWORD})
    assert page.status_code == 400 and "The form could not be read" in page.text
    assert await LoginThrottle.count() == 0
    await login_as("admin")
    listed = await client.get("/api/v1/users", params={"q": "\x00"})
    assert listed.status_code == 422 and "q" in listed.json()["errors"]


async def test_an_uploaded_csv_with_a_nul_is_refused_by_line(client, login_as):
    await pa_with_email("joanne.smith@example.org")
    await pa_with_email("tomasz.nowak@example.org")
    await login_as("trainer")
    content = EXAMPLE.read_bytes().replace(b"Fenland Care Training", b"Fenland\x00Care", 1)
    response = await upload(client, content)
    assert response.status_code == 422 and "Line 2 has a NUL character" in response.text
    assert await Completion.count() == 0


async def test_an_email_too_long_for_any_account_is_a_wrong_sign_in(client):
    email = "a" * 300 + "@example.org"
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 422 and "email" in response.json()["errors"]
    page = await submit(client, "/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 422 and "Enter a correct email address and password" in page.text
