"""The DBS rules as pure functions: no database, no web. Everything here is tested at its edges.

Currency: a check is current until the day before the recheck period's anniversary of its
issue date (so a certificate issued exactly three years ago is no longer current), or, for an
Update Service subscriber, until the day before the same anniversary of the latest status
check that said the certificate is still current. A status check that said NEW_INFO or found
no match stops the check at once, whatever the dates say.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
import numpy as np

from market.dates import add_months, add_months_days

LEVELS = {"basic": "Basic", "standard": "Standard", "enhanced": "Enhanced"}
LEVEL_RANK = {"basic": 1, "standard": 2, "enhanced": 3}
BARRED_LISTS = {
    "none": "No barred lists",
    "adults": "Adults' barred list",
    "children": "Children's barred list",
    "both": "Adults' and children's barred lists",
}
WORKFORCES = {
    "adult": "Adult workforce",
    "child": "Child workforce",
    "adult_and_child": "Adult and child workforce",
    "other": "Other workforce",
}
CERTIFICATE_RESULTS = {"clear": "Clear", "disclosed": "Information disclosed \u2014 reviewed"}
DECISIONS = {"pending": "Waiting for a decision", "suitable": "Suitable", "not_suitable": "Not suitable"}
STATUS_RESULTS = {
    "BLANK_NO_NEW_INFO": "No information on the certificate, still current",
    "NON_BLANK_NO_NEW_INFO": "Information on the certificate, nothing new, still current",
    "NEW_INFO": "No longer current: a new check is needed",
    "NO_MATCH": "No record found, or the details do not match",
}
CURRENT_RESULTS = ("BLANK_NO_NEW_INFO", "NON_BLANK_NO_NEW_INFO")
STOPPING_RESULTS = ("NEW_INFO", "NO_MATCH")
FIRST_ISSUE_YEAR = 2002  # the Criminal Records Bureau issued its first certificates in 2002
UPDATE_SERVICE_JOIN_DAYS = 30
ROUTES = {
    "service": "Through our service",
    "own": "The PA's own application through an umbrella body",
    "employer": "Through the employer (the person the PA works for)",
}
STEPS = {
    "requested": "Requested",
    "id_verified": "Identity documents verified",
    "submitted": "Submitted to DBS",
    "issued": "Certificate issued",
    "seen": "Certificate seen by staff",
    "decided": "Decision made",
    "withdrawn": "Withdrawn",
}
# The database holds one application per PA in these steps (a partial unique index made by
# the dbs migration of 2026-12-02): a change to this list needs a migration of that index.
OPEN_STEPS = ("requested", "id_verified", "submitted", "issued", "seen")


def clean_certificate_number(raw: str) -> tuple[str, str | None]:
    """The 12 digits of a certificate number, or an error message naming what is wrong."""
    text = "".join(raw.split())
    if not text:
        return "", "Enter the 12-digit certificate number"
    if not text.isdigit() or not text.isascii():
        return text, "The certificate number must contain only digits 0 to 9"
    if len(text) != 12:
        return text, f"The certificate number must be 12 digits; you entered {len(text)}"
    return text, None


def mask(number: str) -> str:
    """What everyone but staff sees of a certificate number: the last four digits."""
    return "\u2022" * 8 + number[-4:] if len(number) >= 4 else "\u2022" * len(number)


def issue_date_error(issued_on: date, today: date) -> str | None:
    if issued_on > today:
        return "The date of issue must be today or in the past"
    if issued_on.year < FIRST_ISSUE_YEAR:
        return f"The date of issue must be in {FIRST_ISSUE_YEAR} or later"
    return None


def join_deadline(issued_on: date) -> date:
    return issued_on + timedelta(days=UPDATE_SERVICE_JOIN_DAYS)


def update_service_error(
    level: str, issued_on: date | None, joined_on: date | None, today: date
) -> str | None:
    if level == "basic":
        return "Basic certificates cannot be added to the Update Service: it covers standard and enhanced"
    if joined_on is None:
        return "Enter the date the PA joined the Update Service"
    if joined_on > today:
        return "The date the PA joined the Update Service must be today or in the past"
    if issued_on and joined_on > join_deadline(issued_on):
        return (
            "The Update Service must be joined within 30 days of issue: by "
            f"{join_deadline(issued_on).strftime('%-d %B %Y')} for this certificate"
        )
    return None


def barred_lists_error(level: str, barred_lists: str) -> str | None:
    if barred_lists not in BARRED_LISTS:
        return "Select which barred lists were checked"
    if barred_lists != "none" and level != "enhanced":
        return "Barred lists are only checked on an enhanced certificate"
    return None


class StatusCheckView(msgspec.Struct, frozen=True):
    checked_on: date
    result: str


class CheckFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the currency rule needs to know about one check."""

    level: str
    barred_lists: str
    issued_on: date
    decision: str
    update_service: bool
    status_checks: tuple[StatusCheckView, ...] = ()
    stopped: bool = False  # the latest status check said NEW_INFO or found no match
    checked_by_staff_on: date | None = None


