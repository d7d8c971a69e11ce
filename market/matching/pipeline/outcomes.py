"""Snapshots of the engine's factors at each pipeline step: what ``market matching train``
learns from (see ``market.matching.engine.learning``).

``record_snapshot`` is called by the pipeline inside its stage-change transaction. It works
out the factors for the one (need, PA) pair as they are now, with ``engine.score`` directly
rather than ``rank``, so a pair that no longer passes a hard rule (the PA's DBS check ran out,
the need moved) still gets its factors: the step happened, and what the engine thought of the
pair at the time is what we learn from.

It never fails the caller. When the factors cannot be worked out (the need has no location,
the PA is no longer on the register or has no location) the snapshot is still written, with
empty factors and a score of 0: the step stays in the history, and learning skips snapshots
without factors. Any other error while working them out is logged and treated the same way,
and the work runs under a savepoint, so that even a database error here (on PostgreSQL, one
that would otherwise abort the whole transaction) is rolled back to the savepoint and the
caller's stage change goes on.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import numpy as np

from market.clock import utcnow
from market.db import current_engine, write_transaction
from market.dbs.standing import Policy
from market.geo.distance import haversine_miles
from market.matching import index as match_index
from market.matching import term_calendar
from market.matching.engine import ranking as engine
from market.matching.engine.dated import dated_shifts
from market.matching.engine.records import build_index
from market.matching.matches import need_place, spec_of
from market.matching.needs.lifecycle import need_out
from market.matching.tables import Need, OutcomeSnapshot

log = logging.getLogger(__name__)


async def pair_factors(
    need_id: int, profile_id: int, at: date, policy: Policy | None = None
) -> dict[str, float]:
    """The engine's soft factors for one (need, PA) pair at ``at``, hard rules or not; empty
    when the need has no location or the PA is not on the register (or has no location)."""
    row = await Need.select().where(Need.id == need_id).first()
    where = need_place(row) if row is not None else None
    if row is None or where is None:
        return {}
    pas = await match_index.pa_rows([profile_id], policy=policy or Policy())
    if not pas:
        return {}
    spec = spec_of(await need_out(row, staff=False), *where)
    pa = pas[0]
    # The need's languages join the PA's in the vocabulary, so that a preferred language the
    # PA does not speak counts against them, as it does in the full index.
    languages = list(dict.fromkeys([*pa.languages, *spec.languages_required, *spec.languages_preferred]))
    one = build_index(pas, await match_index.vocabularies(languages), terms=await term_calendar.load())
    rows = np.zeros(1, dtype=np.int64)
    miles = np.asarray([haversine_miles(spec.lat, spec.lon, pa.lat, pa.lon)], dtype=np.float64)
    factors = engine.score(spec, one, rows, miles, at, shifts=dated_shifts(spec, one))
    return {name: round(float(values[0]), 4) for name, values in factors.items()}


async def record_snapshot(
    application_id: int,
    need_id: int,
    profile_id: int,
    stage: str,
    at: date,
    policy: Policy | None = None,
) -> None:
    """Record the factors of the application's (need, PA) pair as the step to ``stage``
    happens (``at``: the day the engine judges DBS and training currency on). Joins the
    caller's open transaction if there is one (else opens a write transaction of its own);
    never raises for missing data, and rolls its own work back to a savepoint on any error."""
    transaction = current_engine().current_transaction.get()
    if transaction is None:
        async with write_transaction():
            await _record_guarded(application_id, need_id, profile_id, stage, at, policy)
        return
    await _record_guarded(application_id, need_id, profile_id, stage, at, policy)


async def _record_guarded(
    application_id: int, need_id: int, profile_id: int, stage: str, at: date, policy: Policy | None
) -> None:
    transaction: Any = current_engine().current_transaction.get()
    savepoint = await transaction.savepoint()
    try:
        try:
            factors = await pair_factors(need_id, profile_id, at, policy)
        except Exception:  # a snapshot must never stop the step it records
            log.exception("outcome snapshot: factors for need %s, PA %s failed", need_id, profile_id)
            await savepoint.rollback_to()  # the savepoint stays, for the insert below
            factors = {}
        total = 0.0
        if factors:
            combined = engine.combine({k: np.asarray([v]) for k, v in factors.items()})
            total = round(float(combined[0][0]), 4)
        await OutcomeSnapshot.insert(
            OutcomeSnapshot(
                application=application_id,
                need_id=need_id,
                profile_id=profile_id,
                stage=stage,
                factors=factors,
                score=total,
                at=utcnow(),
            )
        )
    except Exception:
        log.exception("outcome snapshot: not recorded for application %s", application_id)
        await savepoint.rollback_to()
        return
    await savepoint.release()
