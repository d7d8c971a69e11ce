"""Profile details, skills and the CSV import through the JSON API."""

from datetime import date, timedelta
from pathlib import Path

from tests.support import PASSWORD

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "register-import-example.csv"


async def bearer(client, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_profile_details_through_the_api(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    experience = await client.put(
        "/api/v1/profile/experience",
        json={"client_groups": ["dementia"], "languages": ["english", "Urdu"]},
        headers=pa,
    )
    assert experience.status_code == 200 and experience.json()["client_groups"] == ["dementia"]
    assert experience.json()["languages"] == ["english", "urdu"]
    assert experience.json()["language_names"] == ["English", "Urdu"]
    unknown = await client.put("/api/v1/profile/experience", json={"client_groups": ["aliens"]}, headers=pa)
    assert unknown.status_code == 422 and "aliens" in unknown.json()["errors"]["client_groups"]

    added = await client.post(
        "/api/v1/profile/qualifications",
        json={"kind": "care_certificate", "achieved_on": "2024-05-01"},
        headers=pa,
    )
    assert added.status_code == 201
    qualification = added.json()["qualifications"][0]
    assert qualification["title"] == "Care Certificate" and qualification["verified"] is False
    assert (
        await client.delete(f"/api/v1/profile/qualifications/{qualification['id']}", headers=pa)
    ).status_code == 204

    pattern = await client.put(
        "/api/v1/profile/pattern",
        json={"shift_kinds": ["waking_night"], "min_hours": 10, "max_hours": 20},
        headers=pa,
    )
    assert pattern.status_code == 200 and pattern.json()["shift_kinds"] == ["waking_night"]
    bad = await client.put("/api/v1/profile/pattern", json={"shift_kinds": [], "min_hours": 90}, headers=pa)
    assert bad.status_code == 422 and {"shift_kinds", "min_hours"} <= set(bad.json()["errors"])
    soon = date.today() + timedelta(days=5)
    away = await client.post(
        "/api/v1/profile/away",
        json={"starts_on": soon.isoformat(), "ends_on": (soon + timedelta(days=2)).isoformat()},
        headers=pa,
    )
    assert away.status_code == 201 and len(away.json()["away"]) == 1


async def test_skills_list_and_admin_changes(client, create_user):
    pa = await bearer(client, (await create_user("pa")).email)
    admin = await bearer(client, (await create_user("admin")).email)
    listed = await client.get("/api/v1/skills", headers=pa)
    assert listed.status_code == 200 and len(listed.json()) == 25
    assert (
        await client.post("/api/v1/skills", json={"name": "Tracheostomy care"}, headers=pa)
    ).status_code == 403
    added = await client.post("/api/v1/skills", json={"name": "Tracheostomy care"}, headers=admin)
    assert added.status_code == 201 and added.json()[-1]["code"] == "tracheostomy_care"


async def test_csv_import_through_the_api(client, create_user):
    staff = await bearer(client, (await create_user("staff")).email)
    pa = await bearer(client, (await create_user("pa")).email)
    body = EXAMPLE.read_bytes()
    headers = {**staff, "content-type": "text/csv"}
    assert (
        await client.post(
            "/api/v1/register/import?mode=check", content=body, headers={**pa, "content-type": "text/csv"}
        )
    ).status_code == 403
    checked = await client.post("/api/v1/register/import?mode=check", content=body, headers=headers)
    assert checked.status_code == 200 and checked.json()["problems"] == [] and checked.json()["created"] == 0
    done = await client.post("/api/v1/register/import", content=body, headers=headers)
    assert done.json()["created"] == checked.json()["valid"] > 0
    bad = await client.post("/api/v1/register/import?mode=sideways", content=body, headers=headers)
    assert bad.status_code == 422
