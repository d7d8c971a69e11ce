"""Each worker's needs index (``engine.needs.NeedIndex``): the open needs, built from the
database a batch at a time and patched from the needs change log
(``market.matching.needs.changes``), as ``freshness`` keeps the candidate index.

``NeedsCache.get`` reads the log at most every ``poll`` seconds and patches the needs changed
since the last entry it applied: one small query when nothing changed. It follows the log's
ids with the same floor and holes as ``freshness`` (``freshness.advance_floor``).

Only the first build (no index yet, or one made for another database) is awaited by the
request that needs it. Every other rebuild (the candidate index's vocabularies changed, "every
need" was logged, too many needs changed at once) runs in the background, as the candidate
index's do: until it is in, the old index answers (the PA's one-row index is read in the old
index's vocabularies: ``engine.needs.pa_view``), still patched for every need changed. The
rebuild notes the log's state when it starts and installs it with the new index in one
synchronous step, under the lock, so no patch lands on the index it replaced; the next poll
applies what was logged since the start onto the new one. A rebuild that fails is logged and
the old index kept; another is tried after ``freshness.RETRY_SECONDS``.

Each need also carries its card (``Card``): what work near you shows of it and the engine's
view of it (``NeedSpec``), so that the needs shown are built without reading the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from market import db
from market.matching import freshness
from market.matching.engine.columns import CandidateIndex, Vocabulary
from market.matching.engine.need import NeedSpec
from market.matching.engine.needs import NeedIndex, need_columns
from market.matching.engine.records import Vocabularies, vocabularies_of
from market.matching.freshness import advance_floor
from market.matching.index import MAX_LANGUAGES, language_code, languages_of
from market.matching.matches import need_place, spec_of
from market.matching.needs import changes
from market.matching.needs.lifecycle import need_outs
from market.matching.tables import Need

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
BATCH = 2000  # needs read and turned into columns at once (no per-need object outlives a batch)
REBUILD_MIN = 1000  # more changed needs than this (or 5% of the index) at once: rebuild
LOOK_BACK = 1000


class Card(msgspec.Struct, frozen=True, kw_only=True):
    """What work near you shows of a need (never the person's name, address or description),
    and the engine's view of it for the reasons."""

    title: str
    kind: str
    district: str
    hours_per_week: float | None
    times: tuple[str, ...]
    spec: NeedSpec


_encode = msgspec.msgpack.Encoder().encode
read_card = msgspec.msgpack.Decoder(Card).decode


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
    """The columns (and cards) of these need rows (open, with a place)."""
    placed = [(r, p) for r in rows if (p := need_place(r)) is not None]
    rows = [r for r, _ in placed]
    outs = await need_outs(rows, staff=False)

    def columns() -> tuple[dict, dict]:
        specs = [spec_of(need, *place) for need, (_, place) in zip(outs, placed, strict=True)]
        cards = [
            _encode(
                Card(
                    title=need.title,
                    kind=need.kind,
                    district=need.district,
                    hours_per_week=need.hours_per_week,
                    times=tuple(c.label for c in need.cover_dates)
                    if need.kind == "cover"
                    else tuple(s.label for s in need.slots),
                    spec=spec,
                )
            )
            for need, spec in zip(outs, specs, strict=True)
        ]
        return need_columns([r["id"] for r in rows], specs, vocab, cards)

    # A build's batch in a thread (the event loop serves requests meanwhile); a patch's few
    # needs at once.
    return await asyncio.to_thread(columns) if len(rows) > 200 else columns()


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


def same_vocab(index: NeedIndex, pa_index: CandidateIndex) -> bool:
    """The needs index's bits mean what the candidate index's do (courses aside: a need's
    columns hold no course bits)."""
    v = index.vocab
    return (
        v.skills == pa_index.skill_vocab
        and v.groups == pa_index.group_vocab
        and v.limits == pa_index.limit_vocab
        and v.shifts == pa_index.shift_vocab
    )


Built = tuple[NeedIndex, int, set[int]]  # the index, and the log's floor and ids applied at its start


class NeedsCache(freshness.BackgroundRebuild):
    """This worker's needs index: built on first use, then patched from the needs change log
    and rebuilt in the background. ``builds``, ``patches`` and ``failures`` count what it did
    (for tests and the benchmark)."""

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
        self._failed_at: float | None = None
        self.builds = 0
        self.failures = 0
        self.patches = 0

    def reset(self) -> None:
        """Forget the index: the next ``get`` builds one."""
        self._index = None

    def _due(self) -> bool:
        return self._clock() - self._polled >= self.poll

    async def get(self, pa_index: CandidateIndex) -> NeedIndex:
        """The needs index, fresh to within ``poll`` seconds (its vocabularies may be older
        than ``pa_index``'s while a rebuild runs: read the PA through ``pa_view``)."""
        engine = db.current_engine()
        current = self._index
        if current is not None and self._engine is engine and (self._lock.locked() or not self._due()):
            if not same_vocab(current, pa_index):
                self._rebuild_later(pa_index, engine)
            return current
        async with self._lock:
            if self._index is None or self._engine is not engine:
                self._install(await self._build(pa_index), engine)
            else:
                if not same_vocab(self._index, pa_index):
                    self._rebuild_later(pa_index, engine)
                if self._due():
                    await self._refresh(pa_index, engine)
            assert self._index is not None
            return self._index

    async def _build(self, pa_index: CandidateIndex) -> Built:
        """A fresh index, with the change log's state as it was when the build started."""
        newest = await changes.newest()
        floor = max(0, newest - LOOK_BACK)
        applied = {c for c, _ in await changes.entries(floor) if c <= newest}
        started = time.perf_counter()
        index = await build(pa_index)
        log.info("needs index built: %d needs in %.2f s", len(index), time.perf_counter() - started)
        return index, floor, applied

    def _install(self, built: Built, engine: object) -> None:
        """Swap in a built index and the log state of its start (synchronous); the next poll
        applies what was logged since."""
        self._index, self._floor, self._applied = built
        self._engine, self._hole_since = engine, None
        self._floor, self._hole_since = advance_floor(self._floor, self._applied, None, self._clock())
        self._polled = self._clock() - self.poll  # due: catch up on what was logged meanwhile
        self.builds += 1

    def _rebuild_later(self, pa_index: CandidateIndex, engine: object) -> None:
        """Start a background rebuild (unless one runs, or one failed too recently)."""
        if self.rebuilding:
            return
        if self._failed_at is not None and self._clock() - self._failed_at < freshness.RETRY_SECONDS:
            return
        self._building = asyncio.create_task(self._rebuild_in_background(pa_index, engine))

    async def _rebuild_in_background(self, pa_index: CandidateIndex, engine: object) -> None:
        try:
            built = await self._build(pa_index)
        except Exception:
            self.failures += 1
            self._failed_at = self._clock()
            log.exception("needs index rebuild failed: the old index is kept")
            return
        self._failed_at = None
        async with self._lock:  # never while a patch is being read for the old index
            if self._index is not None and self._engine is engine:  # not replaced by a first build
                self._install(built, engine)

    async def _refresh(self, pa_index: CandidateIndex, engine: object) -> None:
        """Apply what the log holds since the last look. "Every need", or too many at once,
        starts a background rebuild and stays pending; every other need is patched at once
        all the same (during a rebuild too: the new index reads them again after the swap)."""
        index = self._index
        assert index is not None
        found = [(c, n) for c, n in await changes.entries(self._floor) if c not in self._applied]
        self._polled = self._clock()
        if found:
            ids = {n for _, n in found} - {changes.EVERYONE}
            too_many = len(ids) > max(REBUILD_MIN, len(index) // 20)
            if too_many or len(ids) < len({n for _, n in found}):
                self._rebuild_later(pa_index, engine)
            if ids and not too_many:
                self._index = await self._patched(index, sorted(ids))
                self._applied.update(c for c, n in found if n in ids)
                self.patches += 1
        self._floor, self._hole_since = advance_floor(
            self._floor, self._applied, self._hole_since, self._clock()
        )

    async def _patched(self, index: NeedIndex, ids: Sequence[int]) -> NeedIndex:
        """The index with these needs read again (those no longer open, or gone, dropped), in
        its own vocabularies (a skill they lack, new since the build, is held as a build in
        them would hold it, until the rebuild that their difference from the candidate
        index's has started)."""
        rows = await Need.select().where(_open(), Need.id.is_in(list(ids))).order_by(Need.id)
        vocab = index.vocab
        # A language no need named before takes the next free bit (bits already given keep
        # their meaning, so the rest of the index stays valid); past MAX_LANGUAGES it is kept
        # by code (``engine.needs``: judged by code, as exactly).
        codes = list(vocab.languages.codes)
        for row in rows:
            for raw in (row["languages_required"], row["languages_preferred"]):
                for code in map(language_code, languages_of(raw)):
                    if code not in codes and len(codes) < MAX_LANGUAGES:
                        codes.append(code)
        if len(codes) != len(vocab.languages.codes):
            vocab = _with_languages(vocab, Vocabulary(tuple(codes)))
        return index.patched(await _batch(rows, vocab), ids, vocab)


CACHE = NeedsCache()
