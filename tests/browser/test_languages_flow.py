"""A PA types their languages into the experience page's language boxes, at 1280 and 320
pixels wide: an unknown one is named by its box, the usual names ("punjabi", "BSL") are saved
as the list's languages, and "Add another language" gives one more box. An admin adds a
language, changes it on its own page (a clash shown there, the input kept) and retires it; the
list is a table that fits a phone. axe checks each page."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import expect

from tests.browser.helpers import check_a11y, expect_banner, expect_error, sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "green kettle 19 meadow"


@pytest.mark.parametrize("width", [1280, 320])
async def test_a_pa_types_languages_and_saves_them(server: Server, new_context, width: int) -> None:
    email = f"languages-{width}-{uuid.uuid4().hex[:8]}@example.org"
    server.create_user("pa", email, "Lena Languages", PASSWORD)
    page = await (await new_context(viewport={"width": width, "height": 900})).new_page()
    await sign_in(page, server, email, PASSWORD)
    await page.wait_for_url(server.url("/home"))
    await visit_checked(page, server.url("/profile/experience"))
    # Each box offers the shared list of names and aliases (the browser's own suggestions).
    await expect(page.locator("datalist#language-names option[value='Punjabi']")).to_have_count(1)
    await expect(page.get_by_label("Language 1", exact=True)).to_have_attribute("list", "language-names")

    await page.get_by_label("Language 1", exact=True).fill("punjabi")
    await page.get_by_label("Language 2", exact=True).fill("Klingon")
    await page.get_by_role("button", name="Save", exact=True).click()
    message = "We do not recognise ‘Klingon’ as a language. Check the spelling or choose one from the list"
    await expect_error(page, message)
    await expect(page.get_by_label("Language 2", exact=True)).to_have_value("Klingon")  # input kept

    await page.get_by_label("Language 2", exact=True).fill("BSL")
    await page.get_by_label("Language 3", exact=True).fill("Polski")
    await page.get_by_role("button", name="Add another language").click()
    await expect(page.get_by_label("Language 4", exact=True)).to_be_visible()
    await visit_checked(page)
    await page.get_by_label("Language 4", exact=True).fill("english")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect_banner(page, server, "/profile?done=experience", "your languages, have been saved")

    await visit_checked(page, server.url("/profile/experience"))
    for n, name in enumerate(("Panjabi", "British Sign Language", "Polish", "English"), start=1):
        await expect(page.get_by_label(f"Language {n}", exact=True)).to_have_value(name)
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "name"), [(1280, "Tigre"), (320, "Bilen")])
async def test_an_admin_adds_changes_and_retires_a_language(
    server: Server, new_context, width: int, name: str
) -> None:
    email = f"language-admin-{width}-{uuid.uuid4().hex[:8]}@example.org"
    server.create_user("admin", email, "Ada Admin", PASSWORD)
    page = await (await new_context(viewport={"width": width, "height": 900})).new_page()
    await sign_in(page, server, email, PASSWORD)
    await page.wait_for_url(server.url("/home"))
    await visit_checked(page, server.url("/admin/languages"))
    assert await page.evaluate("document.documentElement.scrollWidth") == width
    await expect(page.locator("table input, table button")).to_have_count(0)

    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_role("button", name="Add language").click()
    await expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{name} has been added."
    )
    await page.get_by_role("link", name=f"Change {name}", exact=True).click()
    await visit_checked(page)
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)

    await page.get_by_label("Other names people type (optional)").fill("Punjabi")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect_error(page, "‘Punjabi’ already names Panjabi")
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)  # this page, not the list
    await expect(page.get_by_label("Other names people type (optional)")).to_have_value("Punjabi")
    assert await page.evaluate("document.documentElement.scrollWidth") == width

    await page.get_by_label("Other names people type (optional)").fill(f"{name}nya, {name}a")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{name} has been changed."
    )
    await check_a11y(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Change {name}", exact=True))
    await expect(row).to_contain_text(f"{name}nya, {name}a")

    await page.get_by_role("link", name=f"Change {name}", exact=True).click()
    await page.get_by_role("button", name="Retire", exact=True).click()
    await expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{name} has been retired"
    )
    await expect(row).to_contain_text("Retired")
    assert await page.evaluate("document.documentElement.scrollWidth") == width
