"""What each pipeline write takes, in domain types: the pages (via ``forms``) and the API
(decoding JSON) build the same Structs and call the same services, which check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from market.clock import LONDON

Minutes = Literal[30, 45, 60, 90, 120]
Mode = Literal["in_person", "video", "phone"]

HOURS_PER_WEEK = msgspec.Meta(ge=0.25, le=84, description="Hours a week, like 12 or 12.5")
RATE_PENCE = msgspec.Meta(ge=100, le=10_000, description="The hourly rate in pence (£1 to £100)")


class InterviewInput(msgspec.Struct, frozen=True, kw_only=True):
    """An interview to book or move to. A value that could not be read is None; the service
    names it ("Enter the date of the interview")."""

    # "date" in JSON (as before); "day" on the page and in the errors.
    day: dt.date | None = msgspec.field(default=None, name="date")
    time: dt.time | None = None  # London time
    minutes: Minutes | None = None
    mode: Mode | None = None
    place: str = ""  # the address, or the video call link
    attendees: str = ""

    @property
    def starts_at(self) -> dt.datetime | None:
        """When it starts (UTC), once both the day and the London time are known."""
        if self.day is None or self.time is None:
            return None
        day, at = self.day, self.time
        return dt.datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=LONDON).astimezone(dt.UTC)


class OfferInput(msgspec.Struct, frozen=True, kw_only=True):
    start_date: dt.date | None = None
    hours_per_week: Annotated[float, HOURS_PER_WEEK] | None = None
    rate_pence: Annotated[int, RATE_PENCE] | None = None
    notes: str = ""
    # Asked when the offer is for fewer hours than the need: once the PA accepts, does the
    # need stay open for the rest (true) or is it filled (false)?
    keep_need_open: bool | None = None


class CheckInput(msgspec.Struct, frozen=True, kw_only=True):
    """One item of the safe-recruitment checklist done, on a day, with an optional note."""

    done_on: dt.date | None = None
    note: str = ""
