"""Patching the candidate index in place: after any mix of edits, moves, additions, removals
and reactivations, rank() on the patched index answers exactly as on an index built afresh
from the same rows; a row the vocabularies cannot hold asks for a rebuild."""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np
import pytest

from market.geo.distance import haversine_miles
from market.matching.engine import columns
from market.matching.engine.columns import ROW_COLUMNS, CandidateIndex
from market.matching.engine.ranking import NeedSpec, rank
from market.matching.engine.records import NeedsRebuild, PARow, build_index, patch_index
from market.matching.engine.synthetic import VOCABULARIES, make_index, random_need, random_row

AT = date(2026, 12, 1)
PLACES = {
    "peterborough": (52.5735, -0.2489),
    "london": (51.515, -0.09),
    "newcastle": (54.978, -1.6178),
}


def needs_near(rng: np.random.Generator, count: int) -> list[NeedSpec]:
    found = []
    for _ in range(count):
        lat, lon = PLACES[str(rng.choice(list(PLACES)))]
        need = random_need(rng, at=AT)
        found.append(
            msgspec.structs.replace(
                need,
                lat=lat + rng.normal(0, 0.05),
                lon=lon + rng.normal(0, 0.08),
                max_distance=float(rng.choice([3, 5, 10, 15, 20, 30])),
                # Mostly loose needs, so that many PAs pass and the order is tested too.
                required_skills=need.required_skills[: int(rng.integers(0, 2))],
                gender_required=need.gender_required and rng.random() < 0.3,
                dbs=str(rng.choice(["", "enhanced", need.dbs])),
            )
        )
    return found


def new_row(rng: np.random.Generator, profile_id: int) -> PARow:
    return random_row(rng, profile_id, near=PLACES[str(rng.choice(list(PLACES)))], at=AT)


def assert_same_rankings(patched: CandidateIndex, rows: dict[int, PARow], needs: list[NeedSpec]) -> None:
    fresh = build_index(list(rows.values()), VOCABULARIES)
    for need in needs:
        for limit in (5, 10_000):
            assert rank(need, patched, AT, limit=limit) == rank(need, fresh, AT, limit=limit)


def edit(rng: np.random.Generator, row: PARow) -> PARow:
    """Change a few things about a PA, sometimes moving them far away."""
    other = new_row(rng, row.profile_id)
    fields = [f for f in PARow.__struct_fields__ if f not in ("profile_id", "lat", "lon")]
    changes = {f: getattr(other, f) for f in rng.choice(fields, size=int(rng.integers(1, 6)), replace=False)}
    if rng.random() < 0.3:  # a move: often to another city entirely
        changes |= {"lat": other.lat, "lon": other.lon}
    elif rng.random() < 0.3:  # a small move, same neighbourhood
        changes |= {"lat": row.lat + rng.normal(0, 0.002), "lon": row.lon + rng.normal(0, 0.003)}
    return msgspec.structs.replace(row, **changes)


@pytest.mark.parametrize("seed", range(6))
def test_a_patched_index_ranks_exactly_as_a_fresh_one(seed):
    rng = np.random.default_rng(seed)
    rows = {pid: new_row(rng, pid) for pid in range(1, 601)}
    index = build_index(list(rows.values()), VOCABULARIES)
    gone: set[int] = set()
    next_id = 10_000
    needs = needs_near(rng, 12)
    for _ in range(8):
        present = sorted(rows)
        changed = [edit(rng, rows[pid]) for pid in rng.choice(present, size=25, replace=False)]
        added = []
        for _ in range(int(rng.integers(0, 30))):
            next_id += 1
            added.append(new_row(rng, next_id))
        removed = [int(pid) for pid in rng.choice(present, size=10, replace=False)]
        back = [msgspec.structs.replace(rows[pid], active=True) for pid in sorted(gone)[:5] if pid in rows]
        patch_index(index, [*changed, *added, *back], gone=removed)
        for row in [*changed, *added, *back]:
            rows[row.profile_id] = row
            gone.discard(row.profile_id)
        for pid in removed:
            gone.add(pid)
        live = {pid: row for pid, row in rows.items() if pid not in gone}
        assert_same_rankings(index, live, needs)
        # Those gone are simply inactive: the same as a fresh index holding them inactive.
        held = {
            pid: msgspec.structs.replace(row, active=False) if pid in gone else row
            for pid, row in rows.items()
        }
        assert_same_rankings(index, held, needs[:3])


