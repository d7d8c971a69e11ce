"""Applications for a new DBS certificate, step by step, on a real database: what each step
needs, the order of the dates, withdrawing, the PA's own request, and staff's queue."""

from __future__ import annotations

from itertools import count
from types import SimpleNamespace

import pytest

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.audit.tables import AuditEvent
from market.dbs import application_lists, applications, forms
from market.dbs.standing import london_date
from market.dbs.tables import DBSApplication, DBSCheck
from market.errors import Conflict, Invalid, NotAllowed, NotFound
from tests.dbs.support import NUMBER, as_current, check_row, days_ago, iso, permit
from tests.register.factories import make_pa
from tests.support import PASSWORD

_numbers = count(1)


async def make_staff(*, permitted: bool = False) -> CurrentUser:
    number = next(_numbers)
    user = await accounts.create_user(
        NewUserInput(
            email=f"applications.staff{number}@example.org",
            display_name=f"Staff Member {number}",
            role="staff",
            password=PASSWORD,
        )
    )
    if permitted:
        await permit(user)
    return await as_current(user)


async def pa_user(pa: dict) -> CurrentUser:
    return await as_current(SimpleNamespace(id=pa["user_id"]))


async def application(application_id: int) -> dict:
    return await DBSApplication.select().where(DBSApplication.id == application_id).first()


async def opened(staff: CurrentUser, *, requested_days_ago: int = 20, **form: str) -> tuple[int, int]:
    """A PA and an application staff opened for them ``requested_days_ago`` days ago."""
    pa = await make_pa()
    fields = {"route": "service", "requested_on": iso(days_ago(requested_days_ago))} | form
    return pa["id"], await applications.start(pa["id"], forms.application_input(fields), actor=staff)


STEP_FORMS = {
    "id_verified": lambda day: {"id_verified_on": iso(day), "id_documents": "Passport, bank statement"},
    "submitted": lambda day: {"submitted_on": iso(day), "umbrella_reference": "UMB-123"},
    "issued": lambda day: {
        "issued_on": iso(day),
        "certificate_number": NUMBER,
        "certificate_result": "clear",
    },
    "seen": lambda day: {"seen_on": iso(day)},
    "decided": lambda day: {"decided_on": iso(day), "decision": "suitable"},
}


async def advance_to(profile_id: int, application_id: int, staff: CurrentUser, last_step: str) -> None:
    """Advance through each step up to ``last_step``, a day apart, the last one today or earlier."""
    steps = list(STEP_FORMS)
    for offset, step in enumerate(steps[: steps.index(last_step) + 1]):
        form = STEP_FORMS[step](days_ago(15 - 2 * offset))
        assert (
            await applications.advance(profile_id, application_id, forms.step_input(form), actor=staff)
            == step
        )


async def advance_to_next(profile_id: int, application_id: int, staff: CurrentUser, step: str, day) -> None:
    assert (
        await applications.advance(
            profile_id, application_id, forms.step_input(STEP_FORMS[step](day)), actor=staff
        )
        == step
    )


# Opening an application


async def test_staff_open_an_application_with_its_defaults(database):
    staff = await make_staff()
    pa = await make_pa()
    application_id = await applications.start(
        pa["id"], forms.application_input({"route": "employer"}), actor=staff
    )
    row = await application(application_id)
    assert row["step"] == "requested"
    assert row["route"] == "employer"
    assert (row["level"], row["barred_lists"], row["workforce"]) == ("enhanced", "adults", "adult")
    assert row["requested_on"] == days_ago(0)
    assert row["created_by"] == staff.id
    assert await AuditEvent.count().where(AuditEvent.action == "dbs.application_started") == 1


async def test_an_application_needs_a_route_and_a_requested_date_not_in_the_future(database):
    staff = await make_staff()
    pa = await make_pa()
    with pytest.raises(Invalid) as refused:
        await applications.start(
            pa["id"], forms.application_input({"requested_on": iso(days_ago(-1))}), actor=staff
        )
    assert set(refused.value.errors) == {"route", "requested_on"}
    assert await DBSApplication.count() == 0


async def test_barred_lists_on_a_standard_application_are_refused(database):
    staff = await make_staff()
    pa = await make_pa()
    with pytest.raises(Invalid) as refused:
        await applications.start(
            pa["id"],
            forms.application_input({"route": "own", "level": "standard", "barred_lists": "adults"}),
            actor=staff,
        )
    assert refused.value.errors == {
        "barred_lists": "Barred lists are only checked on an enhanced certificate"
    }


