"""Finding a PA: the search page, the public profile and the shortlist (HTML and JSON).

Thin controllers: each reads its input, calls ``market.search.query`` and renders. The
search form is a GET form that works without JavaScript; with htmx a change to the form
fetches just the results partial (``search/_results.html``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from market.dbs.standing import Policy
from market.errors import NotFound
from market.register.availability import DAYS
from market.register.schemas import EMPLOYMENT
from market.search import query as search
from market.search import shortlist
from market.settings import Settings
from market.web.forms import form_page, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

SEARCHERS = roles("recipient", "staff", "admin")
SHORTLISTERS = roles(*shortlist.SHORTLISTERS)

DONE = {
    "saved": "Saved to your shortlist.",
    "already": "That personal assistant is already on your shortlist.",
    "removed": "Removed from your shortlist.",
}

FromAddress = Annotated[
    str | None, QueryParameter(name="from", description="A postcode to show the distance from")
]


def search_input(
    postcode: FromQuery[str | None] = None,
    radius: FromQuery[str | None] = None,
    day: FromQuery[list[str] | None] = None,
    time_from: FromQuery[str | None] = None,
    time_to: FromQuery[str | None] = None,
    skill: FromQuery[list[str] | None] = None,
    group: FromQuery[list[str] | None] = None,
    language: FromQuery[str | None] = None,
    drives: FromQuery[str | None] = None,
    gender: FromQuery[str | None] = None,
    dbs: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
) -> search.SearchInput:
    """The search's query parameters, shared by the page and the API (strings, checked later)."""
    return search.SearchInput(
        postcode=postcode or "",
        radius=radius or "",
        day=day or [],
        time_from=time_from or "",
        time_to=time_to or "",
        skill=skill or [],
        group=group or [],
        language=language or "",
        drives=drives or "",
        gender=gender or "",
        dbs=dbs or "",
        q=q or "",
        sort=sort or "",
        page=page or "",
    )


SEARCH_INPUT = {"criteria": Provide(search_input, sync_to_thread=False)}


def query_string(data: search.SearchInput) -> str:
    """The search as a query string, without the page: for page links and "Save" forms."""
    pairs: list[tuple[str, str]] = []
    for name, value in msgspec.structs.asdict(data).items():
        if name == "page":
            continue
        for item in value if isinstance(value, list) else [value]:
            if item:
                pairs.append((name, item))
    return urlencode(pairs)


def search_href(query: str, page: int) -> str:
    return f"/search?{query}&page={page}" if query else f"/search?page={page}"


def pagination(page: int, pages: int, query: str) -> dict[str, Any] | None:
    """The GOV.UK pagination component's arguments: first, last and the pages around this one."""
    if pages <= 1:
        return None
    numbers = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    last = 0
    for number in numbers:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": search_href(query, number), "current": number == page})
        last = number
    return {
        "previous": {"href": search_href(query, page - 1)} if page > 1 else None,
        "next": {"href": search_href(query, page + 1)} if page < pages else None,
        "items": items,
    }


def back_to(target: str | None, done: str, default: str = "/shortlist") -> str:
    """A local path to return to (never another site), with ``done`` for its message."""
    target = (target or "").strip()
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(c < " " for c in target)
    ):
        target = default
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "done"]
    query.append(("done", done))
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def _can_save(request: Request) -> bool:
    return request.user.role in shortlist.SHORTLISTERS


def _is_partial(request: Request) -> bool:
    """An htmx live update asks for the results only (a history restore needs the page)."""
    return request.headers.get("hx-request") == "true" and not request.headers.get(
        "hx-history-restore-request"
    )


async def _form_context() -> dict[str, Any]:
    return {
        **await search.form_lists(),
        "radii": search.RADII,
        "days": DAYS,
        "genders": search.GENDERS,
        "dbs_filters": search.DBS_FILTERS,
        "sorts": search.SORTS,
    }


class SearchPages(Controller):
    opt = SEARCHERS
    include_in_schema = False

    @get("/search", dependencies=SEARCH_INPUT)
    async def search_page(
        self,
        request: Request,
        criteria: search.SearchInput,
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
    ) -> Template:
        context = await _form_context()
        values = msgspec.structs.asdict(criteria)
        values["radius"] = values["radius"] or str(search.DEFAULT_RADIUS)
        values["sort"] = values["sort"] or "relevance"
        flash = DONE.get(done or "", "")
        if not any(key != "done" for key in request.query_params):
            return render("search/search.html", values=values, flash=flash, **context)
        form_page(request, "search/search.html", context, values)
        found = await search.search(criteria, viewer=request.user, policy=Policy.of(settings))
        query = query_string(criteria)
        return render(
            "search/_results.html" if _is_partial(request) else "search/search.html",
            values=values,
            flash=flash,
            found=found,
            query=query,
            here=search_href(query, found.page),
            from_postcode=criteria.postcode.strip(),
            pagination=pagination(found.page, found.pages, query),
            can_save=_can_save(request),
            **context,
        )

    @get("/pas/{profile_id:int}")
    async def profile(
        self,
        request: Request,
        profile_id: RecordId,
        settings: NamedDependency[Settings],
        from_postcode: FromAddress = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        profile = await search.public_profile(
            profile_id, from_postcode, viewer=request.user, policy=Policy.of(settings)
        )
        here = f"/pas/{profile_id}" + (f"?{urlencode({'from': from_postcode})}" if from_postcode else "")
        back = "/search" + (f"?{urlencode({'postcode': from_postcode})}" if from_postcode else "")
        return render(
            "search/pa.html",
            profile=profile,
            employment=EMPLOYMENT,
            can_save=_can_save(request),
            here=here,
            back=back,
            flash=DONE.get(done or "", ""),
        )


class ShortlistPages(Controller):
    path = "/shortlist"
    opt = SHORTLISTERS
    include_in_schema = False

    @get("/")
    async def shortlist(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        items = await shortlist.shortlist(request.user)
        return render("search/shortlist.html", items=items, flash=DONE.get(done or "", ""))

    @post("/")
    async def add(self, request: Request) -> Redirect:
        data = await read_form(request)
        profile_id = search.whole_number(data.get("profile_id", ""))
        if profile_id is None:
            raise NotFound()
        _, created = await shortlist.add_to_shortlist(request.user, profile_id)
        return Redirect(back_to(data.get("next"), "saved" if created else "already"))

    @post("/{profile_id:int}/remove")
    async def remove(self, request: Request, profile_id: RecordId) -> Redirect:
        data = await read_form(request)
        await shortlist.remove_from_shortlist(request.user, profile_id)
        return Redirect(back_to(data.get("next"), "removed"))


class RegisterSearchAPI(Controller):
    path = "/api/v1/register"
    opt = SEARCHERS
    tags = ["register"]

    @get(
        "/search",
        dependencies=SEARCH_INPUT,
        summary="Listed PAs within the radius and their own travel limit, 20 a page",
    )
    async def search_register(
        self, request: Request, criteria: search.SearchInput, settings: NamedDependency[Settings]
    ) -> search.SearchOut:
        return await search.search(criteria, viewer=request.user, policy=Policy.of(settings))

    @get("/pas/{profile_id:int}", summary="A listed PA's one-page profile")
    async def profile(
        self,
        request: Request,
        profile_id: RecordId,
        settings: NamedDependency[Settings],
        from_postcode: FromAddress = None,
    ) -> search.PublicProfileOut:
        return await search.public_profile(
            profile_id, from_postcode, viewer=request.user, policy=Policy.of(settings)
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


ROUTES: list[Any] = [SearchPages, ShortlistPages, RegisterSearchAPI, ShortlistAPI]
