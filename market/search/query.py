"""Running a checked search: who appears, in what order, one page at a time.

Who appears: only approved profiles (not draft, submitted, suspended ...) whose straight-line
distance from the searcher's place is within BOTH the searcher's radius and the PA's own
travel limit. Those two are hard requirements and nothing outranks them.

Where from: for staff, exact positions. For everyone else (``Criteria.coarse``) the distance
is between two sector centres, the searcher's own place's and the PA's
(``market.geo.centroids.sector_point``), and is banded before anything uses it: inclusion,
the band shown and the order (``market.geo.display.banded_miles``: two PAs in one band are
ordered by the rest of the key, then by id, never by which is nearer). So no search, from
any place, with any radius or order, says more of a PA's home than its sector.

Filters (every one given must hold): the days and times (see ``market.search.criteria``);
skills and client groups: the PA has every one chosen; languages: each language named is in
the PA's list (by the register's codes); driving: "licence" a full UK licence, "car" also a
car for work insured for business; gender: only
when the searcher states a preference; DBS: a current check meeting the chosen requirement;
words: every word appears in the headline or the three profile texts, ignoring case. The
order is ``market.search.ranking``'s.

Performance: who appears and in what order is worked out in memory, on the matching
engine's candidate index and the search's extras beside it (``market.search.on_index``,
``market.search.listing``), kept fresh from the register's change log within a second; the
database is read only for the page shown, in at most one statement (``market.reads``): the
viewer's shortlist marks, and the rows and DBS checks (``dbs.standing``) of those of its 20
PAs not shown since the change log last named them (``listing.SHOWN``, ``STANDINGS``);
their skills and weeks come from the index.
"""

from __future__ import annotations

from datetime import date

from market.accounts.schemas import CurrentUser
from market.clock import london_date, london_today
from market.dbs import standing
from market.dbs.standing import Policy, Standing
from market.geo.display import distance_band
from market.matching.engine.ranking import CandidateIndex
from market.reads import read_together
from market.register.schemas import SkillOut
from market.search import register_reads as reads
from market.search import shortlist
from market.search.criteria import Criteria
from market.search.listing import EXTRAS, HELD, SHOWN, STANDINGS
from market.search.on_index import find, grid_of, skills_held, summary_of, week_patterns
from market.search.ranking import page_count
from market.search.schemas import PER_PAGE, ResultOut, SearchOut


def _result(
    row: reads.ShownRow,
    miles: float,
    skills: list[SkillOut],
    week: tuple[int, ...],
    shortlisted: bool,
    dbs: Standing | None,
) -> ResultOut:
    return ResultOut(
        id=row.id,
        display_name=row.display_name,
        headline=row.headline,
        district=row.district,
        distance_band=distance_band(miles),
        skills=skills,
        vetted_on=london_date(row.approved_at),
        right_to_work_checked=row.right_to_work_confirmed_at is not None,
        week=grid_of(week),
        shortlisted=shortlisted,
        dbs=dbs.badge if dbs else "",
        min_rate_pence=row.min_rate_pence,
        usually_available=summary_of(week),
    )


def _held(
    index: CandidateIndex, ids: list[int], at: dict[int, int]
) -> dict[int, tuple[list[SkillOut], tuple[int, ...]]]:
    """Each PA's skills and week pattern as the index holds them (it is what they were found
    by), at their rows ``at``: kept for PAs shown before (``listing.HELD``), as the change log
    has not named them since."""
    epoch = HELD.epoch
    held = HELD.known(ids)
    if unknown := [i for i in ids if i not in held]:
        rows = [at[i] for i in unknown]
        fresh = dict(
            zip(unknown, zip(skills_held(index, rows), week_patterns(index, rows), strict=True), strict=True)
        )
        HELD.keep(fresh, epoch)
        held.update(fresh)
    return held


async def _shown(
    ids: list[int], viewer: CurrentUser | None, today: date, policy: Policy
) -> tuple[dict[int, reads.ShownRow], dict[int, Standing], set[int]]:
    """The page's rows (listed PAs only), their DBS standings and which of them the viewer
    has saved: at most one statement, which reads the rows and checks only of PAs the page's
    recent predecessors have not shown since the change log last named them
    (``listing.SHOWN``, ``listing.STANDINGS``)."""
    if not ids:
        return {}, {}, set()
    epoch = SHOWN.epoch, STANDINGS.epoch
    rows, badges = SHOWN.known(ids), STANDINGS.known(ids, (today, policy))
    unread = [i for i in ids if i not in rows]
    unchecked = [i for i in ids if i not in badges]
    parts = []
    if unread:
        parts.append(reads.shown_read(unread))
    if unchecked:
        parts += [standing.checks_read(unchecked), standing.status_checks_read(unchecked)]
    if saved := shortlist.saved_read(viewer, ids):
        parts.append(saved)
    found = await read_together(*parts) if parts else []
    if unread:
        listed = {row.id: row for row in found.pop(0)}
        SHOWN.keep({i: listed.get(i) for i in unread}, epoch[0])
        rows.update(listed)
    if unchecked:
        fresh = standing.standings_from(found.pop(0), found.pop(0), today, policy)
        STANDINGS.keep({i: fresh.get(i) for i in unchecked}, epoch[1], (today, policy))
        badges.update(fresh)
    return (
        {i: row for i, row in rows.items() if row is not None},
        {i: badge for i, badge in badges.items() if badge is not None},
        {row.profile for row in found[0]} if saved else set(),
    )


async def search(
    criteria: Criteria, viewer: CurrentUser | None = None, policy: Policy | None = None
) -> SearchOut:
    """One page of the PAs that meet every requirement, in the chosen order. ``policy``
    is the DBS currency rule (the settings' recheck periods)."""
    policy = policy or Policy()
    today = london_today()
    index, extras = await EXTRAS.get(policy)
    # Only the pages up to the one asked need their order (a later one than there are pages
    # shows the last, which is among them).
    found = find(index, extras, criteria, today, upto=criteria.page * PER_PAGE)
    total = found.total
    pages = page_count(total)
    page = min(criteria.page, pages)
    window = slice((page - 1) * PER_PAGE, page * PER_PAGE)
    shown = found.ids[window].tolist()
    miles = dict(zip(shown, found.miles[window].tolist(), strict=True))
    at = dict(zip(shown, found.rows[window].tolist(), strict=True))
    held = _held(index, shown, at)  # before any wait: the index may be patched meanwhile
    rows, badges, saved = await _shown(shown, viewer, today, policy)
    shown = [i for i in shown if i in rows]  # one withdrawn since the index last looked
    return SearchOut(
        total=total,
        page=page,
        per_page=PER_PAGE,
        pages=pages,
        radius=criteria.radius,
        searched_district=criteria.district,
        searched_place=criteria.place,
        results=[_result(rows[i], miles[i], *held[i], i in saved, badges.get(i)) for i in shown],
    )
