"""Jinja with the GOV.UK Frontend macros, our templates, and a few filters."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from market.clock import london
from market.geo.display import distance_band, distance_note, district_of
from market.settings import Settings
from market.web import components
from market.web.pagination import pagination
from market.web.security import csp_nonce

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

OS_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025; "
    "Contains National Statistics data © Crown copyright and database right 2025"
)


class _Environment(Environment):
    """Each template's globals as one plain dict, not jinja's ChainMap over the environment's.

    Every render copies its template's globals into a new context, and every ``{% from ... import %}``
    asks which of them the imported template lacks (``set - globals.keys()``): over a ChainMap
    both go one key at a time through Python (about 230 ``in`` tests a page, a tenth of /home's
    time); over a dict they run in C. jinja's own rule makes the copy safe: globals are not
    changed once a template is loaded, and ``environment()`` sets all of ours before any is."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def environment(settings: Settings, filters: dict[str, Any] | None = None) -> Environment:
    env = _Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # In production the templates never change under a running worker: skip jinja's
        # stat of every template file on every render (about 30 a page); a developer's
        # edits still show at the next request.
        auto_reload=not settings.is_production,
    )
    env.filters["london"] = london
    # Privacy: one person's location is shown to another only as a district and a band.
    env.filters["distance_band"] = distance_band
    env.filters["distance_note"] = distance_note
    env.filters["district"] = district_of
    # Filters of features above the web layer (the app passes them: language_names ...).
    env.filters.update(filters or {})
    env.globals.update(
        service_name=settings.service_name,
        is_production=settings.is_production,
        # The team's details and the data controller: /contact, the footer, the privacy notice.
        # (Not "contact": pages pass their own, a PA's details, which would hide the footer's.)
        team_contact=settings.contact,
        os_attribution=OS_ATTRIBUTION,
        # The inline script's nonce, matching this response's Content-Security-Policy.
        csp_nonce=csp_nonce,
        # Long lists' page links (templates/macros/lists.html).
        pagination=pagination,
    )
    # GOV.UK checkboxes, radios, pagination and summary lists in Python, for the busiest pages.
    env.globals.update(components.GLOBALS)
    return env


def template_config(settings: Settings, filters: dict[str, Any] | None = None) -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment(settings, filters)))
