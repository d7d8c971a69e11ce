"""Learning the soft score's weights from outcomes: ``market matching train``. The fitting and
its test are here, pure; reading the examples from the database and storing the run are in
``market.matching.pipeline.learning_store``.

Examples: one per application that has a snapshot with factors (``market.matching.pipeline.outcomes``).
Its features are the factors of its first such snapshot (what the engine saw when the PA was
first put forward); its relevance comes from the furthest stage it reached, by the history
(StageChange), its snapshots and its current stage:

    appointed, started        1.0
    interview, offered        0.6
    accepted                  0.3   (the PA said yes to the invitation)
    shortlisted, invited      0
    declined, rejected, withdrawn    add nothing: an application invited to interview and
                              then rejected keeps 0.6 (the need's side wanted to meet them)

Fitting: a logistic regression on soft labels (each example once as a 1 with weight equal
to its relevance, once as a 0 with weight 1 − relevance), on factors centred within each
need, since only the order within a need matters. The coefficients, clipped at 0, become
the weights: the recipient's factors normalised to sum to 1 as the recipient's view, the
PA's as the PA's view (a view whose coefficients are all 0 keeps the default weights).
Hard requirements are not factors: they are never learned, and learned weights cannot
change who passes them.

Evaluation: about 30% of needs (seeded, split by need, never by application) are held out;
on each held-out need with at least two applications and one of relevance above 0, its
applications are ranked by ``engine.combine`` with the learned weights and with the
defaults, and NDCG@10 is averaged over those needs. The learned weights are put in use only
when they beat the defaults there and there are at least ``MIN_OUTCOMES`` applications over
``MIN_NEEDS`` needs. Each run decides: a run that does not put its weights in use takes any
earlier learned weights out of use too (they were not tested on today's outcomes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import msgspec
import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ndcg_score

from market.matching.engine.ranking import DEFAULT_WEIGHTS, PA_WEIGHTS, RECIPIENT_WEIGHTS, Weights, combine

MIN_OUTCOMES = 200  # applications with a snapshot
MIN_NEEDS = 20  # ... over at least this many needs
HOLDOUT = 0.3
SEED = 20261201
NDCG_AT = 10

RELEVANCE = {
    "appointed": 1.0,
    "started": 1.0,
    "interview": 0.6,
    "offered": 0.6,
    "accepted": 0.3,
}
FACTORS = (*RECIPIENT_WEIGHTS, *PA_WEIGHTS)


class Example(msgspec.Struct, frozen=True, kw_only=True):
    application_id: int
    need_id: int
    features: tuple[float, ...]  # in FACTORS order
    relevance: float


class TrainReport(msgspec.Struct, kw_only=True):
    outcomes: int  # applications used
    needs: int
    held_out_needs: int
    evaluated_needs: int  # held-out needs NDCG could be measured on
    ndcg_learned: float
    ndcg_default: float
    in_use: bool
    reason: str  # why the learned weights are, or are not, in use
    weights: Weights | None = None
    row_id: int | None = None

    def summary(self) -> str:
        lines = [
            f"Outcomes used: {self.outcomes} application(s) over {self.needs} need(s); "
            f"{self.held_out_needs} need(s) held out, {self.evaluated_needs} of them with outcomes to rank.",
        ]
        if self.weights is not None:
            lines.append(
                f"NDCG@{NDCG_AT} on held-out needs: learned {self.ndcg_learned:.3f}, "
                f"default {self.ndcg_default:.3f}."
            )
        else:
            lines.append(f"NDCG@{NDCG_AT} on held-out needs: not measured (no weights were learned).")
        lines.append(
            f"The learned weights are now in use: {self.reason}."
            if self.in_use
            else f"The default weights are in use: {self.reason}."
        )
        if self.weights is not None:
            lines.append(f"Learned recipient weights: {_show(self.weights.recipient)}")
            lines.append(f"Learned PA weights: {_show(self.weights.pa)}")
        return "\n".join(lines)


def _show(weights: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in weights.items())


def relevance_of(stages: Iterable[str]) -> float:
    """The relevance of the furthest stage reached (0 if none counts)."""
    return max((RELEVANCE.get(stage, 0.0) for stage in stages), default=0.0)


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value or "null")
        except ValueError:
            return None
    return value


def features_of(factors: Any) -> tuple[float, ...] | None:
    """A snapshot's factors in FACTORS order; None when any is missing or not a number."""
    factors = _json(factors)
    if not isinstance(factors, dict):
        return None
    values = []
    for name in FACTORS:
        value = factors.get(name)
        if not isinstance(value, int | float) or not math.isfinite(value):
            return None
        values.append(min(max(float(value), 0.0), 1.0))
    return tuple(values)


def split(need_ids: Iterable[int], holdout: float = HOLDOUT, seed: int = SEED) -> set[int]:
    """The held-out needs: about ``holdout`` of them, chosen by a seeded shuffle."""
    needs = sorted(set(need_ids))
    if len(needs) < 2:
        return set()
    count = min(len(needs) - 1, max(1, round(holdout * len(needs))))
    order = np.random.default_rng(seed).permutation(len(needs))
    return {needs[i] for i in order[:count].tolist()}


