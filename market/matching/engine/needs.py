"""The needs index and the reverse pass: the engine run the other way, one PA against every
open need at once (work near you; alerts to PAs will use it too). Pure: no database.

``NeedIndex`` holds one numpy array per feature of a need, one row per open need (its place
the centre of its sector, as the PAs'), made from ``NeedSpec`` records a batch at a time
(``need_columns``) and patched by swapping in a new index (``patched``): a patch copies the
columns once, a few ms at 50k needs, and no request ever sees a half-patched index. A dated
cover need's shifts are a second, flat table (one row per shift, with the need's row).

``work_for`` tests every hard rule of ``ranking._rules`` over every need at once for one PA,
then the soft score over the needs left, with the same element-wise definitions
(``market.matching.engine.rules``) and ``scoring.combine``: no per-need Python. Training
and the school terms are read from the PA's one-row index (its ``skill_courses`` and
``terms``), so that a change to them needs no rebuild of the needs index.

Languages have 64 bits, given to the languages open needs name most. A need may name one
beyond them (a rarer language): it is kept by code, beside the bits (``lang_extra``), and
the few needs that have one are judged against the PA's own list of languages (``spoken``)
by code, so they are judged as if every language had a bit. Each need also carries a
``card``: what the caller shows of it, as bytes the engine does not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.display import banded_miles
from market.geo.distance import unit_vectors
from market.matching.engine import rules
from market.matching.engine.budget import rate_ceiling
from market.matching.engine.columns import (
    DBS_KINDS,
    DOT_SLACK,
    GENDERS,
    YEAR_PATTERNS,
    CandidateIndex,
    Vocabulary,
    as_words,
    slot_masks,
)
from market.matching.engine.dated import WORKS_ON
from market.matching.engine.need import DRIVING, NeedSpec
from market.matching.engine.records import Vocabularies, mask_column
from market.matching.engine.scoring import DEFAULT_WEIGHTS, Weights, combine
from market.matching.engine.terms import TermCalendar

NO_CEILING = np.iinfo(np.int64).max  # no budget given: every rate is within it

# The per-need columns (row ``i`` of each is one need) and the per-shift ones.
NEED_COLUMNS = (
    "need_id", "xyz", "reach", "impossible", "required", "preferred", "groups", "lang_required",
    "lang_preferred", "has_lang_preference", "dbs", "gender", "gender_required", "gender_soft",
    "driving", "ceiling", "budget", "hours", "limits", "shift_wanted", "year", "all_hours",
    "weekly", "wanted", "dated", "shift_start", "shift_count", "lang_extra", "lang_extra_required",
    "lang_extra_count", "card", "live",
)  # fmt: skip
COMPACT_MIN = 1000  # rows of needs patched out (or over) kept until this many, or a tenth of all
SHIFT_COLUMNS = ("shift_row", "shift_words", "shift_day", "shift_last")


def _known(vocab: Vocabulary, codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in codes if vocab.position(c) is not None)


def _beyond(vocab: Vocabulary, codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in codes if vocab.position(c) is None))


def need_columns(
    ids: Sequence[int],
    specs: Sequence[NeedSpec],
    vocab: Vocabularies,
    cards: Sequence[bytes] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The index's columns for a batch of needs (row ``i`` of each is ``specs[i]``), and their
    shifts. The values are those ``ranking._rules`` and ``scoring.score`` work out from a
    ``NeedSpec``: an unknown required skill rules everyone out (``impossible``), an unknown
    preferred skill or client group is left out. A language the vocabulary lacks is kept by
    code (``lang_extra``: the required ones, then the preferred ones). ``cards``: what the
    caller shows of each need (empty by default)."""
    n = len(specs)
    required = [vocab.skills.mask(s.required_skills) for s in specs]
    languages = [vocab.languages.mask(_known(vocab.languages, s.languages_required)) for s in specs]
    extra = [
        (_beyond(vocab.languages, s.languages_required), _beyond(vocab.languages, s.languages_preferred))
        for s in specs
    ]
    lang_extra = np.empty(n, dtype=object)
    lang_extra[:] = [e if e[0] or e[1] else None for e in extra]
    card = np.empty(n, dtype=object)
    card[:] = list(cards) if cards is not None else [b""] * n
    weekly_rows, weekly_starts, weekly_ends = [], [], []
    shift_rows, shift_starts, shift_ends, shift_days, shift_last = [], [], [], [], []
    dated = np.zeros(n, dtype=bool)
    for i, s in enumerate(specs):
        if s.cover_days and s.slots:
            if len(s.cover_days) != len(s.slots):
                raise ValueError("a cover need has one slot for each of its dates")
            dated[i] = True
            for day, (start, end) in zip(s.cover_days, s.slots, strict=True):
                shift_rows.append(i)
                shift_starts.append(start)
                shift_ends.append(end)
                shift_days.append(day.toordinal())
                length = (end - start) % 10080 or 10080  # a night past midnight touches two days
                shift_last.append(day.toordinal() + (start % 1440 + length - 1) // 1440)
        else:
            for start, end in s.slots:
                weekly_rows.append(i)
                weekly_starts.append(start)
                weekly_ends.append(end)
    weekly = as_words(slot_masks(np.array(weekly_rows), np.array(weekly_starts), np.array(weekly_ends), n))
    count = len(shift_rows)
    words = as_words(slot_masks(np.arange(count), np.array(shift_starts), np.array(shift_ends), count))
    shift_row = np.array(shift_rows, dtype=np.int64)
    per_shift = np.bitwise_count(words).sum(axis=1, dtype=np.int32)
    wanted = np.where(
        dated,
        np.bincount(shift_row, weights=per_shift, minlength=n).astype(np.int32),
        np.bitwise_count(weekly).sum(axis=1, dtype=np.int32),
    )
    shift_count = np.bincount(shift_row, minlength=n).astype(np.int64)
    ceilings = [rate_ceiling(s.max_rate_pence, s.rate_firm) for s in specs]
    columns = {
        "need_id": np.array(ids, dtype=np.int64),
        "xyz": unit_vectors([s.lat for s in specs], [s.lon for s in specs]).reshape(n, 3),
        "reach": rules.reach_cos(np.array([s.max_distance for s in specs], dtype=np.float64)) - DOT_SLACK,
        "impossible": np.array([r < 0 for r in required], dtype=bool),
        "required": np.array([max(r, 0) for r in required], dtype=np.uint64),
        "preferred": mask_column(vocab.skills, [_known(vocab.skills, s.preferred_skills) for s in specs]),
        "groups": mask_column(vocab.groups, [_known(vocab.groups, s.groups) for s in specs]),
        "lang_required": np.array([max(x, 0) for x in languages], dtype=np.uint64),
        "lang_preferred": mask_column(
            vocab.languages, [_known(vocab.languages, s.languages_preferred) for s in specs]
        ),
        "has_lang_preference": np.array([bool(s.languages_preferred) for s in specs], dtype=bool),
        "dbs": np.array([DBS_KINDS.index(s.dbs) if s.dbs else -1 for s in specs], dtype=np.int8),
        "gender": np.array([GENDERS.index(s.gender) if s.gender else 0 for s in specs], dtype=np.int8),
        "gender_required": np.array([bool(s.gender and s.gender_required) for s in specs], dtype=bool),
        "gender_soft": np.array([bool(s.gender and not s.gender_required) for s in specs], dtype=bool),
        "driving": np.array(
            [DRIVING.index(s.driving) if s.driving in DRIVING else 0 for s in specs], np.int8
        ),
        "ceiling": np.array([NO_CEILING if c is None else c for c in ceilings], dtype=np.int64),
        "budget": np.array([s.max_rate_pence for s in specs], dtype=np.int64),
        "hours": np.array([s.hours_per_week for s in specs], dtype=np.float64),
        "limits": mask_column(vocab.limits, [_known(vocab.limits, s.limits) for s in specs]),
        "shift_wanted": mask_column(
            vocab.shifts, [_known(vocab.shifts, s.shift_kinds) if s.cover_days else () for s in specs]
        ),
        "year": np.array(
            [YEAR_PATTERNS.index(s.year_pattern) if s.year_pattern in YEAR_PATTERNS else 0 for s in specs],
            dtype=np.int8,
        ),
        "all_hours": np.array([s.all_hours for s in specs], dtype=bool),
        "weekly": weekly,
        "wanted": wanted,
        "dated": dated,
        "shift_start": np.concatenate([[0], np.cumsum(shift_count)[:-1]]).astype(np.int64)
        if n
        else np.zeros(0, dtype=np.int64),
        "shift_count": shift_count,
        "lang_extra": lang_extra,
        "lang_extra_required": np.array([bool(e[0]) for e in extra], dtype=bool),
        "lang_extra_count": np.array([len(e[1]) for e in extra], dtype=np.int64),
        "card": card,
        "live": np.ones(n, dtype=bool),
    }
    shifts = {
        "shift_row": shift_row,
        "shift_words": words,
        "shift_day": np.array(shift_days, dtype=np.int64),
        "shift_last": np.array(shift_last, dtype=np.int64),
    }
    return columns, shifts


class NeedIndex:
    """Column arrays of the open needs (row ``i`` of each is one need), and their shifts.
    Never changed in place: ``patched`` returns a new index. A need patched out, or patched
    again, leaves its old row behind, no longer ``live`` (skipped by ``work_for``), until a
    tenth of the rows are such: then a patch copies only the live rows (``compacted``)."""

    def __init__(
        self,
        batches: Sequence[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]],
        vocab: Vocabularies,
    ) -> None:
        columns: dict[str, np.ndarray] = {}
        shifts: dict[str, np.ndarray] = {}
        offset = shift_offset = 0
        parts: dict[str, list[np.ndarray]] = {name: [] for name in (*NEED_COLUMNS, *SHIFT_COLUMNS)}
        for need_part, shift_part in batches:
            for name in NEED_COLUMNS:
                value = need_part[name]
                if name == "shift_start":
                    value = value + shift_offset
                parts[name].append(value)
            for name in SHIFT_COLUMNS:
                value = shift_part[name]
                if name == "shift_row":
                    value = value + offset
                parts[name].append(value)
            offset += len(need_part["need_id"])
            shift_offset += len(shift_part["shift_row"])
        empty_need, empty_shift = need_columns([], [], vocab)
        for name in NEED_COLUMNS:
            columns[name] = np.concatenate(parts[name]) if parts[name] else empty_need[name]
        for name in SHIFT_COLUMNS:
            shifts[name] = np.concatenate(parts[name]) if parts[name] else empty_shift[name]
        live = np.flatnonzero(columns["live"])
        rows = dict(zip(columns["need_id"][live].tolist(), live.tolist(), strict=True))
        self._set(columns, shifts, vocab, rows)

    def _set(
        self,
        columns: dict[str, np.ndarray],
        shifts: dict[str, np.ndarray],
        vocab: Vocabularies,
        rows: dict[int, int],
    ) -> None:
        self.columns, self.shifts, self.vocab, self._rows = columns, shifts, vocab, rows

    def __len__(self) -> int:
        """The open needs (live rows)."""
        return len(self._rows)

    def __contains__(self, need_id: int) -> bool:
        return int(need_id) in self._rows

    def patched(
        self,
        batch: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
        gone: Sequence[int],
        vocab: Vocabularies | None = None,
    ) -> NeedIndex:
        """A new index: the needs in ``gone`` and those in ``batch`` dropped, ``batch`` appended.
        ``vocab``: the index's with languages added at the end (the bits given keep their
        meaning), which ``batch`` was made in. The columns are copied once (a few ms at 50k
        needs), with no per-row Python."""
        vocab = vocab or self.vocab
        added = batch[0]["need_id"].tolist()
        drop = {int(n) for n in gone} | set(added)
        dropped = [row for need_id in drop if (row := self._rows.get(need_id)) is not None]
        live = self.columns["live"].copy()
        live[dropped] = False
        total = len(live)
        if total - int(np.count_nonzero(live)) > max(COMPACT_MIN, total // 10):
            return self.compacted(live, batch, vocab)
        need_part, shift_part = batch
        shift_total = len(self.shifts["shift_row"])
        columns = {
            name: np.concatenate(
                [
                    live if name == "live" else self.columns[name],
                    need_part[name] + shift_total if name == "shift_start" else need_part[name],
                ]
            )
            for name in NEED_COLUMNS
        }
        shifts = {
            name: np.concatenate(
                [self.shifts[name], shift_part[name] + total if name == "shift_row" else shift_part[name]]
            )
            for name in SHIFT_COLUMNS
        }
        rows = self._rows.copy()
        for need_id in drop:
            rows.pop(need_id, None)
        rows.update(zip(added, range(total, total + len(added)), strict=True))
        index = NeedIndex.__new__(NeedIndex)
        index._set(columns, shifts, vocab, rows)
        return index

    def compacted(
        self,
        live: NDArray[np.bool_],
        batch: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
        vocab: Vocabularies,
    ) -> NeedIndex:
        """A new index of the ``live`` rows, then ``batch``."""
        kept_rows = np.flatnonzero(live)
        new_row = np.full(len(live), -1, dtype=np.int64)
        new_row[kept_rows] = np.arange(len(kept_rows))
        shift_keep = live[self.shifts["shift_row"]] if len(self.shifts["shift_row"]) else np.zeros(0, bool)
        columns = {name: self.columns[name][kept_rows] for name in NEED_COLUMNS}
        shifts = {name: self.shifts[name][shift_keep] for name in SHIFT_COLUMNS}
        shifts["shift_row"] = new_row[shifts["shift_row"]]
        # Each need's shifts are one run, in row order (a shift kept is of a live need): each
        # need's start is where its run begins.
        counts = columns["shift_count"]
        columns["shift_start"] = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        return NeedIndex([(columns, shifts), batch], vocab)


def _remapped(bits: int, old: Vocabulary, new: Vocabulary) -> int:
    """A mask in vocabulary ``old`` as one in ``new`` (a code ``new`` lacks is left out)."""
    return mask_column(new, [[code for k, code in enumerate(old.codes[:64]) if bits >> k & 1]])[0]


def pa_view(
    index: CandidateIndex, row: int, vocab: Vocabularies, spoken: Sequence[str] | None = None
) -> CandidateIndex:
    """One PA of the candidate index as a one-row index in the needs index's vocabularies
    ``vocab`` (its skills, client groups, languages, limits and shift kinds), so that a needs
    index built before the candidate index's vocabularies changed still reads it right. Its
    courses stay the candidate index's (needs hold no course bits: training is read through
    ``skill_courses`` by code). ``spoken``: the PA's languages, when known in full (the
    candidate index keeps only the languages its own 64 bits have room for)."""
    from market.matching.engine.columns import ROW_COLUMNS

    columns = {name: getattr(index, name)[row : row + 1].copy() for name in ROW_COLUMNS}
    if spoken is None:
        spoken = [
            code for k, code in enumerate(index.language_vocab.codes) if int(index.languages[row]) >> k & 1
        ]
    columns["languages"] = mask_column(vocab.languages, [spoken])
    for name, old, new in (
        ("skills", index.skill_vocab, vocab.skills),
        ("groups", index.group_vocab, vocab.groups),
        ("wont_do", index.limit_vocab, vocab.limits),
        ("shift_kinds", index.shift_vocab, vocab.shifts),
    ):
        if old != new:
            columns[name] = np.array([_remapped(int(columns[name][0]), old, new)], dtype=np.uint64)
    if index.skill_vocab != vocab.skills:
        years = np.zeros((1, len(vocab.skills.codes)), dtype=columns["skill_years"].dtype)
        for k, code in enumerate(vocab.skills.codes):
            if (old_k := index.skill_vocab.position(code)) is not None:
                years[0, k] = columns["skill_years"][0, old_k]
        columns["skill_years"] = years
    return CandidateIndex(
        **columns,
        skill_vocab=vocab.skills,
        course_vocab=index.course_vocab,
        group_vocab=vocab.groups,
        language_vocab=vocab.languages,
        limit_vocab=vocab.limits,
        shift_vocab=vocab.shifts,
        skill_courses=index.skill_courses,
        away={0: list(index.away[row])} if row in index.away else {},
        terms=index.terms,
    )


def weekly_words(needs: NeedIndex, row: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """A weekly need's hours as ``need.need_words`` gives them (from its row: no mask made
    again)."""
    words = needs.columns["weekly"][row]
    return tuple((int(w), int(words[w])) for w in np.flatnonzero(words)), int(needs.columns["wanted"][row])


class Found(msgspec.Struct, frozen=True, kw_only=True):
    """The needs a PA meets every hard requirement of, as arrays (position ``j`` is one need)."""

    need_ids: NDArray[np.int64]
    rows: NDArray[np.int64]  # their rows of the needs index
    cards: NDArray[np.object_]  # each need's card (``need_columns``)
    miles: NDArray[np.float64]  # banded when asked for
    factors: dict[str, NDArray[np.float64]]
    total: NDArray[np.float64]
    recipient: NDArray[np.float64]
    pa: NDArray[np.float64]


def _day_kinds(terms: TermCalendar, days: NDArray[np.int64]) -> NDArray[np.intp]:
    """UNKNOWN, TERM or HOLIDAY for each ordinal day (``TermCalendar.kind``, vectorised)."""
    kinds = np.frombuffer(terms.kinds, dtype=np.int8) if terms.kinds else np.zeros(0, dtype=np.int8)
    at = days - terms.first
    inside = (at >= 0) & (at < len(kinds))
    found = np.zeros(len(days), dtype=np.intp)
    found[inside] = kinds[at[inside]]
    return found


def _trained_skills(pa: CandidateIndex, today: int) -> int:
    """The skills (bits of the skill vocabulary) every course of which the PA holds current
    and verified: a need's training rule is that it holds every required one."""
    bits = 0
    for k, skill in enumerate(pa.skill_vocab.codes):
        ok = True
        for course in pa.skill_courses.get(skill, ()):
            column = pa.course_vocab.position(course)
            if column is not None and not rules.course_current(
                pa.course_until[0, column], pa.course_verified[0, column], today
            ):
                ok = False
                break
        if ok:
            bits |= 1 << k
    return bits


def _skill_courses(pa: CandidateIndex) -> NDArray[np.bool_]:
    """[skill bit, course column]: the courses each skill depends on."""
    links = np.zeros((64, max(len(pa.course_vocab.codes), 1)), dtype=bool)
    for k, skill in enumerate(pa.skill_vocab.codes[:64]):
        for course in pa.skill_courses.get(skill, ()):
            if (column := pa.course_vocab.position(course)) is not None:
                links[k, column] = True
    return links


def work_for(
    pa: CandidateIndex,
    needs: NeedIndex,
    at: date,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    banded: bool = False,
    spoken: Sequence[str] | None = None,
) -> Found:
    """The needs the PA (a one-row index: ``pa_view``) meets every hard requirement of, with
    each need's factors and scores as ``ranking.rank`` gives them for the PA. ``spoken``: the
    PA's languages in full (by default those its one-row index has bits for), against which
    the languages beyond the needs index's bits are judged."""
    c, today = needs.columns, at.toordinal()
    if spoken is None:
        spoken = [code for k, code in enumerate(pa.language_vocab.codes) if int(pa.languages[0]) >> k & 1]
    speaks = frozenset(spoken)
    if not pa.active[0]:
        return _scored(
            pa,
            needs,
            np.zeros(0, dtype=np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            today,
            weights,
            banded,
            speaks,
        )
    # Distance, both travel limits, and requirements no PA can meet: over every need.
    near = c["xyz"] @ pa.xyz[0]
    alive = (
        rules.within(near, c["reach"]) & rules.within(near, pa.travel_cos[0]) & ~c["impossible"] & c["live"]
    )
    rows = np.flatnonzero(alive)

    def keep(ok: NDArray[np.bool_]) -> None:
        nonlocal rows
        rows = rows[ok]

    kind = c["dbs"][rows]
    keep((kind < 0) | rules.dbs_current(pa.dbs_until[0][np.maximum(kind, 0)], today))
    keep(rules.holds_all(pa.skills[0], c["required"][rows]))
    keep(rules.holds_all(np.uint64(_trained_skills(pa, today)), c["required"][rows]))
    keep(rules.holds_all(pa.languages[0], c["lang_required"][rows]))
    if (beyond := np.flatnonzero(c["lang_extra_required"][rows])).size:  # a few rarer languages
        extra = c["lang_extra"][rows[beyond]]
        ok = np.ones(len(rows), dtype=bool)
        ok[beyond] = [speaks.issuperset(e[0]) for e in extra]
        keep(ok)
    keep(~c["gender_required"][rows] | (pa.gender[0] == c["gender"][rows]))
    driving = c["driving"][rows]
    keep(((driving < 1) | pa.licence[0]) & ((driving < 2) | (pa.car[0] & pa.car_insurance[0])))
    keep(rules.rate_within(pa.min_rate[0], c["ceiling"][rows]))
    keep(rules.holds_none(pa.wont_do[0], c["limits"][rows]))
    wanted_kinds = c["shift_wanted"][rows]
    keep((wanted_kinds == 0) | rules.holds_any(pa.shift_kinds[0], wanted_kinds))
    keep(c["dated"][rows] | rules.year_fits(pa.year_pattern[0], c["year"][rows]))
    # The times: a weekly need's words; a dated need's shifts, by date (year pattern, away).
    words = pa.availability_words[0]
    wanted = c["wanted"][rows].astype(np.int64)
    weekly = rules.quarters_free(words, c["weekly"][rows]).astype(np.int64)
    dated = c["dated"][rows]
    if dated.any():
        held = _dated_cover(pa, needs, rows, dated, weekly, today)
    else:
        held = np.stack([weekly, weekly, np.ones(len(rows), dtype=np.int64)])
    all_hours = c["all_hours"][rows]
    fits, covered = held[0], held[1]
    ok = (wanted == 0) | ((fits > 0) & (~all_hours | (fits >= wanted)))
    ok &= (wanted == 0) | ~dated | np.where(all_hours, covered >= wanted, covered > 0)
    year_ok = held[2].astype(bool)
    keep(ok & year_ok)
    covered = covered[ok & year_ok]
    wanted = wanted[ok & year_ok]
    return _scored(pa, needs, rows, covered, wanted, today, weights, banded, speaks)


def _dated_cover(
    pa: CandidateIndex,
    needs: NeedIndex,
    rows: NDArray[np.int64],
    dated: NDArray[np.bool_],
    weekly_held: NDArray[np.int64],
    today: int,
) -> NDArray[np.int64]:
    """[3, rows]: quarter-hours free on the dates the PA's year pattern allows (what the
    "unavailable" and "part_hours" rules count), the same less the dates away (what "away"
    and the availability factor count), and whether the year rule holds. Weekly needs keep
    their weekly count and pass the year rule here (it was tested before)."""
    c, s = needs.columns, needs.shifts
    n = len(rows)
    fits, covered, year_ok = weekly_held.copy(), weekly_held.copy(), np.ones(n, dtype=np.int64)
    which = np.flatnonzero(dated)
    starts, counts = c["shift_start"][rows[which]], c["shift_count"][rows[which]]
    owner = np.repeat(np.arange(len(which)), counts)  # each shift's position in ``which``
    first = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    shift = first + np.arange(len(owner))
    cover = rules.quarters_free(pa.availability_words[0], s["shift_words"][shift]).astype(np.int64)
    allowed = WORKS_ON[int(pa.year_pattern[0]), _day_kinds(pa.terms, s["shift_day"][shift])]
    away = np.zeros(len(shift), dtype=bool)
    for start, end in pa.away.get(0, ()):
        away |= rules.overlaps(start, end, s["shift_day"][shift], s["shift_last"][shift])
    per_need = len(which)
    fits[which] = np.bincount(owner, weights=cover * allowed, minlength=per_need).astype(np.int64)
    covered[which] = np.bincount(owner, weights=cover * (allowed & ~away), minlength=per_need).astype(
        np.int64
    )
    allowed_count = np.bincount(owner, weights=allowed, minlength=per_need)
    all_hours = c["all_hours"][rows[which]]
    year_ok[which] = np.where(all_hours, allowed_count == counts, allowed_count > 0)
    return np.stack([fits, covered, year_ok])


def _scored(
    pa: CandidateIndex,
    needs: NeedIndex,
    rows: NDArray[np.int64],
    covered: NDArray[np.int64],
    wanted: NDArray[np.int64],
    today: int,
    weights: Weights,
    banded: bool,
    speaks: frozenset[str],
) -> Found:
    """Every factor of ``scoring.score`` for the needs left, and their combined scores."""
    c = needs.columns
    d = pa.xyz[0] - c["xyz"][rows]
    miles = rules.chord_miles(d[:, 0], d[:, 1], d[:, 2])
    if banded:
        miles = np.asarray(banded_miles(miles), dtype=np.float64).reshape(-1)
    availability = np.where(wanted > 0, covered / np.maximum(wanted, 1), 1.0)
    # Training: the mean credit of the courses the need's required and preferred skills call for.
    links = _skill_courses(pa)
    credit = np.zeros(links.shape[1])
    if len(pa.course_vocab.codes):
        credit[: len(pa.course_vocab.codes)] = rules.course_credit(
            pa.course_until[0], pa.course_verified[0], today
        )
    # Worked out once per distinct set of skills (a few hundred at most), not once per need.
    skills, which = np.unique(c["required"][rows] | c["preferred"][rows], return_inverse=True)
    has = ((skills[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(bool)
    relevant = (has.astype(np.int64) @ links.astype(np.int64)) > 0
    count = relevant.sum(axis=1)
    training = np.where(count > 0, (relevant * credit).sum(axis=1) / np.maximum(count, 1), 1.0)
    training = training[which.reshape(-1)]
    # The preferred languages held, of those asked for: by bit, and by code beyond the bits.
    lang_wanted = c["lang_preferred"][rows]
    lang_held = np.bitwise_count(pa.languages[0] & lang_wanted).astype(np.float64)
    lang_count = np.bitwise_count(lang_wanted).astype(np.float64) + c["lang_extra_count"][rows]
    if (beyond := np.flatnonzero(c["lang_extra_count"][rows])).size:
        lang_held[beyond] += [len(speaks.intersection(e[1])) for e in c["lang_extra"][rows[beyond]]]
    preferences = np.where(
        c["has_lang_preference"][rows],
        np.where(lang_count > 0, lang_held / np.maximum(lang_count, 1), 1.0),
        1.0,
    )
    parts = c["has_lang_preference"][rows].astype(np.float64)
    same = (pa.gender[0] == c["gender"][rows]).astype(np.float64)
    preferences = np.where(c["gender_soft"][rows], (preferences * parts + same) / (parts + 1), preferences)
    factors = {
        "availability": availability,
        "distance": rules.distance_fit(miles),
        "skills": rules.share(pa.skills[0], c["preferred"][rows]),
        "groups": rules.share(pa.groups[0], c["groups"][rows]),
        "training": training,
        "preferences": preferences,
        "hours": rules.hours_fit(c["hours"][rows], pa.min_hours[0], pa.max_hours[0]),
        "rate": rules.rate_fit(c["budget"][rows], pa.min_rate[0]),
        "travel": rules.travel_fit(miles, pa.travel_miles[0]),
    }
    factors = {
        k: np.broadcast_to(np.asarray(v, dtype=np.float64), rows.shape).copy() for k, v in factors.items()
    }
    total, recipient, pa_score = combine(factors, weights)
    return Found(
        need_ids=c["need_id"][rows],
        rows=np.asarray(rows, dtype=np.int64),
        cards=c["card"][rows],
        miles=miles,
        factors=factors,
        total=total,
        recipient=recipient,
        pa=pa_score,
    )
