"""Admin: the list of accounts, and making staff, trainer and admin accounts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts import forms, listing, services
from market.errors import Conflict, Invalid
from market.roles import ROLE_NAMES
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import PageNumber, RecordId
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
        status: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
        page: PageNumber = 1,
    ) -> Template:
        role = role if role in ROLE_NAMES else ""
        status = status if status in listing.ACCOUNT_STATES else ""
        found = await listing.user_page(role=role, query=q or "", state=status, page=page)
        return render(
            "admin/users.html",
            users=found,
            role_names=ROLE_NAMES,
            states=listing.ACCOUNT_STATES,
            role=role,
            q=q or "",
            status=status,
            filters={"q": q or "", "role": role, "status": status},
            flash=DONE.get(done or "", ""),
        )

    @get("/new")
    async def new_form(self) -> Template:
        return render("admin/new_user.html", role_names=ROLE_NAMES, values={"role": "staff"})

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await services.create_user(forms.new_user_input(values), actor=request.user, ip=ip_of(request))
        except Invalid as problem:
            return render(
                "admin/new_user.html",
                status_code=422,
                role_names=ROLE_NAMES,
                **form_errors(problem, forms.without_passwords(values)),
            )
        return Redirect("/admin/users?done=created")

    @get("/{user_id:int}/deactivate")
    async def confirm_deactivate(self, request: Request, user_id: RecordId) -> Template:
        """Deactivating signs the person out everywhere and stops their work: one more step
        asks whether that is meant, and the POST from it does it."""
        account = await services.get_user(user_id)
        if account.id == request.user.id:
            raise Conflict("You cannot deactivate your own account")
        return render("admin/deactivate.html", account=account, role_names=ROLE_NAMES)

    @post("/{user_id:int}/deactivate")
    async def deactivate(self, request: Request, user_id: RecordId) -> Redirect:
        await services.set_active(user_id, False, actor=request.user, ip=ip_of(request))
        return Redirect("/admin/users?done=deactivated")

    @post("/{user_id:int}/activate")
    async def activate(self, request: Request, user_id: RecordId) -> Redirect:
        await services.set_active(user_id, True, actor=request.user, ip=ip_of(request))
        return Redirect("/admin/users?done=activated")


ROUTES: list[Any] = [UserAdminPages]
