"""The search page's parts: the form's choices (GOV.UK Frontend's markup, written out), the
compact result card's one-line week, and the skill and client group lists the form offers,
kept from the database until a change to a list rebuilds the index."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest

from market.matching.matches import CACHE
from market.register import changes
from market.register.availability import WEEK, Slot, slot_from_day_times
from market.register.schemas import SkillOut
from market.register.tables import PAProfile, Skill
from market.search import filters
from market.search.display import hourly_pay, paragraphs, skill_text, skills_text
from market.search.ranking import grid_out, week_summary
from market.web.templating import environment
from tests.conftest import make_settings
from tests.register.factories import make_pa
from tests.support import submit

SEARCH = "PE1 1AB"


def _week(*slots: tuple[str, str, str]):
    return grid_out([slot_from_day_times(day, start, end) for day, start, end in slots])


@pytest.mark.parametrize(
    ("slots", "summary"),
    [
        ((), "No usual times given"),
        (
            tuple(
                (day, "06:00", "12:00") for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            ),
            "Mornings Monday to Friday",
        ),
        (
            (("Monday", "06:00", "18:00"), ("Saturday", "09:00", "10:00")),
            "Mornings and afternoons Monday; part of the morning Saturday",
        ),
        (
            (("Monday", "18:00", "22:00"), ("Wednesday", "18:00", "22:00"), ("Saturday", "18:00", "23:00")),
            "Evenings Monday, Wednesday and Saturday; part of the night Saturday",
        ),
        (None, "Mornings, afternoons, evenings and nights every day"),
        (
            # Sunday 22:00 to 06:00 is Sunday's night, into Monday morning.
            (("Sunday", "22:00", "06:00"), ("Monday", "22:00", "02:00"), ("Tuesday", "12:00", "15:00")),
            "Nights Sunday; part of the afternoon Tuesday; part of the night Monday",
        ),
        (
            tuple((day, "12:00", "18:00") for day in ("Monday", "Tuesday", "Wednesday", "Friday", "Sunday")),
            "Afternoons Monday to Wednesday, Friday and Sunday",
        ),
    ],
)
def test_the_week_in_one_line(slots, summary):
    week = grid_out([Slot(0, WEEK)]) if slots is None else _week(*slots)  # None: the whole week
    assert week_summary(week) == summary


def _normal(html: str) -> str:
    """The HTML without the white space between and around tags (which shows nothing)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "", html)).strip()


async def test_a_result_card_is_compact_and_the_profile_keeps_the_week(client, login_as):
    pa = await make_pa(
        name="Wendy Weekdays",
        postcode="PE2 5DE",
        skills={"hoist": 3, "personal_care": 1},
        slots=tuple(
            (day, "07:00", "12:00") for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
        ),
    )
    await login_as("recipient")
    page = await client.get("/search", params={"postcode": SEARCH})
    (card,) = page.text.split('<li class="app-card">')[1:]
    assert "Part of the morning Monday to Friday" in card
    assert "Personal care (1 year), Moving and handling with a hoist (3 years)" in card  # list order
    assert "<table" not in card and "app-week" not in card
    profile = await client.get(f"/pas/{pa['id']}")
    assert "When Wendy is usually available" in profile.text and "<table" in profile.text


def _offered(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]*)"', html)


async def test_the_form_offers_the_lists_again_once_a_change_to_them_rebuilt_the_index(client, login_as):
    await make_pa(name="Holly Hoist", postcode="PE2 5DE", skills={"hoist": 2})
    await login_as("admin")
    page = await client.get("/search", params={"postcode": SEARCH})
    assert "hoist" in _offered(page.text, "skill") and "older_people" in _offered(page.text, "group")
    assert "tracheostomy_care" not in _offered(page.text, "skill")

    assert (await submit(client, "/admin/skills", {"name": "Tracheostomy care"})).status_code == 302
    hoist = await Skill.select(Skill.id).where(Skill.code == "hoist").first()
    await submit(client, "/admin/skills", {}, action=f"/admin/skills/{hoist['id']}/retire")
    # The index sees the changes on its next look and rebuilds (in the background); then
    # the form reads its lists again.
    await client.get("/search", params={"postcode": SEARCH})
    await CACHE.settled()
    page = await client.get("/search", params={"postcode": SEARCH})
    offered = _offered(page.text, "skill")
    assert "tracheostomy_care" in offered and "hoist" not in offered
    # A retired skill may still be searched for (its holders keep it), and is found.
    held = await client.get("/search", params={"postcode": SEARCH, "skill": "hoist"})
    assert held.status_code == 200 and "Holly" in held.text
    # A search for the new skill is checked against the lists too (a code not on them is refused).
    found = await client.get("/search", params={"postcode": SEARCH, "skill": "tracheostomy_care"})
    assert found.status_code == 200
    refused = await client.get("/search", params={"postcode": SEARCH, "skill": "no_such_skill"})
    assert refused.status_code == 422 and "Choose skills from the list" in refused.text


