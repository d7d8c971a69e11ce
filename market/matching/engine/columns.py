"""The candidate index: one numpy array per PA feature (row ``i`` of each is one PA), laid out
for radius queries and patched in place. ``records`` makes it from one plain record per PA
(``PARow``). Pure: no database. ``ranking`` ranks over it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.distance import EARTH_RADIUS_MILES, band_keys, band_ranges, unit_vectors
from market.matching.engine.terms import NO_TERMS, TermCalendar

WEEK_MINUTES = 7 * 24 * 60
QUARTER = 15
QUARTERS = WEEK_MINUTES // QUARTER  # 672 quarter-hours a week
MASK_BYTES = QUARTERS // 8  # 84 bytes a PA

# DBS requirement kinds, weakest first: a column of "current until" days per kind.
DBS_KINDS = ("basic", "standard", "enhanced", "enhanced_adults", "enhanced_children", "enhanced_both")
YEAR_PATTERNS = ("all_year", "term_time", "school_holidays")
GENDERS = ("", "woman", "man")


class Vocabulary(msgspec.Struct, frozen=True):
    """Codes and their bit (or column) positions, fixed when the index is built; ``names``
    (optional, same order) are what reasons call them."""

    codes: tuple[str, ...]
    names: tuple[str, ...] = ()

    def name(self, position: int) -> str:
        if position < len(self.names):
            return self.names[position]
        return self.codes[position].replace("_", " ")

    def position(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None

    def mask(self, codes: Iterable[str]) -> int:
        bits = 0
        for code in codes:
            index = self.position(code)
            if index is None:
                return -1  # an unknown code: nobody can hold it
            bits |= 1 << index
        return bits


# -- availability masks ------------------------------------------------------------------------


def slots_mask(slots: Sequence[tuple[int, int]]) -> NDArray[np.uint8]:
    """Quarter-hours of the week covered by the slots, packed: 84 bytes. Slots are the
    register's [start, end) minutes of the week (start 0..10079, end 1..10080); an end before
    the start wraps past Sunday midnight into Monday."""
    starts = np.array([start for start, _ in slots], dtype=np.int64)
    ends = np.array([end for _, end in slots], dtype=np.int64)
    return slot_masks(np.zeros(len(slots), dtype=np.int64), starts, ends, 1)[0]


def _prefix_masks() -> NDArray[np.uint64]:
    """[QUARTERS + 1, WORDS]: row q has the week's first q quarter-hours set, packed as
    ``slots_mask`` packs them (zero-padded to whole 64-bit words)."""
    covered = np.arange(QUARTERS)[None, :] < np.arange(QUARTERS + 1)[:, None]
    words = np.zeros((QUARTERS + 1, WORDS), dtype=np.uint64)
    words.view(np.uint8)[:, :MASK_BYTES] = np.packbits(covered, axis=1)
    return words


def slot_masks(rows: NDArray, starts: NDArray, ends: NDArray, n: int) -> NDArray[np.uint8]:
    """``slots_mask`` of many PAs at once: [n, MASK_BYTES], row ``rows[k]`` holding the slot
    [``starts[k]``, ``ends[k]``). A slot's quarters [first, last) are the mask of the week's
    first ``last`` quarters less that of its first ``first`` (one that wraps: the rest of
    the week from ``first``, and the first ``last``); a row's slots are OR-ed together, 64
    bits at a time: no loop over PAs or slots."""
    rows, starts, ends = (np.asarray(a, dtype=np.int64) for a in (rows, starts, ends))
    words = np.zeros((n, WORDS), dtype=np.uint64)
    if not len(rows):
        return np.ascontiguousarray(words.view(np.uint8)[:, :MASK_BYTES])
    if (rows[1:] < rows[:-1]).any():  # each row's slots together (the build reads them so)
        order = np.argsort(rows, kind="stable")
        rows, starts, ends = rows[order], starts[order], ends[order]
    first, last = starts // QUARTER, -(-ends // QUARTER)  # the end rounds up to a quarter
    below_first = np.take(_PREFIX, first, axis=0)
    runs = np.take(_PREFIX, last, axis=0)
    wraps = ends <= starts
    runs &= ~below_first
    if wraps.any():
        runs[wraps] = (_PREFIX[QUARTERS] & ~below_first[wraps]) | _PREFIX[last[wraps]]
    heads = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    words[rows[heads]] = np.bitwise_or.reduceat(runs, heads, axis=0)
    return np.ascontiguousarray(words.view(np.uint8)[:, :MASK_BYTES])


def quarters_in(mask: NDArray[np.uint8]) -> int:
    return int(np.bitwise_count(mask).sum())


# -- the index ---------------------------------------------------------------------------------


# The per-row arrays of a CandidateIndex (row ``i`` of each is one PA).
ROW_COLUMNS = (
    "profile_id", "active", "lat", "lon", "travel_miles", "dbs_until", "skills", "skill_years",
    "course_until", "course_verified", "groups", "languages", "gender", "licence", "car",
    "car_insurance", "min_rate", "wont_do", "year_pattern", "shift_kinds", "availability",
    "min_hours", "max_hours",
)  # fmt: skip
_BY_COLUMN = ("dbs_until", "course_until", "course_verified", "xyz")  # 2-d, read a column at a time
WORDS = -(-MASK_BYTES // 8)  # availability as 64-bit words: 11 a PA
_PREFIX = _prefix_masks()
# A few units in the last place of a dot product of unit vectors (under 0.2 m): two positions
# that are the same point may round to a dot product a hair under 1.
DOT_SLACK = 4e-16
# A patch compacts the index (see CandidateIndex) once its tail and retired places pass 2% of
# the sorted rows, and at least this many: scanning a tail that long costs ~0.1 ms a query.
PENDING_MIN = 2000
PENDING_SHARE = 50


def _derive(columns: dict[str, NDArray]) -> dict[str, NDArray]:
    """The columns as the index keeps them: availability as words, and what it derives from
    lat, lon and travel_miles."""
    theta = np.asarray(columns["travel_miles"], dtype=np.float64) / EARTH_RADIUS_MILES
    reach = np.where(theta < 0, 2.0, np.cos(np.clip(theta, 0.0, np.pi)) - DOT_SLACK)
    return columns | {
        "availability": as_words(columns["availability"]),
        "xyz": unit_vectors(columns["lat"], columns["lon"]),
        "travel_cos": reach,
        "key": band_keys(columns["lat"], columns["lon"]),
    }


def as_words(masks: NDArray) -> NDArray[np.uint64]:
    """Availability masks ([n, MASK_BYTES] bytes, or one mask) as [n, WORDS] 64-bit words,
    zero-padded; kept as they are if they already are words."""
    masks = np.asarray(masks)
    if masks.dtype == np.uint64:
        return masks
    flat = masks.reshape(-1, MASK_BYTES)
    words = np.zeros((len(flat), WORDS), dtype=np.uint64)
    words.view(np.uint8)[:, :MASK_BYTES] = flat
    return words if masks.ndim == 2 else words[0]


class CandidateIndex:
    """Column arrays of PA features (row ``i`` of each is one PA), laid out for radius queries.

    Rows are sorted by latitude band, then longitude (``market.geo.distance.band_keys``), so the
    PAs near a need are a few contiguous slices of every array: no gathers until the hard rules
    have left few rows. Patched rows that move, and new ones, go to a short unsorted *tail*
    after the sorted rows, which every query scans whole; a moved row's old place stays,
    inactive and unlisted. When tail and old places pass ``pending_limit`` the next patch
    re-sorts (``compact``): a few hundred ms for a million rows.

    Built by ``market.matching.engine.records.build_index`` (or with the arrays, as the synthetic
    registers are); changed only by ``patch`` (``columns.patch_index``), never by writing to
    the arrays, whose derived columns (unit vectors, travel reach, band keys) would go stale.
    Not thread-safe: guard patches and rankings with one lock if threads share an index."""

    def __init__(
        self,
        *,
        profile_id: NDArray[np.int64],
        active: NDArray[np.bool_],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        travel_miles: NDArray[np.float32],
        dbs_until: NDArray[np.int32],  # [N, len(DBS_KINDS)]: last current day (ordinal), 0 none
        skills: NDArray[np.uint64],
        skill_years: NDArray[np.uint8],  # [N, len(skill_vocab)]
        course_until: NDArray[
            np.int32
        ],  # [N, len(course_vocab)]: first day expired (ordinal); 0 none; max: never
        course_verified: NDArray[np.bool_],  # [N, len(course_vocab)]
        groups: NDArray[np.uint64],
        languages: NDArray[np.uint64],
        gender: NDArray[np.int8],
        licence: NDArray[np.bool_],  # a full UK driving licence
        car: NDArray[np.bool_],  # a car they can use for work
        car_insurance: NDArray[np.bool_],  # business insurance for it
        min_rate: NDArray[np.int32],
        wont_do: NDArray[np.uint64],
        year_pattern: NDArray[np.int8],
        shift_kinds: NDArray[np.uint64],
        availability: NDArray[np.uint8],  # [N, MASK_BYTES]
        min_hours: NDArray[np.float32],
        max_hours: NDArray[np.float32],
        skill_vocab: Vocabulary,
        course_vocab: Vocabulary,
        group_vocab: Vocabulary,
        language_vocab: Vocabulary,
        limit_vocab: Vocabulary,
        shift_vocab: Vocabulary,
        skill_courses: dict[str, tuple[str, ...]],  # skill code -> the course codes it depends on
        away: dict[int, list[tuple[int, int]]] | None = None,  # row -> (first, last) ordinal days
        terms: TermCalendar = NO_TERMS,  # the area's school terms, for dated cover needs
    ) -> None:
        self.terms = terms
        self.skill_vocab, self.course_vocab, self.group_vocab = skill_vocab, course_vocab, group_vocab
        self.language_vocab, self.limit_vocab, self.shift_vocab = language_vocab, limit_vocab, shift_vocab
        self.skill_courses = skill_courses
        columns = {
            "profile_id": profile_id, "active": active, "lat": lat, "lon": lon,
            "travel_miles": travel_miles, "dbs_until": dbs_until, "skills": skills,
            "skill_years": skill_years, "course_until": course_until,
            "course_verified": course_verified, "groups": groups, "languages": languages,
            "gender": gender, "licence": licence, "car": car, "car_insurance": car_insurance,
            "min_rate": min_rate, "wont_do": wont_do,
            "year_pattern": year_pattern, "shift_kinds": shift_kinds, "availability": availability,
            "min_hours": min_hours, "max_hours": max_hours,
        }  # fmt: skip
        self._layout({name: np.asarray(values) for name, values in columns.items()}, away or {})

    # These are set by _publish (views of the first len(self) rows of each buffer).
    profile_id: NDArray[np.int64]
    active: NDArray[np.bool_]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    travel_miles: NDArray[np.float32]
    dbs_until: NDArray[np.int32]
    skills: NDArray[np.uint64]
    skill_years: NDArray[np.uint8]
    course_until: NDArray[np.int32]
    course_verified: NDArray[np.bool_]
    groups: NDArray[np.uint64]
    languages: NDArray[np.uint64]
    gender: NDArray[np.int8]
    licence: NDArray[np.bool_]
    car: NDArray[np.bool_]
    car_insurance: NDArray[np.bool_]
    min_rate: NDArray[np.int32]
    wont_do: NDArray[np.uint64]
    year_pattern: NDArray[np.int8]
    shift_kinds: NDArray[np.uint64]
    availability: NDArray[np.uint8]  # [N, MASK_BYTES]: a view of the words below
    availability_words: NDArray[np.uint64]  # [N, WORDS]
    min_hours: NDArray[np.float32]
    max_hours: NDArray[np.float32]
    xyz: NDArray[np.float64]  # [N, 3] unit vectors of lat, lon (column-major)
    travel_cos: NDArray[np.float64]  # cos(travel_miles / R): a dot product at least this is within
    key: NDArray[np.float64]  # band keys (sorted over the first ``sorted_rows`` rows)

    # -- layout ---------------------------------------------------------------------------------

    def _layout(self, columns: dict[str, NDArray], away: dict[int, list[tuple[int, int]]]) -> None:
        """Lay out new rows: derive, then sort by band key."""
        columns = _derive(columns)
        self._arrange(columns, np.argsort(columns["key"], kind="stable"), away)

    def _arrange(
        self, columns: dict[str, NDArray], order: NDArray[np.intp], away: dict[int, list[tuple[int, int]]]
    ) -> None:
        """Fresh buffers (with room to append) holding ``columns[name][order]``: the rows in
        ``order`` (which must be in band-key order), all of them sorted."""
        n = len(order)
        capacity = n + max(64, n // 32)
        buffers: dict[str, NDArray] = {}
        for name, values in columns.items():
            by_column = name in _BY_COLUMN
            buffer = np.empty(
                (capacity, *values.shape[1:]), dtype=values.dtype, order="F" if by_column else "C"
            )
            if by_column:  # one contiguous column at a time
                for j in range(values.shape[1]):
                    np.take(values[:, j], order, out=buffer[:n, j])
            else:
                np.take(values, order, axis=0, out=buffer[:n])
            buffers[name] = buffer
        moved_to = np.empty(len(columns["profile_id"]), dtype=np.int64)
        moved_to[order] = np.arange(n)
        self._buffers = buffers
        self._n = self._sorted = n
        self._retired = 0
        self.away = {int(moved_to[row]): days for row, days in away.items()}
        self._rows: dict[int, int] | None = None
        self._publish()

    def _publish(self) -> None:
        for name, buffer in self._buffers.items():
            setattr(self, name, buffer[: self._n])
        self.availability_words = self._buffers["availability"][: self._n]
        self.availability = self.availability_words.view(np.uint8)[:, :MASK_BYTES]

    def __len__(self) -> int:
        return self._n

    @property
    def active_count(self) -> int:
        return int(np.count_nonzero(self.active))

    @property
    def sorted_rows(self) -> int:
        """Rows in band order (the rest are the tail)."""
        return self._sorted

    @property
    def pending(self) -> int:
        """Tail rows and retired places: what ``compact`` would fold away."""
        return self._n - self._sorted + self._retired

    @property
    def pending_limit(self) -> int:
        return max(PENDING_MIN, self._sorted // PENDING_SHARE)

    def slices(self, lat: float, lon: float, miles: float) -> list[tuple[int, int]]:
        """Row ranges [start, end), disjoint, holding every row within ``miles`` of (lat, lon)
        degrees (and some beyond it): a few slices of the sorted rows, and the tail."""
        spans: list[tuple[int, int]] = []
        if self._sorted:
            lows, highs = band_ranges(lat, lon, miles)
            keys = self.key[: self._sorted]
            starts = np.searchsorted(keys, lows, "left").tolist()
            ends = np.searchsorted(keys, highs, "right").tolist()
            for start, end in zip(starts, ends, strict=True):
                if end <= start:
                    continue
                if spans and spans[-1][1] >= start:
                    spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
                else:
                    spans.append((start, end))
        if self._n > self._sorted:
            spans.append((self._sorted, self._n))
        return spans

    # -- patching -------------------------------------------------------------------------------

    def row_of(self, profile_id: int) -> int | None:
        """The row holding a PA (None if not indexed)."""
        return self._row_map().get(int(profile_id))

    def _row_map(self) -> dict[int, int]:
        """profile id -> row, made on first use and kept up to date by patches."""
        if self._rows is None:
            self._rows = {pid: row for row, pid in enumerate(self.profile_id.tolist())}
        return self._rows

    def patch(
        self, columns: dict[str, NDArray], away: dict[int, list[tuple[int, int]]], gone: Sequence[int] = ()
    ) -> None:
        """Replace or append the rows in ``columns`` (one array per ``ROW_COLUMNS`` name, row
        ``k`` one PA, ids unique; ``away`` keyed by ``k``), then make the ``gone`` ids inactive.
        A row that stays put is written in place; one that moves goes to the tail (its old place
        retired: inactive, unlisted); a new one is appended to the tail. Use
        ``market.matching.engine.records.patch_index``, which makes the columns from PA records."""
        columns = _derive({name: np.asarray(columns[name]) for name in ROW_COLUMNS})
        ids = columns["profile_id"].tolist()
        here, there, new = self._place(ids, columns["lat"].tolist(), columns["lon"].tolist())
        if here:
            for name, buffer in self._buffers.items():
                buffer[there] = columns[name][here]
        if new:
            self._append(columns, ids, new)
        self._set_away(ids, away)
        self._deactivate(gone)
        self._publish()
        if self.pending > self.pending_limit:
            self.compact()

    def _place(
        self, ids: list[int], lats: list[float], lons: list[float]
    ) -> tuple[list[int], list[int], list[int]]:
        """Where each incoming row goes: positions written in place, the rows they go to, and
        positions for the tail. A PA whose sorted row would move (new coordinates) has its old
        place retired here: inactive and unlisted."""
        rows_of = self._row_map()
        here: list[int] = []  # positions in ``columns`` written in place ...
        there: list[int] = []  # ... at these rows
        new: list[int] = []  # positions appended to the tail
        for k, pid in enumerate(ids):
            row = rows_of.get(pid)
            if row is not None and (
                row >= self._sorted or (self.lat[row] == lats[k] and self.lon[row] == lons[k])
            ):
                here.append(k)
                there.append(row)
            else:
                if row is not None:  # a move: retire the old place
                    self._buffers["active"][row] = False
                    self.away.pop(row, None)
                    self._retired += 1
                new.append(k)
        return here, there, new

    def _append(self, columns: dict[str, NDArray], ids: list[int], new: list[int]) -> None:
        """Write the ``new`` positions of ``columns`` to the tail and list their rows."""
        rows_of = self._row_map()
        start = self._reserve(len(new))
        for name, buffer in self._buffers.items():
            buffer[start : start + len(new)] = columns[name][new]
        for offset, k in enumerate(new):
            rows_of[ids[k]] = start + offset
        self._n += len(new)

    def _set_away(self, ids: list[int], away: dict[int, list[tuple[int, int]]]) -> None:
        """Replace each patched PA's away periods (none left if ``away`` has no entry)."""
        rows_of = self._row_map()
        for k, pid in enumerate(ids):
            row = rows_of[pid]
            self.away.pop(row, None)
            if k in away:
                self.away[row] = away[k]

    def _deactivate(self, gone: Sequence[int]) -> None:
        rows_of = self._row_map()
        for pid in gone:
            if (row := rows_of.get(int(pid))) is not None:
                self._buffers["active"][row] = False

    def _reserve(self, count: int) -> int:
        """Room for ``count`` more rows; the first new row."""
        capacity = len(self._buffers["profile_id"])
        if self._n + count > capacity:
            capacity = max(self._n + count, capacity + capacity // 8 + 64)
            for name, buffer in self._buffers.items():
                grown = np.empty(
                    (capacity, *buffer.shape[1:]),
                    dtype=buffer.dtype,
                    order="F" if name in _BY_COLUMN else "C",
                )
                grown[: self._n] = buffer[: self._n]
                self._buffers[name] = grown
        return self._n

    def compact(self) -> None:
        """Sort the tail in and drop retired places (patches call this when ``pending`` passes
        ``pending_limit``; call it yourself to do it off the request path)."""
        if not self.pending:
            return
        rows_of = self._row_map()
        live = np.zeros(self._n, dtype=bool)
        live[np.fromiter(rows_of.values(), dtype=np.int64, count=len(rows_of))] = True
        keep = np.flatnonzero(live)
        order = keep[np.argsort(self.key[keep], kind="stable")]
        self._arrange({name: buffer[: self._n] for name, buffer in self._buffers.items()}, order, self.away)