def _by_need(items: list[Example]) -> dict[int, list[Example]]:
    grouped: dict[int, list[Example]] = {}
    for item in items:
        grouped.setdefault(item.need_id, []).append(item)
    return grouped


def fit(training: list[Example]) -> Weights | None:
    """Weights in the engine's shape from the training examples; None when they hold no
    contrast to learn from (no relevance at all, or nothing but relevance)."""
    if not training:
        return None
    rows: list[NDArray[np.float64]] = []
    relevance: list[float] = []
    for group in _by_need(training).values():
        x = np.asarray([e.features for e in group], dtype=np.float64)
        rows.append(x - x.mean(axis=0))  # only the order within a need matters
        relevance += [e.relevance for e in group]
    x = np.vstack(rows)
    r = np.asarray(relevance)
    if r.sum() <= 0 or (1 - r).sum() <= 0:
        return None
    features = np.vstack([x, x])
    labels = np.concatenate([np.ones(len(r)), np.zeros(len(r))])
    sample_weight = np.concatenate([r, 1 - r])
    keep = sample_weight > 0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(features[keep], labels[keep], sample_weight=sample_weight[keep])
    return weights_from(dict(zip(FACTORS, model.coef_[0].tolist(), strict=True)))


def weights_from(coefficients: dict[str, float]) -> Weights:
    """Coefficients per factor → Weights: clipped at 0, normalised within each view; a view
    with nothing above 0 keeps the default weights."""

    def view(defaults: dict[str, float]) -> dict[str, float]:
        clipped = {k: max(float(coefficients.get(k, 0.0)), 0.0) for k in defaults}
        total = sum(clipped.values())
        if total <= 1e-9 or not math.isfinite(total):
            return dict(defaults)
        return {k: round(v / total, 4) for k, v in clipped.items()}

    return Weights(recipient=view(RECIPIENT_WEIGHTS), pa=view(PA_WEIGHTS))


def ndcg(held_out: list[Example], weights: Weights) -> tuple[float, int]:
    """Mean NDCG@10 over the held-out needs it can be measured on, and how many those are."""
    scores = []
    for group in _by_need(held_out).values():
        relevance = np.asarray([e.relevance for e in group])
        if len(group) < 2 or relevance.max() <= 0:
            continue
        x = np.asarray([e.features for e in group], dtype=np.float64)
        total = combine({name: x[:, i] for i, name in enumerate(FACTORS)}, weights)[0]
        scores.append(float(ndcg_score([relevance], [total], k=NDCG_AT)))
    return (float(np.mean(scores)) if scores else 0.0), len(scores)


def evaluate(
    found: list[Example],
    *,
    min_outcomes: int = MIN_OUTCOMES,
    min_needs: int = MIN_NEEDS,
    holdout: float = HOLDOUT,
    seed: int = SEED,
) -> TrainReport:
    """Learn weights from the examples, test them on held-out needs against the defaults,
    and decide whether they are put in use (the caller stores the run)."""
    needs = {e.need_id for e in found}
    held = split(needs, holdout, seed)
    learned = fit([e for e in found if e.need_id not in held])
    ndcg_learned = ndcg_default = 0.0
    evaluated = 0
    if learned is not None:
        testing = [e for e in found if e.need_id in held]
        ndcg_learned, evaluated = ndcg(testing, learned)
        ndcg_default, _ = ndcg(testing, DEFAULT_WEIGHTS)
    in_use = False
    if learned is None:
        reason = "there is nothing yet to learn from (no outcome beyond a shortlist, or no contrast)"
    elif len(found) < min_outcomes or len(needs) < min_needs:
        reason = (
            f"too few outcomes: {len(found)} application(s) over {len(needs)} need(s), "
            f"at least {min_outcomes} over {min_needs} are needed"
        )
    elif evaluated == 0:
        reason = "no held-out need has an outcome to rank"
    elif ndcg_learned <= ndcg_default:
        reason = "they do not beat the defaults on held-out needs"
    else:
        reason, in_use = "they beat the defaults on held-out needs", True
    return TrainReport(
        outcomes=len(found),
        needs=len(needs),
        held_out_needs=len(held),
        evaluated_needs=evaluated,
        ndcg_learned=round(ndcg_learned, 4),
        ndcg_default=round(ndcg_default, 4),
        in_use=in_use,
        reason=reason,
        weights=learned,
    )


def parse_weights(value: Any) -> Weights | None:
    """Stored weights, if they are usable: every factor of each view, finite, ≥ 0, some > 0."""
    value = _json(value)
    if not isinstance(value, dict):
        return None
    try:
        weights = msgspec.convert(value, Weights)
    except msgspec.ValidationError:
        return None
    for stored, defaults in ((weights.recipient, RECIPIENT_WEIGHTS), (weights.pa, PA_WEIGHTS)):
        if set(stored) != set(defaults):
            return None
        if any(not math.isfinite(v) or v < 0 for v in stored.values()) or sum(stored.values()) <= 0:
            return None
    return weights
