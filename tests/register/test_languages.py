"""The list of languages: aliases, the migration that mapped free text onto it (and kept what
it could not map, for staff to resolve), and admin extending it."""

from __future__ import annotations

import json

from market.audit.tables import AuditEvent
from market.db import json_list
from market.matching.tables import Need
from market.register import languages
from market.register.tables import Language, LanguageUnmapped, PAProfile
from tests.matching.factories import make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import submit
from tests.test_races import run_migration

REGISTER_MIGRATION = "market.register.piccolo_migrations.register_2026_12_02t13_50_00_000000"
MATCHING_MIGRATION = "market.matching.piccolo_migrations.matching_2026_12_02t13_51_00_000000"


def test_typed_text_matches_a_name_or_alias_ignoring_case_spacing_and_accents():
    catalogue = languages.Catalogue.of(
        [
            languages.Entry(1, "panjabi", "Panjabi", ("Punjabi",), 0, True, "ons-census-2021"),
            languages.Entry(2, "british_sign_language", "British Sign Language", ("BSL",), 1, True, "x"),
            languages.Entry(3, "portuguese", "Portuguese", ("Português",), 2, True, "x"),
            languages.Entry(4, "latin", "Latin", (), 3, False, "admin"),
        ]
    )
    for typed in ("Punjabi", "punjabi", " PUN JABI ", "Panjabi", "panjabi"):
        assert catalogue.code_of(typed) == "panjabi", typed
    assert catalogue.code_of("b.s.l.") == "british_sign_language"
    assert catalogue.code_of("britishsignlanguage") == "british_sign_language"
    assert catalogue.code_of("portugues") == catalogue.code_of("PORTUGUÊS") == "portuguese"
    assert catalogue.code_of("Latin") == "latin"  # retired: still recognised, no longer suggested
    assert "Latin" not in catalogue.suggestions() and "Punjabi" in catalogue.suggestions()
    assert catalogue.code_of("Klingon") is None and catalogue.code_of("  ") is None
    codes, problems = catalogue.resolve(["punjabi", "", "Klingon", "Panjabi"])
    assert codes == ["panjabi"] and list(problems) == [2]
    assert problems[2] == (
        "We do not recognise ‘Klingon’ as a language. Check the spelling or choose one from the list"
    )


async def test_the_seeded_list_has_the_census_languages_and_their_aliases(database):
    catalogue = await languages.load()
    assert catalogue.name(catalogue.code_of("Punjabi")) == "Panjabi"
    assert catalogue.name(catalogue.code_of("BSL")) == "British Sign Language"
    assert catalogue.name(catalogue.code_of("Farsi")) == "Persian or Farsi"
    assert catalogue.name(catalogue.code_of("Mandarin")) == "Mandarin Chinese"
    assert catalogue.name(catalogue.code_of("Cantonese")) == "Cantonese Chinese"
    assert catalogue.name(catalogue.code_of("Gujerati")) == "Gujarati"
    assert catalogue.code_of("Bangla") == catalogue.code_of("Bengali") == "bengali"
    assert catalogue.code_of("Sylheti") == "sylheti"
    assert catalogue.code_of("Filipino") == catalogue.code_of("Tagalog") == "tagalog_filipino"
    assert catalogue.code_of("Polski") == "polish" and catalogue.code_of("Makaton") == "makaton"
    sources = {r["source"] for r in await Language.select(Language.source)}
    assert sources == {"ons-census-2021", "added"}
    assert await Language.count().where(Language.source == "ons-census-2021") > 70


