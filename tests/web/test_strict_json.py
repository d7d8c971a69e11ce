"""The API reads JSON bodies strictly: the documented types, no coercion from strings, and
every mismatch a 422 problem naming the field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import httpx
import msgspec
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody

from market.web.errors import EXCEPTION_HANDLERS
from market.web.strict_json import check_json_body


class Slot(msgspec.Struct):
    start: str


class Body(msgspec.Struct, kw_only=True):
    travel_miles: Annotated[int, msgspec.Meta(ge=1, le=100)]
    driving_licence: bool = False
    starts_on: date | None = None
    slots: list[Slot] = []


@post("/api/echo")
async def echo(data: JSONBody[Body]) -> dict[str, Any]:
    return msgspec.to_builtins(data)


@post("/not-api")
async def page(data: JSONBody[Body]) -> dict[str, Any]:
    return msgspec.to_builtins(data)


@pytest.fixture
async def api():
    app = Litestar([echo, page], exception_handlers=EXCEPTION_HANDLERS, before_request=check_json_body)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as client:
        yield client


async def test_a_body_of_the_documented_types_is_accepted(api):
    response = await api.post(
        "/api/echo", json={"travel_miles": 10, "driving_licence": True, "starts_on": "2027-03-27"}
    )
    assert response.status_code == 201
    assert response.json() == {
        "travel_miles": 10,
        "driving_licence": True,
        "starts_on": "2027-03-27",
        "slots": [],
    }


@pytest.mark.parametrize(
    ("body", "field", "start"),
    [
        ({"travel_miles": "10"}, "travel_miles", "must be a whole number"),
        ({"travel_miles": 10, "driving_licence": "yes"}, "driving_licence", "must be true or false"),
        ({"travel_miles": 10, "driving_licence": "true"}, "driving_licence", "must be true or false"),
        ({"travel_miles": 10, "starts_on": "27/03/2027"}, "starts_on", "must be a date"),
        ({"travel_miles": 10, "slots": [{"start": 9}]}, "slots[0].start", "must be text"),
        ({"travel_miles": 500}, "travel_miles", "Expected `int` <= 100"),
        ({}, "travel_miles", "is required"),
    ],
)
async def test_old_string_forms_and_wrong_types_are_422_naming_the_field(api, body, field, start):
    response = await api.post("/api/echo", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == 422
    assert problem["errors"][field].startswith(start)


async def test_malformed_json_stays_a_400(api):
    response = await api.post(
        "/api/echo", content=b'{"travel_miles": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
