"""No page shows Python's ``None``: every page each role can reach in the demo is read, and
neither its visible text nor a form field's value may say "None". The word is refused even
where it was meant as English ("Last error None", "Notes None", "Skills None"): a reader
cannot tell it from a missing value printed by Python, so the pages say what is missing
("No errors", "No notes", "No skills asked for").

The pages come from the role walk (tests/web/crawl.py), on the demo data, so every page has
something on it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from market import demo
from tests.support import submit
from tests.web.crawl import walk
from tests.web.fuzzing import seed_demo

ROLES = ("anonymous", "recipient", "pa", "trainer", "staff", "admin")
NONE = re.compile(r"\bNone\b")


class _Visible(HTMLParser):
    """The text a reader sees, and the values of the form fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        if tag in ("input", "option") and values.get("type") != "hidden":
            self.text.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def nones(html: str) -> list[str]:
    """Each place the page says None, with a little of the text around it."""
    parser = _Visible()
    parser.feed(html)
    text = " ".join(" ".join(parser.text).split())
    found = [text[max(0, m.start() - 40) : m.end() + 20] for m in NONE.finditer(text)]
    if ">None<" in html:
        found.append(">None<")
    return found


def test_the_reader_finds_none_only_where_a_reader_would():
    assert nones("<p>Last error None</p>") == ["Last error None"]
    assert nones('<input name="x" value="None">') == ["None"]
    assert nones("<td>None</td>") == ["None", ">None<"]
    assert nones("<script>var a = 'None';</script><p>Nonesuch and none</p>") == []
    assert nones('<input type="hidden" name="v" value="None">') == []


async def _client(app, role: str, number: int) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(f"192.0.2.{60 + number}", 4000))
    http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    if role != "anonymous":
        response = await submit(
            http, "/login", {"email": f"{role}@demo.example", "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code in (302, 303), f"{role} could not sign in"
    return http


async def test_no_page_of_any_role_shows_none(app, settings):
    await seed_demo(settings)
    problems: list[str] = []
    visited = 0
    for number, role in enumerate(ROLES):
        http = await _client(app, role, number)
        try:
            found = await walk(http, max_pages=400)
            for url, status in found.pages.items():
                if status != 200:
                    continue
                response = await http.get(url)
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                visited += 1
                problems += [f"{role}: {url}: …{where}…" for where in nones(response.text)]
        finally:
            await http.aclose()
    assert visited > 60, f"the walk read only {visited} pages"
    assert not problems, f"{len(problems)} pages say None:\n" + "\n".join(problems)
