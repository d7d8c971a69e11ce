"""Register figures for a period: PAs on the register at its end (from the status history,
not today's status), new, suspended and removed in it, and who was on the register at its
end by skill, client group, district and highest qualification level.

Reports read the other features' tables directly: a report is a read model over the whole
service, and counting in SQL (a few queries a section, no per-PA loops) is what keeps a
quarterly return over 100,000 PAs fast. Every query here runs on SQLite and PostgreSQL.

A PA's status at a moment is the ``to_status`` of their latest ``StatusChange`` before it
(ties broken by the change's id). Every writer of a status (vetting, the importer, the demo)
records the change, so a profile with no history has never been approved. The CTE that finds
it is ``MATERIALIZED`` (SQLite 3.35+, PostgreSQL 12+): computed once, not once per row.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from datetime import date, datetime, time, timedelta
from typing import Any

from market.clock import LONDON
from market.register.tables import PAProfile
from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import Period

ON_REGISTER = ("approved",)

# Register qualification kinds and training courses mapped to one ladder of levels (the
# Regulated Qualifications Framework level where there is one).
QUALIFICATION_LEVELS = {
    "care_certificate": 1,
    "level_2_diploma": 2,
    "level_3_diploma": 3,
    "level_4_diploma": 4,
    "level_5_diploma": 5,
    "registered_nurse": 6,
}
LEVEL_NAMES = {
    6: "Registered nurse (degree, level 6)",
    5: "Level 5 diploma",
    4: "Level 4 diploma",
    3: "Level 3 diploma",
    2: "Level 2 diploma or certificate",
    1: "Care Certificate only",
    0: "No recorded qualification",
}


def end_moment(day: date) -> datetime:
    """The first moment (a UTC-comparable aware time) after ``day`` ends in London."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON)


def holding_cte(name: str, statuses: tuple[str, ...], moment: str = "{}") -> str:
    """``WITH <name>(profile) AS (...)``: the PAs whose status at a moment was one of
    ``statuses`` (``moment``: by default two parameters, the moment both times, exclusive):
    each PA's latest status change before the moment (ties broken by id), found with an index
    probe per change."""
    wanted = ", ".join(f"'{s}'" for s in statuses)
    return (
        f"WITH {name} AS MATERIALIZED (SELECT sc.profile FROM register_status_change sc"
        f" WHERE sc.changed_at < {moment} AND sc.to_status IN ({wanted}) AND NOT EXISTS ("
        " SELECT 1 FROM register_status_change later WHERE later.profile = sc.profile"
        f" AND later.changed_at < {moment} AND (later.changed_at > sc.changed_at"
        " OR (later.changed_at = sc.changed_at AND later.id > sc.id)))) "
    )


def on_register_cte() -> str:
    """``WITH on_register(profile) AS (...)``: PAs approved at a moment (two parameters)."""
    return holding_cte("on_register", ON_REGISTER)


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A report's statement. On PostgreSQL in a transaction of its own with JIT compilation off:
    the planner's cost estimates for these statements (a few hundred thousand rows, a
    fraction of a second each) cross ``jit_above_cost``, and compiling took 0.2 to 0.4 s of
    the register's statement alone, more than it could save."""
    engine = PAProfile._meta.db
    if engine.engine_type != "postgres":
        return await PAProfile.raw(sql, *args)
    async with engine.transaction():
        await PAProfile.raw("SET LOCAL jit = off")
        return await PAProfile.raw(sql, *args)


async def side_by_side(*reads: Awaitable[Any]) -> list[Any]:
    """The results of independent reads: on PostgreSQL run side by side, each on its own pooled
    connection; on SQLite one after another (piccolo opens a connection a query there, and side
    by side the return was no faster, rather slower, on two busy cores)."""
    if PAProfile._meta.db.engine_type == "postgres":
        return list(await asyncio.gather(*reads))
    return [await read for read in reads]


_NAMED = re.compile(r"\{(\w+)\}")


async def query(sql: str, **values: Any) -> list[dict[str, Any]]:
    """``raw`` with named parameters: each ``{name}`` in ``sql`` is a placeholder for
    ``values[name]``, however often it appears (a long statement reads better so)."""
    return await raw(_NAMED.sub("{}", sql), *(values[name] for name in _NAMED.findall(sql)))


