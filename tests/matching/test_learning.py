"""Learning from outcomes: snapshots of the factors at each pipeline step, ``market matching
train`` (learned weights used only when they beat the defaults on held-out needs and enough
outcomes exist), and hard requirements that no weights can change."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from market.clock import london_today
from market.db import write_transaction
from market.dbs.standing import Policy
from market.matching import index as match_index
from market.matching import matches
from market.matching.engine import learning, synthetic
from market.matching.engine.learning import FACTORS
from market.matching.engine.ranking import DEFAULT_WEIGHTS, Weights, combine, rank
from market.matching.needs.lifecycle import need_out
from market.matching.pipeline import learning_store, outcomes
from market.matching.tables import Application, LearnedWeights, Need, OutcomeSnapshot, StageChange
from market.register.tables import PAProfile
from tests.conftest import SECRET
from tests.dbs.support import certificate
from tests.matching.factories import make_need, make_recipient, make_user
from tests.register.factories import make_pa
from tests.support import PRODUCTION_CONTACT


async def _snapshots(application_id: int) -> list[dict]:
    return (
        await OutcomeSnapshot.select()
        .where(OutcomeSnapshot.application == application_id)
        .order_by(OutcomeSnapshot.id)
    )


def _factors(row: dict) -> dict:
    return learning._json(row["factors"])


async def _application(need_id: int, profile_id: int, stage: str = "shortlisted") -> int:
    rows = await Application.insert(Application(need=need_id, profile=profile_id, stage=stage)).returning(
        Application.id
    )
    return rows[0]["id"]


# -- snapshots ---------------------------------------------------------------------------------


async def test_record_snapshot_writes_the_engines_factors_for_a_real_pair(database):
    staff = await make_user("staff")
    recipient = await make_recipient(postcode="PE1 1AB")
    need = await make_need(recipient, hours_per_week=8, preferred_skills=("hoist",), max_rate_pence=1400)
    checked = await make_pa(name="Nina Near", postcode="PE1 1BF", skills={"hoist": 2})
    unchecked = await make_pa(name="Dora Nodbs", postcode="PE1 1BF")  # fails the DBS rule
    await certificate(checked["id"], staff)
    today = london_today()
    first = await _application(need["id"], checked["id"])
    second = await _application(need["id"], unchecked["id"])

    # As the pipeline calls it: inside its stage-change transaction, beside its own writes.
    async with write_transaction():
        await StageChange.insert(StageChange(application=first, from_stage="", to_stage="shortlisted"))
        await outcomes.record_snapshot(first, need["id"], checked["id"], "shortlisted", today, Policy())
        await outcomes.record_snapshot(second, need["id"], unchecked["id"], "shortlisted", today)

    [snapshot] = await _snapshots(first)
    factors = _factors(snapshot)
    assert set(factors) == set(FACTORS)
    assert all(0.0 <= v <= 1.0 for v in factors.values())
    assert (snapshot["need_id"], snapshot["profile_id"], snapshot["stage"]) == (
        need["id"],
        checked["id"],
        "shortlisted",
    )
    total = combine({k: np.asarray([v]) for k, v in factors.items()})[0][0]
    assert snapshot["score"] == pytest.approx(total, abs=1e-3) and snapshot["score"] > 0
    assert await StageChange.count().where(StageChange.application == first) == 1

    # The same factors the engine ranks by.
    spec = matches.spec_of(await need_out(need, staff=False), need["lat"], need["lon"])
    ranking = rank(spec, await match_index.build(policy=Policy()), today)
    [ranked] = [c for c in ranking.candidates if c.profile_id == checked["id"]]
    assert factors == pytest.approx(ranked.factors, abs=1e-3)
    assert unchecked["id"] not in {c.profile_id for c in ranking.candidates}

    # A pair that fails a hard rule still gets its factors: the step happened.
    [failing] = await _snapshots(second)
    assert set(_factors(failing)) == set(FACTORS)


async def test_missing_data_or_errors_never_fail_the_caller(database, engine_name, monkeypatch, caplog):
    recipient = await make_recipient(postcode="PE1 1AB")
    need = await make_need(recipient)
    pa = await make_pa(postcode="PE1 1BF")
    today = london_today()
    app_id = await _application(need["id"], pa["id"])

    # The PA has left the register: the snapshot is kept, with no factors.
    await PAProfile.update({PAProfile.status: "withdrawn"}).where(PAProfile.id == pa["id"])
    await outcomes.record_snapshot(app_id, need["id"], pa["id"], "withdrawn", today)  # no transaction
    # The need has no location.
    await PAProfile.update({PAProfile.status: "approved"}).where(PAProfile.id == pa["id"])
    await Need.update({Need.lat: None, Need.lon: None}).where(Need.id == need["id"])
    async with write_transaction():
        await outcomes.record_snapshot(app_id, need["id"], pa["id"], "invited", today)
    # Working the factors out fails outright.
    await Need.update({Need.lat: recipient["lat"], Need.lon: recipient["lon"]}).where(Need.id == need["id"])

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(outcomes, "pair_factors", broken)
    async with write_transaction():
        await outcomes.record_snapshot(app_id, need["id"], pa["id"], "accepted", today)
    rows = await _snapshots(app_id)
    assert [(r["stage"], _factors(r), r["score"]) for r in rows] == [
        ("withdrawn", {}, 0.0),
        ("invited", {}, 0.0),
        ("accepted", {}, 0.0),
    ]

    # Even a database error (no such application) is rolled back to the snapshot's savepoint:
    # the caller's own writes in the same transaction still commit.
    monkeypatch.undo()
    async with write_transaction():
        await StageChange.insert(StageChange(application=app_id, from_stage="accepted", to_stage="rejected"))
        await outcomes.record_snapshot(10**9, need["id"], pa["id"], "rejected", today)
    assert await StageChange.count().where(StageChange.to_stage == "rejected") == 1
    if engine_name == "postgres":  # SQLite here does not enforce the foreign key
        assert "not recorded for application 1000000000" in caplog.text


# -- training ----------------------------------------------------------------------------------


async def _history(needs: int, per_need: int, *, seed: int = 7) -> None:
    """Synthetic outcomes where availability decides: on each need the PA who covers most of
    the hours is appointed, the next interviewed, the third accepts; the rest are rejected or
    decline. The other factors are noise; the PAs' own factors are all good."""
    rng = np.random.default_rng(seed)
    recipient = await make_recipient(postcode="PE1 1AB")
    pas = [await make_pa(postcode="PE1 1BF") for _ in range(per_need)]
    for number in range(needs):
        need = await make_need(recipient, title=f"Need {number}")
        factors = rng.uniform(0.0, 1.0, (per_need, len(FACTORS)))
        factors[:, 6:] = rng.uniform(0.8, 1.0, (per_need, 3))
        order = np.argsort(-factors[:, 0]).tolist()
        final = ["rejected" if i % 2 else "declined" for i in range(per_need)]
        for stage, position in zip(("appointed", "interview", "accepted"), order, strict=False):
            final[position] = stage
        ids = [
            r["id"]
            for r in await Application.insert(
                *[Application(need=need["id"], profile=pa["id"], stage=final[i]) for i, pa in enumerate(pas)]
            ).returning(Application.id)
        ]
        await OutcomeSnapshot.insert(
            *[
                OutcomeSnapshot(
                    application=app_id,
                    need_id=need["id"],
                    profile_id=pas[i]["id"],
                    stage="shortlisted",
                    factors={k: round(float(v), 4) for k, v in zip(FACTORS, factors[i], strict=True)},
                )
                for i, app_id in enumerate(ids)
            ]
        )
        await StageChange.insert(
            *[StageChange(application=app_id, from_stage="", to_stage="shortlisted") for app_id in ids],
            *[
                StageChange(application=app_id, from_stage="shortlisted", to_stage=final[i])
                for i, app_id in enumerate(ids)
            ],
        )


