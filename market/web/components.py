"""GOV.UK Frontend components written in Python, for the busiest pages.

The register search page shows 47 checkboxes and radios and the page links under its
results; the matches page shows page links too. Rendered by jinja (govuk-frontend-jinja's
macros, or the same markup written out as a jinja loop) they took about half of the page's
rendering time, more than the search itself; a PA's public profile shows a summary list.
These functions give the same markup as ``govukCheckboxes``/``govukRadios`` (for the
parameters the search form uses), ``govukPagination`` (for market.web.pagination.links'
arguments) and ``govukSummaryList`` (plain rows); tests/web/test_components.py
checks each against GOV.UK Frontend's own macro. Everything given is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

_NEXT_ARROW = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492'
    ' 6.7441-6.4062-6.7246-6.7266z"></path></svg>'
)
_PREVIOUS_ARROW = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931'
    '-4.293-1.414-1.414z"></path></svg>'
)


def choices(
    kind: str,
    name: str,
    legend: str,
    items: Iterable[tuple[str, str, bool]],
    hint: str = "",
    error: str = "",
) -> Markup:
    """A small set of checkboxes (``kind`` "checkboxes") or radios ("radios") named ``name``
    in a fieldset with a small legend: each item (value, text, checked); the first input's id
    is ``name``, the others ``name-2``, ``name-3``...; an optional hint and error."""
    name_ = escape(name)
    described = " ".join([f"{name_}-hint"] * bool(hint) + [f"{name_}-error"] * bool(error))
    described_by = f' aria-describedby="{described}"' if described else ""
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    parts = [
        f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">'
        f'<fieldset class="govuk-fieldset"{described_by}>'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{escape(legend)}</legend>'
    ]
    if hint:
        parts.append(f'<div id="{name_}-hint" class="govuk-hint">{escape(hint)}</div>')
    if error:
        parts.append(
            f'<p id="{name_}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(error)}</p>'
        )
    parts.append(f'<div class="govuk-{kind} govuk-{kind}--small" data-module="govuk-{kind}">')
    for number, (value, text, checked) in enumerate(items, start=1):
        id_ = name_ if number == 1 else f"{name_}-{number}"
        parts.append(
            f'<div class="govuk-{kind}__item">'
            f'<input class="govuk-{kind}__input" id="{id_}" name="{name_}" type="{input_type}"'
            f' value="{escape(value)}"{" checked" if checked else ""}>'
            f'<label class="govuk-label govuk-{kind}__label" for="{id_}">{escape(text)}</label></div>'
        )
    parts.append("</div></fieldset></div>")
    return Markup("".join(parts))


def page_links(arguments: Mapping[str, Any] | None) -> Markup:
    """GOV.UK pagination from market.web.pagination.links' arguments (previous, next, numbered
    items with ellipses, an optional landmark label); nothing for a list of one page."""
    if not arguments:
        return Markup("")
    label = escape(arguments.get("landmarkLabel") or "Pagination")
    parts = [f'<nav class="govuk-pagination" aria-label="{label}">']
    previous, next_ = arguments.get("previous"), arguments.get("next")
    if previous and previous.get("href"):
        parts.append(
            f'<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link"'
            f' href="{escape(previous["href"])}" rel="prev">{_PREVIOUS_ARROW}'
            '<span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span>'
            "</span></a></div>"
        )
    if "items" in arguments:
        parts.append(_numbered(arguments["items"]))
    if next_ and next_.get("href"):
        parts.append(
            f'<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link"'
            f' href="{escape(next_["href"])}" rel="next">'
            '<span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span>'
            f"</span>{_NEXT_ARROW}</a></div>"
        )
    parts.append("</nav>")
    return Markup("".join(parts))


def _numbered(items: Iterable[Mapping[str, Any]]) -> str:
    parts = ['<ul class="govuk-pagination__list">']
    for item in items:
        if item.get("ellipsis"):
            parts.append('<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>')
            continue
        current = item.get("current")
        item_class = " govuk-pagination__item--current" if current else ""
        aria_current = ' aria-current="page"' if current else ""
        number = escape(item["number"])
        parts.append(
            f'<li class="govuk-pagination__item{item_class}"><a class="govuk-link govuk-pagination__link"'
            f' href="{escape(item["href"])}" aria-label="Page {number}"{aria_current}>{number}</a></li>'
        )
    parts.append("</ul>")
    return "".join(parts)


def summary_list(rows: Iterable[tuple[str, str]]) -> Markup:
    """``govukSummaryList`` for rows of (key, value) text, with no actions, card or classes
    (the public profile's facts). Markup given is kept, as the macro's ``text`` keeps it."""
    items = "".join(
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{escape(key)}</dt>'
        f'<dd class="govuk-summary-list__value">{escape(value)}</dd></div>'
        for key, value in rows
    )
    return Markup(f'<dl class="govuk-summary-list">{items}</dl>')


GLOBALS = {"choices": choices, "page_links": page_links, "summary_list": summary_list}
