"""Recruitment support and activity figures over a known history spread across the financial
years 2024-25 and 2025-26: referrals on 31 March and 1 April, first contacts on day 7 and
day 8, set-ups on day 42 and day 43, appointments, withdrawals, closings at midnight's edge in
London, and the pending rule (a referral still inside its week or six weeks).

The history (N: needs, A: applications, PA: PAs; London times unless marked UTC):

| Need | Referral | Contact | Set up | Opened | Status now, and what happened |
|---|---|---|---|---|---|
| N1 | 31 Mar 2025, adult social care | day 7 | day 42 | 31 Mar 2025 | filled: A1 (PA1) appointed 1 May 2025, withdrawn 20 May; A1b (PA2) appointed 2 June, started 9 June |
| N2 | 1 Apr 2025, health | day 8 | day 43 | 1 Apr 2025 | closed 10 Feb 2026 after A2 (PA3) appointed 21 Apr 2025 |
| N3 | 1 Apr 2025, self-referral | - | - | 2 Apr 2025 | open (A6, PA1, declined) |
| N4 | 10 Jun 2024, adult social care | day 2 | day 21 | 11 Jun 2024 | A4 (PA4) appointed 1 Jul 2024, withdrawn 1 Apr 2025 00:30; closed 15 Apr 2025 |
| N5 | 15 Oct 2025, not recorded | day 5 | - | - | draft |
| N6 | 28 Mar 2026, children's social care | - | - | 30 Mar 2026 | open |
| N7 | - | | | 20 Apr 2024 | open: A5 (PA5) appointed 1 May 2024, withdrawn 31 Mar 2025 23:30 |
| N8 | - | | | 1 May 2024 | closed, no audit event; last change 1 Sep 2024 |
| N9 | - | | | 5 Apr 2024 | filled by staff 1 Aug 2024, opened again 5 May 2025 (A7, PA2, rejected) |
| N10 | - | | | 10 Jan 2025 | closed 31 Mar 2025 23:30 |
| N11 | - | | | 1 Feb 2025 | closed 1 Apr 2025 00:15 |
| N12 | - | | | 1 Sep 2024 | open: A12 (PA7) appointed 1 Oct 2024, withdrawn with no history (last change 1 Dec 2024) |
| N13 | - | | | 1 Jun 2025 | filled: A8 (PA3) appointed 1 Jul 2025 |
| N14 | - | | | - | open, A9 (PA6) offered but never appointed |
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import msgspec

from market.audit.tables import AuditEvent
from market.clock import LONDON, london_date, utcnow
from market.matching.tables import Application, Appointment, StageChange
from market.reports import recruitment_figures as figures
from market.reports.figures import Section
from market.reports.periods import custom, financial_year, quarter
from tests.matching.factories import make_need, make_recipient
from tests.register.factories import make_pa

FY24, FY25, Q1 = financial_year(2024), financial_year(2025), quarter(2025, 1)
TODAY = date(2026, 5, 1)


def london(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A London wall-clock time as the UTC moment it is stored as."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def need(recipient: dict[str, Any], **columns: Any) -> int:
    return (await make_need(recipient, **columns))["id"]


async def application(
    need_id: int,
    pa: dict[str, Any],
    stage: str,
    history: list[tuple[str, datetime]],
    *,
    appointed_at: datetime | None = None,
    started_at: datetime | None = None,
    offered: bool = False,
    updated_at: datetime | None = None,
) -> int:
    """An application at ``stage`` with its dated history ([(to stage, moment)], in order)
    and, when appointed or offered, its appointment."""
    values: dict[str, Any] = {"need": need_id, "profile": pa["id"], "stage": stage}
    if updated_at is not None:
        values["updated_at"] = updated_at
    rows = await Application.insert(Application(**values)).returning(Application.id)
    application_id = rows[0]["id"]
    previous = ""
    for to_stage, at in history:
        await StageChange.insert(
            StageChange(application=application_id, from_stage=previous, to_stage=to_stage, at=at)
        )
        previous = to_stage
    if appointed_at or started_at or offered:
        await Appointment.insert(
            Appointment(
                application=application_id,
                start_date=date(2025, 1, 1),
                hours_per_week=10.0,
                rate_pence=1500,
                appointed_at=appointed_at,
                started_at=started_at,
            )
        )
    return application_id


async def audit(action: str, need_id: int, at: datetime) -> None:
    await AuditEvent.insert(
        AuditEvent(action=action, subject_type="need", subject_id=str(need_id), detail="{}", at=at)
    )


async def build_history() -> dict[str, int]:
    person = await make_recipient()
    pas = {n: await make_pa() for n in range(1, 8)}
    ids: dict[str, int] = {}
    ids["N1"] = await need(
        person,
        status="filled",
        referral_source="adult_social_care",
        referred_on=date(2025, 3, 31),
        first_contact_on=date(2025, 4, 7),  # day 7: within the week
        support_set_up_on=date(2025, 5, 12),  # day 42: within six weeks
        opened_at=london(2025, 3, 31, 10),
        filled_at=london(2025, 6, 2),
    )
    ids["N2"] = await need(
        person,
        status="closed",
        referral_source="health_chc",
        referred_on=date(2025, 4, 1),
        first_contact_on=date(2025, 4, 9),  # day 8: not within the week
        support_set_up_on=date(2025, 5, 14),  # day 43: not within six weeks
        opened_at=london(2025, 4, 1, 9),
        filled_at=london(2025, 4, 21),
    )
    await audit("need.closed", ids["N2"], london(2026, 2, 10))
    ids["N3"] = await need(
        person, referral_source="self_referral", referred_on=date(2025, 4, 1), opened_at=london(2025, 4, 2)
    )
    ids["N4"] = await need(
        person,
        status="closed",
        referral_source="adult_social_care",
        referred_on=date(2024, 6, 10),
        first_contact_on=date(2024, 6, 12),
        support_set_up_on=date(2024, 7, 1),
        opened_at=london(2024, 6, 11),
    )
    await audit("need.closed", ids["N4"], london(2025, 4, 15))
    ids["N5"] = await need(
        person, status="draft", referred_on=date(2025, 10, 15), first_contact_on=date(2025, 10, 20)
    )
    ids["N6"] = await need(
        person,
        referral_source="childrens_social_care",
        referred_on=date(2026, 3, 28),
        opened_at=london(2026, 3, 30),
    )
    ids["N7"] = await need(person, opened_at=london(2024, 4, 20))
    ids["N8"] = await need(
        person, status="closed", opened_at=london(2024, 5, 1), updated_at=london(2024, 9, 1)
    )
    ids["N9"] = await need(person, opened_at=london(2024, 4, 5), filled_at=london(2024, 8, 1))
    await audit("need.opened", ids["N9"], london(2024, 4, 5))
    await audit("need.filled", ids["N9"], london(2024, 8, 1))
    await audit("need.opened", ids["N9"], london(2025, 5, 5))
    ids["N10"] = await need(person, status="closed", opened_at=london(2025, 1, 10))
    await audit("need.closed", ids["N10"], utc(2025, 3, 31, 22, 30))  # 23:30 on 31 March in London
    ids["N11"] = await need(person, status="closed", opened_at=london(2025, 2, 1))
    await audit("need.closed", ids["N11"], utc(2025, 3, 31, 23, 15))  # 00:15 on 1 April in London
    ids["N12"] = await need(person, opened_at=london(2024, 9, 1))
    ids["N13"] = await need(
        person, status="filled", opened_at=london(2025, 6, 1), filled_at=london(2025, 7, 1)
    )
    ids["N14"] = await need(person)

    ids["A1"] = await application(
        ids["N1"],
        pas[1],
        "withdrawn",
        [
            ("shortlisted", london(2025, 4, 2)),
            ("invited", london(2025, 4, 3)),
            ("accepted", london(2025, 4, 5)),
            ("interview", london(2025, 4, 10)),
            ("interview", london(2025, 4, 12)),  # moved: still one interview
            ("offered", london(2025, 4, 20)),
            ("appointed", utc(2025, 4, 30, 23, 30)),  # 1 May in London
            ("withdrawn", london(2025, 5, 20)),
        ],
        appointed_at=utc(2025, 4, 30, 23, 30),
    )
    ids["A1b"] = await application(
        ids["N1"],
        pas[2],
        "started",
        [
            ("shortlisted", london(2025, 4, 2)),
            ("invited", london(2025, 5, 21)),
            ("accepted", london(2025, 5, 22)),
            ("interview", london(2025, 5, 25)),
            ("offered", london(2025, 5, 28)),
            ("appointed", london(2025, 6, 2)),
            ("started", london(2025, 6, 9)),
        ],
        appointed_at=london(2025, 6, 2),
        started_at=london(2025, 6, 9),
    )
    ids["A2"] = await application(
        ids["N2"],
        pas[3],
        "appointed",
        [
            ("shortlisted", utc(2025, 3, 31, 22, 30)),  # 31 March in London: 2024-25
            ("invited", utc(2025, 3, 31, 23, 30)),  # 1 April in London: 2025-26
            ("accepted", london(2025, 4, 5)),
            ("interview", london(2025, 4, 10)),
            ("offered", london(2025, 4, 15)),
            ("appointed", london(2025, 4, 21)),
        ],
        appointed_at=london(2025, 4, 21),
    )
    ids["A4"] = await application(
        ids["N4"],
        pas[4],
        "withdrawn",
        [
            ("shortlisted", london(2024, 6, 12)),
            ("invited", london(2024, 6, 13)),
            ("accepted", london(2024, 6, 14)),
            ("interview", london(2024, 6, 20)),
            ("offered", london(2024, 6, 25)),
            ("appointed", london(2024, 7, 1)),
            ("withdrawn", utc(2025, 3, 31, 23, 30)),  # 00:30 on 1 April in London
        ],
        appointed_at=london(2024, 7, 1),
    )
    ids["A5"] = await application(
        ids["N7"],
        pas[5],
        "withdrawn",
        [
            ("shortlisted", london(2024, 4, 21)),
            ("invited", london(2024, 4, 22)),
            ("accepted", london(2024, 4, 23)),
            ("interview", london(2024, 4, 25)),
            ("offered", london(2024, 4, 28)),
            ("appointed", london(2024, 5, 1)),
            ("withdrawn", utc(2025, 3, 31, 22, 30)),  # 23:30 on 31 March in London
        ],
        appointed_at=london(2024, 5, 1),
    )
    ids["A6"] = await application(
        ids["N3"],
        pas[1],
        "declined",
        [
            ("shortlisted", london(2025, 4, 3)),
            ("invited", london(2025, 4, 4)),
            ("declined", london(2025, 4, 6)),
        ],
    )
    ids["A7"] = await application(
        ids["N9"], pas[2], "rejected", [("shortlisted", london(2024, 5, 1)), ("rejected", london(2024, 5, 2))]
    )
    ids["A8"] = await application(
        ids["N13"], pas[3], "started", [], appointed_at=london(2025, 7, 1), started_at=london(2025, 7, 8)
    )
    ids["A9"] = await application(ids["N14"], pas[6], "offered", [], offered=True)
    ids["A12"] = await application(
        ids["N12"], pas[7], "withdrawn", [], appointed_at=london(2024, 10, 1), updated_at=london(2024, 12, 1)
    )
    return ids


def values(section: Section) -> dict[str, Any]:
    return {f.key: f.value for f in section.figures}


def rows(section: Section, key: str) -> dict[str, int]:
    (breakdown,) = [b for b in section.breakdowns if b.key == key]
    return dict(breakdown.rows)


SOURCES_ZERO = {
    "Adult social care": 0,
    "Children's social care": 0,
    "Health or continuing health care": 0,
    "Self-referral": 0,
    "Self-funder": 0,
    "Not recorded": 0,
}


async def test_recruitment_figures_for_two_years_and_a_quarter(database):
    await build_history()

    year = await figures.section(FY24, TODAY)
    assert values(year) == {
        "recruitment.referrals": 2,  # N1 (31 March 2025), N4
        "recruitment.contacted_within_week": 100.0,  # day 7 and day 2
        "recruitment.contact_pending": 0,
        "recruitment.set_up_within_six_weeks": 100.0,  # day 42 and day 21
        "recruitment.set_up_pending": 0,
        "recruitment.median_days_to_contact": 4.5,  # 7 and 2
        "recruitment.median_days_to_appointment": 26.0,  # 31 (1 May in London) and 21
        "recruitment.needs_open_at_end": 4,  # N1, N7, N11, N12
        "recruitment.needs_filled": 4,  # N4, N7, N12 by appointment, N9 by staff
        "recruitment.needs_closed": 2,  # N8 (its last change), N10 (23:30 on 31 March)
    }
    assert rows(year, "recruitment.referrals_by_source") == SOURCES_ZERO | {"Adult social care": 2}
    assert rows(year, "recruitment.funnel") == {
        "Shortlisted": 4,  # A2 (31 March in London), A4, A5, A7
        "Invited": 2,
        "Interviewed (interview booked)": 2,
        "Appointed": 2,
    }

    year = await figures.section(FY25, TODAY)
    assert values(year) == {
        "recruitment.referrals": 4,  # N2, N3 (1 April 2025), N5, N6
        "recruitment.contacted_within_week": 25.0,  # 1 of 4: N5, not N2 (day 8), N3 or N6 (overdue)
        "recruitment.contact_pending": 0,
        "recruitment.set_up_within_six_weeks": 0.0,  # N2 (day 43), N3, N5
        "recruitment.set_up_pending": 1,  # N6: 34 days on 1 May 2026
        "recruitment.median_days_to_contact": 6.5,  # 8 and 5
        "recruitment.median_days_to_appointment": 20.0,  # N2 only
        "recruitment.needs_open_at_end": 5,  # N3, N6, N7, N9 (opened again), N12
        "recruitment.needs_filled": 3,  # N1 (twice, counted once), N2, N13
        "recruitment.needs_closed": 3,  # N2, N4, N11 (00:15 on 1 April)
    }
    assert rows(year, "recruitment.referrals_by_source") == SOURCES_ZERO | {
        "Children's social care": 1,
        "Health or continuing health care": 1,
        "Self-referral": 1,
        "Not recorded": 1,
    }
    assert rows(year, "recruitment.funnel") == {
        "Shortlisted": 3,  # A1, A1b, A6
        "Invited": 4,  # A1, A1b, A2 (00:30 on 1 April), A6
        "Interviewed (interview booked)": 3,  # A1 (moved once), A1b, A2
        "Appointed": 3,  # A1, A1b, A2
    }

    first = await figures.section(Q1, TODAY)
    assert values(first) == {
        "recruitment.referrals": 2,
        "recruitment.contacted_within_week": 0.0,
        "recruitment.contact_pending": 0,
        "recruitment.set_up_within_six_weeks": 0.0,
        "recruitment.set_up_pending": 0,
        "recruitment.median_days_to_contact": 8.0,
        "recruitment.median_days_to_appointment": 20.0,
        "recruitment.needs_open_at_end": 5,  # N3, N7, N9, N12, N13 (filled in July)
        "recruitment.needs_filled": 2,  # N1, N2
        "recruitment.needs_closed": 2,  # N4, N11
    }
    assert rows(first, "recruitment.referrals_by_source") == SOURCES_ZERO | {
        "Health or continuing health care": 1,
        "Self-referral": 1,
    }
    assert rows(first, "recruitment.funnel") == rows(year, "recruitment.funnel")

    # N14 has no opening time: it counts as opened when it was created (today).
    to_today = custom(date(2026, 4, 1), london_date(utcnow()))
    section = await figures.section(to_today, london_date(utcnow()))
    # N3, N6, N7, N9, N12, N14 (only offered, so not held); N13 is held by A8.
    assert values(section)["recruitment.needs_open_at_end"] == 6

    # Every figure and breakdown says what it counts; keys are stable and distinct.
    keys = [f.key for f in year.figures] + [b.key for b in year.breakdowns]
    assert len(keys) == len(set(keys)) and all(k.startswith("recruitment.") for k in keys)
    assert all(f.title and len(f.definition) > 40 for f in year.figures)
    assert all(b.title and b.definition and b.heading for b in year.breakdowns)
    assert [f.unit for f in year.figures] == ["", "%", "", "%", "", "days", "days", "", "", ""]
    assert "7 days" in values_by_key(year, "recruitment.contacted_within_week").definition
    assert "42 days" in values_by_key(year, "recruitment.set_up_within_six_weeks").definition
    msgspec.json.encode(year)  # the shape exports take


def values_by_key(section: Section, key: str):
    return next(f for f in section.figures if f.key == key)


async def test_a_referral_is_pending_until_its_week_or_six_weeks_have_passed(database):
    await build_history()  # N6: referred 28 March 2026, never contacted or set up

    def pending(section: Section) -> tuple[Any, ...]:
        v = values(section)
        return (
            v["recruitment.contacted_within_week"],
            v["recruitment.contact_pending"],
            v["recruitment.set_up_within_six_weeks"],
            v["recruitment.set_up_pending"],
        )

    # Day 7 (4 April): N6 is still inside its week, so left out: 1 of 3 (N5; not N2, N3).
    assert pending(await figures.section(FY25, date(2026, 4, 4))) == (33.3, 1, 0.0, 1)
    # Day 8: the week has passed without contact.
    assert pending(await figures.section(FY25, date(2026, 4, 5))) == (25.0, 0, 0.0, 1)
    # Day 42 (9 May) still pending for set-up; day 43 not within six weeks.
    assert pending(await figures.section(FY25, date(2026, 5, 9))) == (25.0, 0, 0.0, 1)
    assert pending(await figures.section(FY25, date(2026, 5, 10))) == (25.0, 0, 0.0, 0)
    # On the day of the referral itself, everything about it is pending.
    only_n6 = custom(date(2026, 3, 28), date(2026, 3, 31))
    section = await figures.section(only_n6, date(2026, 3, 28))
    assert pending(section) == (None, 1, None, 1)
    assert values(section)["recruitment.median_days_to_contact"] is None
    assert values(section)["recruitment.median_days_to_appointment"] is None


async def test_no_records_gives_zeros_and_blanks(database):
    section = await figures.section(FY25, TODAY)
    assert values(section) == {
        "recruitment.referrals": 0,
        "recruitment.contacted_within_week": None,
        "recruitment.contact_pending": 0,
        "recruitment.set_up_within_six_weeks": None,
        "recruitment.set_up_pending": 0,
        "recruitment.median_days_to_contact": None,
        "recruitment.median_days_to_appointment": None,
        "recruitment.needs_open_at_end": 0,
        "recruitment.needs_filled": 0,
        "recruitment.needs_closed": 0,
    }
    assert rows(section, "recruitment.referrals_by_source") == SOURCES_ZERO
    assert set(rows(section, "recruitment.funnel").values()) == {0}
    assert values(await figures.activity(FY25)) == {"activity.pas_active": 0}


async def test_pas_active(database):
    await build_history()
    # 2024-25: PA4 (to 1 April 2025), PA5 (to 31 March), PA7 (to December): not PA6 (only offered).
    assert values(await figures.activity(FY24)) == {"activity.pas_active": 3}
    # 2025-26: PA1 (May), PA2, PA3 (twice: counted once), PA4 (its last day was 1 April).
    assert values(await figures.activity(FY25)) == {"activity.pas_active": 4}
    assert values(await figures.activity(Q1)) == {"activity.pas_active": 4}
    assert values(await figures.activity(quarter(2025, 2))) == {"activity.pas_active": 2}  # PA2, PA3
    assert values(await figures.activity(quarter(2024, 4))) == {"activity.pas_active": 2}  # PA4, PA5
    # PA1 was appointed at 23:30 UTC on 30 April 2025: 1 May in London.
    day = custom(date(2025, 4, 30), date(2025, 4, 30))
    assert values(await figures.activity(day)) == {"activity.pas_active": 1}  # PA3
    day = custom(date(2025, 5, 1), date(2025, 5, 1))
    assert values(await figures.activity(day)) == {"activity.pas_active": 2}  # PA1, PA3
    activity = await figures.activity(FY25)
    assert activity.key == "activity" and "once" in activity.figures[0].definition
