"""The shape every report figure takes, whichever part of the service it counts: a number or a
breakdown, each with a definition a commissioner can read. Figures are computed from the
records for a ``Period`` (``market.reports.periods``), never typed in.

Small numbers: in anything exported beyond staff, a count from 1 to 4 is shown as "<5"
(``suppressed``), so that no person can be picked out; 0 is shown as 0. A breakdown's
counts are protected together (``market.reports.suppression``), so that no "<5" can be
worked out by subtracting the rest from the total."""

from __future__ import annotations

import msgspec

SMALL = 5  # counts below this (but above 0) are suppressed beyond staff


class Figure(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # stable, for exports: e.g. "register.on_register_at_end"
    title: str
    definition: str
    value: int | float | None  # None: cannot be computed for the period (e.g. no cases)
    unit: str = ""  # "" (a count) | "%" | "days"


class Breakdown(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    title: str
    definition: str
    heading: str  # what the rows are, e.g. "Skill"
    rows: list[tuple[str, int]]  # (label, count), in the order to show
    # Rows ordered largest first: where counts are hidden they go in label order instead, since
    # a hidden count's place between two shown ones would tell its size.
    ordered_by_count: bool = False


class Section(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    title: str
    figures: list[Figure]
    breakdowns: list[Breakdown] = []


def suppressed(count: int) -> str:
    """A count as it may leave the staff pages."""
    return "<5" if 0 < count < SMALL else str(count)


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    return None if whole == 0 else round(100 * part / whole, 1)
