"""The application factory: everything the site needs, built from one Settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, Request
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.static_files import create_static_files_router

from market import db, jobs
from market.accounts.middleware import AuthMiddleware
from market.features import all_routes
from market.mail import routes as mail_routes
from market.register import languages, wording
from market.search import filters as search_filters
from market.settings import Settings
from market.web.errors import EXCEPTION_HANDLERS
from market.web.guards import PUBLIC, role_guard
from market.web.nul import refuse_nul
from market.web.openapi import document_problems, openapi_config
from market.web.security import CSRFUnlessBearerMiddleware, csrf_config, security_headers
from market.web.strict_json import check_json_body
from market.web.templating import template_config

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


async def check_input(request: Request) -> None:
    """Before every handler: no NUL anywhere in the request (web/nul.py), then a JSON body
    strictly of its documented types and within what the database can hold (web/strict_json.py)."""
    await refuse_nul(request)
    await check_json_body(request)


def create_app(settings: Settings) -> Litestar:
    engine = db.activate(db.create_engine(settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.open_pool(engine)
        await languages.load()  # the list's names, for the templates' language_names
        sender = None
        if settings.mail_poll_seconds > 0:
            # A task beside the requests, never inside one: this worker's matching index,
            # and (unless MARKET_WEB_JOBS is off) the leased jobs whose lease it can take.
            sender = asyncio.create_task(jobs.run_forever(settings, leased=settings.web_jobs))
        try:
            yield
        finally:
            if sender:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            await db.close_pool(engine)

    route_handlers: list = [
        *all_routes(),
        create_static_files_router(
            path="/assets",
            directories=[STATIC_DIR],
            opt=PUBLIC,
            include_in_schema=False,
            send_as_attachment=False,
        ),
    ]
    if not settings.is_production:
        # The outbox shows reset links: fine on a developer's machine, never in production.
        route_handlers += mail_routes.ROUTES

    app = Litestar(
        route_handlers=route_handlers,
        dependencies={"settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False)},
        guards=[role_guard],
        before_request=check_input,
        # On every response, litestar's own 404s and 405s included (a middleware would miss them).
        before_send=[security_headers(production=settings.is_production)],
        middleware=[
            DefineMiddleware(CSRFUnlessBearerMiddleware, config=csrf_config(settings)),
            DefineMiddleware(AuthMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=template_config(
            settings,
            {"language_names": languages.names, "pa_driving": wording.pa_driving, **search_filters.FILTERS},
        ),
        openapi_config=openapi_config(settings),
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
    document_problems(app)
    return app
