"""What the rest of the service may know about a PA's DBS checks: which requirements they
meet at a date, and the badge a recipient sees. Never the certificate number, the result,
or staff's notes.

Matching and the register call ``standings`` (many PAs, one query per table) or
``standing`` (one PA); both pick each PA's best check that is current at the date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import msgspec
import numpy as np

from market.clock import london_date
from market.dates import long_date
from market.dbs import rules
from market.dbs.tables import DBSCheck, StatusCheck
from market.reads import Read, marks, read_together, table
from market.settings import Settings
from market.snapshot import Snapshot

BATCH = 500


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    recheck_months: int = 36
    status_check_months: int = 12

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            recheck_months=settings.dbs_recheck_months, status_check_months=settings.dbs_status_check_months
        )


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """A PA's best current check: enough to test a requirement and to show a badge."""

    profile_id: int
    check_id: int
    level: str
    barred_lists: str
    current_until: date
    checked_on: date  # the last time staff looked at it: the decision or the latest status check
    # (level, barred lists) of every current check: a PA may hold an enhanced check with the
    # adults' list and another with the children's, and meets what either meets.
    current_checks: tuple[tuple[str, str], ...] = ()

    def meets(self, requirement: rules.Requirement) -> bool:
        held = self.current_checks or ((self.level, self.barred_lists),)
        return any(rules.satisfies(level, lists, requirement) for level, lists in held)

    @property
    def summary(self) -> str:
        """E.g. "Enhanced DBS with the children's barred list, current until 1 March 2027"."""
        return (
            f"{rules.describe(self.level, self.barred_lists)}, current until {long_date(self.current_until)}"
        )

    @property
    def badge(self) -> str:
        """What a recipient sees: e.g. "Enhanced DBS with the adults' barred list, checked by
        staff on 3 March 2026"."""
        return f"{rules.describe(self.level, self.barred_lists)}, checked by staff on {long_date(self.checked_on)}"


def facts_of(row: dict, statuses: Sequence[dict]) -> rules.CheckFacts:
    views = tuple(rules.StatusCheckView(s["checked_on"], s["result"]) for s in statuses)
    checked = [d for d in (london_date(row["decided_at"]), *(s.checked_on for s in views)) if d]
    return rules.CheckFacts(
        level=row["level"],
        barred_lists=row["barred_lists"],
        issued_on=row["issued_on"],
        decision=row["decision"],
        update_service=row["update_service"],
        status_checks=views,
        stopped=row["stopped_at"] is not None,
        checked_by_staff_on=max(checked, default=None),
    )