async def test_learned_weights_that_beat_the_defaults_are_put_in_use(database):
    await _history(needs=24, per_need=10)
    assert await learning_store.current_weights() == DEFAULT_WEIGHTS

    report = await learning_store.train()
    assert (report.outcomes, report.needs) == (240, 24)
    assert report.held_out_needs == 7 and report.evaluated_needs == 7
    assert report.ndcg_learned > report.ndcg_default, report.summary()
    assert report.in_use, report.summary()
    learned = report.weights
    assert learned is not None
    assert max(learned.recipient, key=learned.recipient.get) == "availability"
    assert sum(learned.recipient.values()) == pytest.approx(1.0, abs=1e-3)
    assert all(v >= 0 for v in (*learned.recipient.values(), *learned.pa.values()))
    row = await LearnedWeights.select().where(LearnedWeights.id == report.row_id).first()
    assert row["in_use"] and row["outcomes"] == 240
    assert row["ndcg_learned"] == pytest.approx(report.ndcg_learned)
    assert await learning_store.current_weights() == learned
    assert "now in use" in report.summary() and "NDCG@10" in report.summary()

    # A later run that does not put its weights in use takes these out of use too.
    later = await learning_store.train(min_outcomes=10_000)
    assert not later.in_use and "too few outcomes" in later.reason
    assert await learning_store.current_weights() == DEFAULT_WEIGHTS
    assert await LearnedWeights.count().where(LearnedWeights.in_use.eq(True)) == 0


