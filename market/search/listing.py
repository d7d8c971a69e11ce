"""What each worker keeps in memory for the register search: the matching engine's candidate
index (``market.matching.matches.CACHE``, patched from the register's change log) and the
search's own extras beside it (``market.search.extras``: exact positions, words, languages).

The extras follow the index: on each search they patch the PAs the index changed since they
last looked (``IndexCache.changed_since``), reading just those rows. They are built from the
database on first use and when the index cannot say what changed (a database or policy
switch, or no search for ``freshness.JOURNAL`` refreshes); once the overlay of edited PAs
outgrows ``extras.OVERLAY_LIMIT`` they are rebuilt in the background while the old ones keep
answering (edits made meanwhile are patched onto the new ones before they are swapped in).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

import msgspec

from market import db
from market.dbs.standing import Policy, Standing
from market.matching.engine.ranking import CandidateIndex
from market.matching.freshness import BackgroundRebuild
from market.matching.index import pa_place
from market.matching.matches import CACHE
from market.register.schemas import Choice, SkillOut
from market.search import register_reads as reads
from market.search.extras import Entry, SearchExtras, entry

log = logging.getLogger(__name__)
T = TypeVar("T")


async def _entries(profile_ids: list[int] | None = None) -> list[Entry]:
    found: list[Entry] = []
    async for rows in reads.extras_batches(profile_ids):
        found += [
            entry(
                r,
                pa_place(r) if r["lat"] is not None else None,
                (r["headline"], r["admire"], r["matters"], r["how_to_work"]),
                db.json_list(r["languages"]),
            )
            for r in rows
        ]
    return found


class Recent(Generic[T]):
    """What results pages showed lately of each PA (``most`` of them), so that a page reads
    the database only for PAs it has not shown since the change log last named them: their
    rows (``SHOWN``), their DBS standings (``STANDINGS``) and what the index holds of their skills and
    week (``HELD``).

    As fresh as the candidate index the results come from: every change to a PA's profile,
    status, vetting or DBS checks logs a change for them, and the extras, catching up with the
    index before each search, forget those PAs here. A value is kept with what it was worked
    out for (``context``: a standing, for the day and the DBS policy), and only if nothing was
    forgotten while it was read (``epoch``): a read that began before a change must not keep
    what it saw."""

    def __init__(self, most: int = 20_000) -> None:
        self._held: OrderedDict[int, tuple[Hashable, T]] = OrderedDict()
        self._most = most
        self.epoch = 0

    def known(self, ids: Iterable[int], context: Hashable = None) -> dict[int, T]:
        """The values held for these PAs (in this context)."""
        found: dict[int, T] = {}
        for pid in ids:
            held = self._held.get(pid)
            if held is not None and held[0] == context:
                found[pid] = held[1]
                self._held.move_to_end(pid)
        return found

    def keep(self, found: dict[int, T], epoch: int, context: Hashable = None) -> None:
        """Hold values read since ``epoch`` (dropped if anything was forgotten meanwhile)."""
        if epoch != self.epoch:
            return
        for pid, value in found.items():
            self._held[pid] = (context, value)
            self._held.move_to_end(pid)
        while len(self._held) > self._most:
            self._held.popitem(last=False)

    def forget(self, ids: Sequence[int] | None) -> None:
        """Drop these PAs (None: everyone)."""
        self.epoch += 1
        if ids is None:
            self._held.clear()
            return
        for pid in ids:
            self._held.pop(pid, None)


# A shown PA's row (None: not listed when read), DBS standing (None: no current check), and
# skills and week pattern as the candidate index holds them.
SHOWN: Recent[reads.ShownRow | None] = Recent()
STANDINGS: Recent[Standing | None] = Recent()
HELD: Recent[tuple[list[SkillOut], tuple[int, ...]]] = Recent()


def forget(ids: Sequence[int] | None) -> None:
    for recent in (SHOWN, STANDINGS, HELD):
        recent.forget(ids)


class ExtrasCache(BackgroundRebuild):
    """This worker's search extras, kept in step with the candidate index."""

    def __init__(self) -> None:
        self._extras: SearchExtras | None = None
        self._engine: object | None = None
        self._generation = -1  # the index's generation the extras are patched up to
        self._lock = asyncio.Lock()
        self.builds = 0

    def reset(self) -> None:
        self._extras = None

    async def get(self, policy: Policy) -> tuple[CandidateIndex, SearchExtras]:
        """The candidate index and the extras in step with it."""
        index = await CACHE.get(policy)
        async with self._lock:
            if self._extras is None or self._engine is not db.current_engine():
                await self._build()
            else:
                await self._catch_up()
            assert self._extras is not None
            return index, self._extras

    async def _build(self) -> None:
        generation = CACHE.generation
        started = time.perf_counter()
        forget(None)
        extras = SearchExtras(await _entries())
        self._extras, self._engine, self._generation = extras, db.current_engine(), generation
        self.builds += 1
        log.info("search extras built: %d PAs in %.2f s", len(extras), time.perf_counter() - started)
        await self._catch_up()  # what the index patched while the extras were read

    async def _catch_up(self) -> None:
        extras = self._extras
        assert extras is not None
        if self._generation == CACHE.generation:
            return
        generation = CACHE.generation
        changed = CACHE.changed_since(self._generation)
        if changed is None:  # the index cannot say who changed: read everyone again, now
            await self._build()
            return
        if changed:
            forget(sorted(changed))
            extras.patch(await _entries(sorted(changed)))
        self._generation = generation
        if extras.needs_rebuild:
            self._start_rebuild()

    def _start_rebuild(self) -> None:
        """Rebuild in the background; the current extras keep answering (patched as before)."""
        if self.rebuilding:
            return
        self._building = asyncio.get_running_loop().create_task(self._rebuild_in_background())

    async def _rebuild_in_background(self) -> None:
        try:
            generation = CACHE.generation
            extras = SearchExtras(await _entries())
            async with self._lock:
                changed = CACHE.changed_since(generation)
                if changed:
                    extras.patch(await _entries(sorted(changed)))
                self._extras = extras
                self._generation = CACHE.generation if changed is not None else generation
                self.builds += 1
        except Exception:  # noqa: BLE001 - the old extras keep answering; the next search retries
            log.exception("rebuilding the search extras failed; the old ones are kept")


