"""School years and their periods, as an admin keeps them: add, change and delete, each in
one transaction with its audit event and a change log entry for everyone (every worker's
matching index is rebuilt with the new dates)."""

from __future__ import annotations

from typing import Any

from market.audit import services as audit
from market.audit.services import ActorLike
from market.clock import utcnow
from market.db import unique_or, write_transaction
from market.errors import Invalid, NotFound
from market.register import changes
from market.terms import rules
from market.terms.rules import ENDS_BEFORE, Span
from market.terms.schemas import (
    KINDS,
    NAME_LIMIT,
    PERIOD_NAME_LIMIT,
    SOURCE_LIMIT,
    PeriodInput,
    PeriodOut,
    SchoolYearInput,
    SchoolYearOut,
)
from market.terms.tables import SchoolPeriod, SchoolYear


def clean(text: str) -> str:
    return " ".join(text.split())


def _period(row: dict[str, Any]) -> PeriodOut:
    return PeriodOut(
        id=row["id"], kind=row["kind"], name=row["name"], first_day=row["first_day"], last_day=row["last_day"]
    )


async def school_years() -> list[SchoolYearOut]:
    """Every school year, earliest first, each with its periods in date order."""
    years = await SchoolYear.select().order_by(SchoolYear.first_day)
    periods: dict[int, list[PeriodOut]] = {}
    for row in await SchoolPeriod.select().order_by(SchoolPeriod.first_day).order_by(SchoolPeriod.id):
        periods.setdefault(row["school_year"], []).append(_period(row))
    return [
        SchoolYearOut(
            id=y["id"],
            name=y["name"],
            first_day=y["first_day"],
            last_day=y["last_day"],
            source=y["source"],
            periods=periods.get(y["id"], []),
        )
        for y in years
    ]


async def school_year(year_id: int) -> SchoolYearOut:
    for year in await school_years():
        if year.id == year_id:
            return year
    raise NotFound()


def _span(year: SchoolYearOut | SchoolYearInput) -> Span:
    return Span("year", year.name, year.first_day, year.last_day)


def _period_span(period: PeriodOut | PeriodInput) -> Span:
    return Span(period.kind, period.name or KINDS[period.kind], period.first_day, period.last_day)


