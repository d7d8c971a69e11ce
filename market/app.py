"""The application factory: everything the site needs, built from one Settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

from market import db
from market.accounts import admin_pages as account_admin_pages
from market.accounts import api as accounts_api
from market.accounts import pages as account_pages
from market.accounts import sessions
from market.audit import api as audit_api
from market.audit import pages as audit_pages
from market.clock import london_today, utcnow
from market.core import pages as core_pages
from market.core.api import HealthAPI
from market.dbs import api as dbs_api
from market.dbs import pa_pages as dbs_pa_pages
from market.dbs import pages as dbs_pages
from market.dbs import sweep as dbs_sweep
from market.dbs.standing import Policy
from market.export import pages as export_pages
from market.mail import pages as mail_pages
from market.mail import services as mail
from market.matching import matches as match_cache
from market.matching import web as matching_web
from market.register import api as register_api
from market.register import changes as profile_changes
from market.register import detail_pages, import_pages, search_pages, skills_pages, vetting_pages
from market.register import more_api as register_more_api
from market.register import pages as register_pages
from market.reports import pages as report_pages
from market.settings import Settings
from market.training import reminders as training_reminders
from market.training import web as training_web
from market.web.auth import AuthMiddleware
from market.web.errors import EXCEPTION_HANDLERS
from market.web.guards import PUBLIC, role_guard
from market.web.security import CSRFUnlessBearerMiddleware, SecurityHeadersMiddleware, csrf_config
from market.web.templating import template_config

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


PURGE_EVERY_SECONDS = 3600
SWEEP_EVERY_SECONDS = 24 * 3600


async def _background_work(settings: Settings) -> None:
    """Each worker: send due email every few seconds, clear expired sessions hourly, and run
    the daily jobs at start-up and then daily (the DBS sweep and training expiry reminders:
    both idempotent, so cron may run them as well). It also builds the matching index at
    start-up and keeps it patched from the change log, so that requests rarely wait for it."""
    since_purge = PURGE_EVERY_SECONDS
    since_sweep = SWEEP_EVERY_SECONDS
    policy = Policy.of(settings)
    while True:
        try:
            await match_cache.CACHE.get(policy)
            if since_sweep >= SWEEP_EVERY_SECONDS:
                since_sweep = 0
                report = await dbs_sweep.run(settings)
                log.info("DBS sweep: %s", report.summary())
                reminded = await training_reminders.send_due(settings, london_today())
                log.info("Training: %d expiry reminder(s) sent", reminded)
                pruned = await profile_changes.prune(utcnow() - timedelta(days=1))
                log.info("Matching: %d old change-log entries pruned", pruned)
            await mail.deliver_due(settings)
            if since_purge >= PURGE_EVERY_SECONDS:
                await sessions.purge_expired()
                since_purge = 0
        except Exception:  # noqa: BLE001 - one bad round must not stop later ones
            log.exception("Background work failed; will try again")
        await asyncio.sleep(settings.mail_poll_seconds)
        since_purge += settings.mail_poll_seconds
        since_sweep += settings.mail_poll_seconds


def create_app(settings: Settings) -> Litestar:
    engine = db.activate(db.create_engine(settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.open_pool(engine)
        sender = None
        if settings.mail_poll_seconds > 0:
            sender = asyncio.create_task(_background_work(settings))
        try:
            yield
        finally:
            if sender:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            await db.close_pool(engine)

    route_handlers: list = [
        HealthAPI,
        *core_pages.ROUTES,
        *account_pages.ROUTES,
        *account_admin_pages.ROUTES,
        *accounts_api.ROUTES,
        *audit_pages.ROUTES,
        *audit_api.ROUTES,
        *register_pages.ROUTES,
        *detail_pages.ROUTES,
        *register_api.ROUTES,
        *register_more_api.ROUTES,
        *skills_pages.ROUTES,
        *import_pages.ROUTES,
        *search_pages.ROUTES,
        *vetting_pages.ROUTES,
        *dbs_pages.ROUTES,
        *dbs_pa_pages.ROUTES,
        *dbs_api.ROUTES,
        *training_web.ROUTES,
        *matching_web.ROUTES,
        *report_pages.ROUTES,
        *export_pages.ROUTES,
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
        route_handlers += mail_pages.ROUTES

    return Litestar(
        route_handlers=route_handlers,
        dependencies={"settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False)},
        guards=[role_guard],
        middleware=[
            DefineMiddleware(SecurityHeadersMiddleware, production=settings.is_production),
            DefineMiddleware(CSRFUnlessBearerMiddleware, config=csrf_config(settings)),
            DefineMiddleware(AuthMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=template_config(settings),
        openapi_config=OpenAPIConfig(
            title=f"{settings.service_name} API",
            version="1",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            openapi_router=Router(path="/schema", route_handlers=[], opt=PUBLIC),
        ),
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
