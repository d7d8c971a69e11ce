"""``market matching train`` against the database: the examples read from the pipeline's
outcomes, each run stored as a LearnedWeights row, and the weights in use read back (cached
for a minute per process). The fitting itself is pure, in ``market.matching.engine.learning``."""

from __future__ import annotations

import logging
import time
from typing import Any

import msgspec

from market.db import current_engine, write_transaction
from market.matching.engine.learning import (
    HOLDOUT,
    MIN_NEEDS,
    MIN_OUTCOMES,
    SEED,
    Example,
    TrainReport,
    evaluate,
    features_of,
    parse_weights,
    relevance_of,
)
from market.matching.engine.ranking import DEFAULT_WEIGHTS, Weights
from market.matching.tables import Application, LearnedWeights, OutcomeSnapshot, StageChange

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0


async def examples() -> list[Example]:
    """One example per application with a snapshot that has factors."""
    first: dict[int, tuple[float, ...]] = {}
    stages: dict[int, set[str]] = {}
    snapshot_need: dict[int, int] = {}
    for row in await OutcomeSnapshot.select(
        OutcomeSnapshot.application, OutcomeSnapshot.need_id, OutcomeSnapshot.stage, OutcomeSnapshot.factors
    ).order_by(OutcomeSnapshot.id):
        application = row["application"]
        stages.setdefault(application, set()).add(row["stage"])
        snapshot_need.setdefault(application, row["need_id"])
        if application not in first and (features := features_of(row["factors"])) is not None:
            first[application] = features
    if not first:
        return []
    for row in await StageChange.select(StageChange.application, StageChange.to_stage):
        if row["application"] in first:
            stages[row["application"]].add(row["to_stage"])
    needs: dict[int, int] = {}
    for row in await Application.select(Application.id, Application.need, Application.stage):
        if row["id"] in first:
            stages[row["id"]].add(row["stage"])
            needs[row["id"]] = row["need"]
    return [
        Example(
            application_id=application,
            need_id=needs.get(application, snapshot_need[application]),
            features=features,
            relevance=relevance_of(stages[application]),
        )
        for application, features in sorted(first.items())
    ]


async def train(
    *,
    min_outcomes: int = MIN_OUTCOMES,
    min_needs: int = MIN_NEEDS,
    holdout: float = HOLDOUT,
    seed: int = SEED,
) -> TrainReport:
    """Learn weights from the outcomes so far, test them on held-out needs against the
    defaults, store the run (a LearnedWeights row) and put them in use if they win."""
    report = evaluate(
        await examples(), min_outcomes=min_outcomes, min_needs=min_needs, holdout=holdout, seed=seed
    )
    async with write_transaction():
        await LearnedWeights.update({LearnedWeights.in_use: False}).where(LearnedWeights.in_use.eq(True))
        rows = await LearnedWeights.insert(
            LearnedWeights(
                weights=msgspec.to_builtins(report.weights) if report.weights is not None else {},
                outcomes=report.outcomes,
                ndcg_learned=report.ndcg_learned,
                ndcg_default=report.ndcg_default,
                in_use=report.in_use,
            )
        ).returning(LearnedWeights.id)
    forget()
    report.row_id = rows[0]["id"]
    return report


_cached: tuple[Any, float, Weights] | None = None  # (engine, when read, weights)


def forget() -> None:
    """Drop this process's cached weights (the next call reads them again)."""
    global _cached
    _cached = None


async def current_weights() -> Weights:
    """The learned weights in use, or the defaults; read at most once a minute per process
    (and again whenever the active database changes)."""
    global _cached
    engine = current_engine()
    now = time.monotonic()
    if _cached is not None and _cached[0] is engine and now - _cached[1] < CACHE_SECONDS:
        return _cached[2]
    row = (
        await LearnedWeights.select(LearnedWeights.weights)
        .where(LearnedWeights.in_use.eq(True))
        .order_by(LearnedWeights.id, ascending=False)
        .first()
    )
    weights = DEFAULT_WEIGHTS
    if row is not None:
        parsed = parse_weights(row["weights"])
        if parsed is None:
            log.warning("learned weights in use cannot be read: using the defaults")
        else:
            weights = parsed
    _cached = (engine, now, weights)
    return weights