# Each step


async def test_identity_verification_needs_the_documents(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    with pytest.raises(Invalid) as refused:
        await applications.advance(
            profile_id, application_id, forms.step_input({"id_verified_on": iso(days_ago(10))}), actor=staff
        )
    assert set(refused.value.errors) == {"id_documents"}
    assert (await application(application_id))["step"] == "requested"


async def test_identity_verification_is_recorded_with_who_verified(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "id_verified")
    row = await application(application_id)
    assert row["step"] == "id_verified"
    assert row["id_verified_on"] == days_ago(15)
    assert row["id_documents"] == "Passport, bank statement"
    assert row["id_verified_by"] == staff.id


async def test_submission_needs_the_umbrella_reference(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "id_verified")
    with pytest.raises(Invalid) as refused:
        await applications.advance(
            profile_id, application_id, forms.step_input({"submitted_on": iso(days_ago(10))}), actor=staff
        )
    assert set(refused.value.errors) == {"umbrella_reference"}
    await advance_to_next(profile_id, application_id, staff, "submitted", days_ago(10))
    row = await application(application_id)
    assert (row["step"], row["umbrella_reference"], row["submitted_on"]) == (
        "submitted",
        "UMB-123",
        days_ago(10),
    )


async def test_an_issued_certificate_becomes_a_dbs_check_pending_a_decision(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff, barred_lists="both", workforce="adult_and_child")
    await advance_to(profile_id, application_id, staff, "issued")
    row = await application(application_id)
    assert row["step"] == "issued"
    assert row["issued_on"] == days_ago(11)
    check = await check_row(row["dbs_check"])
    assert check["profile"] == profile_id
    assert check["certificate_number"] == NUMBER
    assert check["issued_on"] == days_ago(11)
    assert (check["level"], check["barred_lists"], check["workforce"]) == (
        "enhanced",
        "both",
        "adult_and_child",
    )
    assert check["decision"] == "pending"


async def test_an_issued_certificate_with_a_bad_number_is_refused_and_nothing_is_saved(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "submitted")
    form = STEP_FORMS["issued"](days_ago(5)) | {"certificate_number": "1234 5678"}
    with pytest.raises(Invalid) as refused:
        await applications.advance(profile_id, application_id, forms.step_input(form), actor=staff)
    assert refused.value.errors == {
        "certificate_number": "The certificate number must be 12 digits; you entered 8"
    }
    assert await DBSCheck.count() == 0
    assert (await application(application_id))["step"] == "submitted"


async def test_seeing_the_certificate_marks_the_original_seen_on_the_check(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "seen")
    row = await application(application_id)
    assert (row["step"], row["seen_on"], row["seen_by"]) == ("seen", days_ago(9), staff.id)
    check = await check_row(row["dbs_check"])
    assert london_date(check["original_seen_at"]) == days_ago(9)
    assert check["original_seen_by"] == staff.id


async def test_the_decision_step_needs_the_dbs_permission(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "seen")
    with pytest.raises(NotAllowed):
        await advance_to_next(profile_id, application_id, staff, "decided", days_ago(1))
    assert (await application(application_id))["step"] == "seen"


async def test_the_decision_step_records_the_decision_on_the_check(database):
    staff = await make_staff(permitted=True)
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "decided")
    row = await application(application_id)
    assert (row["step"], row["decided_on"]) == ("decided", days_ago(7))
    check = await check_row(row["dbs_check"])
    assert (check["decision"], check["decided_by"]) == ("suitable", staff.id)


async def test_not_suitable_at_the_decision_step_needs_a_rationale(database):
    staff = await make_staff(permitted=True)
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "seen")
    with pytest.raises(Invalid) as refused:
        await applications.advance(
            profile_id,
            application_id,
            forms.step_input({"decided_on": iso(days_ago(1)), "decision": "not_suitable"}),
            actor=staff,
        )
    assert set(refused.value.errors) == {"rationale"}


async def test_a_decided_application_has_nothing_more_to_record(database):
    staff = await make_staff(permitted=True)
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "decided")
    with pytest.raises(Invalid) as refused:
        await applications.advance(profile_id, application_id, forms.step_input({}), actor=staff)
    assert set(refused.value.errors) == {"step"}


# Dates


