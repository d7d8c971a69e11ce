"""Work near me: the open needs a PA meets every hard requirement of, best first, by the same
rules and score as a need's matches (the engine run the other way: one PA against each need).
So a need at none of whose times the PA is free is never shown, as the PA is never listed
for it.

A PA sees a need's title, district, times and hours, a distance band and the reasons; never
the person's name, the address or the description (which may name people) before an
invitation. The need and the PA are both placed at the centres of their sectors and the
ranking is banded, so no list, however often the PA moves their own home or travel limit,
says more of where the person lives than their sector."""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np

from market.accounts.schemas import CurrentUser
from market.dbs.standing import Policy
from market.geo.display import distance_band
from market.matching import index as match_index
from market.matching.engine import dated
from market.matching.engine.columns import CandidateIndex, Vocabulary
from market.matching.engine.needs import Found, NeedIndex, pa_view, weekly_words, work_for
from market.matching.engine.ranking import rank
from market.matching.engine.reasons import reason_context, reasons
from market.matching.engine.records import Vocabularies, build_index, vocabularies_of
from market.matching.matches import CACHE, need_place, spec_of
from market.matching.need_index import CACHE as NEEDS
from market.matching.need_index import read_card
from market.matching.needs.lifecycle import need_outs
from market.matching.tables import Need
from market.register import directory
from market.settings import Settings


class WorkOut(msgspec.Struct, kw_only=True):
    need_id: int
    title: str
    kind: str
    district: str
    distance_band: str
    hours_per_week: float | None
    times: list[str]
    score: int
    reasons: list[str]  # why it suits the PA
    worth_knowing: list[str]  # what tells against: part of the hours, below their rate ...


async def work_near_me(
    user: CurrentUser,
    settings: Settings,
    at: date,
    *,
    limit: int = 20,
    worker: directory.WorkerRef | None = None,
) -> list[WorkOut]:
    """The best ``limit`` open needs for the PA: one vectorised pass over this worker's needs
    index (``engine.needs.work_for``), then the needs shown built from their cards in the
    index (no query). ``worker``: the PA's profile, when the caller has read it already."""
    profile = worker or await directory.worker_of_user(user.id)
    if profile is None or profile.status != "approved":
        return []
    policy = Policy.of(settings)
    pa_index = await CACHE.get(policy)
    needs = await NEEDS.get(pa_index)
    spoken = match_index.languages_of(profile.languages)
    one = await _pa_one(pa_index, profile.id, _one_vocab(needs.vocab, pa_index), policy, spoken)
    if one is None:
        return []
    from market.matching.pipeline import learning_store as learning

    weights = await learning.current_weights()
    found = work_for(one, needs, at, weights=weights, banded=True, spoken=spoken)
    return shown(found, needs, one, at, limit)


def _one_vocab(needs_vocab: Vocabularies, pa_index: CandidateIndex) -> Vocabularies:
    """The PA's one-row index's vocabularies: the needs index's bits (skills, client groups,
    languages ...), the candidate index's courses (the needs hold none)."""
    return msgspec.structs.replace(
        needs_vocab, courses=pa_index.course_vocab, skill_courses=pa_index.skill_courses
    )


async def _pa_one(
    pa_index: CandidateIndex,
    profile_id: int,
    vocab: Vocabularies,
    policy: Policy,
    spoken: tuple[str, ...],
) -> CandidateIndex | None:
    """The PA as a one-row index in ``vocab``: their row of the worker's candidate index
    (fresh to within its poll), or, not yet there, read from the database."""
    row = pa_index.row_of(profile_id)
    if row is None or not pa_index.active[row]:
        rows = await match_index.pa_rows([profile_id], policy=policy)
        if not rows:
            return None
        return build_index(rows, vocab, terms=pa_index.terms)
    return pa_view(pa_index, row, vocab, spoken)