async def _year_problems(data: SchoolYearInput, year_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = clean(data.name)
    if not name:
        errors["name"] = "Enter the school year's name, like 2025 to 2026"
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"The name must be {NAME_LIMIT} characters or fewer"
    if not clean(data.source):
        errors["source"] = "Enter where the dates come from, like the council's term dates page"
    elif len(data.source) > SOURCE_LIMIT:
        errors["source"] = f"Where the dates come from must be {SOURCE_LIMIT} characters or fewer"
    if data.last_day < data.first_day:
        errors["last_day"] = ENDS_BEFORE
    elif message := rules.year_length_problem(data.first_day, data.last_day):
        errors["last_day"] = message
    others = [y for y in await school_years() if y.id != year_id]
    if "name" not in errors and any(y.name.casefold() == name.casefold() for y in others):
        errors["name"] = f"There is already a school year called {name}"
    if "last_day" not in errors:
        new = Span("year", name, data.first_day, data.last_day)
        if other := next((y for y in others if rules.overlap(new, _span(y))), None):
            errors["first_day"] = f"These dates overlap {_span(other).text}: school years cannot overlap"
    return errors


def _taken(data: SchoolYearInput) -> Invalid:
    """The answer to a name another writer took at the same moment (PostgreSQL's unique index)."""
    return Invalid({"name": f"There is already a school year called {clean(data.name)}"})


def _year_detail(data: SchoolYearInput) -> dict[str, Any]:
    return {
        "name": clean(data.name),
        "first_day": data.first_day.isoformat(),
        "last_day": data.last_day.isoformat(),
        "source": data.source[:200],
    }


async def add_year(data: SchoolYearInput, *, actor: ActorLike, ip: str = "") -> int:
    """Add a school year (no periods yet); Invalid names every problem by field."""
    async with unique_or(_taken(data)), write_transaction():
        if errors := await _year_problems(data, None):
            raise Invalid(errors)
        rows = await SchoolYear.insert(
            SchoolYear(
                name=clean(data.name),
                first_day=data.first_day,
                last_day=data.last_day,
                source=data.source.strip(),
            )
        ).returning(SchoolYear.id)
        year_id = int(rows[0]["id"])
        await changes.touch_all()  # every PA's term-time matching reads the calendar
        await audit.record(
            "terms.year_added", actor=actor, subject_type="school_year", subject_id=year_id,
            detail=_year_detail(data), ip=ip,
        )  # fmt: skip
    return year_id


async def update_year(year_id: int, data: SchoolYearInput, *, actor: ActorLike, ip: str = "") -> None:
    async with unique_or(_taken(data)), write_transaction():
        current = await school_year(year_id)
        errors = await _year_problems(data, year_id)
        if not errors:
            span = Span("year", clean(data.name), data.first_day, data.last_day)
            if outside := [p for p in current.periods if rules.outside(_period_span(p), span)]:
                errors["first_day"] = (
                    f"The school year must include all its dates: {_period_span(outside[0]).text} "
                    "is outside these dates. Change or delete it first"
                )
        if errors:
            raise Invalid(errors)
        await SchoolYear.update(
            {
                SchoolYear.name: clean(data.name),
                SchoolYear.first_day: data.first_day,
                SchoolYear.last_day: data.last_day,
                SchoolYear.source: data.source.strip(),
                SchoolYear.updated_at: utcnow(),
            }
        ).where(SchoolYear.id == year_id)
        await changes.touch_all()
        await audit.record(
            "terms.year_updated", actor=actor, subject_type="school_year", subject_id=year_id,
            detail=_year_detail(data), ip=ip,
        )  # fmt: skip


async def delete_year(year_id: int, *, actor: ActorLike, ip: str = "") -> None:
    """Delete a school year and its periods: its days become unknown to the matching."""
    async with write_transaction():
        current = await school_year(year_id)
        await SchoolPeriod.delete().where(SchoolPeriod.school_year == year_id)
        await SchoolYear.delete().where(SchoolYear.id == year_id)
        await changes.touch_all()
        await audit.record(
            "terms.year_deleted", actor=actor, subject_type="school_year", subject_id=year_id,
            detail={"name": current.name, "periods": len(current.periods)}, ip=ip,
        )  # fmt: skip


def period_problems(data: PeriodInput, year: SchoolYearOut, period_id: int | None) -> dict[str, str]:
    """The rules a period meets against its year and the year's other periods, by field."""
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = "Choose whether this is a term, half term, holiday or INSET day"
    if len(clean(data.name)) > PERIOD_NAME_LIMIT:
        errors["name"] = f"The name must be {PERIOD_NAME_LIMIT} characters or fewer"
    if data.last_day < data.first_day:
        errors["last_day"] = ENDS_BEFORE
    if errors:
        return errors
    new = _period_span(data)
    if rules.outside(new, _span(year)):
        errors["first_day" if data.first_day < year.first_day else "last_day"] = rules.outside_message(
            _span(year)
        )
    elif other := rules.first_clash(new, (_period_span(p) for p in year.periods if p.id != period_id)):
        errors["first_day"] = rules.clash_message(new, other)
    return errors


def _period_detail(data: PeriodInput) -> dict[str, Any]:
    return {
        "kind": data.kind,
        "name": clean(data.name) or KINDS.get(data.kind, ""),
        "first_day": data.first_day.isoformat(),
        "last_day": data.last_day.isoformat(),
    }


async def add_period(year_id: int, data: PeriodInput, *, actor: ActorLike, ip: str = "") -> int:
    async with write_transaction():
        year = await school_year(year_id)
        if errors := period_problems(data, year, None):
            raise Invalid(errors)
        rows = await SchoolPeriod.insert(
            SchoolPeriod(
                school_year=year_id,
                kind=data.kind,
                name=clean(data.name) or KINDS[data.kind],
                first_day=data.first_day,
                last_day=data.last_day,
            )
        ).returning(SchoolPeriod.id)
        period_id = int(rows[0]["id"])
        await _touched(year_id)
        await audit.record(
            "terms.period_added", actor=actor, subject_type="school_year", subject_id=year_id,
            detail={"period": period_id, **_period_detail(data)}, ip=ip,
        )  # fmt: skip
    return period_id


def _find(year: SchoolYearOut, period_id: int) -> PeriodOut:
    for period in year.periods:
        if period.id == period_id:
            return period
    raise NotFound()


async def period(year_id: int, period_id: int) -> tuple[SchoolYearOut, PeriodOut]:
    year = await school_year(year_id)
    return year, _find(year, period_id)


async def update_period(
    year_id: int, period_id: int, data: PeriodInput, *, actor: ActorLike, ip: str = ""
) -> None:
    async with write_transaction():
        year = await school_year(year_id)
        _find(year, period_id)
        if errors := period_problems(data, year, period_id):
            raise Invalid(errors)
        await SchoolPeriod.update(
            {
                SchoolPeriod.kind: data.kind,
                SchoolPeriod.name: clean(data.name) or KINDS[data.kind],
                SchoolPeriod.first_day: data.first_day,
                SchoolPeriod.last_day: data.last_day,
            }
        ).where(SchoolPeriod.id == period_id)
        await _touched(year_id)
        await audit.record(
            "terms.period_updated", actor=actor, subject_type="school_year", subject_id=year_id,
            detail={"period": period_id, **_period_detail(data)}, ip=ip,
        )  # fmt: skip


async def delete_period(year_id: int, period_id: int, *, actor: ActorLike, ip: str = "") -> None:
    async with write_transaction():
        year = await school_year(year_id)
        gone = _find(year, period_id)
        await SchoolPeriod.delete().where(SchoolPeriod.id == period_id)
        await _touched(year_id)
        await audit.record(
            "terms.period_deleted", actor=actor, subject_type="school_year", subject_id=year_id,
            detail={"period": period_id, "kind": gone.kind, "name": gone.name}, ip=ip,
        )  # fmt: skip


async def _touched(year_id: int) -> None:
    await SchoolYear.update({SchoolYear.updated_at: utcnow()}).where(SchoolYear.id == year_id)
    await changes.touch_all()  # every PA's term-time matching reads the calendar: rebuild