async def checks_with_facts(profile_ids: Sequence[int]) -> list[tuple[dict, rules.CheckFacts]]:
    """Every check of these PAs with its facts (two queries a batch)."""
    found: list[tuple[dict, rules.CheckFacts]] = []
    ids = list(dict.fromkeys(profile_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = await DBSCheck.select().where(DBSCheck.profile.is_in(chunk)).order_by(DBSCheck.id)
        if not rows:
            continue
        statuses: dict[int, list[dict]] = {}
        for s in (
            await StatusCheck.select(StatusCheck.dbs_check, StatusCheck.checked_on, StatusCheck.result)
            .where(StatusCheck.dbs_check.is_in([r["id"] for r in rows]))
            .order_by(StatusCheck.checked_on, StatusCheck.id)  # in the order they happened
        ):
            statuses.setdefault(s["dbs_check"], []).append(s)
        found += [(r, facts_of(r, statuses.get(r["id"], []))) for r in rows]
    return found


# The levels and barred lists ``current_checks_between`` numbers (anything else: the last
# number, read as "" here: the rules give every unknown level or list what they give "").
LEVEL_CODES = (*rules.LEVELS, "")
LIST_CODES = (*rules.BARRED_LISTS, "")


class CurrentChecks(NamedTuple):
    """Each check of some PAs that can be current (suitable and not stopped), as arrays:
    its PA, level and barred lists (positions in ``LEVEL_CODES`` and ``LIST_CODES``) and
    the last day it is current."""

    profile: np.ndarray
    level: np.ndarray
    barred_lists: np.ndarray
    current_until: np.ndarray


def _code_of(column: str, codes: Sequence[str]) -> str:
    """SQL: the position of the column's value in ``codes`` (the last for any other)."""
    known = " ".join(f"WHEN {_literal(code)} THEN {k}" for k, code in enumerate(codes[:-1]))
    return f"CASE {column} {known} ELSE {len(codes) - 1} END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


async def current_checks_between(snapshot: Snapshot, first: int, last: int, policy: Policy) -> CurrentChecks:
    """The checks of the PAs whose profile ids are ``first``..``last`` that are current up
    to some day, with that day (``rules.current_until``): the matching index's build reads
    the register a range of profile ids at a time. One query in ``snapshot``, its facts
    gathered in SQL (a check's latest status check that counts: ``rules.current_until_days``),
    no Python object per check."""
    results = ", ".join(_literal(r) for r in rules.CURRENT_RESULTS)
    renewed = (
        f"CASE WHEN c.update_service THEN coalesce((SELECT max({snapshot.day('s.checked_on')})"
        " FROM dbs_status_check s WHERE s.dbs_check = c.id"
        f" AND s.result IN ({results}) AND s.checked_on >= c.issued_on), 0) ELSE 0 END"
    )
    profile, level, lists, issued, renewed_on = await snapshot.columns(
        (
            "c.profile",
            _code_of("c.level", LEVEL_CODES),
            _code_of("c.barred_lists", LIST_CODES),
            snapshot.day("c.issued_on"),
            renewed,
        ),
        "dbs_check c WHERE c.profile BETWEEN ? AND ? AND c.decision = 'suitable' AND c.stopped_at IS NULL",
        first,
        last,
    )
    until = rules.current_until_days(
        issued,
        renewed_on,
        recheck_months=policy.recheck_months,
        status_check_months=policy.status_check_months,
    )
    return CurrentChecks(profile, level, lists, until)


def best_standing(
    profile_id: int, checks: Sequence[tuple[dict, rules.CheckFacts]], at: date, policy: Policy
) -> Standing | None:
    """The strongest current check (level, then barred lists, then the latest date)."""
    best: Standing | None = None
    held: list[tuple[str, str]] = []
    for row, facts in checks:
        months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
        if not rules.is_current(facts, at, **months):
            continue
        held.append((facts.level, facts.barred_lists))
        candidate = Standing(
            profile_id=profile_id,
            check_id=row["id"],
            level=facts.level,
            barred_lists=facts.barred_lists,
            current_until=rules.current_until(facts, **months),
            checked_on=facts.checked_by_staff_on or facts.issued_on,
        )
        if best is None or _strength(candidate) > _strength(best):
            best = candidate
    return msgspec.structs.replace(best, current_checks=tuple(held)) if best else None


def _strength(s: Standing) -> tuple[int, int, date]:
    lists = {"none": 0, "adults": 1, "children": 1, "both": 2}.get(s.barred_lists, 0)
    return (rules.LEVEL_RANK[s.level], lists, s.current_until)


async def standings(profile_ids: Sequence[int], at: date, policy: Policy) -> dict[int, Standing]:
    """Each PA's best check current at ``at``; PAs with none are absent (one query a batch)."""
    found: dict[int, Standing] = {}
    ids = list(dict.fromkeys(profile_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        checks, statuses = await read_together(checks_read(chunk), status_checks_read(chunk))
        found |= standings_from(checks, statuses, at, policy)
    return found


# -- the reads, for a page that reads a few PAs' standing beside other things (market.reads) --


class CheckRow(msgspec.Struct, array_like=True):
    """What ``facts_of`` reads of a check (not the certificate number, names or notes)."""

    id: int
    profile: int
    level: str
    barred_lists: str
    issued_on: date
    decision: str
    update_service: bool
    stopped_at: datetime | None
    decided_at: datetime | None


class StatusRow(msgspec.Struct, array_like=True):
    dbs_check: int
    checked_on: date
    result: str


def checks_read(profile_ids: Sequence[int]) -> Read:
    """Every check of these PAs, in the order they were recorded."""
    ids = tuple(profile_ids)
    return Read(
        row=CheckRow,
        columns=tuple(f'c."{name}"' for name in CheckRow.__struct_fields__),
        source=f'FROM {table(DBSCheck)} c WHERE c."profile" IN ({marks(ids)})',
        args=ids,
        order='c."id"',
    )


def status_checks_read(profile_ids: Sequence[int]) -> Read:
    """The status checks of these PAs' checks, in the order they happened."""
    ids = tuple(profile_ids)
    return Read(
        row=StatusRow,
        columns=('s."dbs_check"', 's."checked_on"', 's."result"'),
        source=f'FROM {table(StatusCheck)} s JOIN {table(DBSCheck)} c ON c."id" = s."dbs_check" '
        f'WHERE c."profile" IN ({marks(ids)})',
        args=ids,
        order='s."checked_on", s."id"',
    )


def standings_from(
    checks: Sequence[CheckRow], statuses: Sequence[StatusRow], at: date, policy: Policy
) -> dict[int, Standing]:
    """``standings`` from the rows of ``checks_read`` and ``status_checks_read``."""
    of_check: dict[int, list[dict]] = {}
    for status in statuses:
        of_check.setdefault(status.dbs_check, []).append(msgspec.structs.asdict(status))
    by_profile: dict[int, list[tuple[dict, rules.CheckFacts]]] = {}
    for check in checks:
        row = msgspec.structs.asdict(check)
        by_profile.setdefault(check.profile, []).append((row, facts_of(row, of_check.get(check.id, []))))
    found = {}
    for profile_id, held in by_profile.items():
        best = best_standing(profile_id, held, at, policy)
        if best is not None:
            found[profile_id] = best
    return found


async def standing(profile_id: int, at: date, policy: Policy) -> Standing | None:
    return (await standings([profile_id], at, policy)).get(profile_id)


async def meeting(
    profile_ids: Sequence[int], requirement: rules.Requirement, at: date, policy: Policy
) -> set[int]:
    """Those of these PAs who meet the requirement at the date."""
    return {pid for pid, s in (await standings(profile_ids, at, policy)).items() if s.meets(requirement)}
