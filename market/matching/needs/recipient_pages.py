"""About the person support is found for: a recipient-role user's first step (they are the
person, or act for them), and how staff add a person who has no login. Staff also get the
list of all needs (filtered by status) and of all people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.errors import Invalid
from market.fields import FormReader
from market.matching.needs import forms, recipients
from market.matching.needs import lifecycle as needs
from market.matching.needs.pages import ACTORS, every_problem
from market.matching.needs.schemas import AGE_GROUPS, DISABILITY, ETHNICITY, GENDERS, STATUSES
from market.web.forms import form_errors, read_form
from market.web.guards import STAFF
from market.web.render import render


async def create_recipient_from(user: CurrentUser, values: Mapping[str, str]) -> int:
    """The person a posted form describes."""
    read = FormReader(values)
    data = forms.recipient_input(read)
    await every_problem(read, lambda: recipients.validate_recipient(data))
    return await recipients.create_recipient(user, data)


PERSON: dict[str, Any] = {
    "age_groups": AGE_GROUPS,
    "genders": GENDERS,
    "disability": DISABILITY,
    "ethnicity": ETHNICITY,
}


class PersonPages(Controller):
    path = "/needs/people"
    opt = ACTORS
    include_in_schema = False

    @get("/new")
    async def new(self, request: Request) -> Template:
        first = not await recipients.list_recipients(request.user)
        values = {}
        # Someone looking for support for themselves starts with their own name.
        if (
            first
            and request.user.role == "recipient"
            and (await accounts.get_user(request.user.id)).acting_as == "self"
        ):
            values["display_name"] = request.user.display_name
        return render("matching/person.html", first=first, values=values, **PERSON)

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            recipient_id = await create_recipient_from(request.user, values)
        except Invalid as problem:
            return render(
                "matching/person.html",
                status_code=422,
                first=not await recipients.list_recipients(request.user),
                **PERSON,
                **form_errors(problem, values, form="person"),
            )
        return Redirect(f"/needs/new?recipient={recipient_id}")


class StaffNeedPages(Controller):
    path = "/staff/needs"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(self, request: Request, status: FromQuery[str] = "") -> Template:
        chosen = status if status in STATUSES else ""
        return render(
            "matching/staff_needs.html",
            needs=await needs.list_needs(request.user, status=chosen),
            status=chosen,
            statuses=STATUSES,
        )

    @get("/people")
    async def people(self, request: Request) -> Template:
        return render(
            "matching/people.html",
            people=await recipients.list_recipients(request.user),
            age_groups=AGE_GROUPS,
        )


ROUTES: list[Any] = [PersonPages, StaffNeedPages]
