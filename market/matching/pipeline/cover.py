"""Cover in a hurry: staff send a cover need (e.g. tomorrow's shifts after a sickness) to the
best few PAs who match, in one step: each is shortlisted and invited, and emailed at once.
PAs already in the need's pipeline are skipped, so sending again reaches the next best."""

from __future__ import annotations

from datetime import date

from market.accounts.schemas import CurrentUser
from market.errors import Invalid, NotFound
from market.fields import whole_number
from market.matching import matches
from market.matching.needs.lifecycle import get_need
from market.matching.pipeline import applications as pipeline
from market.settings import Settings

MAX_AT_ONCE = 10


def read_count(raw: str) -> int:
    text = raw.strip()
    count = whole_number(text)
    if count is None or not 1 <= count <= MAX_AT_ONCE:
        raise Invalid({"count": f"Enter how many PAs to send it to, from 1 to {MAX_AT_ONCE}"})
    return count


async def send_to_best(
    user: CurrentUser, need_id: int, count: int, settings: Settings, at: date
) -> list[str]:
    """Invite the ``count`` best-matching PAs not yet asked; the names of those invited."""
    if user.role not in ("staff", "admin"):
        raise NotFound()
    need = await get_need(user, need_id)
    if need.kind != "cover":
        raise Invalid({"count": "Only cover can be sent to several PAs at once"})
    if need.status != "open":
        raise Invalid({"count": "Open the need before sending it to PAs"})
    asked = await pipeline.shortlisted_profiles(user, need_id)
    found = await matches.for_need(need, settings, at, limit=count + len(asked), banded=False)
    chosen = [m for m in found.matches if m.profile_id not in asked][:count]
    if not chosen:
        raise Invalid({"count": "Every PA who matches has already been asked"})
    for match in chosen:
        application_id = await pipeline.shortlist(user, need_id, match.profile_id)
        await pipeline.invite(user, application_id, 1, base_url=settings.base_url)
    return [m.display_name for m in chosen]
