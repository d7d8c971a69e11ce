"""Deny by default: every route must name its roles or be marked public."""

import pytest
from litestar import Controller, get

from market.app import create_app
from market.web.guards import ADMIN, PUBLIC, route_access
from tests.conftest import make_settings


def every_handler(app):
    for route in app.routes:
        for handler in route.route_handlers:
            yield route.path, handler


def test_every_route_names_its_roles_or_is_public(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    unguarded = [
        f"{sorted(getattr(handler, 'http_methods', []))} {path}"
        for path, handler in every_handler(app)
        if route_access(handler.opt) == "unguarded"
    ]
    assert unguarded == [], f"routes with no guard: {unguarded}"
    handlers = list(every_handler(app))
    assert len(handlers) > 50  # the walk really saw the app


def test_the_walk_catches_a_route_without_a_guard(tmp_path):
    class Forgotten(Controller):
        @get("/forgotten")
        async def forgotten(self) -> str:
            return "oops"

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    app.register(Forgotten)
    flagged = [path for path, handler in every_handler(app) if route_access(handler.opt) == "unguarded"]
    assert "/forgotten" in flagged


@pytest.mark.parametrize(
    ("path", "anonymous", "pa"),
    [
        ("/home", 302, 200),
        ("/account", 302, 200),
        ("/staff/audit", 302, 403),
        ("/staff/outbox", 302, 403),
        ("/admin/users", 302, 403),
        ("/api/v1/me", 401, 200),
        ("/api/v1/audit", 401, 403),
        ("/api/v1/users", 401, 403),
    ],
)
async def test_guards_answer_by_role(client, login_as, path, anonymous, pa):
    assert (await client.get(path)).status_code == anonymous
    await login_as("pa")
    assert (await client.get(path)).status_code == pa


async def test_an_unguarded_route_is_refused_at_run_time(settings):
    import httpx

    class Forgotten(Controller):
        @get("/forgotten")
        async def forgotten(self) -> str:
            return "oops"

    class Fine(Controller):
        opt = PUBLIC

        @get("/fine")
        async def fine(self) -> str:
            return "fine"

    class AdminOnly(Controller):
        opt = ADMIN

        @get("/admin-only")
        async def admin_only(self) -> str:
            return "admin"

    app = create_app(settings)
    for controller in (Forgotten, Fine, AdminOnly):
        app.register(controller)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        assert (await http.get("/forgotten")).status_code == 403
        assert (await http.get("/fine")).status_code == 200
        assert (await http.get("/admin-only")).status_code == 302


async def test_an_impossible_record_id_is_a_404_not_a_500(client, login_as):
    await login_as("admin")
    from tests.support import submit

    huge = "/admin/users/99999999999999999999/deactivate"
    page = await submit(client, "/admin/users", {}, action=huge)
    assert page.status_code == 404 and "Page not found" in page.text
    assert (await client.get("/api/v1/users/4294967296")).status_code == 404
    assert (await client.get("/api/v1/users/0")).status_code == 404
