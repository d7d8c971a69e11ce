"""Finding a PA: the search page, the public profile and the shortlist (the JSON is api.py).

Thin controllers: each reads its input (``market.search.forms``), has it checked
(``market.search.criteria``), runs it (``market.search.query``) and renders; bad input
re-renders the form with every problem named and the input kept. The
search form is a GET form that works without JavaScript; with htmx a change to the form
fetches just the results partial (``search/_results.html``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts import places as own
from market.accounts.schemas import CurrentUser
from market.dbs.rules import Requirement as DbsRequirement
from market.dbs.standing import Policy
from market.errors import Invalid, NotFound
from market.fields import whole_number
from market.register.availability import DAYS
from market.register.schemas import EMPLOYMENT
from market.search import criteria, forms, profiles, query, shortlist
from market.search.api import SEARCHERS, SHORTLISTERS, FromAddress, search_values_of
from market.search.listing import LISTS, FormLists
from market.search.schemas import DBS_FILTERS, DRIVING_FILTERS, GENDERS, RADII, SORTS, filter_for
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.pagination import links
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "saved": "Saved to your shortlist.",
    "already": "That personal assistant is already on your shortlist.",
    "removed": "Removed from your shortlist.",
}


def query_string(values: forms.SearchValues) -> str:
    """The search as a query string, without the page: for page links and "Save" forms."""
    pairs: list[tuple[str, str]] = []
    for name in forms.FIELDS:
        if name == "page":
            continue
        value = values.get(name, "")
        for item in value if isinstance(value, list) else [value]:
            if item:
                pairs.append((name, item))
    return urlencode(pairs)


def search_href(query: str, page: int) -> str:
    return f"/search?{query}&page={page}" if query else f"/search?page={page}"


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


RADIUS_OPTIONS = [(miles, f"Within {miles} miles") for miles in RADII]


def _lists(lists: FormLists) -> dict[str, Any]:
    return {"skill_options": lists.skill_options, "group_options": lists.group_options}


async def _form_context(settings: Settings, viewer: CurrentUser) -> dict[str, Any]:
    staff = own.unrestricted(viewer)
    # Every place once (a need at the person's home as well as the home): the blank form's
    # DBS filter reads them all, the form and the search each postcode once.
    every = [] if staff else await own.places_of(viewer, distinct=False)
    return {
        # Staff search from anywhere; everyone else from one of their own places.
        "staff_search": staff,
        "own_places": own.distinct_places(every),
        "every_place": every,
        **_lists(await LISTS.get()),
        "radius_options": RADIUS_OPTIONS,
        "days": DAYS,
        "genders": GENDERS,
        "dbs_filters": DBS_FILTERS,
        "driving_filters": DRIVING_FILTERS,
        "sorts": SORTS,
        # Without an online geocoder only postcodes are understood, and the page says so.
        "places": bool(settings.geocoder) and staff,
    }


def _needs_dbs_filter(places: list[own.OwnPlace]) -> str:
    """The DBS filter a blank search starts with: what the searcher's needs ask, when they
    all ask the same; otherwise "" (Any), so no PA is hidden on a guess."""
    asks = {
        DbsRequirement(level=p.dbs_level, adults_barred=p.adults_barred, children_barred=p.children_barred)
        for p in places
        if p.dbs_level
    }
    return filter_for(asks.pop()) if len(asks) == 1 else ""


class SearchPages(Controller):
    opt = SEARCHERS
    include_in_schema = False

    @get("/search")
    async def search_page(
        self,
        request: Request,
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
    ) -> Template:
        search = search_values_of(request.query_params)
        context = {**await _form_context(settings, request.user), "flash": DONE.get(done or "", "")}
        values = forms.shown(search)
        if not any(key != "done" for key in request.query_params):
            if context["own_places"]:  # a blank form starts from the searcher's first place
                values["postcode"] = context["own_places"][0].postcode
                values["dbs"] = _needs_dbs_filter(context["every_place"])
            return render("search/search.html", values=values, **context)
        data, problems = forms.read_search(search)
        try:
            checked = await criteria.check(
                data,
                settings,
                viewer=request.user,
                problems=problems,
                places=None if context["staff_search"] else context["own_places"],
            )
        except Invalid as problem:
            # form_errors keeps the single-valued fields; the checkbox lists are kept too.
            return render(
                "search/search.html",
                status_code=422,
                **context,
                **{**form_errors(problem, {}), "values": values},
            )
        found = await query.search(checked, viewer=request.user, policy=Policy.of(settings))
        link = query_string(search)
        return render(
            "search/_results.html" if _is_partial(request) else "search/search.html",
            values=values,
            found=found,
            query=link,
            here=search_href(link, found.page),
            from_postcode=data.postcode,
            pagination=links(found.page, found.pages, lambda n: search_href(link, n)),
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
        profile = await profiles.public_profile(
            profile_id, from_postcode, viewer=request.user, policy=Policy.of(settings), settings=settings
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
        profile_id = whole_number(data.get("profile_id", ""))
        if profile_id is None:
            raise NotFound()
        _, created = await shortlist.add_to_shortlist(request.user, profile_id)
        return Redirect(back_to(data.get("next"), "saved" if created else "already"))

    @post("/{profile_id:int}/remove")
    async def remove(self, request: Request, profile_id: RecordId) -> Redirect:
        data = await read_form(request)
        await shortlist.remove_from_shortlist(request.user, profile_id)
        return Redirect(back_to(data.get("next"), "removed"))


ROUTES: list[Any] = [SearchPages, ShortlistPages]
