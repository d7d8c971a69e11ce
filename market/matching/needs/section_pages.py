"""The need's question pages: a new need starts with "About the support" (which saves the
draft), then each section in turn, then its times, then the need's page, which lists every
answer under its section with a Change link (check your answers) and opens the need.
Changing an existing need goes to the same pages, and back to that list. Staff acting for a
person and the people who act for them use the same pages; staff see two more sections.

Every page works without JavaScript: a section posts only its own fields, laid over the
saved need's (``sections.merged``), with the need's version as a hidden field, so a change
made on top of someone else's is refused with the latest answers shown (409).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from market.accounts.schemas import CurrentUser
from market.errors import Conflict, Invalid, NotFound
from market.matching.needs import lifecycle as needs
from market.matching.needs import recipients
from market.matching.needs.forms import form_values
from market.matching.needs.pages import ACTORS, create_need_from, form_context, update_need_from
from market.matching.needs.sections import BY_NAME, Section, merged, next_section, section_for
from market.register import languages as language_list
from market.web.forms import form_errors, read_form
from market.web.params import OptionalQueryId, QueryId, RecordId
from market.web.render import render

FIRST = BY_NAME["about"]
LANGUAGE_LISTS = ("languages_required", "languages_preferred")
# A new need's answers before the person gives them: the ones the old single page started with.
NEW_NEED = {"kind": "regular", "year_pattern": "all_year", "max_distance_miles": "10"}


def _section(user: CurrentUser, name: str) -> Section:
    found = section_for(name, staff=recipients.is_staff(user))
    if found is None:
        raise NotFound()
    return found


def _after(need_id: int, section: Section, user: CurrentUser, flow: str) -> str:
    """Where a saved section leads: on through a new need's sections and its times, or back
    to the need's answers when one was being changed."""
    if flow != "continue":
        return f"/needs/{need_id}?done=saved"
    following = next_section(section.name, staff=recipients.is_staff(user))
    if following is None:
        return f"/needs/{need_id}/times?done=saved"
    return f"/needs/{need_id}/section/{following.name}?flow=continue"


async def _page(
    request: Request,
    recipient_id: int,
    section: Section,
    *,
    need: Any = None,
    flow: str = "continue",
    status_code: int = 200,
    **extra: Any,
) -> Template:
    values = extra.get("values") or {}
    extra["language_boxes_count"] = {f: language_list.box_count(values, f) for f in LANGUAGE_LISTS}
    return render(
        "matching/need_form.html",
        status_code=status_code,
        section=section,
        flow=flow,
        **await form_context(request, recipient_id, need),
        **extra,
    )


class NeedSectionPages(Controller):
    path = "/needs"
    opt = ACTORS
    include_in_schema = False

    @get("/new")
    async def new(self, request: Request, recipient: OptionalQueryId = None) -> Template | Redirect:
        people = await recipients.list_recipients(request.user)
        if recipient is None and len(people) == 1 and not recipients.is_staff(request.user):
            recipient = people[0].id
        if recipient is None:
            if not people:
                return Redirect("/needs/people/new")
            return render("matching/choose_person.html", people=people)
        return await _page(request, recipient, FIRST, values=NEW_NEED)

    @post("/new")
    async def create(self, request: Request, recipient: QueryId) -> Template | Redirect:
        posted = await read_form(request)
        person = await recipients.get_recipient(request.user, recipient)
        values = merged({**NEW_NEED, "age_group": person.age_group}, FIRST, posted)
        try:
            need_id = await create_need_from(request.user, recipient, values)
        except Invalid as problem:
            return await _page(request, recipient, FIRST, status_code=422, **_errors(problem, posted))
        following = next_section(FIRST.name, staff=recipients.is_staff(request.user))
        assert following is not None
        return Redirect(f"/needs/{need_id}/section/{following.name}?flow=continue&done=created")

    @get("/{need_id:int}/edit")
    async def edit(self, need_id: RecordId) -> Redirect:
        # The old single form's address: its answers and Change links are on the need's page.
        return Redirect(f"/needs/{need_id}")

    @get("/{need_id:int}/section/{name:str}")
    async def section_form(
        self,
        request: Request,
        need_id: RecordId,
        name: FromPath[str],
        flow: FromQuery[str] = "check",
        done: FromQuery[str] = "",
    ) -> Template:
        section = _section(request.user, name)
        need = await needs.get_need(request.user, need_id)
        values = form_values(need, staff=recipients.is_staff(request.user))
        flash = "The need has been saved as a draft." if done == "created" else ""
        return await _page(
            request, need.recipient_id, section, values=values, need=need, flow=flow, flash=flash
        )

    @post("/{need_id:int}/section/{name:str}")
    async def save_section(
        self, request: Request, need_id: RecordId, name: FromPath[str]
    ) -> Template | Redirect:
        section = _section(request.user, name)
        posted = await read_form(request)
        flow = "continue" if posted.get("flow") == "continue" else "check"
        need = await needs.get_need(request.user, need_id)
        staff = recipients.is_staff(request.user)
        if posted.get("add_language") in LANGUAGE_LISTS:
            # "Add another language": the same page with one more box, nothing saved.
            return await _page(request, need.recipient_id, section, need=need, flow=flow, values=dict(posted))
        try:
            await update_need_from(
                request.user, need_id, merged(form_values(need, staff=staff), section, posted)
            )
        except Conflict as conflict:
            # Show the latest answers, so the change can be made again on top of them.
            latest = await needs.get_need(request.user, need_id)
            values = form_values(latest, staff=staff)
            return await _page(
                request,
                latest.recipient_id,
                section,
                need=latest,
                flow=flow,
                status_code=409,
                **form_errors({"version": conflict.detail}, values, form="need"),
            )
        except Invalid as problem:
            return await _page(
                request,
                need.recipient_id,
                section,
                need=need,
                flow=flow,
                status_code=422,
                **_errors(problem, posted),
            )
        return Redirect(_after(need_id, section, request.user, flow))


def _errors(problem: Invalid, posted: Mapping[str, str]) -> dict[str, Any]:
    # Each unknown language by the box it was typed in.
    errors = language_list.box_errors(problem.errors, posted, LANGUAGE_LISTS)
    return form_errors(errors, posted, form="need")


ROUTES: list[Any] = [NeedSectionPages]
