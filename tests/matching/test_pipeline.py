"""The pipeline's first slice: shortlist → invite → the PA accepts or declines, with the
history kept, optimistic versioning, and the PA never told the recipient's name or postcode."""

from __future__ import annotations

import asyncio

import pytest

from market.accounts.schemas import CurrentUser
from market.audit.tables import AuditEvent
from market.errors import Conflict, Invalid, NotFound
from market.mail.tables import OutboxEmail
from market.matching.pipeline import applications as pipeline
from market.matching.tables import Application, StageChange
from tests.matching.factories import make_need, make_recipient, make_user
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit


async def _setup(owner=None):
    owner = owner or await make_user("recipient")
    recipient = await make_recipient(user=owner, name="Rosa Private", postcode="PE1 1AB")
    need = await make_need(recipient, title="Morning support", hours_per_week=8)
    pa = await make_pa(name="Nina Near", postcode="PE1 1BF")
    return owner, recipient, need, pa


async def _pa_user(profile) -> CurrentUser:
    return CurrentUser(id=profile["user_id"], email=profile["email"], role="pa", display_name="")


async def test_shortlist_invite_accept_with_history(database):
    owner, recipient, need, pa = await _setup()
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    assert await pipeline.shortlist(owner, need["id"], pa["id"]) == app_id  # already on it
    version = await pipeline.invite(owner, app_id, 1, base_url="http://example.test")
    assert version == 2

    email = await OutboxEmail.select().where(OutboxEmail.kind == "invitation").first()
    assert email["to_address"] == (await _pa_user(pa)).email
    assert f"http://example.test/invitations/{app_id}" in email["body_text"]
    assert "Morning support" in email["body_text"] and "PE1" in email["body_text"]  # the district
    for private in ("Rosa", "Private", "PE1 1AB", "1AB"):
        assert private not in email["body_text"] and private not in email["subject"]

    pa_user = await _pa_user(pa)
    seen = await pipeline.get_invitation(pa_user, app_id)
    assert "Rosa" not in repr(seen) and "1AB" not in repr(seen)
    assert await pipeline.respond(pa_user, app_id, True, 2) == 3

    stages = [
        (r["from_stage"], r["to_stage"])
        for r in await StageChange.select().where(StageChange.application == app_id).order_by(StageChange.id)
    ]
    assert stages == [("", "shortlisted"), ("shortlisted", "invited"), ("invited", "accepted")]
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"application.shortlisted", "application.invited", "application.accepted"} <= actions
    history = (await pipeline.list_applications(owner, need["id"]))[0].history
    assert [h.to_stage for h in history] == ["shortlisted", "invited", "accepted"]


async def test_decline_with_reason_and_withdraw(database):
    owner, _, need, pa = await _setup()
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    await pipeline.invite(owner, app_id, 1)
    await pipeline.respond(await _pa_user(pa), app_id, False, 2, "Too far on the bus")
    last = await StageChange.select().order_by(StageChange.id, ascending=False).first()
    assert (last["to_stage"], last["reason"]) == ("declined", "Too far on the bus")

    other = await make_pa(name="Omar Other")
    second = await pipeline.shortlist(owner, need["id"], other["id"])
    await pipeline.withdraw(owner, second, 1, "The need changed")
    row = await Application.select().where(Application.id == second).first()
    assert (row["stage"], row["version"]) == ("withdrawn", 2)


async def test_only_approved_pas_and_only_the_owner(database):
    owner, _, need, pa = await _setup()
    draft = await make_pa(status="draft")
    with pytest.raises(Invalid):
        await pipeline.shortlist(owner, need["id"], draft["id"])
    stranger = await make_user("recipient")
    with pytest.raises(NotFound):
        await pipeline.shortlist(stranger, need["id"], pa["id"])
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    with pytest.raises(NotFound):
        await pipeline.invite(stranger, app_id, 1)
    # Shortlisted only: the PA has not been told, so they cannot see it yet.
    with pytest.raises(NotFound):
        await pipeline.get_invitation(await _pa_user(pa), app_id)


