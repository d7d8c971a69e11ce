"""Driving, said plainly (issue 21): a PA says whether they hold a full UK licence, have a
car they can use for work, and have business insurance for it; a car without a licence, or
insurance without a car, is refused beside its field, on the page, the API and the import."""

from market.register import importer
from market.register.tables import PAProfile
from tests.register.factories import make_pa
from tests.register.test_api import bearer
from tests.register.test_refusals import inline_error
from tests.support import submit

WHERE = {"home_postcode": "PE1 1AB", "travel_miles": "12"}


async def saved_driving() -> tuple[bool, bool, bool | None] | None:
    row = await PAProfile.select(
        PAProfile.driving_licence, PAProfile.has_car, PAProfile.car_insurance
    ).first()
    return None if row is None else (row["driving_licence"], row["has_car"], row["car_insurance"])


async def test_the_where_page_asks_three_plain_questions(client, login_as):
    await login_as("pa")
    page = await client.get("/profile/where")
    assert page.status_code == 200
    for question in (
        "Do you hold a full UK driving licence?",
        "Do you have a car you can use for work?",
        "Does your car have business insurance?",
    ):
        assert question in page.text
    assert "Business use cover" in page.text
    saved = await submit(
        client,
        "/profile/where",
        {**WHERE, "driving_licence": "yes", "has_car": "yes", "car_insurance": "yes"},
    )
    assert saved.status_code == 302
    assert await saved_driving() == (True, True, True)
    profile = await client.get("/profile")
    assert "Full UK driving licence and a car for work, insured for business" in profile.text
    again = await client.get("/profile/where")
    assert 'name="car_insurance" type="radio" value="yes" checked' in again.text
    # No car: insurance is not asked of it, so not said.
    assert (
        await submit(client, "/profile/where", {**WHERE, "driving_licence": "yes", "has_car": "no"})
    ).status_code == 302
    assert await saved_driving() == (True, False, None)
    assert "Full UK driving licence, no car for work" in (await client.get("/profile")).text


async def test_a_car_without_a_licence_or_insurance_without_a_car_is_refused_beside_it(client, login_as):
    await login_as("pa")
    page = await submit(
        client, "/profile/where", {**WHERE, "driving_licence": "no", "has_car": "yes", "car_insurance": "yes"}
    )
    assert page.status_code == 422
    assert "do not have a full UK driving licence" in inline_error(page.text, "has-car")
    assert 'href="#has-car"' in page.text and 'value="12"' in page.text  # summary links; input kept
    assert 'name="has_car" type="radio" value="yes" checked' in page.text
    assert await saved_driving() == (False, False, None)  # nothing saved

    page = await submit(
        client, "/profile/where", {**WHERE, "driving_licence": "yes", "has_car": "no", "car_insurance": "yes"}
    )
    assert page.status_code == 422
    assert "do not have a car you can use for work" in inline_error(page.text, "car-insurance")

    page = await submit(client, "/profile/where", {**WHERE, "driving_licence": "yes", "has_car": "yes"})
    assert page.status_code == 422
    assert "Select whether your car has business insurance" in inline_error(page.text, "car-insurance")
    page = await submit(
        client, "/profile/where", {**WHERE, "driving_licence": "yes", "car_insurance": "perhaps"}
    )
    assert page.status_code == 422 and "Select yes or no" in inline_error(page.text, "car-insurance")
    assert await saved_driving() == (False, False, None)


