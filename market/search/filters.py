"""The search feature's template filters, which the app gives its jinja environment: a result
card's and a public profile's wording (``display``), the result cards and a PA's checks and
save form (``cards``) and the profile's week grid (``week_grid``), in Python where a page uses
them many times."""

from __future__ import annotations

from typing import Any

from market.search.cards import checks_list, result_cards, save_form
from market.search.display import hourly_pay, paragraphs, skill_text, skills_text
from market.search.week_grid import week_grid

FILTERS: dict[str, Any] = {
    "skill_text": skill_text,
    "skills_text": skills_text,
    "hourly_pay": hourly_pay,
    "paragraphs": paragraphs,
    "week_grid": week_grid,
    "result_cards": result_cards,
    "checks_list": checks_list,
    "save_form": save_form,
}
