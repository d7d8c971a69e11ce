"""The register's JSON API: a PA builds and sends a profile; staff vet it."""

from tests.support import PASSWORD


async def bearer(client, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_a_pa_builds_a_profile_and_staff_approve_it_through_the_api(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    staff = await bearer(client, (await create_user("staff")).email)

    empty = await client.get("/api/v1/profile", headers=pa)
    assert empty.status_code == 200 and not any(item["done"] for item in empty.json()["checklist"])
    bad = await client.put(
        "/api/v1/profile/where", json={"home_postcode": "nope", "travel_miles": 10}, headers=pa
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"home_postcode"}
    # The old string forms answer 422 naming the field.
    for path, body, field in (
        ("where", {"home_postcode": "PE1 1AB", "travel_miles": "10"}, "travel_miles"),
        ("where", {"home_postcode": "PE1 1AB", "travel_miles": 10, "has_car": "yes"}, "has_car"),
        ("where", {"home_postcode": "PE1 1AB", "travel_miles": 500}, "travel_miles"),
        ("terms", {"min_rate_pence": "1250", "employment": "either"}, "min_rate_pence"),
        (
            "terms",
            {"min_rate_pence": 1250, "employment": "either", "right_to_work_declared": "yes"},
            "right_to_work_declared",
        ),
        ("terms", {"min_rate_pence": 1250, "employment": "sometimes"}, "employment"),
    ):
        old = await client.put(f"/api/v1/profile/{path}", json=body, headers=pa)
        assert old.status_code == 422 and field in old.json()["errors"], (body, old.text)

    steps = [
        (
            "put",
            "/api/v1/profile/about",
            {
                "display_name": "Jo",
                "headline": "Kind and calm",
                "admire": "Patient",
                "matters": "Dignity",
                "how_to_work": "Talk to me",
            },
        ),
        ("put", "/api/v1/profile/where", {"home_postcode": "PE1 1AB", "travel_miles": 10}),
        (
            "put",
            "/api/v1/profile/terms",
            {"min_rate_pence": 1250, "employment": "either", "right_to_work_declared": True},
        ),
        ("put", "/api/v1/profile/skills", {"skills": {"hoist": 3, "personal_care": 1}}),
        ("post", "/api/v1/profile/slots", {"day": "Saturday", "start": "22:00:00", "end": "07:00:00"}),
    ]
    for method, path, body in steps:
        response = await getattr(client, method)(path, json=body, headers=pa)
        assert response.status_code in (200, 201), (path, response.text)
    profile = response.json()
    assert all(item["done"] for item in profile["checklist"])
    assert profile["availability"][0]["label"] == "Saturday 22:00 to Sunday 07:00 (overnight)"
    assert profile["home_postcode"] == "PE1 1AB"  # the PA sees their own postcode

    sent = await client.post("/api/v1/profile/submit", headers=pa)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    profile_id = sent.json()["id"]

    queue = await client.get("/api/v1/vetting", headers=staff)
    assert [row["profile_id"] for row in queue.json()["submitted"]] == [profile_id]
    for kind in ("identity", "right_to_work", "interview"):
        await client.post(
            f"/api/v1/vetting/{profile_id}/checks",
            json={"kind": kind, "outcome": "satisfactory"},
            headers=staff,
        )
    for name in ("Ann", "Bob"):
        state = await client.post(
            f"/api/v1/vetting/{profile_id}/references",
            json={"referee_name": name, "relationship": "Employer", "contact": "x@example.org"},
            headers=staff,
        )
    for reference in state.json()["references"]:
        await client.put(
            f"/api/v1/vetting/{profile_id}/references/{reference['id']}",
            json={"outcome": "satisfactory"},
            headers=staff,
        )
    decided = await client.post(
        f"/api/v1/vetting/{profile_id}/decision", json={"decision": "approve"}, headers=staff
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved" and decided.json()["outstanding"] == []

    assert (await client.get("/api/v1/vetting", headers=pa)).status_code == 403
    assert (await client.get("/api/v1/profile", headers=staff)).status_code == 403


async def test_the_schema_documents_the_profile_fields_typed(client):
    schema = (await client.get("/schema/openapi.json")).json()
    parts = schema["components"]["schemas"]

    def properties(name: str) -> dict:
        return next(body["properties"] for key, body in parts.items() if key.endswith(name))

    where = properties("WhereInput")["travel_miles"]
    assert where["type"] == "integer" and (where["minimum"], where["maximum"]) == (1, 100)
    assert properties("TermsInput")["right_to_work_declared"]["type"] == "boolean"
    assert properties("OwnProfileOut")["right_to_work_declared"]["type"] == "boolean"


async def test_a_slot_in_the_old_string_forms_is_a_422_naming_the_field(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    bad_time = await client.post(
        "/api/v1/profile/slots", json={"day": "Monday", "start": "9am", "end": "17:00:00"}, headers=pa
    )
    assert bad_time.status_code == 422 and "start" in bad_time.json()["errors"]
    bad_day = await client.post(
        "/api/v1/profile/slots", json={"day": "Funday", "start": "09:00:00", "end": "17:00:00"}, headers=pa
    )
    assert bad_day.status_code == 422 and "day" in bad_day.json()["errors"]