async def test_the_migration_maps_free_text_and_keeps_what_it_cannot_for_staff(client, login_as):
    pa = await make_pa(name="Pam Typed")
    await PAProfile.update(
        {PAProfile.languages: json.dumps(["English", "punjabi", "bsl", "Panjabee", "Klingon"])}
    ).where(PAProfile.id == pa["id"])
    recipient = await make_recipient()
    need = await make_need(
        recipient,
        title="Signing support",
        languages_required=json.dumps(["BSL", "Tigre"]),
        languages_preferred=json.dumps(["farsi", "Klingon"]),
    )
    await run_migration(REGISTER_MIGRATION)
    await run_migration(MATCHING_MIGRATION)
    await run_migration(REGISTER_MIGRATION)  # twice: nothing changes, nothing kept twice
    await run_migration(MATCHING_MIGRATION)

    row = await PAProfile.select(PAProfile.languages).where(PAProfile.id == pa["id"]).first()
    assert json_list(row["languages"]) == ["english", "panjabi", "british_sign_language"]
    row = (
        await Need.select(Need.languages_required, Need.languages_preferred)
        .where(Need.id == need["id"])
        .first()
    )
    assert json_list(row["languages_required"]) == ["british_sign_language"]
    assert json_list(row["languages_preferred"]) == ["persian_farsi"]
    kept = await LanguageUnmapped.select().order_by(LanguageUnmapped.id)
    assert [(k["kind"], k["field"], k["text"]) for k in kept] == [
        ("profile", "languages", "Panjabee"),
        ("profile", "languages", "Klingon"),
        ("need", "languages_required", "Tigre"),
        ("need", "languages_preferred", "Klingon"),
    ]
    by_text = {(k["kind"], k["text"]): k["id"] for k in kept}

    await login_as("pa")
    assert (await client.get("/staff/languages/unmapped")).status_code == 403
    await login_as("staff")
    assert "/staff/languages/unmapped" in (await client.get("/home")).text
    page = await client.get("/staff/languages/unmapped")
    assert page.status_code == 200 and "4 to map" in page.text
    assert "Panjabee" in page.text and "Need ‘Signing support’, languages a PA must speak" in page.text

    entry = by_text[("profile", "Panjabee")]
    action = f"/staff/languages/unmapped/{entry}/map"
    wrong = await submit(client, "/staff/languages/unmapped", {"language": "Panjabee"}, action=action)
    assert wrong.status_code == 422 and "We do not recognise ‘Panjabee’ as a language" in wrong.text
    mapped = await submit(client, "/staff/languages/unmapped", {"language": "Punjabi"}, action=action)
    assert mapped.status_code in (302, 303)
    row = await PAProfile.select(PAProfile.languages).where(PAProfile.id == pa["id"]).first()
    assert json_list(row["languages"]) == ["english", "panjabi", "british_sign_language"]  # once

    entry = by_text[("need", "Tigre")]
    added = await submit(
        client, "/staff/languages/unmapped", {}, action=f"/staff/languages/unmapped/{entry}/add"
    )
    assert added.status_code in (302, 303)
    tigre = await Language.select().where(Language.code == "tigre").first()
    assert tigre["name"] == "Tigre" and tigre["source"] == "staff"
    row = await Need.select(Need.languages_required).where(Need.id == need["id"]).first()
    assert json_list(row["languages_required"]) == ["british_sign_language", "tigre"]

    entry = by_text[("profile", "Klingon")]
    await submit(client, "/staff/languages/unmapped", {}, action=f"/staff/languages/unmapped/{entry}/add")
    row = await PAProfile.select(PAProfile.languages).where(PAProfile.id == pa["id"]).first()
    assert json_list(row["languages"])[-1] == "klingon"
    page = await client.get("/staff/languages/unmapped")
    assert "1 to map" in page.text and "Panjabee" not in page.text
    assert await AuditEvent.count().where(AuditEvent.action == "language.mapped") == 3
    done = await submit(
        client,
        "/staff/languages/unmapped",
        {"language": "x"},
        action=f"/staff/languages/unmapped/{by_text[('profile', 'Panjabee')]}/map",
    )
    assert done.status_code in (404, 422)


async def test_admin_adds_a_language_extends_its_aliases_and_retires_it(client, login_as):
    await make_pa(status="approved", languages=("English", "polish"))
    await login_as("staff")
    assert (await client.get("/admin/languages")).status_code == 403
    await login_as("admin")
    page = await client.get("/admin/languages")
    assert page.status_code == 200 and "Panjabi" in page.text and "Punjabi" in page.text
    empty = await submit(client, "/admin/languages", {"name": " "})
    assert empty.status_code == 422 and "Enter the language" in empty.text
    clash = await submit(client, "/admin/languages", {"name": "Tigre", "aliases": "Punjabi"})
    assert clash.status_code == 422 and "‘Punjabi’ already names Panjabi" in clash.text
    assert (
        await submit(client, "/admin/languages", {"name": "Tigre", "aliases": "Tigrayit, Xasa"})
    ).status_code == 302
    tigre = await Language.select().where(Language.code == "tigre").first()
    assert json_list(tigre["aliases"]) == ["Tigrayit", "Xasa"] and tigre["source"] == "admin"
    assert (await languages.load()).code_of("xasa") == "tigre"

    polish = await Language.select().where(Language.code == "polish").first()
    form = f"/admin/languages/{polish['id']}"
    change = f"{form}/change"
    extended = await submit(client, form, {"name": "Polish", "aliases": "Polski, Polskie"}, action=change)
    assert extended.status_code == 302
    assert extended.headers["location"] == f"/admin/languages?done=changed&language={polish['id']}"
    banner = await client.get(extended.headers["location"])
    assert "Polish has been changed." in banner.text
    assert (await languages.load()).code_of("polskie") == "polish"
    taken = await submit(client, form, {"name": "Polish", "aliases": "Xasa"}, action=change)
    assert (
        taken.status_code == 422
        and "‘Xasa’ already names Tigre" in taken.text
        and 'value="Xasa"' in taken.text
    )

    tigre_page = f"/admin/languages/{tigre['id']}"
    retired = await submit(client, tigre_page, {}, action=f"{tigre_page}/retire")
    assert "Tigre has been retired" in (await client.get(retired.headers["location"])).text
    assert (await Language.select(Language.active).where(Language.id == tigre["id"]).first())[
        "active"
    ] is False
    assert "Tigre" not in (await languages.load()).suggestions()
    assert "Bring back" in (await client.get(tigre_page)).text
    await submit(client, tigre_page, {}, action=f"{tigre_page}/restore")
    assert (
        await submit(client, "/admin/languages", {}, action="/admin/languages/99999/retire")
    ).status_code == 404
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"language.added", "language.changed", "language.retired", "language.restored"} <= actions

    # A PA can now choose it, by an alias.
    await login_as("pa")
    saved = await submit(client, "/profile/experience", {"language_0": "Xasa"})
    assert saved.status_code in (302, 303)


