"""The search, the public profile and the shortlist as JSON.

The search answers a GET with the same query parameters as the page (read by
``market.search.forms``), and a POST with the search as typed JSON (``SearchInput``): both
check it with ``market.search.criteria`` and run it with ``market.search.query``.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import MultiDict
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, QueryParameter

from market.dbs.standing import Policy
from market.search import criteria, forms, profiles, query, shortlist
from market.search.schemas import PublicProfileOut, SearchInput, SearchOut
from market.settings import Settings
from market.web.guards import roles
from market.web.params import RecordId

SEARCHERS = roles("recipient", "staff", "admin")
SHORTLISTERS = roles(*shortlist.SHORTLISTERS)

FromAddress = Annotated[
    str | None,
    QueryParameter(
        name="from",
        description=(
            "Where to show the distance from: for staff any postcode (or a place name); for anyone "
            "else one of their own places (the postcode of a person they act for or of a need), "
            "else 422 naming `from`"
        ),
    ),
]


def search_query(
    postcode: FromQuery[str | None] = None,
    radius: FromQuery[str | None] = None,
    day: FromQuery[list[str] | None] = None,
    time_from: FromQuery[str | None] = None,
    time_to: FromQuery[str | None] = None,
    skill: FromQuery[list[str] | None] = None,
    group: FromQuery[list[str] | None] = None,
    language: FromQuery[str | None] = None,
    driving: FromQuery[str | None] = None,
    gender: FromQuery[str | None] = None,
    dbs: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> forms.SearchValues:
    """The search's query parameters as typed, shared by the page and the GET API."""
    given = locals()
    return forms.search_values(
        (name, item)
        for name, value in given.items()
        for item in (value if isinstance(value, list) else [value])
        if item is not None
    )


SEARCH_QUERY = {"search": Provide(search_query, sync_to_thread=False)}
SEARCH_FIELDS = frozenset(inspect.signature(search_query).parameters)


def search_values_of(query: MultiDict[str]) -> forms.SearchValues:
    """``search_query``'s values read straight from a query string, as litestar reads them
    for it (each single field's last value, every value of a list field, other names left
    out): for the search page, whose other dependency (``settings``) would otherwise be
    resolved beside this one in a task group, a dearer step than the reading."""
    return forms.search_values((name, value) for name, value in query.multi_items() if name in SEARCH_FIELDS)


class RegisterSearchAPI(Controller):
    path = "/api/v1/register"
    opt = SEARCHERS
    tags = ["register"]

    @get(
        "/search",
        dependencies=SEARCH_QUERY,
        summary="Listed PAs within the radius and their own travel limit, 20 a page",
    )
    async def search_register(
        self,
        request: Request,
        search: NamedDependency[forms.SearchValues],
        settings: NamedDependency[Settings],
    ) -> SearchOut:
        data, problems = forms.read_search(search)
        checked = await criteria.check(data, settings, viewer=request.user, problems=problems)
        return await query.search(checked, viewer=request.user, policy=Policy.of(settings))

    @post(
        "/search",
        status_code=200,
        summary="The same search, sent as typed JSON (radius, days, times, driving ...)",
    )
    async def search_typed(
        self, request: Request, data: JSONBody[SearchInput], settings: NamedDependency[Settings]
    ) -> SearchOut:
        checked = await criteria.check(data, settings, viewer=request.user)
        return await query.search(checked, viewer=request.user, policy=Policy.of(settings))

    @get("/pas/{profile_id:int}", summary="A listed PA's one-page profile")
    async def profile(
        self,
        request: Request,
        profile_id: RecordId,
        settings: NamedDependency[Settings],
        from_postcode: FromAddress = None,
    ) -> PublicProfileOut:
        return await profiles.public_profile(
            profile_id, from_postcode, viewer=request.user, policy=Policy.of(settings), settings=settings
        )


class ShortlistAPI(Controller):
    path = "/api/v1/register/shortlist"
    opt = SHORTLISTERS
    tags = ["register"]

    @get("/", summary="Your saved PAs, newest first")
    async def list_shortlist(self, request: Request) -> list[shortlist.ShortlistItemOut]:
        return await shortlist.shortlist(request.user)

    @post("/", summary="Save a listed PA (201 when new, 200 when already saved)")
    async def add(
        self, request: Request, data: JSONBody[shortlist.ShortlistInput]
    ) -> Response[shortlist.ShortlistItemOut]:
        item, created = await shortlist.add_to_shortlist(request.user, data.profile_id)
        return Response(item, status_code=201 if created else 200)

    @delete("/{profile_id:int}", status_code=204, summary="Take a PA off your shortlist")
    async def remove(self, request: Request, profile_id: RecordId) -> None:
        await shortlist.remove_from_shortlist(request.user, profile_id)


ROUTES: list[Any] = [RegisterSearchAPI, ShortlistAPI]