async def test_another_pa_gets_404(database):
    owner, _, need, pa = await _setup()
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    await pipeline.invite(owner, app_id, 1)
    other = await _pa_user(await make_pa(name="Olly Other"))
    with pytest.raises(NotFound):
        await pipeline.get_invitation(other, app_id)
    with pytest.raises(NotFound):
        await pipeline.respond(other, app_id, True, 2)


async def test_a_stale_version_conflicts_and_writes_nothing(database):
    owner, _, need, pa = await _setup()
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    await pipeline.invite(owner, app_id, 1)
    before = (await StageChange.count(), await AuditEvent.count(), await OutboxEmail.count())
    with pytest.raises(Conflict, match="changed by someone else"):
        await pipeline.withdraw(owner, app_id, 1, "late")
    with pytest.raises(Conflict):
        await pipeline.respond(await _pa_user(pa), app_id, True, 1)
    after = (await StageChange.count(), await AuditEvent.count(), await OutboxEmail.count())
    assert after == before
    row = await Application.select().where(Application.id == app_id).first()
    assert (row["stage"], row["version"]) == ("invited", 2)


async def test_two_simultaneous_invites_one_wins(database):
    owner, _, need, pa = await _setup()
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    results = await asyncio.gather(
        pipeline.invite(owner, app_id, 1), pipeline.invite(owner, app_id, 1), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"]
    assert await OutboxEmail.count().where(OutboxEmail.kind == "invitation") == 1
    assert await StageChange.count().where(StageChange.to_stage == "invited") == 1


async def test_through_the_pages(client, make_client):
    owner_user, _, need, pa = await _setup_pages()
    await submit(client, "/login", {"email": owner_user.email, "password": PASSWORD})
    matches = await client.get(f"/needs/{need['id']}/matches")
    assert matches.status_code == 200
    token = csrf_token(matches.text)
    added = await client.post(
        f"/needs/{need['id']}/shortlist", data={"profile_id": str(pa["id"]), "_csrf_token": token}
    )
    assert added.status_code in (302, 303), added.text
    page = await client.get(f"/needs/{need['id']}/shortlist")
    assert "Nina" in page.text and "Shortlisted" in page.text
    app_id = (await Application.select().first())["id"]
    token = csrf_token(page.text)
    invited = await client.post(
        f"/needs/{need['id']}/shortlist/{app_id}/invite", data={"version": "1", "_csrf_token": token}
    )
    assert invited.status_code in (302, 303), invited.text
    stale = await client.post(
        f"/needs/{need['id']}/shortlist/{app_id}/invite", data={"version": "1", "_csrf_token": token}
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.text and "Invited" in stale.text

    pa_client = make_client()
    await submit(pa_client, "/login", {"email": pa["email"], "password": PASSWORD})
    listing = await pa_client.get("/invitations")
    assert listing.status_code == 200 and "Morning support" in listing.text
    shown = await pa_client.get(f"/invitations/{app_id}")
    assert shown.status_code == 200
    assert "Rosa" not in shown.text and "1AB" not in shown.text
    answered = await pa_client.post(
        f"/invitations/{app_id}/decline",
        data={"version": "2", "reason": "Not those days", "_csrf_token": csrf_token(shown.text)},
    )
    assert answered.status_code in (302, 303), answered.text
    row = await Application.select().first()
    assert row["stage"] == "declined"

    other = make_client()
    stranger = await make_pa(name="Olly Other")
    await submit(other, "/login", {"email": stranger["email"], "password": PASSWORD})
    assert (await other.get(f"/invitations/{app_id}")).status_code == 404


async def _setup_pages():
    owner = await make_user("recipient")
    owner_user, recipient, need, pa = await _setup(owner)
    return owner_user, recipient, need, pa
