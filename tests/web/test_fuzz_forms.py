"""The form fuzz: every HTML form each role can reach gets malformed and hostile values, with
a valid CSRF token. No answer may be a 500, no error answer may leave anything saved, and no
answer may echo the script unescaped.

Forms are found by walking the pages (tests/web/crawl.py) as anonymous, recipient, PA,
trainer, staff and admin, on the demo data; forms alike in shape and fields are fuzzed once.
The budget, so that the whole run takes a minute or two:

- each of VALUES once in every text field of the form at once (the other fields as the page
  left them): len(VALUES) posts per form;
- then each field alone (hidden fields, choices, ticks and buttons included), the next of
  VALUES in turn, the rest as the page left them: one post per field, for at most PER_FIELD
  fields of a form (one of each kind, then spread evenly over the rest).

About 800 posts in all. After each post a snapshot of every table (tests/web/fuzzing.py)
shows whether anything was saved; an answer of 400 or more must have saved nothing. Signing
out is never posted; a role whose session a post ended (for instance by changing its own
password) signs in again.
"""

from __future__ import annotations

import httpx

from market import demo
from tests.support import submit
from tests.web.crawl import Form, walk
from tests.web.fuzzing import Snapshot, changed, seed_demo, server_errors

SCRIPT = "<script>alert(1)</script>"
VALUES = [
    "",
    "x" * 100_000,
    "\x00",
    "NaN",
    "1e309",
    "9" * 23,
    SCRIPT,
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example/","Click")',
]
TEXT_KINDS = {"text", "textarea", "email", "tel", "number", "search", "url", "password", "date", "time"}
URL_MAX = 8_000
# Fields posted alone, at most, per form (the need form has over a hundred).
PER_FIELD = 12
ROLES = ("anonymous", "recipient", "pa", "trainer", "staff", "admin")


def _posts(form: Form, turn: int) -> list[tuple[str, dict[str, list[str]]]]:
    """What to post to ``form``, each with why; ``turn`` picks where VALUES starts for the
    fields alone, so that different forms' fields get different values."""
    defaults = form.defaults()
    text = [f.name for f in form.fields if f.kind in TEXT_KINDS or f.kind == "file"]
    posts = []
    if text:
        for value in VALUES:
            posts.append((f"every text field = {value[:20]!r}", {**defaults, **{n: [value] for n in text}}))
    for index, name in enumerate(_sample(form)):
        value = VALUES[(turn + index) % len(VALUES)]
        posts.append((f"{name} = {value[:20]!r}", {**defaults, name: [value]}))
    return posts


def _sample(form: Form) -> list[str]:
    """At most PER_FIELD names: one of each kind of field first (a text box, a tick box, a
    choice, a hidden id ...), then evenly spread over the rest, in page order."""
    fields = list({f.name: f for f in form.fields if f.name != "_csrf_token"}.values())
    if len(fields) <= PER_FIELD:
        return [f.name for f in fields]
    chosen = {f.name for f in {f.kind: f for f in reversed(fields)}.values()}
    rest = [f.name for f in fields if f.name not in chosen]
    step = len(rest) / max(1, PER_FIELD - len(chosen))
    chosen |= {rest[int(i * step)] for i in range(max(0, PER_FIELD - len(chosen)))}
    return [f.name for f in fields if f.name in chosen]


def _is_file(form: Form, name: str) -> bool:
    return any(f.name == name and f.kind == "file" for f in form.fields)


async def _send(http: httpx.AsyncClient, form: Form, data: dict[str, list[str]]) -> httpx.Response:
    if form.method == "get":
        # An address holds at most about 8,000 characters (servers answer 414 past that, and
        # httpx refuses to send it): the long text is cut to fit, shared among all the
        # form's values (a filter form of a dozen fields would otherwise be a dozen times too long).
        share = URL_MAX // max(1, sum(len(v) for v in data.values()))
        return await http.get(form.action, params={n: [x[:share] for x in v] for n, v in data.items()})
    if form.multipart:
        files = {n: ("fuzz.csv", v[0].encode(), "text/csv") for n, v in data.items() if _is_file(form, n)}
        fields = {n: v for n, v in data.items() if not _is_file(form, n)}
        return await http.post(form.action, data=fields, files=files or {"_": ("", b"")})
    return await http.post(form.action, data=data)


async def _sign_in(app, role: str, number: int) -> httpx.AsyncClient:
    # Each role from its own address: the anonymous fuzz of /login must not throttle the rest.
    transport = httpx.ASGITransport(app=app, client=(f"192.0.2.{10 + number}", 4000))
    http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    if role != "anonymous":
        await _log_in(http, role)
    return http


async def _log_in(http: httpx.AsyncClient, role: str) -> None:
    response = await submit(http, "/login", {"email": f"{role}@demo.example", "password": demo.DEMO_PASSWORD})
    assert response.status_code in (302, 303), f"{role} could not sign in: {response.status_code}"


async def _still_signed_in(http: httpx.AsyncClient, role: str) -> None:
    if role != "anonymous" and (await http.get("/account")).status_code != 200:
        http.cookies.clear()
        await _log_in(http, role)


async def _fuzz_role(app, snapshot: Snapshot, role: str, number: int, done: set) -> tuple[list[str], int]:
    """Walk as ``role`` and post to every form not yet fuzzed: the problems found, and how
    many posts were made."""
    problems: list[str] = []
    posts = refused = 0
    http = await _sign_in(app, role, number)
    try:
        found = await walk(http)
        problems += [
            f"{role}: GET {url} answered {status}" for url, status in found.pages.items() if status >= 500
        ]
        with server_errors() as errors:
            for form in found.forms:
                if form.key in done or form.action.endswith("/logout"):
                    continue
                done.add(form.key)
                page = await http.get(form.page)  # a fresh token, in case a post changed it
                token = _token(page.text)
                before = await snapshot.take()
                for why, data in _posts(form, posts):
                    response = await _send(http, form, {**data, "_csrf_token": [token]})
                    after = await snapshot.take()
                    posts += 1
                    refused += response.status_code in (401, 403)
                    where = f"{role}: {form.method.upper()} {form.action} ({why}) from {form.page}"
                    if response.status_code >= 500:
                        problems.append(f"{where} answered {response.status_code}: {errors.take()}")
                    elif response.status_code >= 400 and (saved := changed(before, after)):
                        problems.append(f"{where} answered {response.status_code} but changed {saved}")
                    before = after
                    if SCRIPT in response.text:
                        problems.append(f"{where} echoed the script unescaped")
                await _still_signed_in(http, role)
    finally:
        await http.aclose()
    if refused > posts // 20:
        problems.append(
            f"{role}: {refused} of {posts} posts were refused (401/403): is the CSRF token right?"
        )
    return problems, posts


def _token(html: str) -> str:
    marker = 'name="_csrf_token" value="'
    start = html.find(marker)
    return html[start + len(marker) : html.index('"', start + len(marker))] if start >= 0 else ""


async def test_no_form_answers_500_or_saves_half(app, settings):
    await seed_demo(settings)
    problems: list[str] = []
    done: set = set()
    posts = {}
    async with Snapshot(settings) as snapshot:
        for number, role in enumerate(ROLES):
            found, posts[role] = await _fuzz_role(app, snapshot, role, number, done)
            problems += found
    assert sum(posts.values()) > 300, f"the walk found too few forms to fuzz: {posts}"
    assert not problems, f"{len(problems)} problems ({posts} posts):\n" + "\n".join(problems)
