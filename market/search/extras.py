"""What the register search needs of each PA beyond the matching engine's candidate index:
their exact home position (staff search from exact positions; everyone else from sector
centres, which the candidate index holds), the words of their profile texts
(``market.search.words``) and the codes of every language they speak (the engine keeps bits
for the 64 most spoken only, so a search for a rarer one reads them here).

Built whole from the database (``market.search.register_reads.extras_batches``), then patched:
a PA who changed is held in a small overlay that wins over the arrays, and the owner rebuilds
once the overlay passes ``OVERLAY_LIMIT`` (``market.search.listing``). Pure: no database.

Exact positions never leave this module's callers in ``market.search.query``: they decide
inclusion and order for staff, whose results show a band all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.distance import haversine_miles, unit_vectors
from market.search.words import WordIndex, haystack, hits_of

OVERLAY_LIMIT = 2000  # edited PAs held beside the arrays before a rebuild folds them in


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One PA as the search's extras hold them. ``lat``/``lon`` exact (None: no position);
    ``place``: where the candidate index puts them (their sector centre)."""

    profile_id: int
    lat: float | None
    lon: float | None
    place: tuple[float, float] | None
    document: str  # the texts, as ``words.haystack`` makes them
    languages: tuple[str, ...]


def entry(
    row: dict, place: tuple[float, float] | None, texts: Sequence[str | None], languages: Iterable[str]
) -> Entry:
    return Entry(
        profile_id=row["id"],
        lat=row["lat"],
        lon=row["lon"],
        place=place,
        document=haystack(texts),
        languages=tuple(dict.fromkeys(str(x) for x in languages)),
    )


def _offset(entry: Entry) -> float:
    """How far the PA's home is from where the candidate index puts them (miles)."""
    if entry.lat is None or entry.lon is None or entry.place is None:
        return 0.0
    return float(haversine_miles(entry.lat, entry.lon, entry.place[0], entry.place[1]))


