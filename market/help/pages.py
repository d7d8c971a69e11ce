"""The contact page, the feedback form (anyone), and staff's feedback list."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.help import feedback, forms
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import PUBLIC, STAFF
from market.web.params import PageNumber, RecordId
from market.web.render import ip_of, render

PER_PAGE = 25
# The page someone came from: the phase banner's link sends /feedback?from=<the page's path>.
CameFrom = Annotated[str | None, QueryParameter(name="from", max_length=1000)]
DONE = {"dealt": "Marked as dealt with.", "reopened": "Marked as not dealt with."}


class HelpPages(Controller):
    opt = PUBLIC
    include_in_schema = False

    @get("/contact")
    async def contact(self) -> Template:
        return render("help/contact.html")

    @get("/feedback")
    async def feedback_form(self, came_from: CameFrom = None) -> Template:
        return render("help/feedback.html", values={"page": feedback.safe_page(came_from or "")})

    @get("/feedback/sent")
    async def feedback_sent(self, reply: FromQuery[str | None] = None) -> Template:
        return render("help/feedback_sent.html", reply=reply == "yes")

    @post("/feedback")
    async def send_feedback(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        # The form shows it again as a link: only ever a path on this site.
        values["page"] = feedback.safe_page(values.get("page", ""))
        user = request.scope.get("user")
        try:
            data = forms.feedback_input(values)
            await feedback.submit(settings, data, user_id=user.id if user else None, ip=ip_of(request))
        except Invalid as problem:
            return render("help/feedback.html", status_code=422, **form_errors(problem, values))
        return Redirect("/feedback/sent" + ("?reply=yes" if data.reply_email else ""))


class StaffFeedbackPages(Controller):
    path = "/staff/feedback"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def listing(self, page: PageNumber = 1, done: FromQuery[str | None] = None) -> Template:
        found = await feedback.listing(page=page, per_page=PER_PAGE)
        return render(
            "help/staff_feedback.html",
            found=found,
            page=page,
            pages=max(1, -(-found.total // PER_PAGE)),
            flash=DONE.get(done or "", ""),
        )

    @post("/{feedback_id:int}")
    async def mark(self, request: Request, feedback_id: RecordId) -> Redirect:
        values = await read_form(request)
        dealt_with = values.get("dealt_with") != "no"
        await feedback.mark_dealt_with(request.user, feedback_id, dealt_with=dealt_with, ip=ip_of(request))
        page = values.get("page", "1")
        page = page if page.isdigit() and len(page) < 7 else "1"
        return Redirect(
            f"/staff/feedback?page={page}&done={'dealt' if dealt_with else 'reopened'}#feedback-{feedback_id}"
        )


ROUTES: list[Any] = [HelpPages, StaffFeedbackPages]
