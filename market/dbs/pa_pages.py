"""The PA's own DBS page (status, consent to status checks, asking for a check), the
public page explaining DBS checks, and the admin page for fees and the DBS permission."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.dbs import applications, checks, fees, forms, permissions, records, rules
from market.errors import Conflict, Invalid
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN, PUBLIC, roles
from market.web.params import RecordId
from market.web.render import render

PA_DONE = {
    "consent": "Thank you: your consent to Update Service status checks is recorded.",
    "consent-withdrawn": "Your consent is withdrawn. We will not do status checks on that certificate.",
    "requested": "Your request is with our team. We will contact you about the next step.",
}
ADMIN_DONE = {
    "fees": "The fees have been saved. PAs see them on the DBS checks page.",
    "granted": "The DBS permission has been given.",
    "revoked": "The DBS permission has been removed.",
}
PA_BARRED = {
    "adults": "Adults (the adults' barred list)",
    "children": "Children (the children's barred list)",
    "both": "Adults and children (both barred lists)",
}


class OwnDBSPages(Controller):
    path = "/profile/dbs"
    opt = roles("pa")
    include_in_schema = False

    async def _context(self, request: Request, settings: Settings) -> dict[str, Any]:
        return {
            "own": await records.own_record(request.user, settings),
            "routes": {k: v for k, v in rules.ROUTES.items() if k in applications.PA_ROUTES},
            "barred_choices": PA_BARRED,
        }

    @get("/")
    async def page(
        self, request: Request, settings: NamedDependency[Settings], done: FromQuery[str | None] = None
    ) -> Template:
        return render(
            "dbs/own.html",
            flash=PA_DONE.get(done or "", ""),
            values={"route": "service", "barred_lists": "adults"},
            **await self._context(request, settings),
        )

    @post("/request")
    async def ask(self, request: Request, settings: NamedDependency[Settings]) -> Template | Redirect:
        values = await read_form(request)
        try:
            data = forms.pa_request_input(values)
            if values.get("confirm") != "yes":
                # A check can cost money: the first press asks "are you sure", with what was
                # chosen and the fees; only the press on that page asks for it.
                context = await self._context(request, settings)
                return render(
                    "dbs/request_confirm.html",
                    route_text=context["routes"].get(data.route, data.route),
                    barred_text=PA_BARRED.get(values.get("barred_lists", ""), ""),
                    fees=await fees.all_fees(),
                    values=values,
                )
            await applications.request_by_pa(request.user, data)
        except Invalid as problem:
            return render(
                "dbs/own.html",
                status_code=422,
                **await self._context(request, settings),
                **form_errors(problem, values),
            )
        except Conflict as open_already:
            # An application is already open (perhaps sent a moment ago from another tab).
            return render(
                "dbs/own.html",
                status_code=409,
                **await self._context(request, settings),
                **form_errors({"route": open_already.detail}, values),
            )
        return Redirect("/profile/dbs?done=requested")

    @post("/checks/{check_id:int}/consent")
    async def consent(self, request: Request, check_id: RecordId) -> Redirect:
        await checks.give_consent(request.user, check_id)
        return Redirect("/profile/dbs?done=consent")

    @post("/checks/{check_id:int}/consent/withdraw")
    async def withdraw_consent(self, request: Request, check_id: RecordId) -> Redirect:
        await checks.withdraw_consent(request.user, check_id)
        return Redirect("/profile/dbs?done=consent-withdrawn")


class DBSInfoPage(Controller):
    path = "/dbs"
    opt = PUBLIC
    include_in_schema = False

    @get("/")
    async def page(self) -> Template:
        return render("dbs/info.html", fees=await fees.all_fees())


class DBSAdminPages(Controller):
    path = "/admin/dbs"
    opt = ADMIN
    include_in_schema = False

    async def _context(self) -> dict[str, Any]:
        all_fees = await fees.all_fees()
        return {
            "fees": all_fees,
            "holders": await permissions.holders(),
            "fee_values": {
                **{f"amount_{f.code}": f"{f.amount_pence / 100:.2f}" for f in all_fees},
                **{f"note_{f.code}": f.note for f in all_fees},
            },
        }

    @get("/")
    async def page(self, done: FromQuery[str | None] = None) -> Template:
        context = await self._context()
        return render(
            "dbs/admin.html", flash=ADMIN_DONE.get(done or "", ""), values=context["fee_values"], **context
        )

    async def _refused(self, problem: Invalid, values: dict[str, str]) -> Template:
        context = await self._context()
        shown = form_errors(problem, {**context["fee_values"], **values})
        return render("dbs/admin.html", status_code=422, **context, **shown)

    @post("/fees")
    async def save_fees(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await fees.update(forms.fees_input(values, await fees.all_fees()), actor=request.user)
        except Invalid as problem:
            return await self._refused(problem, values)
        return Redirect("/admin/dbs?done=fees")

    @post("/permissions")
    async def grant(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await permissions.grant(values.get("email", ""), actor=request.user)
        except Invalid as problem:
            return await self._refused(problem, values)
        return Redirect("/admin/dbs?done=granted")

    @post("/permissions/{user_id:int}/remove")
    async def revoke(self, request: Request, user_id: RecordId) -> Redirect:
        await permissions.revoke(user_id, actor=request.user)
        return Redirect("/admin/dbs?done=revoked")


ROUTES: list[Any] = [OwnDBSPages, DBSInfoPage, DBSAdminPages]