class SearchExtras:
    """Exact positions, words and languages of the PAs, by profile id."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        ordered = sorted(entries, key=lambda e: e.profile_id)
        self.ids = np.fromiter((e.profile_id for e in ordered), dtype=np.int64, count=len(ordered))
        self.lat = np.array([np.nan if e.lat is None else e.lat for e in ordered], dtype=np.float64)
        self.lon = np.array([np.nan if e.lon is None else e.lon for e in ordered], dtype=np.float64)
        self.words = WordIndex(self.ids, [e.document for e in ordered])
        speakers: dict[str, list[int]] = {}
        for e in ordered:
            for code in e.languages:
                speakers.setdefault(code, []).append(e.profile_id)
        self._speakers = {code: np.array(ids, dtype=np.int64) for code, ids in speakers.items()}
        self.overlay: dict[int, Entry] = {}
        # Each row of the candidate index's profile id and exact position, as they were when
        # last laid out (``unit_vectors_at``): read in row order, beside the index's own columns.
        self._row_ids: NDArray[np.int64] | None = None
        self._row_xyz: NDArray[np.float64] = np.empty((0, 3))
        # The furthest any home is from its sector centre: how much wider than the radius an
        # exact search must look in the index, which is laid out by sector centres.
        self.max_offset = max((_offset(e) for e in ordered), default=0.0)

    def __len__(self) -> int:
        return len(self.ids) + sum(1 for pid in self.overlay if not self._in_base(pid))

    def _in_base(self, pid: int) -> bool:
        at = int(np.searchsorted(self.ids, pid))
        return at < len(self.ids) and int(self.ids[at]) == pid

    def patch(self, entries: Iterable[Entry]) -> None:
        """Hold these PAs' new values (they win over what the arrays say)."""
        for e in entries:
            self.overlay[e.profile_id] = e
            self.max_offset = max(self.max_offset, _offset(e))

    @property
    def needs_rebuild(self) -> bool:
        return len(self.overlay) > OVERLAY_LIMIT

    def _base_places(self, ids: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        if not len(self.ids):
            return np.zeros(len(ids), dtype=np.intp), np.zeros(len(ids), dtype=bool)
        # Looked up in id order: numpy narrows each search from the one before, which takes
        # half the time of the index's (by place) order, even counting the sort.
        order = np.argsort(ids)
        places = np.empty(len(ids), dtype=np.intp)
        places[order] = np.searchsorted(self.ids, ids[order])
        places = np.minimum(places, len(self.ids) - 1)
        return places, self.ids[places] == ids

    def _edited(self, ids: NDArray[np.int64]) -> list[int]:
        """Positions in ``ids`` of PAs held in the overlay."""
        if not self.overlay:
            return []
        edited = np.fromiter(self.overlay, dtype=np.int64, count=len(self.overlay))
        return np.flatnonzero(np.isin(ids, edited)).tolist()

    def positions(self, ids: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Exact (lat, lon) of each PA; NaN for one with none (or unknown here)."""
        lat, lon, _ = self._base_positions(ids)
        self._apply_overlay(ids, lat, lon)
        return lat, lon

    def _base_positions(
        self, ids: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """What the arrays say of each PA's position (NaN: none, or not in them), and whether
        they hold the PA at all."""
        places, known = self._base_places(ids)
        lat = np.where(known, self.lat[places] if len(self.ids) else np.nan, np.nan)
        lon = np.where(known, self.lon[places] if len(self.ids) else np.nan, np.nan)
        return lat, lon, known

    def _apply_overlay(
        self, ids: NDArray[np.int64], lat: NDArray[np.float64], lon: NDArray[np.float64]
    ) -> None:
        """The edited PAs' positions, over what the arrays say."""
        for k in self._edited(ids):
            e = self.overlay[int(ids[k])]
            lat[k] = np.nan if e.lat is None else e.lat
            lon[k] = np.nan if e.lon is None else e.lon

    def unit_vectors_at(self, column: NDArray[np.int64], rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """The exact positions (``positions``), as unit vectors [rows, 3] (NaN for none), of
        the PAs at these rows of the candidate index, whose profile ids are ``column``. They
        are laid out once in the index's row order and then read by row, beside the index's
        own columns, rather than searched for by id on every search (a staff search's dearest
        step, and a scatter over memory). The index patches and grows under it, so a row
        counts only where it still holds the PA it held when laid out; the rest (a new or
        moved row) are searched for, and once they are many, laid out again."""
        ids = column[rows]
        if self._row_ids is None:
            self._lay_out(column)
        laid = self._row_ids
        assert laid is not None
        if not len(laid):
            return unit_vectors(*self.positions(ids))
        # A row past the layout reads its last row: the id test below sends it to the search.
        inside = np.minimum(rows, len(laid) - 1)
        xyz = np.take(self._row_xyz, inside, axis=0)  # a third of the time of xyz[inside]
        missed = np.flatnonzero(laid[inside] != ids)
        if len(missed) > max(64, len(rows) // 8):
            self._row_ids = None  # the index has moved on: lay it out afresh next time
        if edited := self._edited(ids):
            missed = np.union1d(missed, edited)
        if len(missed):
            xyz[missed] = unit_vectors(*self.positions(ids[missed]))
        return xyz

    def _lay_out(self, column: NDArray[np.int64]) -> None:
        """Each index row's PA (-1: one these arrays lack) and position, in row order."""
        lat, lon, known = self._base_positions(column)
        self._row_xyz = unit_vectors(lat, lon)
        self._row_ids = np.where(known, column, -1)

    def hits(self, ids: NDArray[np.int64], words: Sequence[str]) -> NDArray[np.int64]:
        """Capped hits of every word for each PA, -1 where a word is missing."""
        return hits_of(self.words, {pid: e.document for pid, e in self.overlay.items()}, ids, words)

    def speak_all(self, ids: NDArray[np.int64], codes: Sequence[str]) -> NDArray[np.bool_]:
        """Whether each PA speaks every one of the languages."""
        ok = np.ones(len(ids), dtype=bool)
        for code in codes:
            ok &= np.isin(ids, self._speakers.get(code, np.empty(0, np.int64)))
        for k in self._edited(ids):
            ok[k] = set(codes) <= set(self.overlay[int(ids[k])].languages)
        return ok
