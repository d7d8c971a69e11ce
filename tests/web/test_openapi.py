"""The OpenAPI document: every /api/ operation documents its errors as problem details, and the
document and its viewer exist only where MARKET_API_DOCS (default: development only) says."""

from __future__ import annotations

import httpx
import msgspec

from market.app import create_app
from market.web.openapi import PROBLEM_MEDIA_TYPE
from tests.conftest import make_settings

DOCUMENTED = ("400", "401", "403", "404", "409", "422")
METHODS = ("get", "put", "post", "delete", "patch")


async def _get(app, *paths: str) -> list[httpx.Response]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        return [await http.get(path) for path in paths]


async def test_every_api_operation_documents_its_errors_as_problem_details(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    (response,) = await _get(app, "/schema/openapi.json")
    schema = response.json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(operations) > 50  # the walk really saw the API
    for path, method, operation in operations:
        for status in DOCUMENTED:
            answer = operation["responses"].get(status)
            assert answer, f"{method.upper()} {path} does not document {status}"
            content = answer["content"]
            assert list(content) == [PROBLEM_MEDIA_TYPE], f"{method.upper()} {path} {status}"
            assert content[PROBLEM_MEDIA_TYPE]["schema"] == {"$ref": "#/components/schemas/ProblemDetails"}
    component = schema["components"]["schemas"]["ProblemDetails"]
    assert set(component["required"]) == {"type", "title", "status", "detail"}
    assert component["properties"]["errors"]["additionalProperties"] == {"type": "string"}
    # The page-only paths (and the viewer's own) are not in the document.
    assert not [path for path in schema["paths"] if path.startswith("/schema")]


async def test_the_documented_shape_is_what_errors_answer(client, login_as):
    """A real 404, 401 and 422 decode into the documented component (and nothing more)."""
    from market.web.openapi import ProblemDetails

    not_found = await client.get("/api/v1/no/such/thing")
    unauthorised = await client.get("/api/v1/me")
    await login_as("pa")
    invalid = await client.put("/api/v1/profile/where", json={"travel_miles": "far"})
    for response in (not_found, unauthorised, invalid):
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert set(response.json()) <= set(ProblemDetails.__struct_fields__)
        problem = msgspec.json.decode(response.content, type=ProblemDetails)
        assert problem.status == response.status_code
    assert [not_found.status_code, unauthorised.status_code] == [404, 401]
    assert invalid.status_code == 422 and invalid.json()["errors"]


async def test_production_serves_no_api_documentation_unless_asked(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, env="production")
    paths = ("/schema", "/schema/openapi.json", "/schema/swagger")
    hidden = await _get(create_app(base), *paths)
    assert [r.status_code for r in hidden] == [404, 404, 404]
    published = await _get(create_app(msgspec.structs.replace(base, api_docs=True)), *paths)
    assert [r.status_code for r in published] == [200, 200, 200]
    assert "max-age" in published[0].headers["strict-transport-security"]
    off_in_development = msgspec.structs.replace(base, env="development", api_docs=False)
    assert [r.status_code for r in await _get(create_app(off_in_development), *paths)] == [404, 404, 404]