async def test_too_few_outcomes_keep_the_defaults(database):
    await _history(needs=6, per_need=5)
    report = await learning_store.train()
    assert report.outcomes == 30 and not report.in_use
    assert "too few outcomes" in report.reason
    assert report.weights is not None  # learned and reported, but not used
    assert await learning_store.current_weights() == DEFAULT_WEIGHTS
    row = await LearnedWeights.select().where(LearnedWeights.id == report.row_id).first()
    assert not row["in_use"] and row["outcomes"] == 30


async def test_nothing_to_learn_from(database):
    report = await learning_store.train(min_outcomes=0, min_needs=0)
    assert (report.outcomes, report.in_use, report.weights) == (0, False, None)
    assert "nothing yet to learn from" in report.summary()
    assert await learning_store.current_weights() == DEFAULT_WEIGHTS


def test_labels_and_weights_in_the_engines_shape():
    assert learning.relevance_of(["shortlisted", "invited", "accepted", "interview", "rejected"]) == 0.6
    assert learning.relevance_of(["shortlisted", "invited", "declined"]) == 0.0
    assert learning.relevance_of(["offered", "appointed", "started"]) == 1.0
    weights = learning.weights_from({"availability": 3.0, "distance": -2.0, "skills": 1.0, "rate": -1.0})
    assert weights.recipient == {
        "availability": 0.75,
        "distance": 0.0,
        "skills": 0.25,
        "groups": 0.0,
        "training": 0.0,
        "preferences": 0.0,
    }
    assert weights.pa == DEFAULT_WEIGHTS.pa  # nothing above 0: the view keeps the defaults
    assert learning.parse_weights({"recipient": {"availability": 1.0}, "pa": {}}) is None
    assert learning.parse_weights('{"recipient": 1}') is None
    stored = learning.parse_weights(_stored(weights))
    assert stored == weights
    assert learning.split(range(10)) == learning.split(range(10)) and len(learning.split(range(10))) == 3


def _stored(weights: Weights) -> dict:
    return {"recipient": dict(weights.recipient), "pa": dict(weights.pa)}


# -- hard requirements -------------------------------------------------------------------------


def test_no_weights_change_who_passes_the_hard_rules():
    """Over a synthetic register, any weights list the same PAs with the same exclusions."""
    at = date(2026, 12, 1)
    index = synthetic.make_index(3000, seed=3, at=at)
    rng = np.random.default_rng(11)
    for _ in range(25):
        need = synthetic.random_need(rng, at=at)
        default = rank(need, index, at, limit=len(index))
        recipient = rng.dirichlet(np.ones(len(DEFAULT_WEIGHTS.recipient)) * 0.3)
        pa = rng.dirichlet(np.ones(len(DEFAULT_WEIGHTS.pa)) * 0.3)
        weights = Weights(
            recipient=dict(zip(DEFAULT_WEIGHTS.recipient, recipient.tolist(), strict=True)),
            pa=dict(zip(DEFAULT_WEIGHTS.pa, pa.tolist(), strict=True)),
        )
        learned = rank(need, index, at, limit=len(index), weights=weights)
        assert {c.profile_id for c in learned.candidates} == {c.profile_id for c in default.candidates}
        assert (learned.total, learned.excluded) == (default.total, default.excluded)


