"""The fuzz tests' own tools do what they claim: the walk reads forms as a browser would send
them, and the snapshot sees a saved row (so "nothing was saved" means something)."""

from __future__ import annotations

from market.accounts.tables import LoginThrottle
from market.register.tables import Skill
from tests.web.crawl import parse_page, shape
from tests.web.fuzzing import Snapshot, changed

PAGE = """
<a href="/pas/12?page=2#top">PA</a> <a href="https://elsewhere.example/">away</a>
<form method="post" action="/profile/about" novalidate>
  <input type="hidden" name="_csrf_token" value="tok">
  <input type="hidden" name="version" value="3">
  <input name="display_name" value="Priya">
  <textarea name="admire">Kind &amp; calm</textarea>
  <input type="checkbox" name="skill_a" value="yes" checked>
  <input type="checkbox" name="skill_b" value="yes">
  <input type="radio" name="day" value="mon"><input type="radio" name="day" value="tue" checked>
  <select name="kind"><option value="">Choose</option><option value="b">B</option></select>
  <select name="group"><option value="x">X</option><option value="y" selected>Y</option></select>
  <button type="submit" name="action" value="save">Save</button>
  <button type="submit" name="action" value="delete">Delete</button>
</form>
<form action="/search"><input type="search" name="q"></form>
"""


def test_the_walk_reads_a_form_as_a_browser_sends_it():
    links, forms = parse_page("http://testserver/profile", PAGE)
    assert links == ["http://testserver/pas/12?page=2#top", "https://elsewhere.example/"]
    about, search = forms
    assert (about.method, about.action, search.method, search.action) == (
        "post",
        "http://testserver/profile/about",
        "get",
        "http://testserver/search",
    )
    assert about.defaults() == {
        "_csrf_token": ["tok"],
        "version": ["3"],
        "display_name": ["Priya"],
        "admire": ["Kind & calm"],
        "skill_a": ["yes"],
        "day": ["tue"],
        "kind": [""],
        "group": ["y"],
        "action": ["save"],  # only the first button is pressed
    }
    assert shape("http://testserver/pas/12?page=2&q=a") == "/pas/{n}?page&q"


async def test_the_snapshot_sees_a_saved_row_but_not_the_audit_trail(database):
    async with Snapshot(database) as snapshot:
        before = await snapshot.take()
        await LoginThrottle.insert(LoginThrottle(bucket="address:x", attempts=1))
        assert changed(before, await snapshot.take()) == []
        await Skill.update({Skill.name: "Renamed"}).where(Skill.id == 1)
        assert changed(before, await snapshot.take()) == [
            f"register_skill ({before['register_skill'][0]} -> {before['register_skill'][0]} rows)"
        ]