def _level_case(column: str) -> str:
    whens = " ".join(f"WHEN '{kind}' THEN {level}" for kind, level in QUALIFICATION_LEVELS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def latest_status(profile: str, moment: str = "{}") -> str:
    """A scalar subquery: the status of the PA ``profile`` (a column) at a moment (``moment``, a
    parameter, exclusive), their latest change's ``to_status`` before it (ties broken by id),
    NULL with no change. An index probe a PA (register_status_change_profile_at): for the few
    PAs a figure asks about, where reading every PA's status (``holding_cte``) would not pay."""
    return (
        f"(SELECT l.to_status FROM register_status_change l WHERE l.profile = {profile}"
        f" AND l.changed_at < {moment} ORDER BY l.changed_at DESC, l.id DESC LIMIT 1)"
    )


def _qualification_levels_sql(course_levels: dict[int, int]) -> str:
    """Each PA on the register's highest qualification level (``top``): from their profile's
    qualifications dated by a day (``{end}``) or undated, and their completions of the courses
    that are qualifications (``course_levels``, id → level) by that day."""
    course_case = " ".join(f"WHEN {int(i)} THEN {int(level)}" for i, level in course_levels.items())
    from_courses = (
        f"  UNION ALL SELECT c.profile, CASE c.course {course_case} ELSE 0 END AS level"
        "   FROM training_completion c WHERE c.completed_on <= {end}"
        f"   AND c.course IN ({', '.join(str(int(i)) for i in course_levels)})"
        if course_levels
        else ""
    )
    return (
        " SELECT o.profile, COALESCE(MAX(h.level), 0) AS top FROM on_register o LEFT JOIN ("
        f"  SELECT q.profile, {_level_case('q.kind')} AS level FROM register_qualification q"
        "   WHERE q.achieved_on IS NULL OR q.achieved_on <= {end}"
        f"{from_courses}"
        " ) h ON h.profile = o.profile GROUP BY o.profile"
    )


async def section(period: Period, today: date) -> Section:
    first, after = period.bounds()
    end = period.end
    # The few courses that are qualifications, as literal ids: the completions of those courses
    # are then found through the course index instead of by reading every completion.
    course_levels = {
        r["id"]: r["qualification_level"] or 1
        for r in await raw(
            "SELECT id, qualification_level FROM training_course"
            " WHERE qualification_level IS NOT NULL OR kind = 'care_certificate'"
        )
    }
    # On PostgreSQL every figure in two statements run side by side, each on its own pooled
    # connection: the skills, and the rest (on SQLite the two in one statement). Each reads once
    # who was on the register at the end (it was found four times, once a breakdown, and that
    # was most of the section's time); the second reads once the period's status changes
    # (``period``: the figures of the period were three passes over the whole history).
    # Counting each PA once under a skill sorts half a million pairs on PostgreSQL, about as
    # long as all the rest together, so in one statement it was the return's longest wait
    # (0.44 s of the statement's 0.82 s at 100k PAs); finding those on the register twice costs
    # less than that wait. Rows are (part, ord, label, n), each
    # breakdown's rows numbered in the order they are shown. Those suspended at the end are
    # found by a probe for each PA ever suspended (few are), and those new by a probe for each
    # PA approved in the period (were they approved before it?), not by passes over every PA's
    # history. (Numbering each PA's changes with a window function, to read every status figure
    # in one pass, was no faster on PostgreSQL and eight times slower on SQLite, which finds
    # those on the register with a probe a change through the (profile, changed_at) index.)
    # (A GROUP BY over (PA, skill) in index order, instead of COUNT(DISTINCT), was faster only
    # once the table was vacuumed, for an index-only scan, and much slower straight after a
    # bulk load; and a PA may list a skill twice, so the count cannot drop the DISTINCT.)
    on_register = holding_cte("on_register", ON_REGISTER, "{after}")
    skills_sql = (
        "SELECT 'skill' AS part, ROW_NUMBER() OVER (ORDER BY s.position, s.name) AS ord,"
        " s.name AS label, COALESCE(x.n, 0) AS n FROM register_skill s LEFT JOIN ("
        "  SELECT ps.skill, COUNT(DISTINCT ps.profile) AS n FROM register_pa_skill ps"
        "  JOIN on_register o ON o.profile = ps.profile GROUP BY ps.skill) x ON x.skill = s.id"
    )
    rest_sql = (
        on_register[:-2]
        + "), period AS MATERIALIZED (SELECT profile, from_status, to_status FROM register_status_change"
        "  WHERE changed_at >= {first} AND changed_at < {after}) "
        "SELECT 'suspended_at_end' AS part, 0 AS ord, '' AS label, COUNT(*) AS n FROM ("
        " SELECT DISTINCT profile FROM register_status_change"
        " WHERE to_status = 'suspended' AND changed_at < {after}) h"
        f" WHERE {latest_status('h.profile', '{after}')} = 'suspended'"
        " UNION ALL SELECT 'suspended', 0, '', COUNT(DISTINCT profile) FROM period WHERE to_status = 'suspended'"
        " UNION ALL SELECT 'removed', 0, '', COUNT(DISTINCT profile) FROM period"
        "  WHERE from_status IN ('approved', 'suspended') AND to_status NOT IN ('approved', 'suspended')"
        " UNION ALL SELECT 'new', 0, '', COUNT(DISTINCT p.profile) FROM period p WHERE p.to_status = 'approved'"
        "  AND NOT EXISTS (SELECT 1 FROM register_status_change e WHERE e.profile = p.profile"
        "  AND e.changed_at < {first} AND e.to_status = 'approved')"
        " UNION ALL SELECT 'group', ROW_NUMBER() OVER (ORDER BY g.position, g.name), g.name,"
        "  COALESCE(x.n, 0) FROM register_client_group g LEFT JOIN ("
        '  SELECT pg."group" AS group_id, COUNT(DISTINCT pg.profile) AS n FROM register_pa_client_group pg'
        '  JOIN on_register o ON o.profile = pg.profile GROUP BY pg."group") x ON x.group_id = g.id'
        " UNION ALL SELECT 'district', ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, p.district), p.district,"
        "  COUNT(*) FROM register_pa_profile p JOIN on_register o ON o.profile = p.id GROUP BY p.district"
        " UNION ALL SELECT 'level', 0, CAST(top AS VARCHAR(2)), COUNT(*) FROM ("
        + _qualification_levels_sql(course_levels)
        + ") t GROUP BY top"
    )
    if PAProfile._meta.db.engine_type == "postgres":
        by_skill, rest = await side_by_side(
            query(on_register + skills_sql, after=after), query(rest_sql, first=first, after=after, end=end)
        )
        rows = by_skill + rest
    else:  # SQLite gained nothing side by side and paid for the second reading (1.6 s to 1.8 s)
        rows = await query(rest_sql + " UNION ALL " + skills_sql, first=first, after=after, end=end)
    parts: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (r["part"], r["ord"])):
        parts.setdefault(r["part"], []).append(r)

    def one(part: str) -> int:
        return int(parts[part][0]["n"])

    skills, groups, districts = (parts.get(p, []) for p in ("skill", "group", "district"))
    at_end = sum(r["n"] for r in districts)  # every PA on the register has one district ("" if unknown)
    by_level: dict[int, int] = {}
    for r in parts.get("level", []):
        level = min(int(r["label"]), 6)
        by_level[level] = by_level.get(level, 0) + r["n"]
    suspended_at_end = one("suspended_at_end")
    counts = {"suspended": one("suspended"), "removed": one("removed")}
    new = one("new")
    at_end_words = "at the end of the last day of the period (midnight, London time)"
    return Section(
        key="register",
        title="The register",
        figures=[
            Figure(
                key="register.on_register_at_end",
                title="PAs on the register at the end of the period",
                definition=(
                    f"PAs whose status was approved (on the register) {at_end_words}, read from the "
                    "history of status changes. Suspended PAs are not counted."
                ),
                value=at_end,
            ),
            Figure(
                key="register.new_in_period",
                title="PAs new to the register",
                definition=(
                    "PAs approved onto the register for the first time during the period (London "
                    "days, both ends included). A PA reinstated after a suspension is not new."
                ),
                value=new,
            ),
            Figure(
                key="register.suspended_in_period",
                title="PAs suspended",
                definition="PAs suspended at least once during the period (London days, both ends included).",
                value=counts["suspended"],
            ),
            Figure(
                key="register.suspended_at_end",
                title="PAs suspended at the end of the period",
                definition=(
                    f"PAs whose status was suspended {at_end_words}, read from the history of status "
                    "changes, however long ago they were suspended."
                ),
                value=suspended_at_end,
            ),
            Figure(
                key="register.removed_in_period",
                title="PAs removed or withdrawn",
                definition=(
                    "PAs who left the register during the period: moved from approved or suspended to "
                    "any other status (withdrawn, declined) on a London day within the period."
                ),
                value=counts["removed"],
            ),
        ],
        breakdowns=[
            Breakdown(
                key="register.by_skill",
                title="PAs on the register by skill",
                definition=(
                    f"PAs on the register {at_end_words}, counted once under each skill they list "
                    "(skills as recorded now); a PA with several skills appears in several rows."
                ),
                heading="Skill",
                rows=[(r["label"], r["n"]) for r in skills],
            ),
            Breakdown(
                key="register.by_client_group",
                title="PAs on the register by client group",
                definition=(
                    f"PAs on the register {at_end_words}, counted once under each group of people "
                    "they say they work with (as recorded now); a PA may appear in several rows."
                ),
                heading="Client group",
                rows=[(r["label"], r["n"]) for r in groups],
            ),
            Breakdown(
                key="register.by_district",
                title="PAs on the register by postcode district",
                definition=(
                    f"PAs on the register {at_end_words}, by the postcode district of their home "
                    "(as recorded now), largest first."
                ),
                heading="Postcode district",
                rows=[(r["label"] or "Not known", r["n"]) for r in districts],
                ordered_by_count=True,
            ),
            Breakdown(
                key="register.by_qualification_level",
                title="PAs on the register by highest qualification",
                definition=(
                    f"PAs on the register {at_end_words}, each counted once under the highest "
                    "qualification recorded (verified or not) on their profile or training record "
                    "with a date on or before the last day of the period (a profile qualification "
                    "without a date counts). Levels: registered nurse 6; Level 5, 4 and 3 diplomas; "
                    "Level 2: the Level 2 diploma or the Level 2 Adult Social Care Certificate; "
                    "Care Certificate only; other qualifications are not given a level."
                ),
                heading="Highest qualification",
                rows=[
                    (LEVEL_NAMES[level], by_level.get(level, 0))
                    for level in sorted(LEVEL_NAMES, reverse=True)
                ],
            ),
        ],
    )
