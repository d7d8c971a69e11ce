"""A PA's own limits: the work they will not do, and when in the year they work.

Saved on the work pattern page and through the API, shown to the PA, to staff and to people
looking for a PA, read from the CSV import, and given to some demo PAs."""

import json
import re
from pathlib import Path

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.audit.tables import AuditEvent
from market.register import importer
from market.register.import_rows import Problem
from market.register.schemas import WONT_DO, YEAR_PATTERNS
from market.register.tables import PAProfile
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "register-import-example.csv"


def as_list(value):
    return json.loads(value) if isinstance(value, str) else value


def checked(html: str, name: str, value: str = "on") -> bool:
    """Whether the checkbox or radio ``name``/``value`` is ticked on the page."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return bool(re.search(r"\schecked\b", tag))
    raise AssertionError(f"no input {name}={value}")


def summary_value(html: str, key: str) -> str:
    """The text of a summary list row's value, whitespace squeezed."""
    match = re.search(rf"{re.escape(key)}\s*</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert match, f"no summary row {key!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


async def bearer(client, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_lists_are_the_agreed_codes():
    assert list(WONT_DO) == [
        "personal_care",
        "pets",
        "smoking",
        "sleeping_nights",
        "waking_nights",
        "live_in",
        "children",
        "driving",
    ]
    assert WONT_DO["pets"] == "Households with pets" and WONT_DO["driving"] == "Driving for work"
    assert list(YEAR_PATTERNS) == ["all_year", "term_time", "school_holidays"]
    assert YEAR_PATTERNS["term_time"] == "Term time only"


async def test_a_pa_saves_their_limits_and_sees_them(client, login_as):
    await login_as("pa")
    page = await client.get("/profile/pattern")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert "Work you will not do" in page.text and "When in the year can you work?" in page.text
    assert "Households with pets" in page.text and "School holidays only" in page.text
    assert not checked(page.text, "wont_pets") and checked(page.text, "year_pattern", "all_year")
    fresh = await client.get("/profile")
    assert summary_value(fresh.text, "Work you will not do") == "Nothing listed"
    assert summary_value(fresh.text, "When in the year you work") == "All year"

    saved = await submit(
        client,
        "/profile/pattern",
        {
            "shift_day": "on",
            "wont_smoking": "on",
            "wont_pets": "on",
            "year_pattern": "term_time",
        },
    )
    assert saved.status_code == 302 and saved.headers["location"] == "/profile?done=pattern"
    row = await PAProfile.select(PAProfile.wont_do, PAProfile.year_pattern, PAProfile.version).first()
    assert as_list(row["wont_do"]) == ["pets", "smoking"] and row["year_pattern"] == "term_time"
    assert row["version"] == 2
    event = await AuditEvent.select().where(AuditEvent.action == "profile.work_pattern_changed").first()
    detail = as_list(event["detail"])
    assert detail["wont_do"] == ["pets", "smoking"] and detail["year_pattern"] == "term_time"

    profile = await client.get("/profile")
    assert "Your limits" in profile.text
    assert summary_value(profile.text, "Work you will not do") == "Households with pets, Smoking households"
    assert summary_value(profile.text, "When in the year you work") == "Term time only"
    again = await client.get("/profile/pattern")
    assert checked(again.text, "wont_pets") and checked(again.text, "wont_smoking")
    assert not checked(again.text, "wont_driving")
    assert checked(again.text, "year_pattern", "term_time") and not checked(
        again.text, "year_pattern", "all_year"
    )
    printed = await client.get("/profile/print")
    assert "Households with pets; Smoking households" in printed.text and "Term time only" in printed.text

    # Unticking them all and choosing all year clears them.
    cleared = await submit(client, "/profile/pattern", {"shift_day": "on", "year_pattern": "all_year"})
    assert cleared.status_code == 302
    row = await PAProfile.select(PAProfile.wont_do, PAProfile.year_pattern).first()
    assert as_list(row["wont_do"]) == [] and row["year_pattern"] == "all_year"


async def test_unknown_codes_are_refused_with_a_message_and_the_input_kept(client, login_as):
    await login_as("pa")
    bad = await submit(
        client,
        "/profile/pattern",
        {
            "shift_day": "on",
            "wont_pets": "on",
            "wont_juggling": "on",
            "year_pattern": "whenever",
            "min_hours": "12",
        },
    )
    assert bad.status_code == 422
    assert "“juggling” is not on the list of work you can choose not to do" in bad.text
    assert "Select when in the year you can work" in bad.text
    assert 'href="#wont-do"' in bad.text and 'href="#year-pattern"' in bad.text  # the error summary
    assert 'id="wont-do-error"' in bad.text and 'id="year-pattern-error"' in bad.text
    assert checked(bad.text, "wont_pets") and checked(bad.text, "shift_day") and 'value="12"' in bad.text
    clash = await submit(
        client,
        "/profile/pattern",
        {"shift_sleeping_night": "on", "wont_sleeping_nights": "on", "year_pattern": "all_year"},
    )
    assert clash.status_code == 422
    assert "Sleeping nights is also ticked as a kind of shift you will work" in clash.text
    row = await PAProfile.select(PAProfile.wont_do, PAProfile.year_pattern, PAProfile.version).first()
    assert as_list(row["wont_do"]) == [] and row["year_pattern"] == "all_year" and row["version"] == 1
    assert not await AuditEvent.exists().where(AuditEvent.action == "profile.work_pattern_changed")


async def test_limits_through_the_api(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    start = await client.get("/api/v1/profile/pattern", headers=pa)
    assert start.status_code == 200
    assert start.json()["wont_do"] == [] and start.json()["year_pattern"] == "all_year"

    saved = await client.put(
        "/api/v1/profile/pattern",
        json={"shift_kinds": ["day"], "wont_do": ["driving", "pets"], "year_pattern": "school_holidays"},
        headers=pa,
    )
    assert saved.status_code == 200
    assert (
        saved.json()["wont_do"] == ["pets", "driving"] and saved.json()["year_pattern"] == "school_holidays"
    )
    read = (await client.get("/api/v1/profile/pattern", headers=pa)).json()
    assert (read["wont_do"], read["year_pattern"]) == (["pets", "driving"], "school_holidays")

    bad = await client.put(
        "/api/v1/profile/pattern",
        json={"shift_kinds": ["day"], "wont_do": ["pets", "aliens"], "year_pattern": "sometimes"},
        headers=pa,
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert "aliens" in errors["wont_do"] and "Select when in the year" in errors["year_pattern"]
    clash = await client.put(
        "/api/v1/profile/pattern",
        json={"shift_kinds": ["live_in"], "wont_do": ["live_in"]},
        headers=pa,
    )
    assert clash.status_code == 422 and "Live-in care" in clash.json()["errors"]["wont_do"]
    read = (await client.get("/api/v1/profile/pattern", headers=pa)).json()
    assert (read["wont_do"], read["year_pattern"]) == (["pets", "driving"], "school_holidays")

    # Leaving them out means none, all year: the same as the other fields of a PUT.
    plain = await client.put("/api/v1/profile/pattern", json={"shift_kinds": ["day"]}, headers=pa)
    assert plain.status_code == 200
    assert (plain.json()["wont_do"], plain.json()["year_pattern"]) == ([], "all_year")


async def test_people_looking_for_a_pa_and_staff_see_the_limits(client, login_as, make_client):
    limited = await make_pa(name="Lena", wont_do=("smoking", "pets"), year_pattern="term_time")
    plain = await make_pa(name="Paul")
    await login_as("recipient")

    page = await client.get(f"/pas/{limited['id']}")
    assert page.status_code == 200
    assert summary_value(page.text, "Will not do") == "Households with pets, Smoking households"
    assert summary_value(page.text, "Works") == "Term time only"
    other = await client.get(f"/pas/{plain['id']}")
    assert summary_value(other.text, "Will not do") == "Nothing listed"
    assert summary_value(other.text, "Works") == "All year"

    api = await client.get(f"/api/v1/register/pas/{limited['id']}")
    assert api.status_code == 200
    assert api.json()["wont_do"] == ["Households with pets", "Smoking households"]
    assert api.json()["year_pattern"] == "Term time only"
    assert (await client.get(f"/api/v1/register/pas/{plain['id']}")).json()["wont_do"] == []

    staff = make_client()
    await login_as("staff", http=staff)
    vetting = await staff.get(f"/staff/vetting/{limited['id']}")
    assert vetting.status_code == 200
    assert "Works: term time only." in vetting.text
    assert "<li>Households with pets</li>" in vetting.text and "<li>Smoking households</li>" in vetting.text
    assert "Nothing listed." in (await staff.get(f"/staff/vetting/{plain['id']}")).text


# The CSV import.

LIMITS_CSV = (
    "email,full_name,home_postcode,travel_miles,wont_do,year_pattern\n"
    "names@example.org,Named Limits,PE1 1AB,10,Households with pets; SMOKING ;driving-for-work,Term time only\n"
    "plain@example.org,No Limits,PE1 1AB,10,,\n"
    "bad@example.org,Bad Limits,PE1 1AB,10,pets;juggling;heavy lifting,whenever\n"
    "codes@example.org,Coded Limits,PE2 5RL,10,live_in;children,school_holidays\n"
    "year@example.org,Bad Year,PE1 1AB,10,,winter\n"
)


async def staff_actor() -> CurrentUser:
    user = await accounts.create_user(
        NewUserInput(email="staff@example.org", display_name="Sam Staff", role="staff", password=PASSWORD)
    )
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def limits_of(email: str) -> tuple[list[str], str]:
    row = (
        await PAProfile.select(PAProfile.wont_do, PAProfile.year_pattern)
        .where(PAProfile.user.email == email)
        .first()
    )
    return as_list(row["wont_do"]), row["year_pattern"]


async def test_the_import_reads_limits_and_reports_bad_ones_by_line(database):
    report = await importer.import_csv(
        LIMITS_CSV.encode(), file_name="limits.csv", settings=database, mode="all"
    )
    assert not report.imported and await PAProfile.count() == 0
    assert [(p.line, p.column) for p in report.problems] == [
        (4, "wont_do"),
        (4, "wont_do"),
        (4, "year_pattern"),
        (6, "year_pattern"),
    ]
    assert report.problems[0] == Problem(
        4, "wont_do", "Unknown work the PA will not do “juggling”: use a code from the import guide"
    )
    assert "“whenever” is not one of all_year, term_time or school_holidays" in str(report.problems[2])
    assert str(report.problems[3]).startswith("line 6, column year_pattern: “winter”")

    report = await importer.import_csv(
        LIMITS_CSV.encode(), file_name="limits.csv", settings=database, mode="valid_only"
    )
    assert report.imported and report.created == 3 and [r.line for r in report.rejected] == [4, 6]
    assert await limits_of("names@example.org") == (["pets", "smoking", "driving"], "term_time")
    assert await limits_of("plain@example.org") == ([], "all_year")
    assert await limits_of("codes@example.org") == (["live_in", "children"], "school_holidays")
    rejects = importer.rejects_csv(report)
    assert "wont_do: Unknown work the PA will not do “juggling”" in rejects


async def test_the_example_file_has_limits(database):
    report = await importer.import_csv(
        EXAMPLE.read_bytes(), file_name="example.csv", settings=database, actor=await staff_actor()
    )
    assert report.problems == [] and report.created == 5
    assert await limits_of("joanne.smith@example.org") == ([], "all_year")
    assert await limits_of("tomasz.nowak@example.org") == (["pets"], "all_year")
    assert await limits_of("amina.begum@example.org") == (["personal_care", "driving"], "term_time")
    assert await limits_of("siobhan.obrien@example.org") == (["smoking"], "all_year")
    assert await limits_of("david.okafor@example.org") == ([], "school_holidays")


async def test_the_upload_page_lists_the_codes(client, login_as):
    await login_as("staff")
    page = await client.get("/staff/register/import")
    assert "<code>wont_do</code>" in page.text and "<code>year_pattern</code>" in page.text
    assert "<code>smoking</code>" in page.text and "Smoking households" in page.text
