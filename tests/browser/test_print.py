"""The one-page profile prints on one sheet of A4 with every field at the longest the forms
allow: the three texts, the headline and name, every skill with the most years, the most
qualifications and languages, and the limits. Chromium prints it to PDF and we count the
pages (each page object is "/Type /Page", the page tree "/Type /Pages")."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import httpx
import pytest

from market.register.piccolo_migrations.register_2026_11_25t10_19_00_000000 import SKILLS as SEEDED_SKILLS
from market.register.piccolo_migrations.register_2026_12_02t13_50_00_000000 import (
    LANGUAGES as SEEDED_LANGUAGES,
)
from market.register.schemas import HEADLINE_LIMIT, MAX_QUALIFICATIONS, MAX_YEARS, TEXT_LIMIT
from tests.browser.helpers import sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "green kettle 19 meadow"
# Every skill a PA can choose (the two driving skills were retired into the profile's own answers).
SKILLS = [code for code, _ in SEEDED_SKILLS if not code.startswith("driving_")]
# The most languages a profile holds, the longest names on the list.
LONGEST_LANGUAGES = [code for code, *_ in sorted(SEEDED_LANGUAGES, key=lambda x: -len(x[1]))[:10]]
WORDS = "I listen carefully, and I am patient, cheerful and reliable with everyone I support. "


def words(length: int, paragraphs: int = 3) -> str:
    """Real-looking text of exactly ``length`` characters, in paragraphs (each break a line)."""
    text = (WORDS * (length // len(WORDS) + 1))[:length]
    step = length // paragraphs
    for at in range(step, length - 1, step):
        text = text[:at] + "\n" + text[at + 1 :]
    return text


def pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


async def fill_to_the_limits(server: Server, email: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        login = await api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        texts = {field: words(TEXT_LIMIT) for field in ("admire", "matters", "how_to_work")}
        calls = [
            ("put", "/about", {"display_name": "W" * 80, "headline": words(HEADLINE_LIMIT, 1), **texts}),
            ("put", "/where", {"home_postcode": "PE1 1AB", "travel_miles": 100, "driving_licence": True, "has_car": True, "car_insurance": True}),
            ("put", "/terms", {"min_rate_pence": 10_000, "employment": "self_employed", "right_to_work_declared": True}),
            ("put", "/skills", {"skills": dict.fromkeys(SKILLS, MAX_YEARS)}),
            ("put", "/experience", {"languages": LONGEST_LANGUAGES}),
            ("put", "/pattern", {"shift_kinds": ["day"], "wont_do": ["pets", "smoking"], "year_pattern": "term_time"}),
            *[
                ("post", "/qualifications", {"kind": "other", "title": f"{n} " + words(197, 1)})
                for n in range(MAX_QUALIFICATIONS)
            ],
            ("post", "/slots", {"day": "Saturday", "start": "22:00:00", "end": "07:00:00"}),
        ]  # fmt: skip
        for method, path, body in calls:
            response = await api.request(method, f"/api/v1/profile{path}", json=body, headers=headers)
            assert response.status_code in (200, 201), (path, response.text)
        over = await api.post(
            "/api/v1/profile/qualifications", json={"kind": "care_certificate"}, headers=headers
        )
        assert over.status_code == 422, "the test must use the most qualifications the form allows"


async def test_the_longest_profile_prints_on_one_a4_sheet(server: Server, new_context) -> None:
    email = f"print-{uuid.uuid4().hex[:8]}@example.org"
    server.create_user("pa", email, "Wendy Longname", PASSWORD)
    await fill_to_the_limits(server, email)
    page = await (await new_context()).new_page()
    await sign_in(page, server, email, PASSWORD)
    await page.wait_for_url(server.url("/home"))
    await visit_checked(page, server.url("/profile/print"))
    assert await page.get_by_text("from £100.00 an hour; self-employed").is_visible()
    assert pages_in(await page.pdf(format="A4")) == 1
    # The counting itself: twice the texts is more than a page.
    await page.evaluate(
        "document.querySelectorAll('.app-pre-line').forEach(p => p.textContent += p.textContent)"
    )
    assert pages_in(await page.pdf(format="A4")) == 2