async def test_the_list_is_a_table_and_each_language_has_its_own_page(client, login_as):
    await make_pa(status="approved", languages=("English", "polish"))
    polish = await Language.select().where(Language.code == "polish").first()
    page_path = f"/admin/languages/{polish['id']}"
    await login_as("staff")
    assert (await client.get(page_path)).status_code == 403
    await login_as("admin")
    listed = await client.get("/admin/languages")
    table = listed.text[listed.text.index("<table") :]
    assert "<input" not in table and "<button" not in table  # no forms in the table
    assert (
        f'<a class="govuk-link" href="{page_path}">Change<span class="govuk-visually-hidden">'
        " Polish</span></a>" in table
    )
    assert 'data-label="Other names">Polski</td>' in table  # its other names, as text
    assert listed.text.count('href="/admin/languages/') == await Language.count()

    assert (await client.get("/admin/languages/99999")).status_code == 404
    page = await client.get(page_path)
    assert page.status_code == 200 and '<h1 class="govuk-heading-l">Polish</h1>' in page.text
    assert 'value="Polish"' in page.text and 'value="Polski"' in page.text
    assert "Separate them with commas" in page.text and 'href="/admin/languages"' in page.text
    assert f'action="{page_path}/retire"' in page.text

    bad = await submit(
        client, page_path, {"name": " ", "aliases": "Polskie, Polszczyzna"}, action=f"{page_path}/change"
    )
    assert bad.status_code == 422
    assert "There is a problem" in bad.text and 'href="#name"' in bad.text  # the summary links to it
    assert '<h1 class="govuk-heading-l">Polish</h1>' in bad.text  # this page, not the list
    assert 'id="name-error"' in bad.text and 'value="Polskie, Polszczyzna"' in bad.text
    assert (await Language.select().where(Language.id == polish["id"]).first())["name"] == "Polish"
    clash = await submit(client, page_path, {"name": "English"}, action=f"{page_path}/change")
    assert clash.status_code == 422 and 'value="English"' in clash.text
    assert "‘English’ already names English" in clash.text
    missing = await submit(client, page_path, {"name": "X"}, action="/admin/languages/99999/change")
    assert missing.status_code == 404

    renamed = await submit(
        client, page_path, {"name": "Polish (Polski)", "aliases": "Polski"}, action=f"{page_path}/change"
    )
    assert renamed.status_code == 302
    assert "Polish (Polski) has been changed." in (await client.get(renamed.headers["location"])).text


async def test_the_api_lists_the_languages_and_admin_adds_one(client, create_user):
    from tests.register.test_more_api import bearer

    pa = await bearer(client, (await create_user("pa")).email)
    listed = await client.get("/api/v1/languages", headers=pa)
    assert listed.status_code == 200
    panjabi = next(x for x in listed.json() if x["code"] == "panjabi")
    assert panjabi == {"code": "panjabi", "name": "Panjabi", "aliases": ["Punjabi"], "active": True}
    body = {"name": "Tigre", "aliases": ["Xasa"]}
    assert (await client.post("/api/v1/languages", json=body, headers=pa)).status_code == 403
    admin = await bearer(client, (await create_user("admin")).email)
    added = await client.post("/api/v1/languages", json=body, headers=admin)
    assert added.status_code == 201 and added.json()["code"] == "tigre"
    again = await client.post("/api/v1/languages", json={"name": "xasa"}, headers=admin)
    assert again.status_code == 422 and "name" in again.json()["errors"]
