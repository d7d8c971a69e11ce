"""The week grid a PA's public profile shows, written in Python: as a jinja macro (a 7 by 4
table and a list of days, each cell a loop step) it took a quarter of the page's rendering.

Two views of one week: a table at tablet width and up, and on a phone a list of days (eight
columns cannot fit 320 CSS pixels). CSS shows one (assets/app.scss, .app-week); the other is
display:none, so a screen reader meets only one. tests/search/test_week_grid.py pins the markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol

from markupsafe import Markup, escape

from market.register.availability import DAYS, Cover

COVER: dict[str, str] = {Cover.FULL: "Yes", Cover.PART: "Part", Cover.NONE: "No"}  # by its text
# Each cover's cell, made once: a grid is 28 of them.
_CELL = {
    str(state): f'<td class="govuk-table__cell app-week-grid__{escape(state)}">{text}</td>'
    for state, text in COVER.items()
}
_HEAD = (
    '<thead class="govuk-table__head"><tr class="govuk-table__row">'
    '<th scope="col" class="govuk-table__header">Time of day</th>'
    + "".join(
        f'<th scope="col" class="govuk-table__header">{day[:3]}'
        f'<span class="govuk-visually-hidden">{day[3:]}</span></th>'
        for day in DAYS
    )
    + "</tr></thead>"
)


class WeekRow(Protocol):
    @property
    def band(self) -> str: ...  # "Morning", "Afternoon"...

    @property
    def days(self) -> Sequence[str]: ...  # Monday first: a Cover's text, "full", "part" or "none"


def _day_text(week: Sequence[WeekRow], day: int) -> str:
    """When in the day they are available: "Morning, part of the afternoon", "Not available"."""
    times = [
        row.band.lower() if row.days[day] == Cover.FULL else f"part of the {row.band.lower()}"
        for row in week
        if row.days[day] in (Cover.FULL, Cover.PART)
    ]
    return ", ".join(times).capitalize() if times else "Not available"


def week_grid(week: Iterable[WeekRow], name: str) -> Markup:
    """The table and the list of days for ``week`` (rows of bands), captioned with ``name``
    (the template filter ``week_grid``: ``profile.week | week_grid(profile.display_name)``)."""
    return _week_grid(tuple(_Row(row.band, tuple(row.days)) for row in week), name)


class _Row(NamedTuple):
    band: str
    days: tuple[str, ...]


@lru_cache(maxsize=1024)
def _week_grid(rows: tuple[_Row, ...], name: str) -> Markup:
    # Remembered for each week and name: a profile is looked at again and again.
    title = f"When {escape(name)} is usually available"
    body = "".join(
        f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{escape(row.band)}</th>'
        + "".join([_CELL[state] for state in row.days])
        + "</tr>"
        for row in rows
    )
    days = "".join(
        f'<div class="app-week-list__day"><dt>{day}</dt><dd>{escape(_day_text(rows, i))}</dd></div>'
        for i, day in enumerate(DAYS)
    )
    return Markup(
        '<div class="app-week"><table class="govuk-table govuk-table--small-text-until-tablet app-week-grid">'
        f'<caption class="govuk-table__caption govuk-table__caption--s">{title}</caption>'
        f'{_HEAD}<tbody class="govuk-table__body">{body}</tbody></table>'
        '<div class="app-week-list">'
        f'<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{title}</p>'
        f'<dl class="app-week-list__days">{days}</dl></div></div>'
    )