async def test_matches_use_the_learned_weights_and_the_same_pas_pass(database):
    staff = await make_user("staff")
    recipient = await make_recipient(postcode="PE1 1AB")
    need = await make_need(recipient, hours_per_week=8, max_rate_pence=1300, rate_firm=True)
    passing = [
        await make_pa(postcode="PE1 1BF", min_rate_pence=1200, travel_miles=10),
        await make_pa(postcode="PE1 1AB", min_rate_pence=1300, slots=(("Monday", "09:00", "11:00"),)),
        await make_pa(postcode="PE2 5AA", min_rate_pence=1000, travel_miles=15),
    ]
    dear = await make_pa(postcode="PE1 1BF", min_rate_pence=1500)  # above a firm budget
    far = await make_pa(postcode="OX1 1DP")  # beyond the need's distance
    unchecked = await make_pa(postcode="PE1 1BF")  # no DBS check
    for profile in (*passing, dear, far):
        await certificate(profile["id"], staff)
    learned = Weights(
        recipient={**dict.fromkeys(DEFAULT_WEIGHTS.recipient, 0.0), "distance": 1.0},
        pa={**dict.fromkeys(DEFAULT_WEIGHTS.pa, 0.0), "rate": 1.0},
    )
    await LearnedWeights.insert(LearnedWeights(weights=_stored(learned), outcomes=500, in_use=True))
    learning_store.forget()
    assert await learning_store.current_weights() == learned

    today = london_today()
    matches.CACHE._index = None  # a fresh index for this test's database
    # As staff see them (exact scores): anyone else's are banded (tests/search/test_location_privacy.py).
    found = await matches.for_need(await need_out(need, staff=True), database, today, limit=50, banded=False)
    spec = matches.spec_of(await need_out(need, staff=False), need["lat"], need["lon"])
    index = await match_index.build(policy=Policy.of(database))
    default = rank(spec, index, today, limit=50)
    with_learned = rank(spec, index, today, limit=50, weights=learned)

    ids = {p["id"] for p in passing}
    assert {m.profile_id for m in found.matches} == ids == {c.profile_id for c in default.candidates}
    assert not {dear["id"], far["id"], unchecked["id"]} & {m.profile_id for m in found.matches}
    assert found.total == default.total == 3
    assert dict(found.excluded) == {
        "Further away than the need allows": 1,
        "No current DBS check of the level the work needs": 1,
        "Their minimum rate is above the budget (it is firm)": 1,
    }
    # The page ranks by the learned weights.
    assert [(m.profile_id, m.score) for m in found.matches] == [
        (c.profile_id, round(c.score * 100)) for c in with_learned.candidates
    ]
    learning_store.forget()


# -- the command -------------------------------------------------------------------------------


async def test_market_matching_train_command(database, tmp_path):
    await _history(needs=6, per_need=4)
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "market.cli", "matching", "train", "--min-outcomes", "10"],
        env={
            "PATH": "/usr/bin:/bin",
            "MARKET_VAR_DIR": str(tmp_path),
            "MARKET_SECRET_KEY": SECRET,
            **PRODUCTION_CONTACT,
            "MARKET_DATABASE_URL": database.database_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Outcomes used: 24 application(s) over 6 need(s)" in result.stdout
    assert "NDCG@10 on held-out needs: learned" in result.stdout
    assert "The default weights are in use: too few outcomes" in result.stdout  # 6 needs < 20
    row = await LearnedWeights.select().order_by(LearnedWeights.id, ascending=False).first()
    assert row is not None and row["outcomes"] == 24 and not row["in_use"]