def current_until(facts: CheckFacts, *, recheck_months: int, status_check_months: int) -> date:
    """The last day the check counts as current (ignoring a stop)."""
    last_day = add_months(facts.issued_on, recheck_months) - timedelta(days=1)
    if facts.update_service:
        for status in facts.status_checks:
            if status.result in CURRENT_RESULTS and status.checked_on >= facts.issued_on:
                last_day = max(
                    last_day, add_months(status.checked_on, status_check_months) - timedelta(days=1)
                )
    return last_day


def current_until_days(
    issued: np.ndarray, renewed: np.ndarray, *, recheck_months: int, status_check_months: int
) -> np.ndarray:
    """``current_until`` of many checks at once, as day numbers: ``issued`` each check's
    issue day, ``renewed`` the day of its latest status check that counts (an Update Service
    check's status check on or after the issue day that said it is still current), 0 for
    none. One latest day suffices: a later status check never makes a check current until
    an earlier day (``add_months`` keeps the order of days)."""
    issued, renewed = np.asarray(issued, dtype=np.int64), np.asarray(renewed, dtype=np.int64)
    last_day = add_months_days(issued, recheck_months) - 1
    by_status = add_months_days(np.where(renewed > 0, renewed, issued), status_check_months) - 1
    return np.where(renewed > 0, np.maximum(last_day, by_status), last_day)


def latest_status(facts: CheckFacts) -> StatusCheckView | None:
    """The latest status check; of two on one day, the later one in the list (recorded last)."""
    latest = None
    for status in facts.status_checks:
        if latest is None or status.checked_on >= latest.checked_on:
            latest = status
    return latest


def is_current(facts: CheckFacts, at: date, *, recheck_months: int, status_check_months: int) -> bool:
    if facts.decision != "suitable" or facts.stopped:
        return False
    return at <= current_until(facts, recheck_months=recheck_months, status_check_months=status_check_months)


def covers_adults(barred_lists: str) -> bool:
    return barred_lists in ("adults", "both")


def covers_children(barred_lists: str) -> bool:
    return barred_lists in ("children", "both")


class Requirement(msgspec.Struct, frozen=True, kw_only=True):
    """What a piece of work asks for: a minimum level and the barred lists it must include."""

    level: str = "basic"
    adults_barred: bool = False
    children_barred: bool = False

    def describe(self) -> str:
        return describe(self.level, _lists(self.adults_barred, self.children_barred))


def _lists(adults: bool, children: bool) -> str:
    return "both" if adults and children else "adults" if adults else "children" if children else "none"


def satisfies(level: str, barred_lists: str, requirement: Requirement) -> bool:
    return (
        LEVEL_RANK.get(level, 0) >= LEVEL_RANK.get(requirement.level, 0)
        and (covers_adults(barred_lists) or not requirement.adults_barred)
        and (covers_children(barred_lists) or not requirement.children_barred)
    )


def describe(level: str, barred_lists: str) -> str:
    """E.g. "Enhanced DBS with the adults' barred list"."""
    name = f"{LEVELS.get(level, level)} DBS"
    if barred_lists == "adults":
        return f"{name} with the adults' barred list"
    if barred_lists == "children":
        return f"{name} with the children's barred list"
    if barred_lists == "both":
        return f"{name} with the adults' and children's barred lists"
    return name


def requirement_for(*, child: bool, personal_care: bool) -> Requirement:
    """The DBS requirement that follows from the person: a child needs enhanced with the
    children's barred list; an adult receiving personal care, enhanced with the adults'."""
    if child:
        return Requirement(level="enhanced", children_barred=True)
    if personal_care:
        return Requirement(level="enhanced", adults_barred=True)
    return Requirement(level="basic")
