"""The API reads JSON bodies strictly: the documented types, no coercion from strings or
numbers, values every column can hold, and every mismatch a 422 problem naming the field."""

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
    profile_id: int = 1
    note: str = ""
    counts: dict[str, int] = {}


class Item(msgspec.Struct):
    id: int


@post("/api/echo")
async def echo(data: JSONBody[Body]) -> dict[str, Any]:
    return msgspec.to_builtins(data)


@post("/not-api")
async def page(data: JSONBody[Body]) -> dict[str, Any]:
    return msgspec.to_builtins(data)


@post("/api/items")
async def items(data: JSONBody[list[Item]]) -> int:
    return len(data)


@pytest.fixture
async def api():
    app = Litestar([echo, page, items], exception_handlers=EXCEPTION_HANDLERS, before_request=check_json_body)
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
        "profile_id": 1,
        "note": "",
        "counts": {},
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


@pytest.mark.parametrize(
    ("body", "field", "start"),
    [
        ({"driving_licence": 0}, "driving_licence", "must be true or false"),
        ({"driving_licence": 1}, "driving_licence", "must be true or false"),
        ({"driving_licence": "1"}, "driving_licence", "must be true or false"),
        ({"driving_licence": None}, "driving_licence", "must be true or false"),
    ],
)
async def test_booleans_are_only_true_or_false(api, body, field, start):
    response = await api.post("/api/echo", json={"travel_miles": 10, **body})
    assert response.status_code == 422
    assert response.json()["errors"][field].startswith(start)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"profile_id": 2**31}, "profile_id", "must be a whole number from -2,147,483,648 to 2,147,483,647"),
        ({"profile_id": 2**63}, "profile_id", "must be a whole number from -2,147,483,648 to 2,147,483,647"),
        ({"profile_id": -(2**31) - 1}, "profile_id", "must be a whole number from"),
        ({"counts": {"a": 2**40}}, "counts.a", "must be a whole number from"),
        ({"starts_on": "9999-12-31"}, "starts_on", "must be a date with a year from 1900 to 2100"),
        ({"starts_on": "0001-01-01"}, "starts_on", "must be a date with a year from 1900 to 2100"),
        ({"slots": [{"start": "ok"}, {"start": "a\u0000b"}]}, "slots[1].start", "must not contain the NUL"),
        ({"note": "\u0000"}, "note", "must not contain the NUL character"),
    ],
)
async def test_values_no_column_can_hold_are_422_naming_the_field(api, body, field, message):
    response = await api.post("/api/echo", json={"travel_miles": 10, **body})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][field].startswith(message)


async def test_every_problem_of_that_kind_is_named_at_once(api):
    response = await api.post(
        "/api/echo",
        json={"travel_miles": 10, "profile_id": 2**31, "note": "\u0000", "starts_on": "2200-01-01"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"profile_id", "note", "starts_on"}


async def test_the_largest_integer_a_column_holds_is_accepted(api):
    response = await api.post("/api/echo", json={"travel_miles": 10, "profile_id": 2**31 - 1})
    assert response.status_code == 201 and response.json()["profile_id"] == 2**31 - 1


async def test_a_body_that_is_not_a_struct_is_read_strictly_too(api):
    assert (await api.post("/api/items", json=[{"id": 1}, {"id": 2}])).status_code == 201
    strings = await api.post("/api/items", json=[{"id": "1"}])
    assert strings.status_code == 422 and "[0].id" in strings.json()["errors"]
    huge = await api.post("/api/items", json=[{"id": 1}, {"id": 2**63}])
    assert huge.status_code == 422 and huge.json()["errors"]["[1].id"].startswith("must be a whole number")