def shown(found: Found, needs: NeedIndex, one: CandidateIndex, at: date, limit: int) -> list[WorkOut]:
    """The best ``limit`` of what ``work_for`` found, built from their cards with the engine's
    reasons. Best first; one score apart, by need id (the score already holds distance as a
    band)."""
    # The score shown is exactly as ``rank`` rounds it (4 places, then a percentage), and
    # never falls as the total rises: only the needs within a point of the ``limit``-th best
    # total can be among the best ``limit``, so only those are rounded and sorted.
    total = found.total
    if len(total) > limit > 0:
        kth = np.partition(total, len(total) - limit)[len(total) - limit]
        near = np.flatnonzero(total >= kth - 0.0101)
    else:
        near = np.arange(len(total))
    scores = {
        int(j): round(round(t, 4) * 100) for j, t in zip(near.tolist(), total[near].tolist(), strict=True)
    }
    ids = found.need_ids
    order = sorted(scores, key=lambda j: (-scores[j], int(ids[j])))[:limit]
    result = []
    for j in order:
        card = read_card(found.cards[j])
        spec = card.spec
        shifts = dated.dated_shifts(spec, one)
        words = None if shifts is not None else weekly_words(needs, int(found.rows[j]))
        context = reason_context(spec, one, shifts=shifts, hours=words)
        own = {k: float(v[j]) for k, v in found.factors.items()}
        miles = float(found.miles[j])
        suggested, worth_knowing = reasons(spec, one, 0, miles, own, at, context)
        result.append(
            WorkOut(
                need_id=int(ids[j]),
                title=card.title,
                kind=card.kind,
                district=card.district,
                distance_band=distance_band(round(miles, 1)),
                hours_per_week=card.hours_per_week,
                times=list(card.times),
                score=scores[j],
                reasons=[r for r in suggested if "miles away" not in r],
                worth_knowing=list(worth_knowing),
            )
        )
    return result


async def work_near_me_one_need_at_a_time(
    user: CurrentUser, settings: Settings, at: date, *, limit: int = 20
) -> list[WorkOut]:
    """The old way, kept as the reference the tests hold ``work_near_me`` to: every open need
    read and built in full, and ``rank`` run once per need within reach against the PA as a
    one-row index of the candidate index's own vocabularies, but for the languages: those of
    the need and the PA's own list, so that every language is judged by code whatever the
    64 bits of either index hold."""
    profile = await directory.worker_of_user(user.id)
    if profile is None or profile.status != "approved":
        return []
    policy = Policy.of(settings)
    pa_index = await CACHE.get(policy)
    spoken = match_index.languages_of(profile.languages)
    from market.matching.pipeline import learning_store as learning

    weights = await learning.current_weights()
    full = await Need.select().where(Need.status == "open", Need.lat.is_not_null(), Need.lon.is_not_null())
    found: list[WorkOut] = []
    for row, need in zip(full, await need_outs(full, staff=False), strict=True):
        place = need_place(row)
        if place is None:
            continue
        spec = spec_of(need, *place)
        languages = Vocabulary(
            tuple(dict.fromkeys((*spec.languages_required, *spec.languages_preferred, *spoken)))
        )
        vocab = msgspec.structs.replace(vocabularies_of(pa_index), languages=languages)
        one = await _pa_one(pa_index, profile.id, vocab, policy, spoken)
        if one is None:
            return []
        ranked = rank(spec, one, at, limit=1, weights=weights, banded=True).candidates
        if not ranked:
            continue
        match = ranked[0]
        found.append(
            WorkOut(
                need_id=row["id"],
                title=need.title,
                kind=need.kind,
                district=need.district,
                distance_band=distance_band(match.miles),
                hours_per_week=need.hours_per_week,
                times=[c.label for c in need.cover_dates]
                if need.kind == "cover"
                else [s.label for s in need.slots],
                score=round(match.score * 100),
                reasons=[r for r in match.reasons if "miles away" not in r],
                worth_knowing=list(match.worth_knowing),
            )
        )
    found.sort(key=lambda w: (-w.score, w.need_id))
    return found[:limit]
