"""A PA cannot offer a skill and refuse its work, nor add one qualification twice: on the
pages (the form comes back with the input kept and the error beside its field), through the
API (the error names the field) and in the CSV import."""

import re

from market.register import importer
from market.register.tables import PASkill, Qualification
from tests.register.test_limits import bearer, checked
from tests.support import submit

PATTERN = {"shift_day": "on", "wont_personal_care": "on", "year_pattern": "all_year"}


def inline_error(html: str, field_id: str) -> str:
    """The error message GOV.UK Frontend shows beside the field (not the summary's)."""
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


async def test_a_skill_the_pa_refuses_is_refused_on_the_skills_page(client, login_as):
    await login_as("pa")
    assert (await submit(client, "/profile/pattern", PATTERN)).status_code == 302
    page = await submit(
        client,
        "/profile/skills",
        {"skill_personal_care": "on", "years_personal_care": "6", "skill_hoist": "on"},
    )
    assert page.status_code == 422
    error = inline_error(page.text, "skills")
    # Both fields are named: the skill here and the limit on the work pattern page.
    assert "Personal care is ticked here" in error and "Work you will not do" in error
    assert 'href="#skills"' in page.text  # and the summary links to it
    assert checked(page.text, "skill_personal_care") and checked(page.text, "skill_hoist")
    assert 'value="6"' in page.text
    assert await PASkill.count() == 0


async def test_a_limit_the_pa_offers_as_a_skill_is_refused_on_the_pattern_page(client, login_as):
    await login_as("pa")
    # (The driving skills this used were retired by issue 21: the profile's licence and car.)
    skills = {"skill_children": "on", "years_children": "3"}
    assert (await submit(client, "/profile/skills", skills)).status_code == 302
    page = await submit(client, "/profile/pattern", {**PATTERN, "wont_children": "on", "min_hours": "10"})
    assert page.status_code == 422
    error = inline_error(page.text, "wont-do")
    assert "Supporting children is ticked here" in error and "Children and young people" in error
    assert "skills" in error
    assert checked(page.text, "wont_children") and checked(page.text, "shift_day")
    assert 'value="10"' in page.text
    # Without the clash the same form saves.
    assert (await submit(client, "/profile/pattern", PATTERN)).status_code == 302


async def test_the_api_refuses_both_ways_and_names_the_field(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    saved = await client.put("/api/v1/profile/skills", json={"skills": {"children": 4}}, headers=pa)
    assert saved.status_code == 200
    refused = await client.put(
        "/api/v1/profile/pattern", json={"shift_kinds": ["day"], "wont_do": ["children"]}, headers=pa
    )
    assert refused.status_code == 422
    assert "Children and young people" in refused.json()["errors"]["wont_do"]
    # The other way round: a limit first, then the skill.
    await client.put("/api/v1/profile/skills", json={"skills": {"hoist": 1}}, headers=pa)
    limit = {"shift_kinds": ["day"], "wont_do": ["sleeping_nights"]}
    assert (await client.put("/api/v1/profile/pattern", json=limit, headers=pa)).status_code == 200
    clash = await client.put("/api/v1/profile/skills", json={"skills": {"sleeping_nights": 2}}, headers=pa)
    assert clash.status_code == 422
    assert "Sleeping nights is ticked here" in clash.json()["errors"]["skills"]
    skills = (await client.get("/api/v1/profile", headers=pa)).json()["skills"]
    assert [s["code"] for s in skills] == ["hoist"]


async def test_the_import_refuses_a_skill_the_pa_refuses(database):
    csv = (
        "email,full_name,home_postcode,travel_miles,skills,wont_do\n"
        "clash@example.org,Cla Sh,PE1 1AB,10,personal_care:6;hoist,personal_care\n"
        "fine@example.org,Fi Ne,PE1 1AB,10,hoist,personal_care\n"
    )
    report = await importer.import_csv(csv.encode(), file_name="x.csv", settings=database, mode="all")
    assert not report.imported
    assert [(p.line, p.column) for p in report.problems] == [(2, "wont_do")]
    assert "“personal_care” is in wont_do and “personal_care” in skills" in report.problems[0].message


async def test_a_qualification_is_added_once_on_the_page(client, login_as):
    await login_as("pa")
    level_3 = {"kind": "level_3_diploma", "achieved_day": "1", "achieved_month": "6", "achieved_year": "2021"}
    assert (await submit(client, "/profile/qualifications", level_3)).status_code == 302
    again = await submit(client, "/profile/qualifications", level_3)
    assert again.status_code == 422
    assert "You have already added Level 3 Diploma" in inline_error(again.text, "kind")
    assert checked(again.text, "kind", "level_3_diploma") and 'value="2021"' in again.text
    other = {"kind": "other", "title": "First aid at work"}
    assert (await submit(client, "/profile/qualifications", other)).status_code == 302
    twice = await submit(client, "/profile/qualifications", {"kind": "other", "title": " first AID  at work"})
    assert twice.status_code == 422
    assert "already added First aid at work" in inline_error(twice.text, "title")
    assert 'value=" first AID  at work"' in twice.text
    assert await Qualification.count() == 2


async def test_a_qualification_is_added_once_through_the_api(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    body = {"kind": "care_certificate", "achieved_on": "2024-05-01"}
    assert (await client.post("/api/v1/profile/qualifications", json=body, headers=pa)).status_code == 201
    again = await client.post("/api/v1/profile/qualifications", json=body, headers=pa)
    assert again.status_code == 422
    assert "already added Care Certificate" in again.json()["errors"]["kind"]
    assert await Qualification.count() == 1
