"""A bounded schemathesis run over every operation in /schema/openapi.json: no input, however
odd, may answer 5xx.

The cases: for each operation, EXAMPLES drawn by schemathesis (half from valid data for its
schema, half from invalid), derandomized so that every run sends the same requests; then the
richest valid case again with each NASTY value in every field of its type. They are made once
per test session, before any request, since no case depends on an answer.

The run: on the demo data (so that small ids name real records), signed in as staff and then
as a PA with bearer tokens (POST /api/v1/auth/login, as API clients sign in), through an httpx
client on the test's own event loop (the app's database pool lives there; schemathesis's own
ASGI transport would run the app on another loop). A 5xx is recorded, not raised, so the
failure lists every one, each with the exception the app logged.

About 1,200 requests per database. Rerun with ``pytest tests/web/test_fuzz_api.py``; set
MARKET_FUZZ_EXAMPLES=30 or more for a deeper search (it then finds the audit log's page overflow,
fixed on the inputs branch).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.support import FUZZ_EXAMPLES, PASSWORD
from tests.web.fuzzing import api_token, demo_email, seed_demo, server_errors

EXAMPLES = FUZZ_EXAMPLES

# The values the outside test found 500s with: ids past PostgreSQL's integer and SQLite's
# 64 bits, a NUL byte, a very long text, a number too long for any column.
NASTY: list[tuple[type, Any]] = [
    (int, 2**31),
    (int, 2**63),
    (str, "\x00"),
    (str, "x" * 100_000),
    (str, "9" * 23),
]

# Operations that end the caller's own session run with a spare account's token, renewed
# after each success, so that the other operations keep a signed-in caller.
SESSION_ENDERS = {
    "POST /api/v1/me/logout",
    "POST /api/v1/me/password",
    "DELETE /api/v1/me/sessions/{session_id}",
}


# The same for every caller (public, or checking a password the fuzzer cannot know): sent
# once, as the first role, since each verifies an argon2 hash (about a third of a second).
def _once(label: str) -> bool:
    return label.startswith("POST /api/v1/auth/") or label in ("GET /healthz", "POST /api/v1/me/password")


# Headers requests would send that mean nothing to an in-process call.
_DROPPED_HEADERS = {"connection", "accept-encoding", "content-length"}


def _draw(strategy: Any, examples: int) -> list[Any]:
    """``examples`` cases of ``strategy``, the same ones every run."""
    drawn: list[Any] = []

    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        drawn.append(case)

    run()
    return drawn


def _replaced(value: Any, kind: type, nasty: Any) -> Any:
    """``value`` with every leaf of type ``kind`` (a bool is not an int here) made ``nasty``."""
    if isinstance(value, dict):
        return {key: _replaced(item, kind, nasty) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, kind, nasty) for item in value]
    if isinstance(value, kind) and not isinstance(value, bool):
        return nasty
    return value


def _nasty_cases(operation: Any, base: Any) -> list[tuple[str, Any]]:
    """``base`` again with each NASTY value in every field of its type at once."""
    cases = []
    original = {"path_parameters": base.path_parameters, "query": base.query, "body": base.body}
    for kind, nasty in NASTY:
        parts = {
            "path_parameters": _replaced(base.path_parameters, kind, nasty),
            "query": _replaced(base.query, kind, nasty),
            "body": _replaced(base.body, kind, nasty) if isinstance(base.body, (dict, list)) else base.body,
        }
        if parts != original:
            shown = repr(nasty) if len(repr(nasty)) < 30 else f"{repr(nasty)[:12]}... ({len(nasty)} long)"
            why = f"every {kind.__name__} = {shown}"
            cases.append((why, operation.Case(media_type=base.media_type, **parts)))
    return cases


def _richness(case: Any) -> int:
    return len(str(case.body)) + len(case.query) + len(case.path_parameters)


def _request(why: str, case: Any) -> dict[str, Any]:
    """A case as httpx's request arguments (schemathesis hands out requests-style ones), and
    ``why`` it is sent, for the failure message."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in _DROPPED_HEADERS}
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": headers,
        "params": kwargs.get("params") or None,
        "extensions": {"why": why},
    }
    if "json" in kwargs:
        request["content"] = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), dict):
        request["data"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    if kwargs.get("files"):
        request["files"] = kwargs["files"]
    return request


_MADE: list[tuple[str, list[dict[str, Any]]]] = []


def _cases(app) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every API operation with its requests, made once per session (every app has the same
    schema)."""
    if not _MADE:
        _MADE.extend(_make_cases(app.openapi_schema.to_schema()))
    return _MADE


def _make_cases(raw: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    schema = schemathesis.openapi.from_dict(raw)
    out = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/schema"):
            continue  # the schema viewer's pages, not the API
        valid = _draw(operation.as_strategy(GenerationMode.POSITIVE), EXAMPLES - EXAMPLES // 2)
        try:
            invalid = _draw(operation.as_strategy(GenerationMode.NEGATIVE), EXAMPLES // 2)
        except Unsatisfiable:
            invalid = []  # nothing in this operation can be made invalid (no parameters, no body)
        nasty = _nasty_cases(operation, max(valid, key=_richness)) if valid else []
        cases = [("valid example", case) for case in valid] + [("invalid example", case) for case in invalid]
        out.append((operation.label, [_request(why, case) for why, case in cases + nasty]))
    return out


def _describe(request: dict[str, Any]) -> str:
    body = request.get("content", request.get("data", ""))
    return (
        f"{request['method']} {request['url']} ({request['extensions']['why']}) "
        f"params={str(request.get('params'))[:100]} body={str(body)[:100]}"
    )


async def _fuzz_as(
    app, http: httpx.AsyncClient, role: str, spare_email: str, *, first: bool
) -> tuple[list[str], int, int]:
    """Every case as ``role``: the 5xx answers described, and how many answers were 2xx and
    how many 401 (the caller no longer signed in)."""
    token = await api_token(app, demo_email(role))
    spare = await api_token(app, spare_email, PASSWORD)
    failures, succeeded, unauthorized = [], 0, 0
    with server_errors() as errors:
        for label, requests in _cases(app):
            if _once(label) and not first:
                continue
            for request in requests:
                ends_session = label in SESSION_ENDERS
                headers = {
                    **request["headers"],
                    "Authorization": f"Bearer {spare if ends_session else token}",
                }
                http.cookies.clear()  # bearer only: no session cookie, so no CSRF check either
                try:
                    response = await http.request(**{**request, "headers": headers})
                except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
                    continue  # no HTTP client could send it (e.g. a control character in a header)
                if response.status_code >= 500:
                    cause = errors.take() or response.text[:200]
                    failures.append(f"{role}: {response.status_code} {_describe(request)} -> {cause}")
                elif response.status_code == 401:
                    unauthorized += 1
                elif response.status_code < 300:
                    succeeded += 1
                    if ends_session:
                        spare = await api_token(app, spare_email, PASSWORD)
    return failures, succeeded, unauthorized


async def test_no_api_operation_answers_5xx(app, settings, create_user):
    await seed_demo(settings)
    failures: list[str] = []
    transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for role in ("staff", "pa"):
            spare = await create_user(role)
            found, succeeded, unauthorized = await _fuzz_as(
                app, http, role, spare.email, first=role == "staff"
            )
            failures += found
            # The run is worth something only while its caller stays signed in.
            assert succeeded >= 10 and unauthorized <= 5, f"as {role}: {succeeded} 2xx, {unauthorized} 401"
    assert not failures, f"{len(failures)} answers were 5xx:\n" + "\n".join(failures)
