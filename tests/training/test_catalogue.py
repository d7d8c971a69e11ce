"""The course catalogue: seeded by a migration, kept by an admin; a validity change
recomputes every expiry."""

from datetime import date

from market.audit.tables import AuditEvent
from market.training import completions
from market.training.tables import Completion, Course, CourseSkill
from tests.register.factories import make_pa
from tests.support import submit


async def _course(code: str) -> dict:
    return await Course.select().where(Course.code == code).first()


async def test_the_catalogue_is_seeded_with_the_care_certificate_and_refreshers(app):
    standards = await Course.select(Course.name).where(Course.kind == "care_certificate_standard")
    assert len(standards) == 16
    names = {s["name"] for s in standards}
    assert "Care Certificate standard 16: Awareness of learning disability and autism" in names
    assert "Care Certificate standard 10: Safeguarding adults" in names
    assert (await _course("safeguarding_adults"))["safeguarding"] == "adults"
    assert (await _course("safeguarding_children"))["validity_months"] == 12
    assert (await _course("diploma_l3"))["validity_months"] is None
    hoist = await CourseSkill.select(CourseSkill.skill.code.as_alias("skill")).where(
        CourseSkill.course.code == "moving_handling"
    )
    assert {"hoist", "personal_care"} <= {r["skill"] for r in hoist}


async def test_changing_a_validity_recomputes_every_expiry(client, login_as, create_user):
    admin = await login_as("admin")
    pa = await make_pa()
    course = await _course("safeguarding_adults")
    from market.accounts.schemas import CurrentUser

    actor = CurrentUser(id=admin.id, email=admin.email, role="admin", display_name="Admin")
    await completions.add(pa["id"], course, date(2025, 1, 31), source="import", actor=actor, verified=True)
    assert (await Completion.select(Completion.expires_on).first())["expires_on"] == date(2026, 1, 31)
    page = f"/admin/training/courses/{course['id']}"
    saved = await submit(client, page, {"validity_months": "37", "safeguarding": "adults", "active": "yes"})
    assert saved.status_code == 302
    assert "recomputed=1" in saved.headers["location"]
    assert (await Completion.select(Completion.expires_on).first())["expires_on"] == date(2028, 2, 29)
    never = await submit(client, page, {"validity_months": "", "safeguarding": "adults", "active": "yes"})
    assert never.status_code == 302
    assert (await Completion.select(Completion.expires_on).first())["expires_on"] is None
    assert await AuditEvent.count().where(AuditEvent.action == "training.course_updated") == 2
    listing = await client.get(saved.headers["location"])
    assert "The expiry of 1 completion was recomputed" in listing.text


async def test_bad_course_settings_are_named_and_kept(client, login_as):
    await login_as("admin")
    course = await _course("first_aid")
    page = f"/admin/training/courses/{course['id']}"
    bad = await submit(client, page, {"validity_months": "ten", "safeguarding": "teachers"})
    assert bad.status_code == 422
    assert "Enter how many months the course stays valid, 1 to 120" in bad.text
    assert "Choose whether this is safeguarding training" in bad.text
    assert 'value="ten"' in bad.text
    assert (await _course("first_aid"))["validity_months"] == 36


async def test_an_admin_adds_a_course_linked_to_a_skill(client, login_as):
    await login_as("admin")
    added = await submit(
        client,
        "/admin/training/courses",
        {
            "name": "Tracheostomy care",
            "kind": "specialist",
            "validity_months": "12",
            "safeguarding": "",
            "skill_complex_health": "yes",
        },
    )
    assert added.status_code == 302
    row = await _course("tracheostomy_care")
    assert row["validity_months"] == 12 and row["active"]
    again = await submit(
        client,
        "/admin/training/courses",
        {"name": "tracheostomy CARE", "kind": "specialist", "safeguarding": ""},
    )
    assert again.status_code == 422
    assert "There is already a course with that name" in again.text


async def test_only_admins_keep_the_catalogue(client, login_as):
    await login_as("staff")
    assert (await client.get("/admin/training/courses")).status_code == 403
