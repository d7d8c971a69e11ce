"""Admin: the list of accounts, and making staff, trainer and admin accounts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts import services
from market.accounts.schemas import NewUserInput
from market.roles import ROLE_NAMES
from market.web.forms import form_page, form_struct, read_form
from market.web.guards import ADMIN
from market.web.params import RecordId
from market.web.render import ip_of, render

DONE = {
    "created": (
        "The account has been created. Give its owner the password by a safe route; "
        "they can change it under Your account."
    ),
    "deactivated": "The account has been deactivated and signed out everywhere.",
    "activated": "The account has been reactivated.",
}


class UserAdminPages(Controller):
    path = "/admin/users"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def list_users(
        self,
        role: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        users = await services.list_users(role=role or "", query=q or "")
        return render(
            "admin/users.html",
            users=users,
            role_names=ROLE_NAMES,
            role=role or "",
            q=q or "",
            flash=DONE.get(done or "", ""),
        )

    @get("/new")
    async def new_form(self) -> Template:
        return render("admin/new_user.html", role_names=ROLE_NAMES, values={"role": "staff"})

    @post("/new")
    async def create(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "admin/new_user.html", {"role_names": ROLE_NAMES}, {**data, "password": ""})
        await services.create_user(form_struct(data, NewUserInput), actor=request.user, ip=ip_of(request))
        return Redirect("/admin/users?done=created")

    @post("/{user_id:int}/deactivate")
    async def deactivate(self, request: Request, user_id: RecordId) -> Redirect:
        await services.set_active(user_id, False, actor=request.user, ip=ip_of(request))
        return Redirect("/admin/users?done=deactivated")

    @post("/{user_id:int}/activate")
    async def activate(self, request: Request, user_id: RecordId) -> Redirect:
        await services.set_active(user_id, True, actor=request.user, ip=ip_of(request))
        return Redirect("/admin/users?done=activated")


ROUTES: list[Any] = [UserAdminPages]
