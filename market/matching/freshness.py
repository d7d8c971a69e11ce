"""Keeping each worker's candidate index fresh: built once, then patched.

Every writer of what the engine sees logs the PA's id in ``register.changes`` (in its own
transaction). ``IndexCache.get`` reads the log at most every ``poll`` seconds and patches the
PAs changed since the last row it applied (``records.patch_index``): one small query when
nothing changed, a few when something did. It rebuilds instead when there is no index yet,
the database or DBS policy changed, a change concerns everyone (a course added or changed:
the courses a skill depends on, expiries), too many PAs changed at once, or ``patch_index``
raises ``NeedsRebuild`` (a row uses a skill, course, client group or language code the
index's vocabularies lack).

Time passing needs no rebuild: the index keeps DBS "current until" and training expiry as day
numbers and ``rank`` compares them with the date it is given.

The log's ids come from a sequence. On PostgreSQL an id is taken when the row is written and
becomes visible when its transaction commits, so id 11 can be seen before id 10: the cache
keeps a *floor* (every id at or below it is applied) and the ids above it already applied,
reads everything above the floor, and gives up on a hole after ``GAP_SECONDS`` (a rolled-back
transaction leaves one for good).

Concurrency: one asyncio lock. While one request refreshes, others get the current index at
once rather than wait (a poll interval behind). Patching is synchronous, and ``rank`` is too,
so no request ever sees a half-patched index.

Rebuilds run in the background: only the very first build (no index yet, or one made for
another database or DBS policy) is awaited by the request that needs it. Otherwise the
rebuild is an asyncio task, and until it is done every request gets the old index, still
patched for every change a patch can carry (the change that asked for the rebuild may be
one no patch can apply: it stays pending until the new index is in). The build does its
reading in a snapshot of its own and its CPU work in threads (``match_index.build``), so
the event loop keeps serving requests from the old index while it runs.
The rebuild notes the change log's state when it *starts* (the floor, and the ids committed
by then) and installs it with the new index in one synchronous step; the next poll then
applies every change logged since the rebuild started onto the new index, so none is lost
across the swap. A rebuild that fails is logged and the old index kept; another is tried
after ``RETRY_SECONDS``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

import msgspec

from market import db
from market.dbs.standing import Policy
from market.matching import index as match_index
from market.matching.engine import records
from market.matching.engine.ranking import CandidateIndex
from market.matching.engine.records import PARow
from market.register import changes

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often a worker looks at the change log (edits show within ~this)
REBUILD_SHARE = 0.05  # more changed PAs than this share of the index at once: rebuild
REBUILD_MIN = 1000  # ... but never rebuild for fewer than this many
GAP_SECONDS = 60.0  # how long to wait for a change id seen missing before giving up on it
LOOK_BACK = 1000  # after a build, the change ids below the newest checked for holes
JOURNAL = 4096  # how many past refreshes ``changed_since`` can answer for
RETRY_SECONDS = 60.0  # after a background rebuild failed, how long before another is tried


class BackgroundRebuild:
    """A cache whose full rebuild runs as a task while its old index keeps answering: whether
    one runs, and a way to wait for it (the PA index, the needs index, the search extras)."""

    _building: asyncio.Task[None] | None = None  # the background rebuild, if one runs

    @property
    def rebuilding(self) -> bool:
        return self._building is not None and not self._building.done()

    async def settled(self) -> None:
        """Wait for the background rebuild, if one runs (for tests and benchmarks)."""
        if (task := self._building) is not None:
            await asyncio.shield(task)


class IndexCache(BackgroundRebuild):
    """This worker's candidate index: built on first use, then patched from the change log.

    ``builds`` and ``patches`` count what it did (for tests and the benchmark). What else a
    worker keeps of the PAs (the search's extras) follows the same log through
    ``generation`` and ``changed_since``, so it never reads the log itself."""

    def __init__(self, *, poll: float = POLL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.poll = poll
        self._clock = clock
        self._index: CandidateIndex | None = None
        self._for: tuple[Policy, object] | None = None  # (policy, engine) the index was built for
        self._floor = 0  # every change id <= floor is applied (or given up on)
        self._applied: set[int] = set()  # change ids > floor already applied
        self._hole_since: float | None = None  # when a hole above the floor was first seen
        self._polled = 0.0
        self._lock = asyncio.Lock()
        self._failed_at: float | None = None  # when the last background rebuild failed
        self.builds = 0
        self.failures = 0  # background rebuilds that failed
        self.patches = 0
        self.patched_rows = 0
        # One entry per change of the index: (generation, the PAs it changed, or None when
        # any PA may have: a build whose changes were not read from the log).
        self.generation = 0
        self._journal: deque[tuple[int, frozenset[int] | None]] = deque(maxlen=JOURNAL)

    def _record(self, profiles: set[int] | None) -> None:
        self.generation += 1
        self._journal.append((self.generation, None if profiles is None else frozenset(profiles)))

    def changed_since(self, generation: int) -> set[int] | None:
        """The PAs changed since the index was at ``generation``, or None when that is not
        known (a build from scratch since, or too long ago): read everyone again."""
        if generation == self.generation:
            return set()
        if not self._journal or self._journal[0][0] > generation + 1:
            return None
        changed: set[int] = set()
        for at, profiles in self._journal:
            if at <= generation:
                continue
            if profiles is None:
                return None
            changed |= profiles
        return changed

    def reset(self) -> None:
        """Forget the index: the next ``get`` builds one."""
        self._index = None

    async def get(self, policy: Policy) -> CandidateIndex:
        """The index, fresh to within ``poll`` seconds (plus one refresh)."""
        wanted = (policy, db.current_engine())
        current = self._index
        if current is not None and self._same(wanted) and (self._lock.locked() or not self._due()):
            return current
        async with self._lock:
            if self._index is None or not self._same(wanted):
                await self._rebuild(policy, wanted)
            elif self._due():
                await self._refresh(policy, wanted)
            assert self._index is not None
            return self._index

    def _same(self, wanted: tuple[Policy, object]) -> bool:
        return self._for is not None and self._for[0] == wanted[0] and self._for[1] is wanted[1]

    def _due(self) -> bool:
        return self._clock() - self._polled >= self.poll

    async def _rebuild(self, policy: Policy, wanted: tuple[Policy, object]) -> None:
        """Build now and install (the first build: nothing to answer with meanwhile)."""
        self._install(*await self._build(policy, wanted), wanted)

    async def _build(
        self, policy: Policy, wanted: tuple[Policy, object]
    ) -> tuple[CandidateIndex, int, set[int], set[int] | None, float]:
        """A fresh index, with the change log's state as it was when the build started, and
        the PAs it changes from the index in hand (None: not known, for a first build)."""
        newest = await changes.newest()
        floor = max(0, newest - LOOK_BACK)
        # The changes committed by now are in what build() reads next; any hole below the
        # newest may be a transaction still open, so it is looked for on the next polls.
        known = self._index is not None and self._same(wanted)
        since = min(floor, self._floor) if known else floor
        listed = [(c, p) for c, p in await changes.entries(since) if c <= newest]
        applied = {change for change, _ in listed if change > floor}
        # What the new index holds that the old one had not applied (its journal entry).
        changed = (
            {p for c, p in listed if c > self._floor and c not in self._applied} - {changes.EVERYONE}
            if known
            else None
        )
        started = time.perf_counter()
        index = await match_index.build(policy=policy)
        return index, floor, applied, changed, time.perf_counter() - started

    def _install(
        self,
        index: CandidateIndex,
        floor: int,
        applied: set[int],
        changed: set[int] | None,
        seconds: float,
        wanted: tuple[Policy, object],
    ) -> None:
        """Swap in a built index and the log state of its start (synchronous: no request sees
        one without the other); the next poll applies what was logged since."""
        self._index, self._for = index, wanted
        self._floor, self._applied, self._hole_since = floor, applied, None
        self._advance_floor()
        self._polled = self._clock() - self.poll  # due: catch up on the changes since the start
        self.builds += 1
        self._record(changed)
        log.info("matching index built: %d PAs in %.2f s", len(index), seconds)

    def _rebuild_later(self, policy: Policy, wanted: tuple[Policy, object]) -> None:
        """Start a background rebuild (unless one runs, or one failed too recently)."""
        if self.rebuilding:
            return
        if self._failed_at is not None and self._clock() - self._failed_at < RETRY_SECONDS:
            return
        self._building = asyncio.create_task(self._rebuild_in_background(policy, wanted))

    async def _rebuild_in_background(self, policy: Policy, wanted: tuple[Policy, object]) -> None:
        try:
            built = await self._build(policy, wanted)
        except Exception:
            self.failures += 1
            self._failed_at = self._clock()
            log.exception("matching index rebuild failed: the old index is kept")
            return
        self._failed_at = None
        # Under the lock: a refresh awaiting the log or the rows must not mark its changes
        # applied on an index it did not patch (the swap would lose them until the next build).
        async with self._lock:
            if self._index is not None and self._same(wanted):  # not replaced meanwhile by a first build
                self._install(*built, wanted)

    async def _refresh(self, policy: Policy, wanted: tuple[Policy, object]) -> None:
        """Apply what the log holds since the last look. A change no patch can carry (one for
        everyone, a code the vocabularies lack, too many PAs at once) starts a background
        rebuild and stays pending; every other PA is patched at once all the same, during a
        rebuild too, so no edit waits for one (the new index gets them again after the swap)."""
        index = self._index
        assert index is not None
        found = [(c, p) for c, p in await changes.entries(self._floor) if c not in self._applied]
        self._polled = self._clock()
        if found:
            profiles = {p for _, p in found} - {changes.EVERYONE}
            too_many = len(profiles) > max(REBUILD_MIN, REBUILD_SHARE * len(index))
            if too_many or len(profiles) < len({p for _, p in found}):
                self._rebuild_later(policy, wanted)
            patched = set() if too_many else await self._patch(index, profiles, policy)
            if patched != profiles:
                self._rebuild_later(policy, wanted)
            if patched:
                self._applied.update(c for c, p in found if p in patched)
                self._record(patched)
                self.patches += 1
                self.patched_rows += len(patched)
        self._advance_floor()

    async def _patch(self, index: CandidateIndex, profiles: set[int], policy: Policy) -> set[int]:
        """Patch these PAs in place; the ones patched (not those whose rows use a code the
        index's vocabularies lack: they wait for a rebuild)."""
        if not profiles:
            return set()
        rows = [_fit(index, row) for row in await match_index.pa_rows(sorted(profiles), policy=policy)]
        vocab = records.vocabularies_of(index)
        unfit = {row.profile_id for row in rows if records.unknown_codes(row, vocab)}
        fitting = [row for row in rows if row.profile_id not in unfit]
        gone = sorted(profiles - {row.profile_id for row in rows})  # off the register now
        try:
            records.patch_index(index, fitting, gone)
        except records.NeedsRebuild:
            return set()
        return profiles - unfit

    def _advance_floor(self) -> None:
        self._floor, self._hole_since = advance_floor(
            self._floor, self._applied, self._hole_since, self._clock()
        )


def advance_floor(
    floor: int, applied: set[int], hole_since: float | None, now: float
) -> tuple[int, float | None]:
    """Following a change log (this one, or the needs' one: ``market.matching.need_index``):
    move the floor over the applied ids (removing them from ``applied``); give up on a hole
    that has lasted ``GAP_SECONDS``. The new floor, and since when a hole has been seen."""
    while True:
        while floor + 1 in applied:
            floor += 1
            applied.discard(floor)
        if not applied:
            return floor, None
        if hole_since is None:
            return floor, now
        if now - hole_since <= GAP_SECONDS:
            return floor, hole_since
        log.warning("change ids %d..%d never committed: skipped", floor + 1, min(applied) - 1)
        floor, hole_since = min(applied) - 1, None


def _fit(index: CandidateIndex, row: PARow) -> PARow:
    """The row with the languages a full language vocabulary has no bit for left out, as a
    build leaves them out (otherwise the patch would ask for a rebuild that cannot help)."""
    known = index.language_vocab.codes
    if len(known) < match_index.MAX_LANGUAGES or all(code in known for code in row.languages):
        return row
    return msgspec.structs.replace(row, languages=tuple(code for code in row.languages if code in known))