def test_a_removed_pa_is_never_listed_and_comes_back_when_patched_active():
    rng = np.random.default_rng(3)
    rows = [random_row(rng, pid, near=PLACES["peterborough"], spread_miles=2, at=AT) for pid in range(1, 41)]
    rows = [msgspec.structs.replace(r, active=True, wont_do=(), year_pattern="all_year") for r in rows]
    index = build_index(rows, VOCABULARIES)
    need = NeedSpec(lat=PLACES["peterborough"][0], lon=PLACES["peterborough"][1], max_distance=30)
    listed = {c.profile_id for c in rank(need, index, AT, limit=100).candidates}
    assert 7 in listed
    patch_index(index, [], gone=[7, 99_999])  # an id never indexed is ignored
    after = rank(need, index, AT, limit=100)
    assert 7 not in {c.profile_id for c in after.candidates}
    assert "inactive" not in after.excluded
    patch_index(index, [rows[6]])
    assert 7 in {c.profile_id for c in rank(need, index, AT, limit=100).candidates}
    # In both the rows and gone: gone wins.
    patch_index(index, [rows[6]], gone=[7])
    assert 7 not in {c.profile_id for c in rank(need, index, AT, limit=100).candidates}


def test_a_move_far_away_leaves_the_old_place_and_joins_the_new():
    rng = np.random.default_rng(5)
    rows = [random_row(rng, pid, near=PLACES["peterborough"], spread_miles=2, at=AT) for pid in range(1, 21)]
    rows = [
        msgspec.structs.replace(r, active=True, wont_do=(), year_pattern="all_year", travel_miles=25)
        for r in rows
    ]
    index = build_index(rows, VOCABULARIES)
    here = NeedSpec(lat=PLACES["peterborough"][0], lon=PLACES["peterborough"][1], max_distance=10)
    there = NeedSpec(lat=PLACES["newcastle"][0], lon=PLACES["newcastle"][1], max_distance=10)
    patch_index(
        index, [msgspec.structs.replace(rows[0], lat=PLACES["newcastle"][0], lon=PLACES["newcastle"][1])]
    )
    assert 1 not in {c.profile_id for c in rank(here, index, AT, limit=100).candidates}
    found = rank(there, index, AT, limit=100).candidates
    assert [c.profile_id for c in found] == [1]
    assert found[0].miles == 0.0


@pytest.mark.parametrize(
    "changes",
    [
        {"languages": ("english", "klingon")},
        {"skills": {"hoist": 2, "juggling": 1}},
        {"courses": {"first_aid_2031": (None, True)}},
        {"groups": ("older_people", "aliens")},
    ],
)
def test_a_code_the_vocabularies_lack_needs_a_rebuild_and_changes_nothing(changes):
    rng = np.random.default_rng(9)
    rows = [random_row(rng, pid, near=PLACES["london"], at=AT) for pid in range(1, 51)]
    index = build_index(rows, VOCABULARIES)
    need = NeedSpec(lat=PLACES["london"][0], lon=PLACES["london"][1], max_distance=20)
    before = rank(need, index, AT, limit=100)
    edited = msgspec.structs.replace(rows[0], active=not rows[0].active, **changes)
    with pytest.raises(NeedsRebuild):
        patch_index(index, [rows[1], edited, new_row(rng, 500)], gone=[3])
    assert rank(need, index, AT, limit=100) == before
    assert len(index) == 50


def test_patching_an_empty_index():
    index = build_index([], VOCABULARIES)
    row = msgspec.structs.replace(
        random_row(np.random.default_rng(1), 1, near=PLACES["london"], at=AT), active=True
    )
    patch_index(index, [row])
    need = NeedSpec(lat=row.lat, lon=row.lon, max_distance=1)
    assert rank(need, index, AT) == rank(need, build_index([row], VOCABULARIES), AT)


