"""Who is asking: the session cookie (browsers) or a bearer token (API clients)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from market.accounts import sessions
from market.settings import Settings

SESSION_COOKIE = "market_session"
# Requests that never need to know who is asking: skip the session query for them.
ANONYMOUS_PREFIXES = ("/assets/", "/healthz")


def bearer_token(connection: ASGIConnection) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class AuthMiddleware:
    """Sets ``scope["user"]`` to the CurrentUser or None for every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(ANONYMOUS_PREFIXES):
            scope["user"] = None
            scope["auth"] = None
        elif scope["type"] == ScopeType.HTTP:
            connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
            token = bearer_token(connection) or connection.cookies.get(SESSION_COOKIE, "")
            scope["user"] = await sessions.user_for_token(token)
            scope["auth"] = token or None
        await self.app(scope, receive, send)


def session_cookie(settings: Settings, token: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


def clear_session_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )
