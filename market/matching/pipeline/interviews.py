"""Interviews: the need's side books one with a PA who accepted the invitation (date, time,
length, in person / video / phone, where, who attends), moves it or cancels it, and writes
down how it went. Both sides are emailed the details with a calendar file (.ics) each time.

Every change moves the application under its version (``pipeline.move``), so two people
changing the same interview at once get a Conflict, never a silent overwrite.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import msgspec

from market.accounts import directory as accounts
from market.accounts.schemas import CurrentUser
from market.clock import LONDON, london, utcnow
from market.errors import Invalid, NotFound
from market.mail import services as mail
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import calendar as ics
from market.matching.pipeline.schemas import InterviewInput, Minutes, Mode
from market.matching.tables import Application, Interview, Need, RecipientAccess

MODES = {"in_person": "In person", "video": "Video call", "phone": "Phone call"}
LENGTHS = {
    "30": "30 minutes",
    "45": "45 minutes",
    "60": "1 hour",
    "90": "1 and a half hours",
    "120": "2 hours",
}
# The pages' labels for the Literals the Structs take (radios post the keys as text).
assert set(MODES) == set(get_args(Mode)) and set(LENGTHS) == {str(m) for m in get_args(Minutes)}
BOOKABLE_FROM = ("accepted", "interview")  # a second interview may follow a first
NOTES_AT = ("interview", "offered", "appointed", "started")


class InterviewOut(msgspec.Struct, kw_only=True):
    id: int
    application_id: int
    starts_at: datetime
    when: str
    minutes: int
    mode: str
    mode_text: str
    place: str
    attendees: str
    status: str
    outcome_notes: str
    sequence: int


def _clean(text: str) -> str:
    return " ".join(text.split())[:500]


def problems(data: InterviewInput, *, now: datetime | None = None) -> dict[str, str]:
    """What is wrong with an interview to book or move, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "Enter the date of the interview"
    if data.time is None:
        errors["time"] = "Enter the start time, for example 09:30"
    if data.minutes is None:
        errors["minutes"] = "Select how long the interview will take"
    if data.mode is None:
        errors["mode"] = "Select how the interview will happen"
    place = _clean(data.place)
    if data.mode == "in_person" and not place:
        errors["place"] = "Enter where the interview will be, such as an address or a café"
    elif data.mode == "video" and not place.lower().startswith("https://"):
        errors["place"] = "Enter the video call link, starting https://"
    starts_at = data.starts_at
    if starts_at is not None:
        if starts_at <= (now or utcnow()):
            errors["day"] = "The interview must be in the future"
        elif starts_at > (now or utcnow()) + timedelta(days=366):
            errors["day"] = "The interview must be within the next year"
    return errors


class _Checked(msgspec.Struct, frozen=True, kw_only=True):
    starts_at: datetime
    minutes: int
    mode: str
    place: str
    attendees: str


def _checked(data: InterviewInput) -> _Checked:
    """The interview as it is written, or Invalid naming every problem."""
    errors = problems(data)
    starts_at = data.starts_at
    if errors or starts_at is None or data.minutes is None or data.mode is None:
        raise Invalid(errors)
    return _Checked(
        starts_at=starts_at,
        minutes=data.minutes,
        mode=data.mode,
        place=_clean(data.place),
        attendees=_clean(data.attendees),
    )


def form_values(interview: InterviewOut) -> dict[str, str]:
    """A booked interview as the form's fields, to move it."""
    local = interview.starts_at.astimezone(LONDON)
    return {
        "day_day": str(local.day),
        "day_month": str(local.month),
        "day_year": str(local.year),
        "time": f"{local:%H:%M}",
        "minutes": str(interview.minutes),
        "mode": interview.mode,
        "place": interview.place,
        "attendees": interview.attendees,
    }


def interview_out(row: dict[str, Any]) -> InterviewOut:
    starts = row["starts_at"] if row["starts_at"].tzinfo else row["starts_at"].replace(tzinfo=UTC)
    return InterviewOut(
        id=row["id"],
        application_id=row["application"],
        starts_at=starts,
        when=london(starts),
        minutes=row["minutes"],
        mode=row["mode"],
        mode_text=MODES.get(row["mode"], row["mode"]),
        place=row["place"],
        attendees=row["attendees"],
        status=row["status"],
        outcome_notes=row["outcome_notes"],
        sequence=row["sequence"],
    )


