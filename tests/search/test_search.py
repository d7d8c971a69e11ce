"""Finding a PA: search, the public profile and the shortlist, on both database engines.

The searcher is at PE1 1AB; the PAs live in sectors at known distances from it (sector
centroids from the shipped table): PE1 2 0.7 miles, PE2 5 2.7, PE7 1 4.9, PE6 9 8.7,
PE9 1 11.5, OX1 1 71.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from market.fields import whole_number
from market.geo.centroids import known_sector
from market.geo.distance import haversine_miles
from market.register import changes
from market.register.availability import Slot, slot_from_day_times
from market.register.tables import PAProfile, ShortlistEntry
from market.search.ranking import (
    Candidate,
    available_for,
    bounding_box,
    rank,
    skill_score,
    text_hits,
)
from market.search.schemas import PublicProfileOut, ResultOut, SearchOut
from market.search.shortlist import ShortlistItemOut
from tests.register.factories import make_pa
from tests.support import csrf_token, submit

SEARCH = "PE1 1AB"
VERY_NEAR = "PE1 2EJ"  # under 1 mile
NEAR = "PE2 5DE"  # about 3 miles
FIVE = "PE7 1AB"  # about 5 miles
EIGHT = "PE6 9AB"  # 8.7 miles: about 10 miles
ELEVEN = "PE9 1AB"  # 11.5 miles
OXFORD = "OX1 1DP"  # 71 miles

FORBIDDEN_KEYS = {"postcode", "home_postcode", "sector", "lat", "lon", "email", "phone"}


def test_the_postcodes_used_here_are_in_the_shipped_table():
    for postcode in (SEARCH, VERY_NEAR, NEAR, FIVE, EIGHT, ELEVEN, OXFORD):
        assert known_sector(postcode[:-2]), postcode


async def find(client, **params):
    params.setdefault("postcode", SEARCH)
    return await client.get("/search", params=params)


def names(html: str) -> list[str]:
    """The PA names on a results page, in order."""
    return re.findall(r'<a class="govuk-link" href="/pas/\d+[^"]*">([^<]+)</a>', html)


def assert_private(text: str, pa: dict) -> None:
    for secret in (
        pa["home_postcode"],
        pa["home_postcode"].replace(" ", ""),
        pa["sector"],
        pa["email"],
        f"{pa['lat']:.4f}",
        f"{pa['lon']:.4f}",
    ):
        assert secret not in text, secret


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def test_what_goes_out_has_no_field_that_could_locate_or_contact_a_pa():
    for struct in (ResultOut, SearchOut, PublicProfileOut, ShortlistItemOut):
        assert not FORBIDDEN_KEYS & set(struct.__struct_fields__), struct


# -- finding --------------------------------------------------------------------------------


async def test_a_nearby_pa_is_found_without_revealing_where_they_live(client, login_as):
    pa = await make_pa(
        name="Amira Near",
        postcode=NEAR,
        skills={"hoist": 3, "personal_care": 1},
        headline="Calm and kind PA",
        slots=(("Monday", "06:00", "18:00"), ("Saturday", "09:00", "10:00")),
    )
    await login_as("recipient")

    page = await find(client, radius="10")
    assert page.status_code == 200
    assert "1 personal assistant within 10 miles of PE1" in page.text
    assert names(page.text) == ["Amira"]
    assert "Calm and kind PA" in page.text
    assert "PE2, about 3 miles as the crow flies" in page.text
    assert "Moving and handling with a hoist (3 years)" in page.text
    assert "Personal care (1 year)" in page.text
    assert "Vetted by PA register on" in page.text and "Right to work checked" in page.text
    # A result says the week in one line; the week's grid is on the profile.
    assert "Usually available" in page.text
    assert "Mornings and afternoons Monday; part of the morning Saturday" in page.text
    assert "When Amira is usually available" not in page.text and "<table" not in page.text
    assert f'href="/pas/{pa["id"]}?from=PE1%201AB"' in page.text

    profile = await client.get(f"/pas/{pa['id']}", params={"from": SEARCH})
    assert profile.status_code == 200
    grid = profile.text[profile.text.index("When Amira is usually available") :]
    afternoon = re.search(r"Afternoon</th>(.*?)</tr>", grid, re.S).group(1)
    assert re.findall(r">(Yes|Part|No)<", afternoon) == ["Yes", "No", "No", "No", "No", "No", "No"]
    morning = re.search(r"Morning</th>(.*?)</tr>", grid, re.S).group(1)
    assert re.findall(r">(Yes|Part|No)<", morning) == ["Yes", "No", "No", "No", "No", "Part", "No"]
    assert '<h1 class="govuk-heading-l">Amira</h1>' in profile.text
    assert "PE2, about 3 miles away as the crow flies" in profile.text
    assert "From £12.50 an hour" in profile.text and "Polish" not in profile.text
    assert "Monday 06:00 to 18:00" in profile.text
    assert profile.text.count("<h1") == 1

    api = await client.get("/api/v1/register/search", params={"postcode": SEARCH, "radius": "10"})
    assert api.status_code == 200
    body = api.json()
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    (result,) = body["results"]
    assert result["district"] == "PE2" and result["distance_band"] == "about 3 miles"
    assert result["week"][1]["band"] == "Afternoon" and result["week"][1]["days"][0] == "full"
    assert result["usually_available"] == "Mornings and afternoons Monday; part of the morning Saturday"
    one = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": SEARCH})
    assert one.status_code == 200 and one.json()["distance_band"] == "about 3 miles"

    for response in (page, profile, api, one):
        assert_private(response.text, pa)
    for response in (api, one):
        assert not FORBIDDEN_KEYS & keys_of(response.json())


async def test_only_approved_pas_appear(client, login_as):
    hidden = {}
    for status, name in {
        "draft": "Dora",
        "submitted": "Sami",
        "changes_requested": "Cara",
        "suspended": "Suki",
        "withdrawn": "Wyn",
        "declined": "Dee",
    }.items():
        hidden[name] = await make_pa(name=f"{name} Hidden", status=status, postcode=NEAR)
    await make_pa(name="Ada Listed", postcode=NEAR)
    await login_as("recipient")
    page = await find(client)
    assert names(page.text) == ["Ada"]
    api = (await client.get("/api/v1/register/search", params={"postcode": SEARCH})).json()
    assert [r["display_name"] for r in api["results"]] == ["Ada"]
    for pa in hidden.values():
        assert (await client.get(f"/pas/{pa['id']}")).status_code == 404
        assert (await client.get(f"/api/v1/register/pas/{pa['id']}")).status_code == 404
    assert (await client.get("/pas/999999")).status_code == 404


async def test_the_radius_and_the_pas_own_travel_limit_both_hold(client, login_as):
    await make_pa(name="Tess Short", postcode=EIGHT, travel_miles=5)
    await make_pa(name="Tom Ten", postcode=EIGHT, travel_miles=10)
    await make_pa(name="Fay Far", postcode=ELEVEN, travel_miles=20)
    await make_pa(name="Ollie Oxford", postcode=OXFORD, travel_miles=100)
    await login_as("recipient")
    assert names((await find(client, radius="5")).text) == []
    assert names((await find(client, radius="10")).text) == ["Tom"]
    assert names((await find(client, radius="15", sort="distance")).text) == ["Tom", "Fay"]
    assert names((await find(client, radius="50", sort="distance")).text) == ["Tom", "Fay"]


async def test_skills_groups_languages_driving_gender_and_words_filter(client, login_as):
    await make_pa(
        name="Ann One",
        postcode=NEAR,
        skills={"hoist": 2, "peg_feeding": 1},
        client_groups=("older_people", "dementia"),
        languages=("English", "Polish"),
        gender="woman",
        admire="I love football and cooking.",
    )
    await make_pa(
        name="Ben Two",
        postcode=NEAR,
        skills={"hoist": 4},
        client_groups=("older_people",),
        has_car=False,
        gender="man",
        admire="I enjoy cooking.",
    )
    await make_pa(
        name="Cy Three",
        postcode=NEAR,
        skills={"personal_care": 1},
        driving_licence=False,
        has_car=False,
        languages=("english", "Welsh"),
    )
    await login_as("recipient")

    def found(**params):
        return find(client, sort="distance", **params)

    assert sorted(names((await found(skill="hoist")).text)) == ["Ann", "Ben"]
    assert names((await found(skill=["hoist", "peg_feeding"])).text) == ["Ann"]
    assert names((await found(group="dementia")).text) == ["Ann"]
    assert sorted(names((await found(group="older_people")).text)) == ["Ann", "Ben"]
    assert names((await found(language="polish")).text) == ["Ann"]
    assert names((await found(language=" WELSH , English")).text) == ["Cy"]
    assert names((await found(language="French")).text) == []
    unknown = await found(language="Polish, Klingon")
    assert unknown.status_code == 422 and "We do not recognise ‘Klingon’ as a language" in unknown.text
    assert sorted(names((await found(driving="licence")).text)) == ["Ann", "Ben"]
    assert names((await found(driving="car")).text) == ["Ann"]
    page = (await found(driving="car")).text
    assert "Can drive (full UK licence)" in page and "Has a car for work, insured for business" in page
    # A car whose business insurance the PA has not said of is not "insured for business".
    await PAProfile.update({PAProfile.car_insurance: None}).where(PAProfile.display_name == "Ann")
    await changes.touch(*[r["id"] for r in await PAProfile.select(PAProfile.id)])
    assert names((await found(driving="car")).text) == []
    await PAProfile.update({PAProfile.car_insurance: True}).where(PAProfile.display_name == "Ann")
    await changes.touch(*[r["id"] for r in await PAProfile.select(PAProfile.id)])
    assert names((await found(gender="woman")).text) == ["Ann"]
    assert names((await found(gender="man")).text) == ["Ben"]
    assert sorted(names((await found()).text)) == ["Ann", "Ben", "Cy"]
    assert sorted(names((await found(q="Cooking")).text)) == ["Ann", "Ben"]
    assert names((await found(q="football, cooking")).text) == ["Ann"]
    assert names((await found(q="football knitting")).text) == []
    assert names((await found(q="Experienced kind")).text) != []  # the headline counts too
    api = await client.get(
        "/api/v1/register/search", params={"postcode": SEARCH, "skill": ["hoist", "peg_feeding"]}
    )
    assert [r["display_name"] for r in api.json()["results"]] == ["Ann"]


async def test_days_and_a_time_window_including_overnight(client, login_as):
    await make_pa(name="Dai Days", postcode=NEAR, slots=(("Monday", "09:00", "17:00"),))
    await make_pa(name="Nia Nights", postcode=NEAR, slots=(("Saturday", "22:00", "07:00"),))
    await make_pa(name="Eve Evenings", postcode=NEAR, slots=(("Saturday", "22:00", "23:45"),))
    await login_as("recipient")

    def found(**params):
        return find(client, sort="distance", **params)

    assert names((await found(day="Monday", time_from="10:00", time_to="12:00")).text) == ["Dai"]
    assert names((await found(day="Monday", time_from="08:00", time_to="12:00")).text) == []
    assert names((await found(day="Saturday", time_from="23:00", time_to="06:00")).text) == ["Nia"]
    assert names((await found(day="Saturday", time_from="21:00", time_to="06:00")).text) == []
    assert sorted(names((await found(day="Saturday", time_from="22:00", time_to="23:00")).text)) == [
        "Eve",
        "Nia",
    ]
    assert names((await found(day="Sunday")).text) == ["Nia"]  # Saturday's night runs into Sunday
    assert names((await found(day=["Monday", "Saturday"])).text) == []
    assert names((await found(day="Tuesday")).text) == []


async def test_relevance_puts_the_most_experienced_first_and_distance_the_nearest(client, login_as):
    await make_pa(name="Vera Veryclose", postcode=VERY_NEAR, skills={"hoist": 1})
    await make_pa(name="Fred Further", postcode=EIGHT, skills={"hoist": 9})
    await make_pa(name="Nora Near", postcode=NEAR, skills={"hoist": 3})
    await make_pa(name="Polly Nohoist", postcode=FIVE, skills={"personal_care": 9})
    await login_as("recipient")
    assert names((await find(client, skill="hoist")).text) == ["Fred", "Nora", "Vera"]
    assert names((await find(client, skill="hoist", sort="distance")).text) == ["Vera", "Nora", "Fred"]
    # With nothing to weigh, relevance falls back to distance.
    assert names((await find(client)).text) == ["Vera", "Nora", "Polly", "Fred"]
    api = await client.get(
        "/api/v1/register/search", params={"postcode": SEARCH, "skill": "hoist", "sort": "distance"}
    )
    assert [r["distance_band"] for r in api.json()["results"]] == [
        "under 1 mile",
        "about 3 miles",
        "about 10 miles",
    ]


async def test_results_come_twenty_a_page_with_the_count(client, login_as):
    for number in range(21):
        await make_pa(name=f"Pa{number:02d} Paged", postcode=NEAR if number % 2 else FIVE)
    await login_as("recipient")
    first = await find(client, sort="distance")
    assert "21 personal assistants within 10 miles of PE1" in first.text
    assert "Showing 1 to 20" in first.text
    assert len(names(first.text)) == 20
    assert 'rel="next"' in first.text and "page=2" in first.text
    second = await find(client, sort="distance", page="2")
    assert "Showing 21 to 21" in second.text and len(names(second.text)) == 1
    assert set(names(first.text)) | set(names(second.text)) == {f"Pa{n:02d}" for n in range(21)}
    assert names((await find(client, sort="distance", page="99")).text) == names(second.text)
    assert names((await find(client, sort="distance", page="nonsense")).text) == names(first.text)
    api = await client.get("/api/v1/register/search", params={"postcode": SEARCH, "page": "2"})
    body = api.json()
    assert (body["total"], body["page"], body["pages"], len(body["results"])) == (21, 2, 2, 1)


async def test_search_names_every_problem_and_keeps_the_input(client, login_as):
    # Staff, who may search from any postcode, see the postcode's own problems; anyone else is
    # told which of their own places to search from (tests/search/test_location_privacy.py).
    await login_as("staff")
    blank = await client.get("/search")
    assert blank.status_code == 200 and "Enter the postcode where the PA would work" in blank.text
    assert blank.text.count("<h1") == 1

    missing = await find(client, postcode="")
    assert missing.status_code == 422
    assert missing.text.count("Enter a postcode or the first half of one, like PE1 1AB or PE1") == 2
    assert "<title>Error: Find a personal assistant" in missing.text

    malformed = await find(client, postcode="hello", radius="7", time_from="25:00", time_to="17:10")
    assert malformed.status_code == 422
    for message in (
        "Enter a real postcode, like PE1 1AB",
        "Choose a distance from the list",
        "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm",
        "Times must be on the quarter hour, like 09:15",
        "Select the days you need someone at these times",
    ):
        assert malformed.text.count(message) == 2, message
    assert 'value="hello"' in malformed.text and 'value="25:00"' in malformed.text
    assert 'href="#postcode"' in malformed.text and 'href="#time-from"' in malformed.text

    unknown = await find(client, postcode="AB1 1AA")
    assert unknown.status_code == 422
    assert "We couldn&#39;t find that postcode" in unknown.text

    odd = await find(
        client, day="Funday", skill="juggling", group="pirates", gender="x", sort="random", driving="maybe"
    )
    assert odd.status_code == 422
    for message in (
        "Choose days from the list",
        "Choose skills from the list",
        "Choose the people they have supported from the list",
        "Choose a preference from the list",
        "Choose how to sort the results",
        "Choose a driving option from the list",
    ):
        assert message in odd.text, message
    for hostile in ({"page": "²"}, {"page": "9" * 5000}, {"radius": "9" * 5000}, {"day": "x" * 5000}):
        assert (await find(client, **hostile)).status_code in (200, 422), hostile
    assert (await client.get("/pas/99999999999")).status_code == 404
    assert (await client.get("/api/v1/register/pas/99999999999")).status_code == 404
    long = await find(client, q="word " * 50)
    assert long.status_code == 422 and "characters or fewer" in long.text
    end_only = await find(client, day="Monday", time_to="17:00")
    assert "Enter a start time, like 09:00" in end_only.text

    api = await client.get(
        "/api/v1/register/search", params={"postcode": "hello", "radius": "7", "time_from": "25"}
    )
    assert api.status_code == 422
    problem = api.json()
    assert api.headers["content-type"].startswith("application/problem+json")
    assert problem["errors"]["postcode"] == "Enter a real postcode, like PE1 1AB"
    assert set(problem["errors"]) == {"postcode", "radius", "time_from", "time_to", "day"}


async def test_a_live_update_gets_just_the_results(client, login_as):
    await make_pa(name="Hana Htmx", postcode=NEAR)
    await login_as("recipient")
    partial = await client.get("/search", params={"postcode": SEARCH}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and names(partial.text) == ["Hana"]
    restore = await client.get(
        "/search",
        params={"postcode": SEARCH},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.text


async def test_profile_texts_are_plain_text(client, login_as):
    pa = await make_pa(
        name="Xena Escaped",
        postcode=NEAR,
        headline="<b>Bold</b> helper",
        admire="<script>alert('x')</script> I am kind\nand funny\n\nSecond paragraph",
    )
    await login_as("recipient")
    page = await find(client)
    assert "<b>Bold</b>" not in page.text and "&lt;b&gt;Bold&lt;/b&gt; helper" in page.text
    profile = await client.get(f"/pas/{pa['id']}")
    assert "<script>alert" not in profile.text and "&lt;script&gt;alert" in profile.text
    assert "I am kind<br>and funny</p>" in profile.text
    assert '<p class="govuk-body">Second paragraph</p>' in profile.text


async def test_who_may_search(client, login_as, make_client):
    pa = await make_pa(name="Gita Guarded", postcode=NEAR)
    assert (await client.get("/search")).status_code == 302
    assert (await client.get("/api/v1/register/search", params={"postcode": SEARCH})).status_code == 401
    await login_as("pa")
    for path in (
        "/search",
        f"/pas/{pa['id']}",
        "/shortlist",
        "/api/v1/register/search",
        "/api/v1/register/shortlist",
    ):
        assert (await client.get(path, params={"postcode": SEARCH})).status_code == 403, path
    staff = make_client()
    await login_as("staff", http=staff)
    assert (await staff.get("/search", params={"postcode": SEARCH})).status_code == 200
    assert (await staff.get("/shortlist")).status_code == 200
    admin = make_client()
    await login_as("admin", http=admin)
    page = await admin.get("/search", params={"postcode": SEARCH})
    assert page.status_code == 200 and names(page.text) == ["Gita"]
    assert "Save to shortlist" not in page.text
    assert (await admin.get("/shortlist")).status_code == 403


# -- the shortlist --------------------------------------------------------------------------


async def test_saving_to_the_shortlist_and_removing(client, login_as):
    pa = await make_pa(name="Bea Saved", postcode=NEAR, headline="Bea's headline")
    draft = await make_pa(name="Dan Draft", postcode=NEAR, status="draft")
    await login_as("recipient")
    page = await find(client)
    assert "Save to shortlist" in page.text
    token = csrf_token(page.text)
    here = "/search?postcode=PE1+1AB&page=1"
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in page.text

    saved = await client.post("/shortlist", data={"profile_id": pa["id"], "next": here, "_csrf_token": token})
    assert saved.status_code == 302
    assert saved.headers["location"] == "/search?postcode=PE1+1AB&page=1&done=saved"
    again = await client.post("/shortlist", data={"profile_id": pa["id"], "next": here, "_csrf_token": token})
    assert again.headers["location"].endswith("done=already")
    assert await ShortlistEntry.count() == 1
    back = await client.get(saved.headers["location"])
    assert "Saved to your shortlist." in back.text and "On your shortlist." in back.text
    assert "Save to shortlist" not in back.text

    elsewhere = await client.post(
        "/shortlist", data={"profile_id": pa["id"], "next": "//evil.example/x", "_csrf_token": token}
    )
    assert elsewhere.headers["location"] == "/shortlist?done=already"
    unlisted = await client.post("/shortlist", data={"profile_id": draft["id"], "_csrf_token": token})
    assert unlisted.status_code == 404
    for nonsense in ("abc", "²", "9" * 5000):
        answer = await client.post("/shortlist", data={"profile_id": nonsense, "_csrf_token": token})
        assert answer.status_code == 404, nonsense
    assert await ShortlistEntry.count() == 1

    listing = await client.get("/shortlist")
    assert "Bea" in listing.text and "Bea&#39;s headline" in listing.text and "PE2" in listing.text
    assert_private(listing.text, pa)
    assert listing.text.count("<h1") == 1

    await PAProfile.update({PAProfile.status: "suspended"}).where(PAProfile.id == pa["id"])
    listing = await client.get("/shortlist")
    assert "No longer listed" in listing.text
    assert "Bea" not in listing.text and "PE2" not in listing.text

    removed = await submit(client, "/shortlist", {}, action=f"/shortlist/{pa['id']}/remove")
    assert removed.headers["location"] == "/shortlist?done=removed"
    assert await ShortlistEntry.count() == 0
    assert "Removed from your shortlist." in (await client.get(removed.headers["location"])).text
    assert (await submit(client, "/shortlist", {}, action=f"/shortlist/{pa['id']}/remove")).status_code == 404


async def test_the_shortlist_api(client, login_as):
    pa = await make_pa(name="Ria Api", postcode=NEAR)
    draft = await make_pa(name="Dee Draft", postcode=NEAR, status="submitted")
    await login_as("recipient")
    url = "/api/v1/register/shortlist"
    created = await client.post(url, json={"profile_id": pa["id"]})
    assert created.status_code == 201, created.text
    assert created.json()["listed"] is True and created.json()["display_name"] == "Ria"
    assert (await client.post(url, json={"profile_id": pa["id"]})).status_code == 200
    assert (await client.post(url, json={"profile_id": draft["id"]})).status_code == 404
    assert (await client.post(url, json={"profile_id": "x"})).status_code == 422
    # Beyond any id column: the body is refused, naming the field (issue 15; was 404).
    huge = await client.post(url, json={"profile_id": 99999999999})
    assert huge.status_code == 422 and "profile_id" in huge.json()["errors"]
    assert (await client.delete(f"{url}/99999999999")).status_code == 404
    listing = await client.get(url)
    assert [item["profile_id"] for item in listing.json()] == [pa["id"]]
    assert_private(listing.text, pa)
    assert not FORBIDDEN_KEYS & keys_of(listing.json())
    search = await client.get("/api/v1/register/search", params={"postcode": SEARCH})
    assert search.json()["results"][0]["shortlisted"] is True
    assert (await client.delete(f"{url}/{pa['id']}")).status_code == 204
    assert (await client.delete(f"{url}/{pa['id']}")).status_code == 404
    assert (await client.get(url)).json() == []


async def test_someone_elses_shortlist_entry_answers_404(client, login_as, make_client):
    pa = await make_pa(name="Ola Other", postcode=NEAR)
    other = make_client()
    await login_as("recipient", http=other)
    assert (await other.post("/api/v1/register/shortlist", json={"profile_id": pa["id"]})).status_code == 201
    await login_as("recipient")
    assert (await client.get("/api/v1/register/shortlist")).json() == []
    assert "You have not saved anyone yet" in (await client.get("/shortlist")).text
    page = await client.get("/shortlist")
    response = await client.post(f"/shortlist/{pa['id']}/remove", data={"_csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    assert (await client.delete(f"/api/v1/register/shortlist/{pa['id']}")).status_code == 404
    assert await ShortlistEntry.count() == 1


# -- the pure parts -------------------------------------------------------------------------


def test_rank_orders_by_skills_then_words_then_distance():
    rows = [
        Candidate(id=1, miles=1.0, skill_years={"hoist": 1}),
        Candidate(id=2, miles=5.0, skill_years={"hoist": 9}),
        Candidate(id=3, miles=0.5, skill_years={"personal_care": 9}),
        Candidate(id=4, miles=2.0, skill_years={"hoist": 1}, text_hits=2),
        Candidate(id=5, miles=1.0, skill_years={"hoist": 1}),
    ]
    assert [c.id for c in rank(rows, ["hoist"])] == [2, 4, 1, 5, 3]
    assert [c.id for c in rank(rows, ["hoist"], sort="distance")] == [3, 1, 5, 4, 2]
    assert [c.id for c in rank(rows, [])] == [4, 3, 1, 5, 2]
    assert skill_score({"hoist": 50}, ["hoist"]) == skill_score({"hoist": 5}, ["hoist"]) == 2
    assert skill_score({"hoist": 0, "epilepsy": 5}, ["hoist", "epilepsy", "bsl"]) == 3


def test_text_hits_need_every_word():
    texts = ("Kind and calm", "I like Football. football is life", "")
    assert text_hits(texts, ["football"]) == 2
    assert text_hits(texts, ["football", "calm"]) == 3
    assert text_hits(texts, ["football", "cricket"]) is None
    assert text_hits(("a a a a a a",), ["a"]) == 3  # capped


def test_availability_needs_the_whole_window_or_any_of_the_day():
    night = [slot_from_day_times("Saturday", "22:00", "07:00")]
    window = [slot_from_day_times("Saturday", "23:00", "06:00")]
    assert available_for(night, window, whole_days=False)
    assert not available_for(night, [slot_from_day_times("Saturday", "21:00", "06:00")], whole_days=False)
    sunday = [Slot(6 * 1440, 7 * 1440)]
    assert available_for(night, sunday, whole_days=True)
    wrapping = [slot_from_day_times("Sunday", "22:00", "07:00")]
    monday = [Slot(0, 1440)]
    assert available_for(wrapping, monday, whole_days=True)
    assert available_for(wrapping, [slot_from_day_times("Sunday", "23:00", "06:00")], whole_days=False)


@pytest.mark.parametrize(("lat", "lon", "miles"), [(52.57, -0.24, 10), (51.75, -1.26, 50), (60.2, -1.2, 30)])
def test_the_bounding_box_holds_the_whole_circle(lat, lon, miles):
    south, north, west, east = bounding_box(lat, lon, miles)
    span = 2.0
    grid_lat, grid_lon = np.meshgrid(
        np.linspace(lat - span, lat + span, 401), np.linspace(lon - 2 * span, lon + 2 * span, 401)
    )
    inside = haversine_miles(lat, lon, grid_lat, grid_lon) <= miles
    assert inside.sum() > 10
    assert np.all((grid_lat[inside] >= south) & (grid_lat[inside] <= north))
    assert np.all((grid_lon[inside] >= west) & (grid_lon[inside] <= east))
    # ... and not much more than it.
    assert (north - south) < 2.1 * math.degrees(miles / 3966.6)


def test_whole_numbers_never_raise():
    assert whole_number(" 12 ") == 12
    for text in ("", "-1", "1.5", "²", "٣", "9" * 11, "9" * 5000, str(2**31)):
        assert whole_number(text) is None, text


async def test_without_a_geocoder_the_page_says_only_postcodes_are_understood(client, login_as):
    await login_as("staff")
    page = await client.get("/search")
    assert "Only postcodes are understood here, not place names" in page.text
    place = await find(client, postcode="Peterborough")
    assert place.status_code == 422 and "Enter a real postcode, like PE1 1AB" in place.text


async def test_the_search_api_takes_the_typed_search_as_json(client, login_as):
    await make_pa(name="Jo Json", postcode=NEAR, slots=(("Monday", "09:00", "17:00"),), skills={"hoist": 2})
    await login_as("recipient")
    url = "/api/v1/register/search"
    body = {
        "postcode": SEARCH,
        "radius": 5,
        "day": ["Monday"],
        "time_from": "10:00:00",
        "time_to": "12:00:00",
    }
    found = await client.post(url, json={**body, "skill": ["hoist"], "driving": "car"})
    assert found.status_code == 200, found.text
    assert [r["display_name"] for r in found.json()["results"]] == ["Jo"]
    assert (await client.post(url, json={**body, "day": ["Tuesday"]})).json()["total"] == 0
    # The old string forms are refused, naming the field.
    wrong = await client.post(url, json={**body, "radius": "5"})
    assert wrong.status_code == 422 and "radius" in wrong.json()["errors"]
    rules = await client.post(url, json={**body, "time_from": "10:10:00", "day": []})
    assert rules.status_code == 422
    assert set(rules.json()["errors"]) == {"time_from", "day"}


async def test_the_language_filter_finds_a_language_by_any_of_its_names(client, login_as):
    await make_pa(name="Gurpreet Gill", postcode=NEAR, languages=("English", "panjabi"))
    await make_pa(name="Deaf Dee", postcode=NEAR, languages=("British Sign Language",))
    await make_pa(name="Other Olu", postcode=NEAR, languages=("English",))
    await login_as("recipient")
    for typed in ("punjabi", "Panjabi", "PUNJABI "):
        page = await find(client, sort="distance", language=typed)
        assert names(page.text) == ["Gurpreet"], typed
    assert names((await find(client, sort="distance", language="bsl")).text) == ["Deaf"]
    page = await find(client, sort="distance", language="punjabi")
    profile = re.search(r'href="(/pas/\d+)[^"]*">Gurpreet<', page.text).group(1)
    shown = await client.get(profile)
    assert "English, Panjabi" in shown.text  # standard names, not codes
