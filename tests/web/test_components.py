"""market.web.components: the GOV.UK checkboxes, radios and pagination written in Python
give GOV.UK Frontend's own markup (govuk-frontend-jinja's macros), everything escaped."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from market.web.pagination import links
from market.web.templating import environment
from tests.conftest import make_settings


def normal(html: str) -> str:
    """The HTML without the white space between and around tags (which shows nothing)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "", html)).strip()


@pytest.fixture
def env(tmp_path):
    return environment(make_settings("sqlite:///unused.db", tmp_path))


@pytest.mark.parametrize("kind", ["checkboxes", "radios"])
@pytest.mark.parametrize("error", ["", "Choose <one> & go"])
@pytest.mark.parametrize("hint", ["", "Shows PAs with every <skill>"])
def test_choices_are_govuk_frontends_markup(env, kind, error, hint):
    items = [("a", "First & <b>", True), ("b<", "Second", False), ("", "Any", False)]
    macro = {"checkboxes": "govukCheckboxes", "radios": "govukRadios"}[kind]
    theirs = env.from_string(
        f'{{% from "govuk_frontend_jinja/components/{kind}/macro.html" import {macro} %}}'
        f"{{{{ {macro}(params) }}}}"
    ).render(
        params={
            "name": "skill",
            "idPrefix": "skill",
            "classes": f"govuk-{kind}--small",
            "items": [{"value": v, "text": t, "checked": c} for v, t, c in items],
            "fieldset": {"legend": {"text": "Skills they must have", "classes": "govuk-fieldset__legend--s"}},
            "hint": {"text": hint} if hint else None,
            "errorMessage": {"text": error} if error else None,
        }
    )
    ours = env.from_string(
        '{{ choices(kind, "skill", "Skills they must have", items, hint=hint, error=error) }}'
    ).render(kind=kind, items=items, hint=hint, error=error)
    assert normal(ours) == normal(theirs)
    assert "&lt;b&gt;" in ours and 'value="b&lt;"' in ours


@pytest.mark.parametrize(
    ("current", "pages", "label"),
    [(1, 2, ""), (2, 2, ""), (1, 213, ""), (7, 213, "Pages of results"), (99, 12, ""), (5, 9, "")],
)
def test_page_links_are_govuk_frontends_pagination(env, current, pages, label):
    """First, last, either side of this page, ellipses, previous and next, a page past the
    end (an old link): the same as govukPagination, the links escaped."""
    arguments = links(current, pages, lambda n: f"/search?postcode=PE1+1AB&q=<a>&page={n}", label)
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}'
        "{{ govukPagination(arguments) }}"
    ).render(arguments=arguments)
    ours = env.from_string("{{ page_links(arguments) }}").render(arguments=arguments)
    assert normal(ours) == normal(theirs)
    assert "q=&lt;a&gt;" in ours


def test_no_page_links_for_one_page(env):
    assert env.from_string("{{ page_links(arguments) }}").render(arguments=links(1, 1, str)) == ""


def test_summary_list_is_govuk_frontends_markup(env):
    """Plain rows, text escaped and markup kept, as govukSummaryList's ``text``."""
    rows = [("Lives in", Markup("PE11, <b>1 mile</b> away")), ("Pay <&>", "£12.50 & up"), ("Works", "")]
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}'
        '{{ govukSummaryList({"rows": rows}) }}'
    ).render(rows=[{"key": {"text": k}, "value": {"text": v}} for k, v in rows])
    ours = env.from_string("{{ summary_list(rows) }}").render(rows=rows)
    tags = r"\s*(<[^>]*>)\s*"  # the macro's white space inside a row's cells shows nothing
    assert re.sub(tags, r"\1", ours) == re.sub(tags, r"\1", theirs)
    assert "Pay &lt;&amp;&gt;" in ours and "<b>1 mile</b>" in ours and "£12.50 &amp; up" in ours


def test_marked_options_check_the_chosen_values():
    from market.web.components import marked

    assert marked(["Monday", "Tuesday"], ["Tuesday"]) == [
        ("Monday", "Monday", False),
        ("Tuesday", "Tuesday", True),
    ]
    assert marked([(5, "Within 5 miles"), (10, "Within 10 miles")], "10") == [
        (5, "Within 5 miles", False),
        (10, "Within 10 miles", True),
    ]
    any_or_car = [("", "Any"), ("car", "Has a car")]
    assert [checked for *_, checked in marked(any_or_car, None)] == [
        True,
        False,
    ]  # nothing chosen: the blank one
    assert [checked for *_, checked in marked(any_or_car, "car")] == [False, True]
    assert [checked for *_, checked in marked(any_or_car, "bus")] == [False, False]
