"""No malformed number, id, page or date reaches the database: each is refused in the shared
layer (market.fields, market.dates, market.web.params, market.web.strict_json) and answered
422 naming the field, or 404 for an id in the address, never a 500. On SQLite and PostgreSQL
(whose integer columns are 32-bit, so 2^31 already fails there)."""

from __future__ import annotations

import types
import typing
from pathlib import Path

import msgspec
import pytest

from market.app import create_app
from market.fields import PG_INT_MAX
from market.web.strict_json import body_type
from tests.conftest import make_settings
from tests.dbs.support import permit
from tests.matching.factories import need_form
from tests.matching.test_need_pages import answer, signed_in_recipient
from tests.register.factories import make_pa
from tests.support import submit

HUGE = [2**31, 2**63, 10**30]


def _handlers(tmp_path: Path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'routes.db'}", tmp_path))
    seen: set[int] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if id(handler) not in seen:
                seen.add(id(handler))
                yield route.path, handler


def _is_int(annotation: object) -> bool:
    """int, or int | None."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return annotation is int or (union and int in typing.get_args(annotation))


def test_every_whole_number_in_an_address_is_bounded(tmp_path):
    """Each int path or query parameter declares ge and le within PostgreSQL's integer
    (market.web.params: RecordId, QueryId, PageNumber ...), so no route is left out."""
    unbounded = []
    for path, handler in _handlers(tmp_path):
        for name, field in handler.parsed_fn_signature.parameters.items():
            if name == "data" or not _is_int(field.annotation):
                continue
            kwarg = field.kwarg_definition
            low, high = getattr(kwarg, "ge", None), getattr(kwarg, "le", None)
            if low is None or high is None or low < -PG_INT_MAX - 1 or high > PG_INT_MAX:
                unbounded.append(f"{path} {name}")
    assert unbounded == []


def test_every_json_body_can_be_checked_strictly(tmp_path):
    """The strict pre-check skips a type msgspec cannot decode into: there must be none."""
    checked = 0
    for _, handler in _handlers(tmp_path):
        target = body_type(handler)
        if target is not None:
            msgspec.json.Decoder(target, strict=True)  # raises TypeError for an unsupported type
            checked += 1
    assert checked > 40


@pytest.fixture
async def staff(client, login_as):
    user = await login_as("staff")
    await permit(user)
    return user


def _problem(response, field: str) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()["errors"][field]


async def test_an_id_beyond_the_column_is_422_naming_it_or_404_in_the_address(client, staff):
    for big in HUGE:
        assert (await client.get(f"/api/v1/dbs/pa/{big}")).status_code == 404
        assert (await client.get(f"/staff/dbs/pa/{big}")).status_code == 404
        assert (await client.get(f"/api/v1/training/pa/{big}")).status_code == 404
        refused = await client.post("/api/v1/needs", json={"recipient_id": big, "title": "x"})
        assert _problem(refused, "recipient_id").startswith("must be a whole number from")
        shortlisted = await client.post("/api/v1/needs/1/applications", json={"profile_id": big})
        assert _problem(shortlisted, "profile_id").startswith("must be a whole number from")


async def test_a_recipient_sending_a_huge_id_is_refused(client, login_as):
    await login_as("recipient")
    for big in HUGE:
        refused = await client.post("/api/v1/register/shortlist", json={"profile_id": big})
        assert _problem(refused, "profile_id").startswith("must be a whole number from")
        assert (await client.get(f"/needs/new?recipient={big}")).status_code == 400


async def test_audit_page_numbers_and_dates_are_bounded(client, staff):
    for page in ("9223372036854775808", "2147483648", "1" * 50):
        assert _problem(await client.get(f"/api/v1/audit?page={page}"), "page")
        assert (await client.get(f"/staff/audit?page={page}")).status_code == 400
    last = await client.get(f"/api/v1/audit?page={PG_INT_MAX}")
    assert last.status_code == 200 and last.json()["events"] == []
    for day in ("9999-12-31", "0001-01-01"):
        assert _problem(await client.get(f"/api/v1/audit?date_to={day}"), "date_to").startswith(
            "Enter a real date"
        )
        year = day[:4]
        page = await client.get(f"/staff/audit?date_to_day=1&date_to_month=1&date_to_year={year}")
        assert page.status_code == 422 and "with a year from 1900 to 2100" in page.text


async def test_booleans_in_json_are_only_true_or_false(client, staff):
    pa = await make_pa()
    opened = await client.post(f"/api/v1/dbs/pa/{pa['id']}/applications", json={"route": "service"})
    assert opened.status_code == 201, opened.text
    step = f"/api/v1/dbs/pa/{pa['id']}/applications/{opened.json()['id']}/step"
    for value in (0, 1, "true", "yes"):
        assert _problem(await client.post(step, json={"update_service": value}), "update_service").startswith(
            "must be true or false"
        )
    check = {
        "certificate_number": "001234567890",
        "issued_on": "2026-01-05",
        "level": "enhanced",
        "workforce": "adult",
        "certificate_result": "clear",
        "update_service": 0,
    }
    refused = await client.post(f"/api/v1/dbs/pa/{pa['id']}/checks", json=check)
    assert _problem(refused, "update_service").startswith("must be true or false")


MALFORMED_NEED = [
    ({"hours_per_week": "NaN"}, "Hours a week must be a number, like 12 or 12.5"),
    ({"hours_per_week": "1e309"}, "Hours a week must be a number, like 12 or 12.5"),
    ({"hours_per_week": "Infinity"}, "Hours a week must be a number, like 12 or 12.5"),
    ({"max_rate": "1e309"}, "Enter the hourly rate in pounds and pence, like 13.50"),
    ({"max_rate": "1E+30"}, "Enter the hourly rate in pounds and pence, like 13.50"),
    ({"max_rate": "99999999"}, "The hourly rate must be £1,000,000 or less"),
    ({"max_distance_miles": "9" * 23}, "The distance must be a whole number of miles, like 10"),
    (
        {"start_date_day": "1" * 23, "start_date_month": "1", "start_date_year": "2027"},
        "The start date must be a real date, like 27 3 2027",
    ),
    (
        {"start_date_day": "1", "start_date_month": "1", "start_date_year": "9999"},
        "The start date must be a real date, with a year from 1900 to 2100",
    ),
]


# Which of the need's question pages asks each field (market/matching/needs/sections.py).
SECTION_OF = {
    "hours_per_week": "hours",
    "start_date_day": "hours",
    "max_rate": "pay",
    "max_distance_miles": "where",
}


async def test_the_need_form_names_malformed_numbers_and_dates(client, login_as):
    _, recipient_id = await signed_in_recipient(client, login_as)
    about = {"title": "Morning support", "description": "Help to get up", "kind": "regular"}
    created = await submit(client, f"/needs/new?recipient={recipient_id}", about)
    assert created.status_code in (302, 303), created.text
    need_id = int(created.headers["location"].split("/")[2])
    for fields, named in MALFORMED_NEED:
        section = SECTION_OF[next(iter(fields))]
        # The page's own fields as a browser would post them, with the malformed one laid over.
        page_fields = {k: v for k, v in need_form(**fields).items() if k in fields or k == "year_pattern"}
        response = await answer(client, need_id, section, page_fields)
        assert response.status_code == 422, fields
        assert named in response.text, fields
        assert 'class="govuk-error-summary' in response.text


@pytest.mark.parametrize("hours", ["NaN", "inf", "1e309", "-Infinity", "1" * 23])
def test_the_offer_form_names_hours_that_are_not_a_number(hours):
    from datetime import date

    from market.errors import Invalid
    from market.matching.pipeline.forms import read_offer

    with pytest.raises(Invalid) as problem:
        read_offer({"hours_per_week": hours, "rate": "1e309"}, date(2027, 1, 4))
    assert problem.value.errors["hours_per_week"] == "The hours a week must be a number, like 12 or 12.5"
    assert problem.value.errors["rate"] == "Enter the hourly rate in pounds and pence, like 13.50"