@pytest.mark.parametrize("seed", range(3))
def test_compacting_keeps_every_answer(seed, monkeypatch):
    """With a tiny compaction threshold, patches re-sort the index again and again."""
    monkeypatch.setattr(columns, "PENDING_MIN", 15)
    monkeypatch.setattr(columns, "PENDING_SHARE", 10**9)
    rng = np.random.default_rng(100 + seed)
    rows = {pid: new_row(rng, pid) for pid in range(1, 201)}
    index = build_index(list(rows.values()), VOCABULARIES)
    needs = needs_near(rng, 8)
    next_id = 1000
    compactions = 0
    for _ in range(12):
        changed = [edit(rng, rows[pid]) for pid in rng.choice(sorted(rows), size=12, replace=False)]
        next_id += 1
        changed.append(new_row(rng, next_id))
        before = index.pending
        patch_index(index, changed)
        compactions += index.pending < before
        rows |= {row.profile_id: row for row in changed}
        assert index.pending <= 15
        assert_same_rankings(index, rows, needs)
    assert compactions >= 3
    assert len(index) == len(rows) + index.pending - (len(index) - index.sorted_rows)
    assert {index.row_of(pid) for pid in rows} == {
        r for r in range(len(index)) if index.row_of(int(index.profile_id[r])) == r
    }


def test_the_arrays_grow_past_their_room():
    rng = np.random.default_rng(4)
    rows = [new_row(rng, pid) for pid in range(1, 11)]
    index = build_index(rows, VOCABULARIES)
    more = [new_row(rng, pid) for pid in range(11, 400)]
    for start in range(0, len(more), 50):  # the first 10 rows leave room for 64 more
        patch_index(index, more[start : start + 50])
    everyone = {row.profile_id: row for row in [*rows, *more]}
    assert len(index) >= len(everyone)
    assert_same_rankings(index, everyone, needs_near(rng, 6))


@pytest.mark.parametrize("seed", range(4))
def test_the_slices_near_a_place_hold_every_row_within_the_distance(seed):
    """Anywhere on Earth, near the poles and across the antimeridian included."""
    rng = np.random.default_rng(seed)
    centres = [(0.0, 179.9), (0.0, -179.95), (89.5, 10.0), (-89.9, -120.0), (52.2, -0.1), (60.0, 180.0)]
    centres += [(float(rng.uniform(-90, 90)), float(rng.uniform(-180, 180))) for _ in range(6)]
    lat = np.concatenate([np.clip(c[0] + rng.normal(0, 1.5, 300), -90, 90) for c in centres])
    lon = np.concatenate([(c[1] + rng.normal(0, 3, 300) + 180) % 360 - 180 for c in centres])
    lat = np.concatenate([lat, rng.uniform(-90, 90, 2000)])
    lon = np.concatenate([lon, rng.uniform(-180, 180, 2000)])
    index = make_index(len(lat), seed=seed, at=AT)
    arrays = {name: getattr(index, name).copy() for name in ROW_COLUMNS}
    index = CandidateIndex(
        **{**arrays, "lat": lat, "lon": lon, "active": np.ones(len(lat), dtype=bool)},
        **{
            f"{kind}_vocab": getattr(index, f"{kind}_vocab")
            for kind in ("skill", "course", "group", "language", "limit", "shift")
        },
        skill_courses=index.skill_courses,
    )
    for lat0, lon0 in centres:
        for miles in (0.5, 5, 30, 150, 900, 6000, 20000):
            spans = index.slices(lat0, lon0, miles)
            held = np.zeros(len(index), dtype=bool)
            for start, end in spans:
                assert not held[start:end].any()  # disjoint
                held[start:end] = True
            within = haversine_miles(lat0, lon0, index.lat, index.lon) <= miles
            assert not (within & ~held).any(), (lat0, lon0, miles)
            need = NeedSpec(lat=lat0, lon=lon0, max_distance=miles)
            ranking = rank(need, index, AT, limit=10_000)
            assert ranking.excluded.get("distance", 0) == int((~within).sum())
            assert all(c.miles <= miles + 0.05 for c in ranking.candidates)