@pytest.mark.parametrize("error", ["", "Enter <a> postcode"])
@pytest.mark.parametrize(
    ("hint", "classes", "label_classes", "spellcheck", "autocomplete"),
    [
        ("Where <the> PA would work", "govuk-input--width-10", "govuk-label--s", False, "postal-code"),
        ("", "", "", True, ""),
        ("Like 09:00", "govuk-input--width-5", "", None, ""),
    ],
)
def test_the_forms_text_boxes_are_govuk_frontends_markup(  # noqa: PLR0913 - the parameters
    tmp_path, error, hint, classes, label_classes, spellcheck, autocomplete
):
    env = environment(make_settings("sqlite:///unused.db", tmp_path))
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}{{ govukInput(params) }}'
    ).render(
        params={
            "id": "time-from",
            "name": "time_from",
            "label": {"text": "Start <time>", "classes": label_classes},
            "hint": {"text": hint} if hint else None,
            "value": "PE1 <1AB>",
            "classes": classes,
            "spellcheck": spellcheck,
            "autocomplete": autocomplete or None,
            "errorMessage": {"text": error} if error else None,
        }
    )
    ours = env.from_string(
        '{{ text_input("time-from", "time_from", "Start <time>", "PE1 <1AB>", hint=hint, error=error,'
        " classes=classes, label_classes=label_classes, spellcheck=spellcheck, autocomplete=autocomplete) }}"
    ).render(
        hint=hint,
        error=error,
        classes=classes,
        label_classes=label_classes,
        spellcheck=spellcheck,
        autocomplete=autocomplete,
    )
    assert _normal(ours) == _normal(theirs)


@pytest.mark.parametrize("error", ["", "Choose <a> distance"])
def test_the_forms_select_is_govuk_frontends_markup(tmp_path, error):
    env = environment(make_settings("sqlite:///unused.db", tmp_path))
    options = [(5, "Within 5 <miles>", False), (10, "Within 10 miles", True)]
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/select/macro.html" import govukSelect %}'
        "{{ govukSelect(params) }}"
    ).render(
        params={
            "id": "radius",
            "name": "radius",
            "label": {"text": "Distance", "classes": "govuk-label--s"},
            "hint": {"text": "As the <crow> flies"},
            "items": [{"value": str(v), "text": t, "selected": s} for v, t, s in options],
            "errorMessage": {"text": error} if error else None,
        }
    )
    ours = env.from_string(
        '{{ select_input("radius", "Distance", options, hint="As the <crow> flies", error=error,'
        ' label_classes="govuk-label--s") }}'
    ).render(options=options, error=error)
    assert _normal(ours) == _normal(theirs)


@pytest.mark.parametrize("open_", [False, True])
def test_the_forms_folding_sections_and_button_are_govuk_frontends_markup(tmp_path, open_):
    env = environment(make_settings("sqlite:///unused.db", tmp_path))
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/details/macro.html" import govukDetails %}'
        '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
        "{% set body %}<p>Skills & <b>more</b></p>{% endset %}"
        '{{ govukDetails({"summaryText": "Skills <2>", "html": body, "open": open_}) }}'
        '{{ govukButton({"text": "Search <now>"}) }}'
    ).render(open_=open_)
    ours = env.from_string(
        "{% set body %}<p>Skills & <b>more</b></p>{% endset %}"
        '{{ folding_section("Skills <2>", body, open_) }}{{ submit_button("Search <now>") }}'
    ).render(open_=open_)
    assert _normal(ours) == _normal(theirs)


@pytest.mark.parametrize(
    ("years", "pence", "skill", "pay"),
    [
        (0, None, "Personal care", "Not given"),
        (1, 1175, "Personal care (1 year)", "From £11.75 an hour"),
        (12, 1000, "Personal care (12 years)", "From £10.00 an hour"),
    ],
)
def test_a_skill_and_pay_in_words(years, pence, skill, pay):
    assert skill_text(SkillOut(code="personal_care", name="Personal care", years=years)) == skill
    assert hourly_pay(pence) == pay


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", '<p class="govuk-body">Not given</p>'),
        ("  \n\n \n", '<p class="govuk-body">Not given</p>'),
        ("Kind <and> calm", '<p class="govuk-body">Kind &lt;and&gt; calm</p>'),
        (
            "\nFirst line\nsecond & last\n\n\n\nNext one \n",
            '<p class="govuk-body">First line<br>second &amp; last</p><p class="govuk-body">Next one</p>',
        ),
    ],
)
def test_paragraphs_keep_a_pas_breaks_and_escape_their_words(text, html):
    """A blank line starts a paragraph and a line break is kept, as the PA wrote them."""
    assert paragraphs(text) == html