EXTRAS = ExtrasCache()


class FormLists(msgspec.Struct, frozen=True, kw_only=True):
    """The lists a search's skills and client groups come from."""

    skills: list[Choice]  # the active skills, in list order: what the form offers
    groups: list[Choice]  # every client group, in list order
    skill_codes: frozenset[str]  # every skill, retired ones too: what a search may name
    group_codes: frozenset[str]
    # The form's (value, text) options (``components.marked``), made once with the lists.
    skill_options: list[tuple[str, str]]
    group_options: list[tuple[str, str]]


class ListsCache:
    """The skill and client group lists, read once and again only after the candidate index
    was rebuilt: a change to a list (a skill added, renamed, retired or restored) logs a
    change for everyone (``changes.touch_all``), which rebuilds the index, so the form offers
    what the index can find. Saves the search page two queries, and the check of a search's
    codes one."""

    def __init__(self) -> None:
        self._lists: FormLists | None = None
        self._engine: object | None = None
        self._generation = -1  # the index's generation when the lists were read

    def reset(self) -> None:
        self._lists = None

    async def get(self) -> FormLists:
        current = self._lists
        changed = CACHE.changed_since(self._generation)
        if current is not None and self._engine is db.current_engine() and changed is not None:
            self._generation = CACHE.generation  # patches only: the lists still hold
            return current
        generation = CACHE.generation  # before reading: a rebuild meanwhile reads them again
        skills, groups, skill_codes = await reads.form_lists()
        lists = FormLists(
            skills=skills,
            groups=groups,
            skill_codes=skill_codes,
            group_codes=frozenset(g.code for g in groups),
            skill_options=[(k.code, k.name) for k in skills],
            group_options=[(g.code, g.name) for g in groups],
        )
        self._lists, self._engine, self._generation = lists, db.current_engine(), generation
        return lists


LISTS = ListsCache()
