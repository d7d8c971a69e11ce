"""Deny by default: every route says who may use it, or that it is public.

Put ``opt=PUBLIC`` or ``opt=roles("staff", "admin")`` on a controller or handler.
``role_guard`` runs for every route; a route that says neither is refused (and
tests/web/test_guards.py fails on it before it ships).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from market.roles import ROLES, STAFF_ROLES

log = logging.getLogger(__name__)

PUBLIC: dict[str, Any] = {"public": True}


def roles(*allowed: str) -> dict[str, Any]:
    unknown = set(allowed) - set(ROLES)
    if unknown or not allowed:
        raise ValueError(f"Unknown roles {sorted(unknown)}")
    return {"roles": tuple(allowed)}


SIGNED_IN = roles(*ROLES)
STAFF = roles(*STAFF_ROLES)
ADMIN = roles("admin")


def route_access(opt: dict[str, Any]) -> str:
    """'public', 'roles', or 'unguarded' for a handler's merged opt."""
    if opt.get("public") is True:
        return "public"
    if opt.get("roles"):
        return "roles"
    return "unguarded"


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    # A coroutine: litestar runs a plain function guard on a worker thread, a hop there and
    # back on every request (about a tenth of a signed-in page's CPU) for a dictionary lookup.
    access = route_access(handler.opt)
    if access == "public":
        return
    if access == "unguarded":
        log.error("Refused %s: the route names no roles and is not marked public", connection.url.path)
        raise PermissionDeniedException("This page is not available")
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    if user.role not in handler.opt["roles"]:
        raise PermissionDeniedException("Your account does not have access to this page")
