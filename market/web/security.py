"""Security headers, the CSP nonce, and CSRF that leaves bearer-token API calls alone."""

from __future__ import annotations

import secrets

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from market.settings import Settings

CSRF_COOKIE = "market_csrf"


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=settings.is_production,
        header_name="x-csrf-token",
    )


def fresh_csrf_cookie(settings: Settings) -> Cookie:
    """A new CSRF token, set on the response that signs someone in: a token anyone learnt
    before (say, from a shared computer's cookie) is no use in the signed-in session."""
    config = csrf_config(settings)
    return Cookie(
        key=config.cookie_name,
        value=generate_csrf_token(secret=config.secret),
        path=config.cookie_path,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
        domain=config.cookie_domain,
    )


STATIC_PREFIX = "/assets/"


def csp_nonce(scope: Scope) -> str:
    """This response's nonce for inline scripts, made the first time it is asked for.

    The layout asks while rendering; the headers hook asks when the response starts. Both run
    on the one request scope, for routed pages and for the errors litestar answers before any
    route is found (an unknown address, a method the address does not take).
    """
    state = scope.setdefault("state", {})
    nonce = state.get("csp_nonce")
    if not nonce:
        nonce = state["csp_nonce"] = secrets.token_urlsafe(16)
    return str(nonce)


def content_security_policy(nonce: str) -> str:
    """One policy for every response, the API viewer's included: everything from this site.
    (The viewer is our copy of Swagger UI in /assets/, started by a file, not an inline script.)"""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; object-src 'none'"
    )


def security_headers(production: bool) -> BeforeMessageSendHookHandler:
    """A before-send hook: the security headers on every HTTP response, errors included.

    A hook rather than a middleware: litestar runs middleware only for a matched route, so
    its own 404s and 405s (and anything its exception handling answers) would go without.
    Every response but a static asset is ``Cache-Control: no-store``: pages and API answers
    are personal once signed in (DBS details, health), and a page for someone not signed in
    carries a CSRF token; static assets keep their ETag and Last-Modified revalidation.
    """

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
            return
        path = scope["path"]
        headers = MutableScopeHeaders.from_message(message)
        headers["content-security-policy"] = content_security_policy(csp_nonce(scope))
        headers["x-content-type-options"] = "nosniff"
        headers["referrer-policy"] = "same-origin"
        headers["x-frame-options"] = "DENY"
        headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
        if production:
            headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        if not path.startswith(STATIC_PREFIX):
            headers["cache-control"] = "no-store"

    return add_headers


class CSRFUnlessBearerMiddleware:
    """Litestar's double-submit CSRF check for everything a cross-site page could forge.

    Skipped only where a browser cannot forge the request: a bearer token with no
    session cookie (no browser adds that header by itself), or an /api/ request that
    a cross-site page could only send after a CORS preflight, which we never grant
    (a JSON body, or PUT/PATCH/DELETE).
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        self.csrf = CSRFMiddleware(app, config)

    @staticmethod
    def _cannot_be_forged(scope: Scope) -> bool:
        headers = dict(scope["headers"])
        auth = headers.get(b"authorization", b"")
        cookies = headers.get(b"cookie", b"")
        if auth.lower().startswith(b"bearer ") and b"market_session=" not in cookies:
            return True
        if scope["path"].startswith("/api/"):
            content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            return content_type == b"application/json" or scope.get("method") in ("PUT", "PATCH", "DELETE")
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and self._cannot_be_forged(scope):
            await self.app(scope, receive, send)
            return
        await self.csrf(scope, receive, send)
