"""The need pages and API: a recipient posts a need and opens it, forms re-render with the
input kept (422), a stale version shows the latest state (409), staff record the referral
and raise the DBS check, and only owners and staff reach a need (its postcode with it)."""

from __future__ import annotations

import re
from datetime import timedelta

from market.clock import london_today
from market.matching.needs import lifecycle as needs
from market.matching.needs.pages import update_need_from
from tests.matching.factories import make_need, make_recipient, make_user, need_form
from tests.matching.test_needs import date_fields
from tests.support import submit


async def signed_in_recipient(client, login_as):
    """A recipient account signed in, that has described the person (through the page)."""
    user = await login_as("recipient", client)
    first = await client.get("/needs")
    assert first.status_code in (302, 303) and first.headers["location"] == "/needs/people/new"
    page = await client.get("/needs/people/new")
    assert "About the person you are finding support for" in page.text
    bad = await submit(client, "/needs/people/new", {"display_name": "", "postcode": "PE1 1AB"})
    assert bad.status_code == 422
    assert "Enter the name of the person who needs support" in bad.text and 'value="PE1 1AB"' in bad.text
    done = await submit(
        client, "/needs/people/new", {"display_name": "Jo Smith", "postcode": "PE1 1AB", "age_group": "adult"}
    )
    assert done.status_code in (302, 303)
    return user, int(done.headers["location"].split("recipient=")[1])


async def answer(client, need_id: int, section: str, data: dict[str, str], flow: str = "continue"):
    """Post one question page of a need, with the version it shows, as a browser would."""
    path = f"/needs/{need_id}/section/{section}" + ("?flow=continue" if flow == "continue" else "")
    page = await client.get(path)
    assert page.status_code == 200, path
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    return await submit(
        client, path, {"version": version, "flow": flow, **data}, action=f"/needs/{need_id}/section/{section}"
    )


async def test_a_recipient_describes_a_need_page_by_page_checks_it_and_opens_it(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    form_path = f"/needs/new?recipient={recipient_id}"
    first = await client.get(form_path)
    assert '<h1 class="govuk-heading-l">About the support</h1>' in first.text
    assert "Skills a PA must have" not in first.text  # one short page, not the whole form
    bad = await submit(client, form_path, {"title": "", "description": "Help to get up"})
    assert bad.status_code == 422
    assert "Enter a short title for the need" in bad.text
    assert 'href="#need-title"' in bad.text and "Help to get up" in bad.text  # input kept
    created = await submit(
        client, form_path, {"title": "Morning support", "description": "Help to get up", "kind": "regular"}
    )
    assert created.status_code in (302, 303)
    need_id = int(created.headers["location"].split("/")[2])
    assert created.headers["location"] == f"/needs/{need_id}/section/where?flow=continue&done=created"
    where = await client.get(created.headers["location"])
    assert "saved as a draft" in where.text and "Where support is needed" in where.text
    assert "Version" not in where.text and 'type="hidden" name="version" value="1"' in where.text

    far = await answer(client, need_id, "where", {"postcode": "", "max_distance_miles": "500"})
    assert far.status_code == 422 and "The distance must be between 1 and 100 miles" in far.text
    assert 'value="500"' in far.text
    steps = [
        ("where", {"postcode": "", "max_distance_miles": "10"}, "hours"),
        (
            "hours",
            {"hours_per_week": "10", "all_hours": "yes", "shift_day": "yes", "year_pattern": "all_year"},
            "person",
        ),
        ("person", {"age_group": "adult", "personal_care": "yes", "group_older_people": "yes"}, "skills"),
        ("skills", {"required_hoist": "yes"}, "preferred"),
        ("preferred", {"preferred_dementia": "yes"}, "languages"),
        ("languages", {"languages_required_0": "English"}, "driving"),
        ("driving", {"driving": "recipients_car"}, "home"),
        ("home", {"gender_preference": "", "pets": "yes"}, "pay"),
    ]
    for section, data, following in steps:
        saved = await answer(client, need_id, section, data)
        assert saved.headers["location"] == f"/needs/{need_id}/section/{following}?flow=continue", section
    # One list of skills in two steps: what a PA must have is not offered again as good to have.
    preferred = await client.get(f"/needs/{need_id}/section/preferred")
    assert 'name="preferred_hoist"' not in preferred.text and 'name="preferred_dementia"' in preferred.text
    paid = await answer(client, need_id, "pay", {"max_rate": "14.50"})
    assert paid.headers["location"] == f"/needs/{need_id}/times?done=saved"
    need = await needs.get_need(user, need_id)
    # Each page changed only its own answers; the others were kept.
    assert need.required_skills == ["hoist"] and need.preferred_skills == ["dementia"]
    assert need.personal_care and need.pets and need.shift_kinds == ["day"] and need.max_rate_pence == 1450
    assert need.client_groups == ["older_people"] and need.languages_required == ["english"]
    assert need.all_hours  # the hours page's "one PA for all the hours"
    assert need.driving == "recipients_car"  # the driving page, kept by the pages after it

    times_path = f"/needs/{need_id}/times"
    slip = {"day": "Tuesday", "start": "09:00", "end": "05:00"}
    asked = await submit(client, times_path, slip, action=f"/needs/{need_id}/slots")
    assert asked.status_code == 422 and "No times yet" in asked.text
    assert "Is this an overnight shift from Tuesday 09:00 to Wednesday 05:00 (20 hours)?" in asked.text
    assert 'href="#slot-overnight"' in asked.text and 'value="05:00"' in asked.text
    overnight = await submit(
        client,
        times_path,
        {"day": "Saturday", "start": "10pm", "end": "7", "overnight": "yes"},
        action=f"/needs/{need_id}/slots",
    )
    assert overnight.status_code in (302, 303)
    wrong = await submit(
        client, times_path, {"day": "Monday", "start": "25:00", "end": ""}, action=f"/needs/{need_id}/slots"
    )
    assert wrong.status_code == 422 and "Enter an end time, like 17:00" in wrong.text
    assert "Saturday 22:00 to Sunday 07:00 (overnight)" in wrong.text
    assert "Continue to check your answers" in wrong.text

    summary = await client.get(f"/needs/{need_id}")
    assert summary.status_code == 200
    assert "Check your answers before opening the need" in summary.text and "Version" not in summary.text
    assert "PE1 1AB" in summary.text and "Enhanced DBS with the adults&#39; barred list" in summary.text
    assert "Driving the person&#39;s own car" in summary.text
    for section in (
        "about",
        "where",
        "hours",
        "person",
        "skills",
        "preferred",
        "languages",
        "driving",
        "home",
        "pay",
    ):
        assert f'href="/needs/{need_id}/section/{section}"' in summary.text
    assert "/section/referral" not in summary.text and "Referral" not in summary.text  # staff only
    assert (await client.get(f"/needs/{need_id}/edit")).headers["location"] == f"/needs/{need_id}"
    changed = await answer(
        client,
        need_id,
        "about",
        {"title": "Morning help", "description": "Help to get up", "kind": "regular"},
        flow="check",
    )
    assert changed.headers["location"] == f"/needs/{need_id}?done=saved"  # back to the answers
    version = (await needs.get_need(user, need_id)).version
    opened = await submit(
        client,
        f"/needs/{need_id}",
        {"action": "open", "version": str(version)},
        action=f"/needs/{need_id}/status",
    )
    assert opened.status_code in (302, 303)
    assert (await needs.get_need(user, need_id)).status == "open"
    both = await answer(
        client, need_id, "skills", {"required_hoist": "yes", "required_dementia": "yes"}, "check"
    )
    assert both.headers["location"] == f"/needs/{need_id}?done=saved"
    need = await needs.get_need(user, need_id)
    assert need.required_skills == ["hoist", "dementia"] and need.preferred_skills == []  # now needed
    assert need.all_hours  # another page's answers kept
    unticked = await answer(
        client, need_id, "hours", {"hours_per_week": "10", "year_pattern": "all_year"}, "check"
    )
    assert unticked.headers["location"] == f"/needs/{need_id}?done=saved"
    assert not (await needs.get_need(user, need_id)).all_hours  # an unticked box is an answer too
    listing = await client.get("/needs")
    assert "Morning help" in listing.text and "For Jo Smith" in listing.text


async def test_a_stale_page_shows_the_conflict_and_the_latest_state(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    need = await make_need(recipient_id, status="draft", title="Original")
    page_path = f"/needs/{need['id']}/section/about"
    staff = await make_user("staff")
    await update_need_from(staff, need["id"], need_form(title="Changed by staff", version="1"))
    page = await submit(
        client, page_path, {"title": "Mine", "description": "", "kind": "regular", "version": "1"}
    )
    assert page.status_code == 409
    assert "This need was changed by someone else" in page.text
    assert 'value="Changed by staff"' in page.text and 'name="version" value="2"' in page.text
    status = await submit(
        client,
        f"/needs/{need['id']}",
        {"action": "close", "version": "1"},
        action=f"/needs/{need['id']}/status",
    )
    assert (
        status.status_code == 409
        and "changed by someone else" in status.text
        and "Changed by staff" in status.text
    )
    assert (await needs.get_need(user, need["id"])).status == "draft"


async def test_need_pages_are_for_owners_and_staff_only(client, make_client, login_as):
    owner_client = make_client()
    owner, recipient_id = await signed_in_recipient(owner_client, login_as)
    need = await make_need(recipient_id, postcode="CB2 1TN")
    paths = [f"/needs/{need['id']}", f"/needs/{need['id']}/section/where", f"/needs/{need['id']}/times"]
    anonymous = make_client()
    for path in paths:
        assert (await anonymous.get(path)).status_code == 302
    await login_as("recipient")  # another recipient
    for path in paths:
        answer = await client.get(path)
        assert answer.status_code == 404 and "CB2 1TN" not in answer.text
    assert (await client.get(f"/api/v1/needs/{need['id']}")).status_code == 404
    assert "CB2" not in (await client.get("/api/v1/needs")).text
    pa = make_client()
    await login_as("pa", pa)
    for path in [*paths, "/needs", "/needs/new", "/staff/needs", "/api/v1/needs"]:
        assert (await pa.get(path)).status_code == 403
    staff = make_client()
    await login_as("staff", staff)
    listing = await staff.get("/staff/needs?status=open")
    assert listing.status_code == 200 and "Morning support" in listing.text and "CB2" in listing.text
    assert "Morning support" not in (await staff.get("/staff/needs?status=paused")).text
    page = await staff.get(f"/needs/{need['id']}/section/referral")
    assert page.status_code == 200 and "Where the referral came from" in page.text
    assert f'href="/needs/{need["id"]}/section/referral"' in (await staff.get(f"/needs/{need['id']}")).text
    assert (await owner_client.get(f"/needs/{need['id']}/section/referral")).status_code == 404
    assert (await owner_client.get(f"/needs/{need['id']}/section/nonsense")).status_code == 404
    own = await owner_client.get(f"/needs/{need['id']}/section/where")
    assert own.status_code == 200 and "CB2 1TN" in own.text
    people = await staff.get("/staff/needs/people")
    assert people.status_code == 200 and "Jo Smith" in people.text
    assert owner


async def test_staff_record_the_referral_and_raise_the_dbs_check(client, login_as):
    staff = await login_as("staff")
    person = await make_recipient(age_group="child")
    need = await make_need(person, status="draft")
    today = london_today()
    low = await answer(client, need["id"], "dbs", {"dbs_level": "standard"}, flow="check")
    assert low.status_code == 422
    assert "cannot be lower than the person&#39;s needs call for" in low.text
    referral = {"referral_source": "adult_social_care", **date_fields("referred_on", today)}
    bad = await answer(
        client,
        need["id"],
        "referral",
        {**referral, **date_fields("first_contact_on", today - timedelta(days=2))},
    )
    assert bad.status_code == 422 and "must be on or after the date of referral" in bad.text
    raised = {"dbs_level": "enhanced", "dbs_adults_barred": "yes", "dbs_children_barred": "yes"}
    good = await answer(client, need["id"], "dbs", raised)
    assert good.headers["location"] == f"/needs/{need['id']}/section/referral?flow=continue", good.text
    referred = {
        "referral_source": "childrens_social_care",
        **date_fields("referred_on", today - timedelta(days=3)),
        **date_fields("first_contact_on", today),
    }
    last = await answer(client, need["id"], "referral", referred)
    assert last.headers["location"] == f"/needs/{need['id']}/times?done=saved"  # staff's last section
    out = await needs.get_need(await make_user("staff"), need["id"])
    assert out.referral.source == "childrens_social_care" and out.referral.first_contact_on == today
    assert out.dbs_adults_barred and out.dbs_children_barred and out.dbs_raised
    assert out.title == "Morning support"  # the other sections' answers are kept
    assert staff


async def test_the_needs_api_lists_creates_gets_updates_and_changes_status(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    body = {
        "recipient_id": recipient_id,
        "title": "Evening support",
        "description": "Cooking and company",
        "max_distance_miles": 8,
        "shift_kinds": ["evening"],
        "required_skills": ["meal_preparation"],
        "slots": [{"day": "Friday", "start": "18:00:00", "end": "22:00:00"}],
    }
    created = await client.post("/api/v1/needs", json=body)
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["postcode"] == "PE1 1AB" and need["slots"][0]["label"] == "Friday 18:00 to 22:00"
    assert need["required_skills"] == ["meal_preparation"] and need["referral"] is None
    stale = await client.put(f"/api/v1/needs/{need['id']}", json={**body, "version": 99})
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    invalid = await client.put(f"/api/v1/needs/{need['id']}", json={**body, "title": "", "version": 1})
    assert invalid.status_code == 422 and "title" in invalid.json()["errors"]
    updated = await client.put(
        f"/api/v1/needs/{need['id']}", json={**body, "title": "Evenings", "version": 1}
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    opened = await client.post(f"/api/v1/needs/{need['id']}/status", json={"action": "open", "version": 2})
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    listed = await client.get("/api/v1/needs?status=open")
    assert [n["title"] for n in listed.json()] == ["Evenings"]
    assert (await client.get(f"/api/v1/needs/{need['id']}")).json()["version"] == 3
    assert user


async def test_equality_monitoring_is_optional_and_checked(client, login_as):
    await login_as("recipient", client)
    bad = await submit(
        client,
        "/needs/people/new",
        {"display_name": "Jo Smith", "postcode": "PE1 1AB", "age_group": "adult", "ethnicity": "martian"},
    )
    assert bad.status_code == 422 and "Select the person&#39;s ethnic group, or leave it blank" in bad.text
    assert "Does the person consider themselves disabled? (optional)" in bad.text
    done = await submit(
        client,
        "/needs/people/new",
        {
            "display_name": "Jo Smith",
            "postcode": "PE1 1AB",
            "age_group": "adult",
            "disability": "yes",
            "ethnicity": "black",
        },
    )
    assert done.status_code in (302, 303)
    people = (await client.get("/api/v1/recipients")).json()
    assert [(p["disability"], p["ethnicity"]) for p in people] == [("yes", "black")]


async def test_a_cover_need_is_not_asked_when_in_the_year_its_dates_decide(client, login_as):
    _, recipient_id = await signed_in_recipient(client, login_as)
    form_path = f"/needs/new?recipient={recipient_id}"
    created = await submit(
        client, form_path, {"title": "Summer cover", "description": "Help in the summer", "kind": "cover"}
    )
    need_id = int(created.headers["location"].split("/")[2])
    hours = await client.get(f"/needs/{need_id}/section/hours")
    assert 'name="year_pattern"' not in hours.text
    assert "We check the dates against the school terms" in hours.text
    saved = await answer(client, need_id, "hours", {"hours_per_week": "10"}, flow="check")
    assert saved.status_code in (302, 303), saved.text
    summary = await client.get(f"/needs/{need_id}")
    assert "The cover&#39;s dates decide: we check them against the school terms" in summary.text
    # A weekly need is asked as before, and its answer shown.
    weekly = await submit(
        client, form_path, {"title": "Mornings", "description": "Help to get up", "kind": "regular"}
    )
    weekly_id = int(weekly.headers["location"].split("/")[2])
    assert 'name="year_pattern"' in (await client.get(f"/needs/{weekly_id}/section/hours")).text
    term = await answer(client, weekly_id, "hours", {"year_pattern": "term_time"}, flow="check")
    assert term.status_code in (302, 303), term.text
    assert "School term time only" in (await client.get(f"/needs/{weekly_id}")).text
    # A need changed from weekly to cover keeps no pattern: its dates decide.
    await answer(
        client,
        weekly_id,
        "about",
        {"title": "Mornings", "description": "Help to get up", "kind": "cover"},
        flow="check",
    )
    assert "The cover&#39;s dates decide" in (await client.get(f"/needs/{weekly_id}")).text
