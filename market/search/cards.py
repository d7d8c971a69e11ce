"""The result cards of a register search page, and a PA's checks and save form, in Python
(the template filters ``result_cards``, ``checks_list`` and ``save_form``): twenty cards of a
dozen fields each were a quarter of the page's render in jinja, and a fifth of its cost again
in the macro calls for their checks and save forms. The public profile shows the same checks
and save form with the same functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Protocol

from markupsafe import Markup, escape

from market.dates import long_date
from market.register.schemas import SkillOut
from market.search.display import hourly_pay, skills_markup


class Card(Protocol):
    """What a card shows of a result (``schemas.ResultOut``)."""

    id: int
    display_name: str
    headline: str
    district: str
    distance_band: str
    usually_available: str
    skills: list[SkillOut]
    min_rate_pence: int | None
    dbs: str
    vetted_on: date | None
    right_to_work_checked: bool
    shortlisted: bool


_ROW = '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
_VALUE = '</dt><dd class="govuk-summary-list__value">'
_END = "</dd></div>"


def checks(card: Card, service_name: str) -> str:
    """The DBS line (always there: no current check is said, not left out), the vetting and
    the right to work."""
    items = [f"<li>{escape(card.dbs) if card.dbs else 'No DBS check recorded'}</li>"]
    if card.vetted_on:
        items.append(_vetted(service_name, card.vetted_on))
    if card.right_to_work_checked:
        items.append("<li>Right to work checked</li>")
    return f'<ul class="govuk-list app-checks">{"".join(items)}</ul>'


@lru_cache(maxsize=1024)
def _vetted(service_name: str, day: date) -> str:
    return f"<li>Vetted by {escape(service_name)} on {long_date(day)}</li>"


def save_button(card: Card, csrf_input: str, here: str) -> str:
    """Save to the shortlist, or say it is on it."""
    if card.shortlisted:
        return (
            '<p class="govuk-body"><strong>On your shortlist.</strong> '
            '<a class="govuk-link" href="/shortlist">View your shortlist</a></p>'
        )
    before, after = _save_form(csrf_input, here)
    return f"{before}{card.id}{after}{escape(card.display_name)}</span></button></form>"


@lru_cache(maxsize=64)
def _save_form(csrf_input: str, here: str) -> tuple[str, str]:
    """A page's save forms, around the profile id and the PA's name (the same for every card
    of a page: made once)."""
    return (
        f'<form method="post" action="/shortlist" class="app-inline-form">{csrf_input}'
        '<input type="hidden" name="profile_id" value="',
        f'"><input type="hidden" name="next" value="{escape(here)}">'
        '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"'
        ' data-module="govuk-button">Save to shortlist<span class="govuk-visually-hidden">: ',
    )


def checks_list(card: Card, service_name: str) -> Markup:
    """``checks`` as markup, for a template (the public profile)."""
    return Markup(checks(card, service_name))


def save_form(card: Card, csrf_input: str, here: str) -> Markup:
    """``save_button`` as markup, for a template (the public profile)."""
    return Markup(save_button(card, csrf_input, here))


def result_cards(
    cards: Sequence[Card],
    *,
    from_query: str,
    service_name: str,
    can_save: bool,
    csrf_input: str = "",
    here: str = "",
) -> Markup:
    """One compact card a result: the facts to choose whom to look at, the week in one line.
    ``from_query`` is the profile links' query (``?from=...`` or ""); ``csrf_input`` is the
    page's token field (markup), for the save forms when ``can_save``."""
    link_query = escape(from_query)
    service = escape(service_name)
    out = []
    for card in cards:
        out.append(
            '<li class="app-card"><h3 class="govuk-heading-m app-card__heading">'
            f'<a class="govuk-link" href="/pas/{card.id}{link_query}">{escape(card.display_name)}</a></h3>'
            f'<p class="govuk-body app-card__headline">{escape(card.headline)}</p>'
            '<dl class="govuk-summary-list govuk-summary-list--no-border app-card__facts">'
            f"{_ROW}Where{_VALUE}{escape(card.district)}, {escape(card.distance_band)} as the crow flies{_END}"
            f"{_ROW}Usually available{_VALUE}{escape(card.usually_available)}{_END}"
            f"{_ROW}Skills{_VALUE}{skills_markup(card.skills)}{_END}"
            f"{_ROW}Pay{_VALUE}{hourly_pay(card.min_rate_pence)}{_END}"  # our words and a number
            f"{_ROW}Checks{_VALUE}{checks(card, service)}{_END}</dl>"
            f"{save_button(card, csrf_input, here) if can_save else ''}</li>"
        )
    return Markup("".join(out))