async def test_a_step_dated_before_the_previous_step_is_refused(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "id_verified")  # 15 days ago
    with pytest.raises(Invalid) as refused:
        await advance_to_next(profile_id, application_id, staff, "submitted", days_ago(16))
    verified = days_ago(15)
    message = refused.value.errors["submitted_on"]
    assert f"on or after {verified.day} {verified:%B %Y}, the previous step" in message
    assert (await application(application_id))["step"] == "id_verified"


async def test_the_first_step_may_not_be_dated_before_the_request(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff, requested_days_ago=10)
    with pytest.raises(Invalid) as refused:
        await advance_to_next(profile_id, application_id, staff, "id_verified", days_ago(11))
    assert set(refused.value.errors) == {"id_verified_on"}


async def test_a_step_on_the_same_day_as_the_previous_one_is_accepted(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff, requested_days_ago=10)
    await advance_to_next(profile_id, application_id, staff, "id_verified", days_ago(10))
    assert (await application(application_id))["step"] == "id_verified"


async def test_a_step_dated_in_the_future_is_refused(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    with pytest.raises(Invalid) as refused:
        await advance_to_next(profile_id, application_id, staff, "id_verified", days_ago(-1))
    assert refused.value.errors == {
        "id_verified_on": "The date the identity documents were verified must be today or in the past"
    }


async def test_an_issue_date_before_submission_is_refused(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "submitted")  # 13 days ago
    with pytest.raises(Invalid) as refused:
        await advance_to_next(profile_id, application_id, staff, "issued", days_ago(14))
    assert set(refused.value.errors) == {"issued_on"}
    assert await DBSCheck.count() == 0


# Withdrawing


async def test_withdrawing_needs_a_reason(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    with pytest.raises(Invalid) as refused:
        await applications.withdraw(
            profile_id, application_id, forms.withdraw_input({"withdrawn_reason": "  "}), actor=staff
        )
    assert set(refused.value.errors) == {"withdrawn_reason"}
    assert (await application(application_id))["step"] == "requested"


async def test_a_withdrawn_application_keeps_its_reason_and_cannot_be_withdrawn_again(database):
    staff = await make_staff()
    profile_id, application_id = await opened(staff)
    await applications.withdraw(
        profile_id, application_id, forms.withdraw_input({"withdrawn_reason": "Changed jobs"}), actor=staff
    )
    row = await application(application_id)
    assert (row["step"], row["withdrawn_reason"], row["withdrawn_on"]) == (
        "withdrawn",
        "Changed jobs",
        days_ago(0),
    )
    with pytest.raises(Invalid):
        await applications.withdraw(
            profile_id, application_id, forms.withdraw_input({"withdrawn_reason": "Again"}), actor=staff
        )
    with pytest.raises(Invalid):
        await applications.advance(
            profile_id, application_id, forms.step_input(STEP_FORMS["id_verified"](days_ago(1))), actor=staff
        )


async def test_another_pas_application_is_not_found(database):
    staff = await make_staff()
    _, application_id = await opened(staff)
    other = await make_pa()
    with pytest.raises(NotFound):
        await applications.advance(
            other["id"], application_id, forms.step_input(STEP_FORMS["id_verified"](days_ago(1))), actor=staff
        )
    with pytest.raises(NotFound):
        await applications.withdraw(
            other["id"], application_id, forms.withdraw_input({"withdrawn_reason": "No"}), actor=staff
        )


# The PA's own request


async def test_a_pa_asks_for_a_check_through_the_service(database):
    pa = await make_pa()
    user = await pa_user(pa)
    application_id = await applications.request_by_pa(user, forms.pa_request_input({"route": "service"}))
    row = await application(application_id)
    assert (row["profile"], row["route"], row["step"], row["created_by"]) == (
        pa["id"],
        "service",
        "requested",
        user.id,
    )


async def test_a_pa_cannot_choose_the_employer_route(database):
    pa = await make_pa()
    with pytest.raises(Invalid) as refused:
        await applications.request_by_pa(await pa_user(pa), forms.pa_request_input({"route": "employer"}))
    assert set(refused.value.errors) == {"route"}
    assert await DBSApplication.count() == 0


async def test_a_pa_with_an_open_application_cannot_ask_again(database):
    pa = await make_pa()
    user = await pa_user(pa)
    await applications.request_by_pa(user, forms.pa_request_input({"route": "own"}))
    with pytest.raises(Conflict, match="already have an application in progress"):
        await applications.request_by_pa(user, forms.pa_request_input({"route": "service"}))
    assert await DBSApplication.count() == 1


async def test_staff_cannot_start_a_second_open_application(database):
    staff = await make_staff()
    profile_id, first = await opened(staff)
    with pytest.raises(Conflict, match="already has an application in progress"):
        await applications.start(profile_id, forms.application_input({"route": "own"}), actor=staff)
    assert await DBSApplication.count() == 1


async def test_a_pa_may_ask_again_once_the_open_application_is_withdrawn(database):
    staff = await make_staff()
    pa = await make_pa()
    user = await pa_user(pa)
    first = await applications.request_by_pa(user, forms.pa_request_input({"route": "own"}))
    await applications.withdraw(
        pa["id"], first, forms.withdraw_input({"withdrawn_reason": "Lost the form"}), actor=staff
    )
    assert await applications.request_by_pa(user, forms.pa_request_input({"route": "service"})) != first


async def test_an_account_without_a_pa_profile_cannot_ask(database):
    staff = await make_staff()
    with pytest.raises(NotFound):
        await applications.request_by_pa(staff, forms.pa_request_input({"route": "service"}))


# The queue


async def test_the_queue_groups_open_applications_by_step_and_marks_the_stuck(database):
    staff = await make_staff()
    stuck_profile, stuck = await opened(staff, requested_days_ago=10)
    _, fresh = await opened(staff, requested_days_ago=2)
    verified_profile, verified = await opened(staff, requested_days_ago=3)
    await advance_to_next(verified_profile, verified, staff, "id_verified", days_ago(1))
    withdrawn_profile, withdrawn = await opened(staff)
    await applications.withdraw(
        withdrawn_profile, withdrawn, forms.withdraw_input({"withdrawn_reason": "Left"}), actor=staff
    )
    queue = await application_lists.queue({"requested": 7, "id_verified": 7})
    assert set(queue) == {"requested", "id_verified", "submitted", "issued", "seen"}
    assert [(a.id, a.days_waiting, a.stuck) for a in queue["requested"]] == [
        (stuck, 10, True),
        (fresh, 2, False),
    ]
    assert [(a.id, a.stuck, a.waiting_since) for a in queue["id_verified"]] == [
        (verified, False, days_ago(1))
    ]
    assert queue["requested"][0].profile_id == stuck_profile
    assert all(not items for step, items in queue.items() if step not in ("requested", "id_verified"))


async def test_an_application_waiting_exactly_the_stuck_days_is_not_yet_stuck(database):
    staff = await make_staff()
    await opened(staff, requested_days_ago=7)
    queue = await application_lists.queue({"requested": 7})
    assert [a.stuck for a in queue["requested"]] == [False]


async def test_the_queue_uses_the_stuck_days_from_the_settings(database):
    staff = await make_staff()
    await opened(staff, requested_days_ago=10)
    assert database.dbs_stuck_days["requested"] < 10
    queue = await application_lists.queue(database.dbs_stuck_days)
    assert [a.stuck for a in queue["requested"]] == [True]
    relaxed = await application_lists.queue(database.dbs_stuck_days | {"requested": 30})
    assert [a.stuck for a in relaxed["requested"]] == [False]


async def test_a_pas_applications_are_listed_newest_first_with_who_verified(database):
    staff = await make_staff()
    profile_id, first = await opened(staff)
    await advance_to(profile_id, first, staff, "id_verified")
    await applications.withdraw(
        profile_id, first, forms.withdraw_input({"withdrawn_reason": "Duplicate"}), actor=staff
    )
    second = await applications.start(profile_id, forms.application_input({"route": "own"}), actor=staff)
    listed = await application_lists.for_profile(profile_id, database.dbs_stuck_days)
    assert [a.id for a in listed] == [second, first]
    assert listed[1].id_verified_by == staff.email
    assert listed[1].stuck is False
    assert listed[0].next_step == "id_verified"
    assert listed[1].next_step is None


async def test_each_step_is_audited(database):
    staff = await make_staff(permitted=True)
    profile_id, application_id = await opened(staff)
    await advance_to(profile_id, application_id, staff, "decided")
    steps = await AuditEvent.count().where(
        (AuditEvent.action == "dbs.application_step") & (AuditEvent.subject_id == str(profile_id))
    )
    assert steps == 5
