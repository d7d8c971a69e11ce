from market.register.tables import Skill
from tests.register.factories import make_pa
from tests.support import submit


async def test_admin_adds_renames_retires_and_restores_skills(client, login_as):
    await make_pa(status="approved", skills={"hoist": 2})
    await login_as("admin")
    page = await client.get("/admin/skills")
    assert page.status_code == 200 and "25 skills" in page.text
    empty = await submit(client, "/admin/skills", {"name": "  "})
    assert (
        empty.status_code == 422
        and "Enter the skill&#39;s name" in empty.text
        or "Enter the skill's name" in empty.text
    )
    assert (await submit(client, "/admin/skills", {"name": "Tracheostomy care"})).status_code == 302
    duplicate = await submit(client, "/admin/skills", {"name": "tracheostomy CARE"})
    assert duplicate.status_code == 422 and "There is already a skill called" in duplicate.text
    added = await Skill.select().where(Skill.code == "tracheostomy_care").first()
    assert added["position"] == 25 and added["active"] is True

    hoist = await Skill.select().where(Skill.code == "hoist").first()
    renamed = await submit(
        client, "/admin/skills", {"name": "Hoisting"}, action=f"/admin/skills/{hoist['id']}/rename"
    )
    assert renamed.status_code == 302
    clash = await submit(
        client, "/admin/skills", {"name": "PEG feeding"}, action=f"/admin/skills/{hoist['id']}/rename"
    )
    assert clash.status_code == 422 and 'value="PEG feeding"' in clash.text
    await submit(client, "/admin/skills", {}, action=f"/admin/skills/{hoist['id']}/retire")
    assert (await Skill.select(Skill.active).where(Skill.id == hoist["id"]).first())["active"] is False
    await submit(client, "/admin/skills", {}, action=f"/admin/skills/{hoist['id']}/restore")
    assert (await Skill.select(Skill.active, Skill.name).where(Skill.id == hoist["id"]).first()) == {
        "active": True,
        "name": "Hoisting",
    }
    assert (await submit(client, "/admin/skills", {}, action="/admin/skills/99999/retire")).status_code == 404


async def test_a_retired_skill_leaves_the_pa_form(client, login_as):
    peg = await Skill.select().where(Skill.code == "peg_feeding").first()
    await Skill.update({Skill.active: False}).where(Skill.id == peg["id"])
    await login_as("pa")
    assert "PEG feeding" not in (await client.get("/profile/skills")).text
    assert (await client.get("/admin/skills")).status_code == 403
