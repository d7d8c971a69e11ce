"""What each training write takes, in domain types: the pages' forms (``forms``) and the
JSON API decode into these same Structs, and the services check their rules.

Limits that come with a message a person reads (the number of places, text lengths) are
checked by the services, not by ``msgspec.Meta``: the API then names every problem at once,
as the pages do, instead of stopping at the first field the decoder refuses.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal, get_args

import msgspec

from market.training import rules

Delivery = Literal["venue", "online"]
Outcome = Literal["completed", "attended", "absent"]
Safeguarding = Literal["", "adults", "children"]
Kind = Literal["care_certificate_standard", "care_certificate", "mandatory", "specialist", "qualification"]

DELIVERY: dict[str, str] = {"venue": "At a venue", "online": "Online"}
OUTCOMES: dict[str, str] = {
    "completed": "Completed the course",
    "attended": "Attended but did not complete",
    "absent": "Absent",
}

# The label dicts the pages show must offer exactly the codes the Structs accept.
assert set(DELIVERY) == set(get_args(Delivery))
assert set(OUTCOMES) == set(get_args(Outcome))
assert set(rules.SAFEGUARDING) == set(get_args(Safeguarding))
assert set(rules.KINDS) == set(get_args(Kind))


class ClaimInput(msgspec.Struct, kw_only=True):
    """Training a PA did elsewhere. ``course``: the course's code, or its id (the page's select)."""

    course: int | str
    completed_on: date
    provider: str
    evidence: str = ""


class RejectInput(msgspec.Struct, kw_only=True):
    reason: str


class SessionInput(msgspec.Struct, kw_only=True):
    """A session: at a venue (venue and postcode) or online (online_link, https). Times are
    London's, on the 24-hour clock. Without ``delivery`` it follows from what was given."""

    course_id: int
    date: date
    start_time: time
    end_time: time
    capacity: int
    delivery: Delivery | None = None
    venue: str = ""
    postcode: str = ""
    online_link: str = ""
    notes: str = ""
    trainer_id: int | None = None  # staff only: the trainer who runs it


class AttendanceInput(msgspec.Struct, kw_only=True):
    """Every booked PA's outcome, by booking id."""

    outcomes: dict[int, Outcome]


class CancelInput(msgspec.Struct, kw_only=True):
    reason: str = ""  # emailed to everyone booked or waiting


class CourseSettingsInput(msgspec.Struct, kw_only=True):
    """An existing course's settings. ``validity_months`` None: it does not expire."""

    validity_months: int | None
    safeguarding: Safeguarding
    skills: list[str] = msgspec.field(default_factory=list)  # codes of the skills that depend on it
    active: bool = False


class NewCourseInput(msgspec.Struct, kw_only=True):
    name: str
    kind: Kind
    validity_months: int | None
    safeguarding: Safeguarding
    skills: list[str] = msgspec.field(default_factory=list)


class ImportInput(msgspec.Struct, kw_only=True):
    csv: str
    dry_run: bool = False
    file_name: str = "api.csv"
