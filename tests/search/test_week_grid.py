"""market.search.week_grid: the profile's week, as a table and as a list of days, every name
escaped: the markup the jinja macro it replaced gave (tests/web/test_components.py's
``normal`` white space)."""

from __future__ import annotations

from market.register.availability import Slot
from market.search.ranking import grid_out
from market.search.week_grid import week_grid
from tests.web.test_components import normal

EXPECTED = "".join(
    [
        '<div class="app-week">'
        '<table class="govuk-table govuk-table--small-text-until-tablet app-week-grid">'
        '<caption class="govuk-table__caption govuk-table__caption--s">When Ann &lt;&amp;&gt; O&#39;Neil is usually available</caption>'
        '<thead class="govuk-table__head">'
        '<tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Time of day</th>'
        '<th scope="col" class="govuk-table__header">Mon<span class="govuk-visually-hidden">day</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Tue<span class="govuk-visually-hidden">sday</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Wed<span class="govuk-visually-hidden">nesday</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Thu<span class="govuk-visually-hidden">rsday</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Fri<span class="govuk-visually-hidden">day</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Sat<span class="govuk-visually-hidden">urday</span>'
        "</th>"
        '<th scope="col" class="govuk-table__header">Sun<span class="govuk-visually-hidden">day</span>'
        "</th>"
        "</tr>"
        "</thead>"
        '<tbody class="govuk-table__body">'
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">Morning</th>'
        '<td class="govuk-table__cell app-week-grid__full">Yes</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        "</tr>"
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">Afternoon</th>'
        '<td class="govuk-table__cell app-week-grid__part">Part</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        "</tr>"
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">Evening</th>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__full">Yes</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        "</tr>"
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">Night</th>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__none">No</td>'
        '<td class="govuk-table__cell app-week-grid__part">Part</td>'
        "</tr>"
        "</tbody>"
        "</table>"
        '<div class="app-week-list">'
        '<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">When Ann &lt;&amp;&gt; O&#39;Neil is usually available</p>'
        '<dl class="app-week-list__days">'
        '<div class="app-week-list__day">'
        "<dt>Monday</dt>"
        "<dd>Morning, part of the afternoon</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Tuesday</dt>"
        "<dd>Not available</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Wednesday</dt>"
        "<dd>Not available</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Thursday</dt>"
        "<dd>Evening</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Friday</dt>"
        "<dd>Not available</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Saturday</dt>"
        "<dd>Not available</dd>"
        "</div>"
        '<div class="app-week-list__day">'
        "<dt>Sunday</dt>"
        "<dd>Part of the night</dd>"
        "</div>"
        "</dl>"
        "</div>"
        "</div>"
    ]
)


def test_week_grid_gives_the_table_and_the_days():
    """Monday's morning and part of its afternoon, Thursday's evening, and Sunday's night
    from 11pm (part of it: the band runs on to 6am on Monday, of which 3 hours are given)."""
    week = grid_out(
        [
            Slot(start=6 * 60, end=12 * 60),
            Slot(start=13 * 60, end=14 * 60),
            Slot(start=6 * 1440 + 23 * 60, end=7 * 1440),
            Slot(start=0, end=3 * 60),
            Slot(start=3 * 1440 + 18 * 60, end=3 * 1440 + 22 * 60),
        ]
    )
    assert normal(week_grid(week, "Ann <&> O'Neil")) == EXPECTED
