"""The rules the monitoring return's SQL was rewritten for (issue 22), at the bounds of a
quarter (Q1 2025-26: 1 April to 30 June 2025, London days; BST throughout, so midnight in
London is 23:00 UTC the day before):

- register: the period's suspensions, removals and first approvals read from one pass over
  the period's changes, with changes at the first moment of the quarter and the last;
- training: a course falls due in the period when its longest-lasting completion by the last
  day stops counting on a day from the first to the last; a renewal completed after the period
  does not hide it, one completed by then does, as does one that never runs out; and only PAs
  on the register at the end count.
"""

from datetime import UTC, date, datetime, timedelta

from market.register.tables import StatusChange
from market.reports import register_figures, training_figures
from market.reports.periods import quarter
from market.training.tables import Completion, Course
from tests.register.factories import make_pa

Q1 = quarter(2025, 1)
FIRST, AFTER = Q1.bounds()  # 00:00 London on 1 April 2025, and on 1 July 2025
TODAY = date(2025, 8, 1)
JUST = timedelta(microseconds=1)


async def _moves(profile: int, *moves: tuple[str, str, datetime]) -> None:
    await StatusChange.insert(
        *[StatusChange(profile=profile, from_status=f, to_status=t, changed_at=w) for f, t, w in moves]
    )


async def test_register_figures_at_the_bounds_of_a_quarter(database):
    assert (datetime(2025, 3, 31, 23, tzinfo=UTC), datetime(2025, 6, 30, 23, tzinfo=UTC)) == (FIRST, AFTER)
    long_ago = datetime(2024, 1, 10, 12, tzinfo=UTC)
    ids = [(await make_pa(status="approved"))["id"] for _ in range(7)]
    a, b, c, d, e, f, g = ids
    # A: first approved at the quarter's first moment: new; B: a moment before it: not new.
    await _moves(a, ("submitted", "approved", FIRST))
    await _moves(b, ("submitted", "approved", FIRST - JUST))
    # C: approved long ago, suspended and reinstated in the quarter: suspended in it, not new.
    await _moves(
        c,
        ("submitted", "approved", long_ago),
        ("approved", "suspended", FIRST + timedelta(days=3)),
        ("suspended", "approved", FIRST + timedelta(days=9)),
    )
    # D: withdrawn at the quarter's last moment: removed; E: at the next quarter's first: not.
    await _moves(d, ("submitted", "approved", long_ago), ("approved", "withdrawn", AFTER - JUST))
    await _moves(e, ("submitted", "approved", long_ago), ("approved", "withdrawn", AFTER))
    # F: suspended a moment before the quarter, still suspended at its end: suspended at the
    # end, not suspended in the quarter. G: approved in the quarter, then declined in it: new
    # and removed, not on the register at the end.
    await _moves(f, ("submitted", "approved", long_ago), ("approved", "suspended", FIRST - JUST))
    await _moves(
        g,
        ("submitted", "approved", FIRST + timedelta(days=20)),
        ("approved", "declined", FIRST + timedelta(days=21)),
    )
    values = {f.key: f.value for f in (await register_figures.section(Q1, TODAY)).figures}
    assert values == {
        "register.on_register_at_end": 4,  # A, B, C, E
        "register.new_in_period": 2,  # A, G
        "register.suspended_in_period": 1,  # C
        "register.suspended_at_end": 1,  # F
        "register.removed_in_period": 2,  # D, G
    }


async def test_training_falling_due_at_the_bounds_of_a_quarter(database):
    course = (await Course.select(Course.id).where(Course.code == "first_aid").first())["id"]
    other = (await Course.select(Course.id).where(Course.code == "moving_handling").first())["id"]
    on_register = [(await make_pa(status="approved"))["id"] for _ in range(7)]
    for profile in on_register:
        await _moves(profile, ("submitted", "approved", datetime(2020, 1, 1, 12, tzinfo=UTC)))
    suspended = (await make_pa(status="suspended"))["id"]
    await _moves(
        suspended,
        ("submitted", "approved", datetime(2020, 1, 1, 12, tzinfo=UTC)),
        ("approved", "suspended", AFTER - JUST),
    )
    a, b, c, d, e, f, g = on_register

    def done(profile: int, completed: date, expires: date | None, course_id: int = course) -> Completion:
        return Completion(
            profile=profile, course=course_id, completed_on=completed, expires_on=expires, source="import"
        )

    await Completion.insert(
        done(a, date(2022, 4, 1), date(2025, 4, 1)),  # runs out on the first day: falls due
        done(b, date(2022, 6, 30), date(2025, 6, 30)),  # on the last day: falls due
        done(c, date(2022, 7, 1), date(2025, 7, 1)),  # the day after: not in the quarter
        done(c, date(2022, 3, 31), date(2025, 3, 31)),  # the day before: not in it either
        # D renewed after the quarter (1 July): the renewal does not hide it.
        done(d, date(2022, 5, 1), date(2025, 5, 1)),
        done(d, date(2025, 7, 1), date(2028, 7, 1)),
        # E renewed on the quarter's last day: hidden; F holds a completion that never runs out.
        done(e, date(2022, 5, 1), date(2025, 5, 1)),
        done(e, date(2025, 6, 30), date(2028, 6, 30)),
        done(f, date(2022, 5, 1), date(2025, 5, 1)),
        done(f, date(2021, 1, 1), None),
        # G: two completions running out the same day, and another course lasting longer: the
        # longer course does not hide this one.
        done(g, date(2022, 5, 2), date(2025, 5, 2)),
        done(g, date(2022, 5, 2), date(2025, 5, 2)),
        done(g, date(2024, 1, 1), date(2027, 1, 1), other),
        done(suspended, date(2022, 5, 1), date(2025, 5, 1)),  # not on the register at the end
    )
    values = {f.key: f.value for f in (await training_figures.section(Q1, TODAY)).figures}
    assert values["training.falling_due_in_period"] == 4  # A, B, D, G

    # Due within 90 days counts from today, after today to day 90: on 2 April 2028 D's renewal
    # (out on 1 July 2028) is on day 90 and E's (30 June) on day 89; on 1 April D's is day 91;
    # on 30 June E's runs out that day, no longer after today.
    async def due(today: date) -> int:
        figures = (await training_figures.section(Q1, today)).figures
        return {f.key: f.value for f in figures}["training.due_within_90_days"]

    assert [await due(date(2028, 4, day)) for day in (1, 2)] == [1, 2]
    assert await due(date(2028, 6, 30)) == 1
