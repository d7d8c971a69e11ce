"""A known history for the report tests: six PAs whose register statuses, training and DBS
checks are spread over the financial years 2024-25 and 2025-26, with events on 31 March and
1 April placed by their London time.

British Summer Time began on 30 March 2025 and on 29 March 2026, so on 31 March in both years
London is one hour ahead of UTC: 23:30 London on 31 March 2025 is 22:30 UTC (in 2024-25), and
00:30 London on 1 April 2025 is 23:30 UTC on 31 March (in 2025-26). ``at`` computes each
moment from its London wall-clock time, and the tests check the UTC values too.

The PAs (status history in London time):

- A: submitted 1 May 2024, approved 10 June 2024; on the register since. Skill personal care;
  older people; PE1. Level 2 diploma (2023); Level 3 diploma course completed 1 Sept 2025.
- B: submitted 1 March 2025, approved 23:30 on 31 March 2025. Personal care and medication;
  learning disability; OX1. Care Certificate on the profile (31 March 2025) and as a course.
- C: submitted 20 March 2025, approved 00:30 on 1 April 2025, suspended 10 May 2025. Registered
  nurse (2020). PE1.
- D: submitted 1 April 2024, approved 15 April 2024, suspended 1 Nov 2024, reinstated 1 Feb
  2025, withdrawn 23:59 on 31 March 2026. OX1.
- E: submitted 1 June 2025, approved 23:30 on 30 June 2025. Shopping; older people and
  learning disability; PE1. Level 2 diploma on the profile achieved 1 April 2026 (too late).
- F: submitted 1 June 2024, declined 1 July 2024: never on the register.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.clock import LONDON
from market.dbs.tables import DBSApplication, DBSCheck, StatusCheck
from market.register.tables import Qualification, StatusChange
from market.training import completions
from market.training.tables import Booking, Course, TrainingSession
from tests.register.factories import make_pa

TODAY = date(2026, 4, 15)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A London wall-clock time as the UTC moment the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


class History(msgspec.Struct, kw_only=True):
    pas: dict[str, int]  # letter -> profile id
    staff: CurrentUser


async def _staff() -> CurrentUser:
    from market.accounts import services as accounts
    from market.accounts.schemas import NewUserInput
    from tests.support import PASSWORD

    user = await accounts.create_user(
        NewUserInput(
            email="staff.reports@example.org", display_name="Sam Staff", role="staff", password=PASSWORD
        )
    )
    row = (
        await User.select(User.id, User.email, User.role, User.display_name).where(User.id == user.id).first()
    )
    return CurrentUser(**row)


async def _moves(profile_id: int, *moves: tuple[str, str, datetime]) -> None:
    await StatusChange.insert(
        *[
            StatusChange(profile=profile_id, from_status=f, to_status=t, changed_at=when)
            for f, t, when in moves
        ]
    )


async def _courses() -> dict[str, dict]:
    return {r["code"]: r for r in await Course.select()}


async def build() -> History:
    staff = await _staff()
    pas = {
        "A": await make_pa(status="approved", postcode="PE1 1AB", client_groups=("older_people",)),
        "B": await make_pa(
            status="approved",
            postcode="OX1 1BX",
            skills={"personal_care": 1, "medication": 2},
            client_groups=("learning_disability",),
        ),
        "C": await make_pa(status="suspended", postcode="PE1 2AA", skills={"medication": 1}),
        "D": await make_pa(status="withdrawn", postcode="OX1 2JD", skills={"medication": 3}),
        "E": await make_pa(
            status="approved",
            postcode="PE1 1AB",
            skills={"shopping": 1},
            client_groups=("older_people", "learning_disability"),
        ),
        "F": await make_pa(status="declined", postcode="PE1 1AB"),
    }
    ids = {letter: row["id"] for letter, row in pas.items()}
    a, b, c, d, e, f = (ids[x] for x in "ABCDEF")

    # -- register: status history and qualifications -----------------------------------------
    await _moves(a, ("draft", "submitted", at(2024, 5, 1)), ("submitted", "approved", at(2024, 6, 10)))
    await _moves(
        b, ("draft", "submitted", at(2025, 3, 1)), ("submitted", "approved", at(2025, 3, 31, 23, 30))
    )
    await _moves(
        c,
        ("draft", "submitted", at(2025, 3, 20)),
        ("submitted", "approved", at(2025, 4, 1, 0, 30)),
        ("approved", "suspended", at(2025, 5, 10)),
    )
    await _moves(
        d,
        ("draft", "submitted", at(2024, 4, 1)),
        ("submitted", "approved", at(2024, 4, 15)),
        ("approved", "suspended", at(2024, 11, 1)),
        ("suspended", "approved", at(2025, 2, 1)),
        ("approved", "withdrawn", at(2026, 3, 31, 23, 59)),
    )
    await _moves(
        e, ("draft", "submitted", at(2025, 6, 1)), ("submitted", "approved", at(2025, 6, 30, 23, 30))
    )
    await _moves(f, ("draft", "submitted", at(2024, 6, 1)), ("submitted", "declined", at(2024, 7, 1)))
    await Qualification.insert(
        Qualification(profile=a, kind="level_2_diploma", achieved_on=date(2023, 1, 1)),
        Qualification(profile=b, kind="care_certificate", achieved_on=date(2025, 3, 31)),
        Qualification(profile=c, kind="registered_nurse", achieved_on=date(2020, 1, 1)),
        Qualification(profile=e, kind="level_2_diploma", achieved_on=date(2026, 4, 1)),
        Qualification(profile=f, kind="other", title="First aid at work", achieved_on=date(2024, 6, 1)),
    )

    # -- training: completions through the service, and one session attended -----------------
    courses = await _courses()
    for profile_id, code, on in (
        (a, "moving_handling", date(2024, 3, 31)),  # runs out 31 March 2025, renewed that day
        (a, "safeguarding_adults", date(2024, 5, 20)),
        (a, "moving_handling", date(2025, 3, 31)),  # runs out 31 March 2026
        (a, "safeguarding_adults", date(2025, 5, 15)),  # renewed before 20 May 2025
        (a, "diploma_l3", date(2025, 9, 1)),
        (b, "first_aid", date(2024, 4, 1)),
        (b, "care_certificate", date(2025, 3, 31)),
        (b, "safeguarding_children", date(2025, 4, 1)),  # runs out 1 April 2026
        (c, "cc_standard_10", date(2025, 6, 30)),  # Care Certificate standard 10: safeguarding adults
        (d, "first_aid", date(2022, 5, 1)),  # runs out 1 May 2025
        (d, "safeguarding_adults", date(2024, 3, 15)),  # runs out 15 March 2025
        (e, "moving_handling", date(2025, 6, 10)),  # runs out 10 June 2026
    ):
        await completions.add(profile_id, courses[code], on, source="import", actor=staff, verified=True)
    session = await TrainingSession.insert(
        TrainingSession(
            course=courses["fire_safety"]["id"],
            trainer=staff.id,
            starts_at=at(2025, 3, 31, 18, 0),
            ends_at=at(2025, 3, 31, 21, 0),
            capacity=10,
            status="recorded",
        )
    ).returning(TrainingSession.id)
    await Booking.insert(
        Booking(session=session[0]["id"], profile=d, status="attended"),  # attended, did not complete
        Booking(session=session[0]["id"], profile=f, status="absent"),
    )

    # -- DBS: applications, certificates, status checks ----------------------------------------
    def check(profile_id: int, issued: date, decided: datetime | None, **more) -> DBSCheck:
        return DBSCheck(
            profile=profile_id,
            level="enhanced",
            barred_lists="adults",
            workforce="adult",
            certificate_number="000000000000",
            issued_on=issued,
            decision="suitable" if decided else "pending",
            decided_at=decided,
            **more,
        )

    rows = await DBSCheck.insert(
        check(a, date(2022, 6, 1), at(2022, 6, 5)),  # current until 31 May 2025
        # A's new certificate, issued in Q1 2025-26 but decided only on 2 July 2025.
        check(a, date(2025, 5, 20), at(2025, 7, 2), update_service=True),
        # Update Service: until 28 Feb 2026, then 30 March 2026 after the status check below.
        check(b, date(2023, 3, 1), at(2023, 3, 5), update_service=True),
        check(c, date(2022, 7, 1), at(2022, 7, 5), update_service=True),  # stopped 30 June 2025
        check(d, date(2021, 1, 10), at(2021, 1, 12)),  # current until 9 January 2024
        check(e, date(2025, 6, 28), None),  # waiting for a decision
    ).returning(DBSCheck.id)
    _a_old, a_new, b_check, c_check, _d_check, e_check = (r["id"] for r in rows)
    await StatusCheck.insert(
        StatusCheck(
            dbs_check=b_check, checked_on=date(2025, 3, 31), result="BLANK_NO_NEW_INFO", checked_by=staff.id
        ),
        StatusCheck(dbs_check=c_check, checked_on=date(2025, 6, 30), result="NEW_INFO", checked_by=staff.id),
        StatusCheck(
            dbs_check=a_new, checked_on=date(2025, 10, 1), result="BLANK_NO_NEW_INFO", checked_by=staff.id
        ),
    )
    await DBSApplication.insert(
        DBSApplication(
            profile=a,
            route="service",
            step="decided",
            requested_on=date(2025, 4, 20),
            issued_on=date(2025, 5, 20),
            dbs_check=a_new,
        ),
        DBSApplication(
            profile=e,
            route="service",
            step="issued",
            requested_on=date(2025, 6, 15),
            issued_on=date(2025, 6, 28),
            dbs_check=e_check,
        ),
        DBSApplication(
            profile=f,
            route="own",
            step="withdrawn",
            requested_on=date(2025, 3, 31),
            withdrawn_on=date(2025, 4, 10),
        ),
    )
    return History(pas=ids, staff=staff)