CSRF = '<input type="hidden" name="_csrf_token" value="t">'
VETTED = (
    '<ul class="govuk-list app-checks"><li>Enhanced DBS, adults&#39; barred list</li>'
    "<li>Vetted by PA register on 5 January 2026</li><li>Right to work checked</li></ul>"
)
SAVE = (
    f'<form method="post" action="/shortlist" class="app-inline-form">{CSRF}'
    '<input type="hidden" name="profile_id" value="7"><input type="hidden" name="next"'
    ' value="/search?postcode=PE1+1AB&amp;page=2"><button type="submit" class="govuk-button'
    ' govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Save to shortlist'
    '<span class="govuk-visually-hidden">: Ann &lt;B&gt;</span></button></form>'
)
UNCHECKED = '<ul class="govuk-list app-checks"><li>No DBS check recorded</li></ul>'
SAVED = (
    '<p class="govuk-body"><strong>On your shortlist.</strong> '
    '<a class="govuk-link" href="/shortlist">View your shortlist</a></p>'
)


@pytest.mark.parametrize(
    ("dbs", "vetted_on", "right_to_work", "shortlisted", "checks", "save"),
    [
        ("Enhanced DBS, adults' barred list", date(2026, 1, 5), True, False, VETTED, SAVE),
        ("", None, False, True, UNCHECKED, SAVED),
    ],
)
def test_a_cards_checks_and_save_form_are_the_profile_pages(  # noqa: PLR0913 - the cases
    tmp_path, dbs, vetted_on, right_to_work, shortlisted, checks, save
):
    """The result card and the public profile show a PA's checks and save form with the same
    functions (market.search.cards), as this markup (the profile page's macros' before them):
    the DBS line always, the vetting and the right to work when done, everything escaped."""
    env = environment(make_settings("sqlite:///unused.db", tmp_path), filters.FILTERS)
    result = SimpleNamespace(
        id=7, display_name="Ann <B>", headline="Calm", district="PE1", distance_band="2 to 3 miles",
        usually_available="Mornings", skills=[], min_rate_pence=1250, dbs=dbs, vetted_on=vetted_on,
        right_to_work_checked=right_to_work, shortlisted=shortlisted,
    )  # fmt: skip
    context = {"here": "/search?postcode=PE1+1AB&page=2", "csrf_input": CSRF, "service_name": "PA register"}
    found = SimpleNamespace(
        total=1, pages=1, page=1, per_page=20, results=[result], radius=10, searched_place="PE1"
    )
    card = env.get_template("search/_results.html").render(
        found=found, values={}, can_save=True, from_postcode="", pagination=None, **context
    )
    profile = env.from_string(
        "{{ result | checks_list(service_name) }}|{{ result | save_form(csrf_input, here) }}"
    ).render(result=result, **context)
    assert profile == f"{checks}|{save}"
    assert checks in card and save in card


def test_a_cards_skills_on_one_line():
    held = [
        SkillOut(code="personal_care", name="Personal care", years=3),
        SkillOut(code="cooking", name="Cooking", years=0),
    ]
    assert skills_text(held) == "Personal care (3 years), Cooking"
    assert skills_text([]) == "No skills given"


async def test_a_right_to_work_check_recorded_shows_on_the_next_results_page(client, login_as):
    """Results pages keep the rows they showed (``listing.SHOWN``) until the change log names
    the PA: staff recording a right-to-work check logs a change, so the card says it at once."""
    pa = await make_pa(postcode="PE2 5DE")
    await PAProfile.update({PAProfile.right_to_work_confirmed_at: None}).where(PAProfile.id == pa["id"])
    await changes.touch(pa["id"])
    await login_as("staff")
    results = "/search?postcode=PE1+1AB&radius=10"
    (card,) = (await client.get(results)).text.split('<li class="app-card">')[1:]
    assert "Right to work checked" not in card
    page = f"/staff/vetting/{pa['id']}"
    done = await submit(
        client, page, {"kind": "right_to_work", "outcome": "satisfactory"}, action=f"{page}/checks"
    )
    assert done.status_code == 302  # recorded, back to the vetting page
    (card,) = (await client.get(results)).text.split('<li class="app-card">')[1:]
    assert "Right to work checked" in card
