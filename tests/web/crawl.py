"""A role walk: every page a signed-in client can reach by following links, and the HTML forms
on them. Used by the form fuzz test; reusable by any test that needs "every page" or "every
form" a role can see.

Pages are visited once per shape (the path with its numbers as {n}, and the names of its
query parameters), so a list of 300 PAs costs one visit to /pas/{n}, not 300.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

# Never followed: signing out, the static files, the schema viewer.
SKIPPED = ("/logout", "/assets/", "/schema")
_NUMBER = re.compile(r"\d+")


def shape(url: str) -> str:
    """'/staff/pas/12?page=2' -> '/staff/pas/{n}?page': one visit stands for all alike."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return _NUMBER.sub("{n}", parts.path) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select" / "textarea"
    value: str = ""  # what the browser would send unchanged ("" for a box not ticked)
    sent: bool = True  # whether the browser sends it at all unchanged (ticked boxes, chosen radios)


@dataclass
class Form:
    page: str  # where it was found
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms alike in shape, method and field names are one form to the fuzzer."""
        return (shape(self.action), self.method, tuple(sorted({f.name for f in self.fields})))

    def defaults(self) -> dict[str, list[str]]:
        """What a browser would post with nothing changed."""
        data: dict[str, list[str]] = {}
        for item in self.fields:
            if item.sent:
                data.setdefault(item.name, []).append(item.value)
        return data


class _PageParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._first_option: str | None = None
        self._textarea: Field | None = None
        self._submit_named = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, attrs.get("action") or self.page),
                method=(attrs.get("method") or "get").lower(),
                multipart="multipart" in attrs.get("enctype", ""),
            )
            self._submit_named = False
        elif self._form is not None:
            self._form_tag(tag, attrs_list, attrs)

    def _form_tag(self, tag: str, attrs_list: list[tuple[str, str | None]], attrs: dict[str, str]) -> None:
        assert self._form is not None
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                self._button(name, attrs.get("value", ""))
            elif kind in ("checkbox", "radio"):
                checked = "checked" in dict(attrs_list)
                self._form.fields.append(Field(name, kind, attrs.get("value", "on"), sent=checked))
            else:
                self._form.fields.append(Field(name, kind, attrs.get("value", "")))
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self._button(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = Field(name, "select", "", sent=False)
            self._first_option = None
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in dict(attrs_list):
                self._select.value, self._select.sent = value, True
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", "")
            self._form.fields.append(self._textarea)

    def _button(self, name: str, value: str) -> None:
        # A browser sends only the button pressed: the fuzzer presses the first.
        assert self._form is not None
        if not self._submit_named:
            self._form.fields.append(Field(name, "submit", value))
            self._submit_named = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select.sent:  # nothing selected: the browser sends the first option
                self._select.value, self._select.sent = self._first_option or "", True
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse_page(url: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser(url)
    parser.feed(html)
    return parser.links, parser.forms


@dataclass
class Walk:
    pages: dict[str, int] = field(default_factory=dict)  # url -> status
    forms: list[Form] = field(default_factory=list)


def _followable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.netloc}" == origin
        and parts.scheme in ("http", "https")
        and not parts.path.startswith(SKIPPED)
    )


async def walk(
    http: httpx.AsyncClient, start: tuple[str, ...] = ("/", "/home"), *, max_pages: int = 200
) -> Walk:
    """Follow links from ``start`` as ``http``'s signed-in user, once per page shape."""
    origin = str(http.base_url).rstrip("/")
    queue = [urljoin(origin + "/", path.lstrip("/")) for path in start]
    seen: set[str] = set()
    forms: dict[tuple, Form] = {}
    result = Walk()
    while queue and len(result.pages) < max_pages:
        url = queue.pop(0).split("#")[0]
        if shape(url) in seen or not _followable(url, origin):
            continue
        seen.add(shape(url))
        response = await http.get(url)
        result.pages[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        links, found = parse_page(url, response.text)
        queue += links
        for form in found:
            forms.setdefault(form.key, form)
    result.forms = list(forms.values())
    return result
