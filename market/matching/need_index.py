"""Each worker's needs index (``engine.needs.NeedIndex``): the open needs, built from the
database a batch at a time and patched from the needs change log
(``market.matching.needs.changes``), as ``freshness`` keeps the candidate index.

``NeedsCache.get`` reads the log at most every ``poll`` seconds and patches the needs changed
since the last entry it applied: one small query when nothing changed. It follows the log's
ids with the same floor and holes as ``freshness`` (``freshness.advance_floor``). It rebuilds
instead (awaited: the needs index builds in about a second per 10k needs) when there is none
yet, the database changed, the candidate index's vocabularies changed (the needs' skill and
client group bits are those of the candidate index), "every need" was logged, or too many
needs changed at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from market import db
from market.matching.engine.columns import CandidateIndex, Vocabulary
from market.matching.engine.needs import NeedIndex, need_columns
from market.matching.engine.records import Vocabularies, vocabularies_of
from market.matching.freshness import advance_floor
from market.matching.index import MAX_LANGUAGES, language_code, languages_of
from market.matching.matches import need_place, spec_of
from market.matching.needs import changes
from market.matching.needs.lifecycle import need_outs
from market.matching.tables import Need

POLL_SECONDS = 1.0
BATCH = 2000  # needs read and turned into columns at once (no per-need object outlives a batch)
REBUILD_MIN = 1000  # more changed needs than this (or 5% of the index) at once: rebuild
LOOK_BACK = 1000


def _open() -> Any:
    return (Need.status == "open") & Need.lat.is_not_null() & Need.lon.is_not_null()


async def _language_vocab() -> Vocabulary:
    """The languages open needs name, most asked for first: at most ``MAX_LANGUAGES``."""
    counts: dict[str, int] = {}
    rows = await Need.select(Need.languages_required, Need.languages_preferred).where(_open())
    for row in rows:
        for raw in (row["languages_required"], row["languages_preferred"]):
            for code in languages_of(raw):
                counts[language_code(code)] = counts.get(language_code(code), 0) + 1
    return Vocabulary(tuple(sorted(counts, key=lambda c: (-counts[c], c))[:MAX_LANGUAGES]))


async def _batch(rows: list[dict[str, Any]], vocab: Vocabularies) -> tuple[dict, dict]:
    """The columns of these need rows (open, with a place)."""
    placed = [(r, p) for r in rows if (p := need_place(r)) is not None]
    rows = [r for r, _ in placed]
    places = [p for _, p in placed]
    outs = await need_outs(rows, staff=False)
    specs = [spec_of(need, *place) for need, place in zip(outs, places, strict=True)]
    return need_columns([r["id"] for r in rows], specs, vocab)


def _with_languages(vocab: Vocabularies, languages: Vocabulary) -> Vocabularies:
    return msgspec.structs.replace(vocab, languages=languages)


async def build(pa_index: CandidateIndex) -> NeedIndex:
    """Every open need with a place, read ``BATCH`` at a time in id order."""
    vocab = _with_languages(vocabularies_of(pa_index), await _language_vocab())
    batches = []
    after = 0
    while True:
        rows = await Need.select().where(_open(), Need.id > after).order_by(Need.id).limit(BATCH)
        if not rows:
            break
        after = rows[-1]["id"]
        batches.append(await _batch(rows, vocab))
    return NeedIndex(batches, vocab)


def _same_vocab(index: NeedIndex, pa_index: CandidateIndex) -> bool:
    v = index.vocab
    return (
        v.skills == pa_index.skill_vocab
        and v.groups == pa_index.group_vocab
        and v.limits == pa_index.limit_vocab
        and v.shifts == pa_index.shift_vocab
        and v.courses == pa_index.course_vocab
    )


class NeedsCache:
    """This worker's needs index: built on first use, then patched from the needs change log."""

    def __init__(self, *, poll: float = POLL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.poll = poll
        self._clock = clock
        self._index: NeedIndex | None = None
        self._engine: object = None
        self._floor = 0
        self._applied: set[int] = set()
        self._hole_since: float | None = None
        self._polled = 0.0
        self._lock = asyncio.Lock()
        self.builds = 0
        self.patches = 0

    def reset(self) -> None:
        self._index = None

    async def get(self, pa_index: CandidateIndex) -> NeedIndex:
        """The needs index, fresh to within ``poll`` seconds, in ``pa_index``'s vocabularies."""
        engine = db.current_engine()
        current = self._index
        fresh = current is not None and self._engine is engine and _same_vocab(current, pa_index)
        if (
            fresh
            and current is not None
            and (self._lock.locked() or self._clock() - self._polled < self.poll)
        ):
            return current
        async with self._lock:
            index = self._index
            if index is None or self._engine is not engine or not _same_vocab(index, pa_index):
                await self._rebuild(pa_index, engine)
            elif self._clock() - self._polled >= self.poll:
                await self._refresh(pa_index, engine)
            assert self._index is not None
            return self._index

    async def _rebuild(self, pa_index: CandidateIndex, engine: object) -> None:
        newest = await changes.newest()
        floor = max(0, newest - LOOK_BACK)
        applied = {c for c, _ in await changes.entries(floor) if c <= newest}
        index = await build(pa_index)
        self._index, self._engine = index, engine
        self._floor, self._applied, self._hole_since = floor, applied, None
        self._floor, self._hole_since = advance_floor(self._floor, self._applied, None, self._clock())
        self._polled = self._clock() - self.poll  # due: catch up on what was logged meanwhile
        self.builds += 1

    async def _refresh(self, pa_index: CandidateIndex, engine: object) -> None:
        index = self._index
        assert index is not None
        found = [(c, n) for c, n in await changes.entries(self._floor) if c not in self._applied]
        self._polled = self._clock()
        if found:
            ids = {n for _, n in found}
            if changes.EVERYONE in ids or len(ids) > max(REBUILD_MIN, len(index) // 20):
                await self._rebuild(pa_index, engine)
                return
            self._index = await self._patched(index, sorted(ids))
            self._applied.update(c for c, _ in found)
            self.patches += 1
        self._floor, self._hole_since = advance_floor(
            self._floor, self._applied, self._hole_since, self._clock()
        )

    async def _patched(self, index: NeedIndex, ids: Sequence[int]) -> NeedIndex:
        """The index with these needs read again (those no longer open, or gone, dropped)."""
        rows = await Need.select().where(_open(), Need.id.is_in(list(ids))).order_by(Need.id)
        vocab = index.vocab
        # A language no need named before takes the next free bit (bits already given keep
        # their meaning, so the rest of the index stays valid); past MAX_LANGUAGES it is left out.
        codes = list(vocab.languages.codes)
        for row in rows:
            for raw in (row["languages_required"], row["languages_preferred"]):
                for code in map(language_code, languages_of(raw)):
                    if code not in codes and len(codes) < MAX_LANGUAGES:
                        codes.append(code)
        if len(codes) != len(vocab.languages.codes):
            vocab = _with_languages(vocab, Vocabulary(tuple(codes)))
            index.vocab = vocab
        batch = await _batch(rows, vocab)
        return index.patched(batch, ids)


CACHE = NeedsCache()
