"""GOV.UK Frontend components written in Python, for the busiest pages.

The register search page shows 47 checkboxes and radios, five text boxes, a select, two
folding sections and the page links under its results; the matches page shows page links
too. Rendered by jinja (govuk-frontend-jinja's
macros, or the same markup written out as a jinja loop) they took about half of the page's
rendering time, more than the search itself; a PA's public profile shows a summary list.
These functions give the same markup as ``govukCheckboxes``/``govukRadios``, ``govukInput``,
``govukSelect``, ``govukDetails`` and ``govukButton`` (for the parameters the search form
uses), ``govukPagination`` (for market.web.pagination.links'
arguments) and ``govukSummaryList`` (plain rows); tests/web/test_components.py
checks each against GOV.UK Frontend's own macro. Everything given is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

# The form's fields are remembered by everything they show (``REMEMBERED`` of each): most
# searches leave most fields as they were or as they start, so a page writes out only those
# it has not shown before.
REMEMBERED = 512

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


def marked(
    options: Iterable[tuple[Any, str] | str], chosen: str | Iterable[str] | None
) -> list[tuple[Any, str, bool]]:
    """Options, each (value, text) or a plain value that is its own text, as the (value,
    text, checked) items of ``choices`` and ``select_input``: checked (or selected) where the
    value, as text, is ``chosen`` (one value; None counts as "", the blank option) or among
    them (a list). One call where a template loop cost a call per option."""
    one = chosen is None or isinstance(chosen, str)
    wanted = {chosen or ""} if one else {str(value) for value in chosen}  # type: ignore[union-attr]
    items = []
    for option in options:
        value, text = (option, option) if isinstance(option, str) else option
        items.append((value, text, str(value) in wanted))
    return items


def _form_group(error: str) -> str:
    return f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">'


def _hint_and_error(id_: str, hint: str, error: str) -> str:
    """A field's hint and error message (``_described_by`` names them for its control)."""
    parts = []
    if hint:
        parts.append(f'<div id="{id_}-hint" class="govuk-hint">{escape(hint)}</div>')
    if error:
        parts.append(
            f'<p id="{id_}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(error)}</p>'
        )
    return "".join(parts)


def _described_by(id_: str, hint: str, error: str) -> str:
    described = " ".join([f"{id_}-hint"] * bool(hint) + [f"{id_}-error"] * bool(error))
    return f' aria-describedby="{described}"' if described else ""


def _label(for_: str, text: str, classes: str) -> str:
    extra = f" {escape(classes)}" if classes else ""
    return f'<label class="govuk-label{extra}" for="{for_}">{escape(text)}</label>'


def _field(id_: str, label: str, label_classes: str, hint: str, error: str, control: str) -> Markup:
    """A form group: the label, the hint and error, then the control."""
    return Markup(
        _form_group(error)
        + _label(id_, label, label_classes)
        + _hint_and_error(id_, hint, error)
        + control
        + "</div>"
    )


@lru_cache(maxsize=REMEMBERED)
def text_input(  # noqa: PLR0913 - govukInput's parameters that the search form uses
    id: str,  # noqa: A002 - the element's id, as govukInput names it
    name: str,
    label: str,
    value: str = "",
    hint: str = "",
    error: str = "",
    classes: str = "",
    label_classes: str = "",
    spellcheck: bool | None = None,
    autocomplete: str = "",
) -> Markup:
    """``govukInput``: a text box with a label, an optional hint and error, width classes,
    spellcheck (None: not said) and autocomplete."""
    id_ = escape(id)
    extra = f" {escape(classes)}" if classes else ""
    spell = "" if spellcheck is None else f' spellcheck="{"true" if spellcheck else "false"}"'
    auto = f' autocomplete="{escape(autocomplete)}"' if autocomplete else ""
    control = (
        f'<input class="govuk-input{extra}{" govuk-input--error" if error else ""}" id="{id_}"'
        f' name="{escape(name)}" type="text"{spell} value="{escape(value)}"'
        f"{_described_by(id_, hint, error)}{auto}>"
    )
    return _field(id_, label, label_classes, hint, error, control)


def select_input(
    name: str,
    label: str,
    options: Iterable[tuple[Any, str, bool]],
    hint: str = "",
    error: str = "",
    label_classes: str = "",
) -> Markup:
    """``govukSelect`` (id and name ``name``): a label, an optional hint and error, and
    (value, text, selected) options."""
    return _select_input(name, label, tuple(options), hint, error, label_classes)


@lru_cache(maxsize=REMEMBERED)
def _select_input(
    name: str,
    label: str,
    options: tuple[tuple[Any, str, bool], ...],
    hint: str,
    error: str,
    label_classes: str,
) -> Markup:
    name_ = escape(name)
    items = "".join(
        f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(text)}</option>'
        for value, text, selected in options
    )
    control = (
        f'<select class="govuk-select{" govuk-select--error" if error else ""}" id="{name_}" name="{name_}"'
        f"{_described_by(name_, hint, error)}>{items}</select>"
    )
    return _field(name_, label, label_classes, hint, error, control)


def folding_section(summary: str, body: str, open: Any = False) -> Markup:  # noqa: A002 - as govukDetails
    """``govukDetails``: a summary that opens to ``body`` (markup, kept as it is); open when
    ``open`` is true (anything: the chosen values, an error)."""
    return _folding_section(summary, Markup(body), bool(open))


@lru_cache(maxsize=REMEMBERED)
def _folding_section(summary: str, body: Markup, open: bool) -> Markup:  # noqa: A002 - as govukDetails
    return Markup(
        f'<details class="govuk-details"{" open" if open else ""}><summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">{escape(summary)}</span></summary>'
        f'<div class="govuk-details__text">{body}</div></details>'
    )


def submit_button(text: str) -> Markup:
    """``govukButton``: a form's submit button."""
    return Markup(
        f'<button type="submit" class="govuk-button" data-module="govuk-button">{escape(text)}</button>'
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
    return _choices(kind, name, legend, tuple(items), hint, error)


@lru_cache(maxsize=REMEMBERED)
def _choices(
    kind: str, name: str, legend: str, items: tuple[tuple[str, str, bool], ...], hint: str, error: str
) -> Markup:
    name_ = escape(name)
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    parts = [
        f'{_form_group(error)}<fieldset class="govuk-fieldset"{_described_by(name_, hint, error)}>'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{escape(legend)}</legend>'
        + _hint_and_error(name_, hint, error)
    ]
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


GLOBALS = {
    "marked": marked,
    "choices": choices,
    "page_links": page_links,
    "summary_list": summary_list,
    "text_input": text_input,
    "select_input": select_input,
    "folding_section": folding_section,
    "submit_button": submit_button,
}