async def test_the_api_names_the_field(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    base = {"home_postcode": "PE1 1AB", "travel_miles": 10}
    for body, field in (
        ({"has_car": True}, "has_car"),
        ({"driving_licence": True, "car_insurance": True}, "car_insurance"),
        ({"driving_licence": True, "has_car": True}, "car_insurance"),
        ({"driving_licence": True, "has_car": True, "car_insurance": "yes"}, "car_insurance"),
    ):
        refused = await client.put("/api/v1/profile/where", json={**base, **body}, headers=pa)
        assert refused.status_code == 422 and field in refused.json()["errors"], (body, refused.text)
    assert await saved_driving() in (None, (False, False, None))
    ok = await client.put(
        "/api/v1/profile/where",
        json={**base, "driving_licence": True, "has_car": True, "car_insurance": False},
        headers=pa,
    )
    assert ok.status_code == 200, ok.text
    read = (await client.get("/api/v1/profile", headers=pa)).json()
    assert (read["driving_licence"], read["has_car"], read["car_insurance"]) == (True, True, False)


async def test_the_import_checks_driving_by_line(database):
    content = (
        "email,full_name,home_postcode,travel_miles,skills,driving_licence,has_car,car_insurance\n"
        "a@example.org,A,PE1 1AB,10,hoist,yes,yes,yes\n"
        "b@example.org,B,PE1 1AB,10,,no,yes,\n"
        "c@example.org,C,PE1 1AB,10,,yes,no,yes\n"
        "d@example.org,D,PE1 1AB,10,driving_own_car:3,yes,yes,\n"
        "e@example.org,E,PE1 1AB,10,,yes,yes,maybe\n"
    )
    report = await importer.import_csv(
        content.encode(), file_name="pas.csv", settings=database, actor=None, mode="all"
    )
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "has_car"),
        (4, "car_insurance"),
        (5, "skills"),
        (6, "car_insurance"),
    ]
    assert "driving_licence, has_car and car_insurance columns" in report.problems[2].message
    assert await PAProfile.count() == 0  # nothing imported
    good = (
        content.splitlines()[0]
        + "\n"
        + "\n".join(
            ["a@example.org,A,PE1 1AB,10,hoist,yes,yes,yes", "d@example.org,D,PE1 1AB,10,hoist,yes,yes,"]
        )
    )
    report = await importer.import_csv(
        good.encode(), file_name="pas.csv", settings=database, actor=None, mode="all"
    )
    assert report.problems == [] and report.imported
    rows = await PAProfile.select(PAProfile.display_name, PAProfile.car_insurance).order_by(
        PAProfile.display_name
    )
    assert [(r["display_name"], r["car_insurance"]) for r in rows] == [("A", True), ("D", None)]


async def test_the_home_page_asks_a_pa_with_a_car_about_its_insurance(client, login_as):
    user = await login_as("pa")
    await submit(
        client, "/profile/where", {**WHERE, "driving_licence": "yes", "has_car": "yes", "car_insurance": "no"}
    )
    assert "Does your car have business insurance?" not in (await client.get("/home")).text
    printed = await client.get("/profile/print")
    assert "Full UK driving licence and a car for work, not insured for business" in printed.text
    # As the migration leaves a PA whose car was known but whose insurance was never asked:
    await PAProfile.update({PAProfile.car_insurance: None}).where(PAProfile.id > 0)
    home = await client.get("/home")
    assert "Does your car have business insurance?" in home.text
    assert 'href="/profile/where"' in home.text
    await PAProfile.update({PAProfile.has_car: False}).where(PAProfile.id > 0)
    assert "Does your car have business insurance?" not in (await client.get("/home")).text
    assert user is not None


async def test_the_listed_profile_and_print_view_say_it(client, login_as):
    await make_pa(name="Ivy Insured", driving_licence=True, has_car=True, car_insurance=True)
    await make_pa(name="Lou Licence", driving_licence=True, has_car=False)
    await make_pa(name="Nat Nodrive", driving_licence=False, has_car=False)
    await login_as("recipient")
    seen = {}
    for row in await PAProfile.select(PAProfile.id, PAProfile.display_name):
        page = await client.get(f"/pas/{row['id']}")
        assert page.status_code == 200
        seen[row["display_name"]] = page.text
    assert "Full UK driving licence and a car for work, insured for business" in seen["Ivy"]
    assert "Full UK driving licence, no car for work" in seen["Lou"]
    assert "No full UK driving licence" in seen["Nat"]