async def interviews_of(application_id: int) -> list[InterviewOut]:
    rows = (
        await Interview.select().where(Interview.application == application_id).order_by(Interview.starts_at)
    )
    return [interview_out(r) for r in rows]


async def _interview_row(application_id: int, interview_id: int) -> dict[str, Any]:
    row = (
        await Interview.select()
        .where(Interview.id == interview_id, Interview.application == application_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


# -- the calendar file and the emails -------------------------------------------------------------


async def _need_title(application_id: int) -> str:
    row = await Application.select(Application.need.title).where(Application.id == application_id).first()
    return row["need.title"] if row else ""


def calendar_file(interview: InterviewOut, title: str, *, host: str = "pa-register") -> str:
    return ics.calendar(
        ics.CalendarEvent(
            uid=f"interview-{interview.id}@{host}",
            sequence=interview.sequence,
            starts_at=interview.starts_at,
            minutes=interview.minutes,
            summary=f"PA interview: {title}",
            location=interview.place if interview.mode == "in_person" else "",
            url=interview.place if interview.mode == "video" else "",
            description=_details(interview),
            cancelled=interview.status == "cancelled",
        )
    )


def _details(interview: InterviewOut) -> str:
    lines = [
        f"When: {interview.when} ({LENGTHS.get(str(interview.minutes), f'{interview.minutes} minutes')})"
    ]
    lines.append(f"How: {interview.mode_text}")
    if interview.place:
        lines.append(("Link: " if interview.mode == "video" else "Where: ") + interview.place)
    if interview.attendees:
        lines.append(f"Who will be there: {interview.attendees}")
    return "\n".join(lines)


async def _people_to_tell(application: dict[str, Any], actor: CurrentUser) -> list[str]:
    """The PA, everyone who acts for the person, and whoever made the change."""
    pa_email = await pipeline.pa_email(application["profile"])
    need = await Need.select(Need.recipient).where(Need.id == application["need"]).first()
    if need is None:
        raise NotFound()
    acting = await RecipientAccess.select(RecipientAccess.user).where(
        RecipientAccess.recipient == need["recipient"]
    )
    emails = (await accounts.emails(r["user"] for r in acting)).values()
    found = [pa_email, *emails, actor.email]
    return list(dict.fromkeys(e for e in found if e))


async def _tell(application: dict[str, Any], actor: CurrentUser, interview_id: int, headline: str) -> None:
    row = await Interview.select().where(Interview.id == interview_id).first()
    if row is None:
        raise NotFound()
    interview = interview_out(row)
    title = await _need_title(application["id"])
    body = "\n".join(
        [headline, "", f"Work: {title}", _details(interview), "", "The calendar file is attached."]
    )
    attachment = mail.Attachment(
        name="interview.ics",
        content_type="text/calendar; method=PUBLISH; charset=utf-8",
        text=calendar_file(interview, title),
    )
    subject = f"{headline.rstrip('.')}: {title}"
    for address in await _people_to_tell(application, actor):
        await mail.queue(address, subject[:200], body, kind="interview", attachment=attachment)


# -- the changes ------------------------------------------------------------------------------------


async def book(user: CurrentUser, application_id: int, version: int | None, data: InterviewInput) -> int:
    """Book an interview with a PA who accepted the invitation; the application's new version."""
    await pipeline.need_side_row(user, application_id)
    values = _checked(data)

    async def write(current: dict[str, Any]) -> None:
        rows = await Interview.insert(
            Interview(
                application=application_id,
                starts_at=values.starts_at,
                minutes=values.minutes,
                mode=values.mode,
                place=values.place,
                attendees=values.attendees,
                created_by=user.id,
            )
        ).returning(Interview.id)
        await _tell(current, user, rows[0]["id"], "An interview has been booked.")

    return await pipeline.move(
        user,
        application_id,
        version,
        "interview",
        BOOKABLE_FROM,
        f"Interview on {london(values.starts_at)}",
        also=write,
    )


async def reschedule(
    user: CurrentUser, application_id: int, interview_id: int, version: int | None, data: InterviewInput
) -> int:
    await pipeline.need_side_row(user, application_id)
    values = _checked(data)
    row = await _interview_row(application_id, interview_id)
    if row["status"] != "booked":
        raise Invalid({"day": "Only a booked interview can be moved"})

    async def write(current: dict[str, Any]) -> None:
        await Interview.update(
            {
                Interview.starts_at: values.starts_at,
                Interview.minutes: values.minutes,
                Interview.mode: values.mode,
                Interview.place: values.place,
                Interview.attendees: values.attendees,
                Interview.sequence: Interview.sequence + 1,
                Interview.updated_at: utcnow(),
            }
        ).where(Interview.id == interview_id)
        await _tell(current, user, interview_id, "An interview has been moved.")

    return await pipeline.move(
        user,
        application_id,
        version,
        "interview",
        ("interview",),
        f"Interview moved to {london(values.starts_at)}",
        also=write,
    )


async def cancel(
    user: CurrentUser, application_id: int, interview_id: int, version: int | None, reason: str
) -> int:
    """Cancel a booked interview. With no other interview booked, the application goes back to
    "accepted", so another can be booked."""
    await pipeline.need_side_row(user, application_id)
    row = await _interview_row(application_id, interview_id)
    if row["status"] != "booked":
        raise Invalid({"reason": "Only a booked interview can be cancelled"})
    others = await Interview.count().where(
        Interview.application == application_id, Interview.id != interview_id, Interview.status != "cancelled"
    )

    async def write(current: dict[str, Any]) -> None:
        await Interview.update(
            {
                Interview.status: "cancelled",
                Interview.sequence: Interview.sequence + 1,
                Interview.updated_at: utcnow(),
            }
        ).where(Interview.id == interview_id)
        await _tell(current, user, interview_id, "An interview has been cancelled.")

    target = "interview" if others else "accepted"
    reason = " ".join(reason.split())[:2000]
    return await pipeline.move(
        user,
        application_id,
        version,
        target,
        ("interview",),
        f"Interview on {london(row['starts_at'])} cancelled" + (f": {reason}" if reason else ""),
        also=write,
    )


async def record_outcome(
    user: CurrentUser, application_id: int, interview_id: int, version: int | None, notes: str
) -> int:
    """How the interview went (kept with the interview; staff see it in the history)."""
    await pipeline.need_side_row(user, application_id)
    row = await _interview_row(application_id, interview_id)
    notes = notes.strip()[:4000]
    if not notes:
        raise Invalid({f"notes-{interview_id}": "Write down how the interview went"})
    if row["status"] == "cancelled":
        raise Invalid({f"notes-{interview_id}": "This interview was cancelled"})

    async def write(current: dict[str, Any]) -> None:
        await Interview.update(
            {Interview.status: "held", Interview.outcome_notes: notes, Interview.updated_at: utcnow()}
        ).where(Interview.id == interview_id)

    # Notes may come after an offer is made: the application stays at whatever stage it is.
    stage = (await pipeline.need_side_row(user, application_id))["stage"]
    if stage not in NOTES_AT:
        raise Invalid({f"notes-{interview_id}": "Notes can be written once an interview is booked"})
    return await pipeline.move(
        user,
        application_id,
        version,
        stage,
        (stage,),
        "Interview notes written",
        also=write,
    )


async def _calendar(application_id: int, interview_id: int) -> str:
    interview = interview_out(await _interview_row(application_id, interview_id))
    return calendar_file(interview, await _need_title(application_id))


async def calendar_for_need_side(user: CurrentUser, application_id: int, interview_id: int) -> str:
    await pipeline.need_side_row(user, application_id)
    return await _calendar(application_id, interview_id)


async def calendar_for_pa(pa_user: CurrentUser, application_id: int, interview_id: int) -> str:
    await pipeline.pa_row(pa_user, application_id)
    return await _calendar(application_id, interview_id)
