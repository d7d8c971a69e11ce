"""Reading a posted HTML form into domain types, naming every problem at once.

Each feature's ``forms.py`` turns the strings a page posts into the typed msgspec Struct
its service takes (the API decodes JSON into the same Struct). A ``FormReader`` reads one
field at a time and keeps going after a problem, so the error summary names every field
that is wrong, each message written for the person who typed it::

    read = FormReader(form)
    data = WhereInput(
        home_postcode=read.text("home_postcode"),
        travel_miles=read.whole_number("travel_miles", "how many miles you will travel"),
        driving_licence=read.yes("driving_licence"),
    )
    read.done()  # raises Invalid with every problem found

A field that cannot be read gets a placeholder value (0, None, "") in the Struct; ``done``
raises before any service sees it. Rules that need the database or several fields (a
known postcode, an end after a start) belong to the service, which every caller reaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal

from market.dates import DateProblem, parse_date_parts, parse_date_text
from market.errors import Invalid

YES = ("yes", "true", "on", "1")
# "9", "09:30", "9.30", "9am", "9:30 pm", "5 p.m.": hours, optional minutes, optional am/pm.
_TIME = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm|a\.m\.?|p\.m\.?)?")
_NAMED_TIMES = {"noon": 12 * 60, "midday": 12 * 60, "midnight": 0}
TIME_EXAMPLE = "like 09:00, 9am, 17:30 or 5pm"
_DIGITS = re.compile(r"[0-9]{1,10}")
# A number as people type it: ASCII digits and at most one point, nothing else. Decimal()
# and float() also read "1e309", "NaN", "Infinity", "1_000" and other scripts' digits, none
# of which a person means; the lengths keep every accepted number exact in a Decimal.
_PLAIN_NUMBER = re.compile(r"-?(?:[0-9]{1,15}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")
PG_INT_MAX = 2_147_483_647
# The most any amount typed into the service may be: far beyond any hourly rate or fee,
# well inside an integer column (in pence).
MAX_PENCE = 100_000_000  # £1,000,000.00


class AmountTooLarge(ValueError):
    """An amount of money that reads but is beyond ``MAX_PENCE`` (or the caller's maximum)."""


def parse_number(text: str) -> Decimal | None:
    """A plain decimal number ('12', '12.5', '.25', '-3'), exactly; None for anything else
    (exponents, NaN, infinity, underscores, non-ASCII digits, more than 15 digits before the
    point or 12 after it). Never an exception."""
    text = text.strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    return Decimal(text)


def parse_pounds(raw: str, *, maximum: int = MAX_PENCE) -> int:
    """'12.50', '£12.5', '1,250' or '12' as pence. ValueError when it is not money (a
    negative, a fraction of a penny, exponent notation, NaN ...), AmountTooLarge when it is
    more than ``maximum`` pence."""
    cleaned = raw.strip().lstrip("£").strip().replace(",", "")
    amount = parse_number(cleaned)
    if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(raw)
    pence = int(amount * 100)
    if pence > maximum:
        raise AmountTooLarge(raw)
    return pence


def whole_number(text: str, limit: int = PG_INT_MAX) -> int | None:
    """A plain whole number (ASCII digits) up to ``limit``, else None: never an exception."""
    text = text.strip()
    if not _DIGITS.fullmatch(text) or int(text) > limit:
        return None
    return int(text)


def clock_minutes(text: str) -> int | None:
    """Minutes after midnight (0..1439) of a time of day as people type it: "9", "09:30",
    "9.30", "17:30", "9am", "5:30 pm", "noon", "midday" or "midnight" (0); None when it is
    not one ("25", "13pm", "9:75", "0am"). The one parser of times, for a PA's availability,
    a need's times, cover dates and searches alike."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    match = _TIME.fullmatch(cleaned)
    if not match:
        return None
    hours, minutes, half = int(match[1]), int(match[2] or 0), match[3]
    if minutes >= 60:
        return None
    if half:
        # 12am is midnight and 12pm is noon; a 12-hour clock has no 0 or 13.
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half.startswith("p") else 0)
    if hours >= 24:
        return None
    return hours * 60 + minutes


def parse_clock(text: str) -> time | None:
    """A time of day as ``clock_minutes`` reads it; None when it is not one."""
    minutes = clock_minutes(text)
    return None if minutes is None else time(*divmod(minutes, 60))


def date_values(prefix: str, day: date | None) -> dict[str, str]:
    """A stored date as the three boxes of a date input, to fill a form again."""
    if day is None:
        return {}
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


class FormReader:
    """The fields of one posted form, read into domain types; ``errors`` collects every
    problem keyed by field name. Labels are written as they read mid-sentence ("your
    start date"); messages capitalise them where they start a sentence."""

    def __init__(self, form: Mapping[str, str], *, prefix: str = "") -> None:
        self.form = form
        self.prefix = prefix
        self.errors: dict[str, str] = {}

    # -- raw access -------------------------------------------------------------------------

    def raw(self, field: str) -> str:
        return str(self.form.get(self.prefix + field, "")).strip()

    def problem(self, field: str, message: str) -> None:
        """Record a problem with ``field`` (the first one found for a field is kept)."""
        self.errors.setdefault(field, message)

    def ok(self, field: str) -> bool:
        return field not in self.errors

    def done(self) -> None:
        """Raise Invalid with every problem found, if there was any."""
        if self.errors:
            raise Invalid(self.errors)

    # -- typed fields -----------------------------------------------------------------------

    def text(self, field: str, label: str = "", *, required: bool = False, limit: int | None = None) -> str:
        value = self.raw(field)
        if required and not value:
            self.problem(field, f"Enter {label}")
        elif limit is not None and len(value) > limit:
            self.problem(field, f"{_sentence(label)} must be {limit:,} characters or fewer")
        return value

    def yes(self, field: str) -> bool:
        """A checkbox or a yes/no radio: ticked or "yes" is True, anything else False."""
        return self.raw(field).lower() in YES

    def choice(self, field: str, options: Iterable[str], message: str, *, required: bool = True) -> str:
        """One of ``options`` (codes); blank is allowed when not required."""
        value = self.raw(field)
        if (value or required) and value not in set(options):
            self.problem(field, message)
        return value

    def codes(self, prefix: str, options: Iterable[str]) -> list[str]:
        """The codes of a group of checkboxes that each post ``<prefix><code>``, in the
        options' order (unknown codes are ignored: the page offers only known ones)."""
        return [code for code in options if self.yes(prefix + code)]

    def whole_number(
        self,
        field: str,
        label: str,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
        example: str = "10",
    ) -> int | None:
        """A whole number, optionally within limits; None when blank and not required."""
        raw = self.raw(field)
        if not raw:
            if required:
                self.problem(field, f"Enter {label}")
            return None
        value = whole_number(raw)
        if value is None:
            self.problem(field, f"{_sentence(label)} must be a whole number, like {example}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if minimum is not None and maximum is not None:
                self.problem(field, f"{_sentence(label)} must be between {minimum} and {maximum}")
            elif minimum is not None:
                self.problem(field, f"{_sentence(label)} must be {minimum} or more")
            else:
                self.problem(field, f"{_sentence(label)} must be {maximum} or fewer")
            return None
        return value

    def pence(self, field: str, label: str, *, required: bool = True, example: str = "12.50") -> int | None:
        """An amount typed in pounds ("12.50", "£12.5", "12") as integer pence."""
        raw = self.raw(field)
        if not raw:
            if required:
                self.problem(field, f"Enter {label}, like {example}")
            return None
        try:
            return parse_pounds(raw)
        except AmountTooLarge:
            self.problem(field, f"{_sentence(label)} must be £{MAX_PENCE // 100:,} or less")
            return None
        except ValueError:
            self.problem(field, f"Enter {label} in pounds and pence, like {example}")
            return None

    def number(
        self,
        field: str,
        label: str,
        *,
        required: bool = True,
        minimum: float | None = None,
        maximum: float | None = None,
        example: str = "12.5",
    ) -> float | None:
        """A plain decimal number ("12", "12.5"), optionally within limits; None when blank
        and not required, or when it cannot be read (NaN, infinity, "1e309" are refused)."""
        raw = self.raw(field)
        if not raw:
            if required:
                self.problem(field, f"Enter {label}")
            return None
        value = parse_number(raw)
        if value is None:
            self.problem(field, f"{_sentence(label)} must be a number, like {example}")
            return None
        if (minimum is not None and value < Decimal(str(minimum))) or (
            maximum is not None and value > Decimal(str(maximum))
        ):
            low = "" if minimum is None else f"{minimum:g}"
            high = "" if maximum is None else f"{maximum:g}"
            if low and high:
                self.problem(field, f"{_sentence(label)} must be between {low} and {high}")
            elif low:
                self.problem(field, f"{_sentence(label)} must be {low} or more")
            else:
                self.problem(field, f"{_sentence(label)} must be {high} or less")
            return None
        return float(value)

    def date(self, field: str, label: str, *, required: bool = True) -> date | None:
        """``field`` as the GOV.UK date input's ``_day``/``_month``/``_year`` boxes, or as
        one text box (ISO or 27/03/2027). ``label`` starts a sentence ("The start date")."""
        try:
            if self.raw(field):
                return parse_date_text(self.raw(field), label)
            parsed = parse_date_parts(
                self.raw(f"{field}_day"), self.raw(f"{field}_month"), self.raw(f"{field}_year"), label
            )
        except DateProblem as problem:
            self.problem(field, str(problem))
            return None
        if parsed is None and required:
            self.problem(field, f"Enter {label[:1].lower()}{label[1:]}")
        return parsed

    def clock(self, field: str, label: str, *, required: bool = True) -> time | None:
        """A time of day on the 24-hour clock ("09:30")."""
        raw = self.raw(field)
        if not raw:
            if required:
                self.problem(field, f"Enter the {label} time, for example 09:30")
            return None
        value = parse_clock(raw)
        if value is None:
            self.problem(field, f"Enter the {label} time as a time of day, {TIME_EXAMPLE}")
        return value

    def version(self, field: str = "version") -> int | None:
        """The record version a form was read at (a hidden field); None when absent."""
        return whole_number(self.raw(field))
