"""Recording DBS checks through the services, on a real database: the certificate's
validation, decisions, consent, Update Service status checks and the currency they give,
and who may read what of the record."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from types import SimpleNamespace

import msgspec
import pytest

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.audit.tables import AuditEvent
from market.clock import london_today
from market.dates import add_months
from market.dbs import checks, forms, records, rules, standing
from market.dbs.standing import Policy
from market.dbs.tables import DBSCheck, StatusCheck
from market.errors import Invalid, NotAllowed, NotFound
from tests.dbs.support import NUMBER, as_current, certificate, check_row, days_ago, iso, permit
from tests.register.factories import make_pa
from tests.support import PASSWORD

_numbers = count(1)
CHILD_CARE = rules.requirement_for(child=True, personal_care=True)


async def make_staff(*, permitted: bool = False) -> CurrentUser:
    number = next(_numbers)
    user = await accounts.create_user(
        NewUserInput(
            email=f"checks.staff{number}@example.org",
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


def certificate_form(**changes: str) -> dict[str, str]:
    form = {
        "certificate_number": NUMBER,
        "issued_on": iso(days_ago(30)),
        "level": "enhanced",
        "barred_lists": "adults",
        "workforce": "adult",
        "certificate_result": "clear",
    }
    return form | changes


async def invalid_check(form: dict[str, str]) -> dict[str, str]:
    """Record a certificate that must be refused; its errors, after checking nothing was saved."""
    staff = await make_staff()
    pa = await make_pa()
    with pytest.raises(Invalid) as refused:
        await checks.record_check(pa["id"], forms.certificate_input(form), actor=staff)
    assert await DBSCheck.count() == 0
    return refused.value.errors


async def audit_count(action: str, profile_id: int) -> int:
    return await AuditEvent.count().where(
        (AuditEvent.action == action)
        & (AuditEvent.subject_type == "pa_dbs")
        & (AuditEvent.subject_id == str(profile_id))
    )


# Recording a certificate


async def test_a_valid_certificate_is_saved_pending_a_decision(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await checks.record_check(pa["id"], forms.certificate_input(certificate_form()), actor=staff)
    row = await check_row(check_id)
    assert row["profile"] == pa["id"]
    assert row["certificate_number"] == NUMBER
    assert row["decision"] == "pending"
    assert row["recorded_by"] == staff.id
    assert await audit_count("dbs.check_recorded", pa["id"]) == 1


async def test_a_short_certificate_number_says_how_many_digits_were_entered(database):
    errors = await invalid_check(certificate_form(certificate_number="12345"))
    assert errors["certificate_number"] == "The certificate number must be 12 digits; you entered 5"


async def test_a_certificate_number_with_letters_is_refused(database):
    errors = await invalid_check(certificate_form(certificate_number="00123456789A"))
    assert errors["certificate_number"] == "The certificate number must contain only digits 0 to 9"


async def test_an_issue_date_in_the_future_is_refused(database):
    errors = await invalid_check(certificate_form(issued_on=iso(days_ago(-1))))
    assert errors["issued_on"] == "The date of issue must be today or in the past"


async def test_an_issue_date_before_2002_is_refused(database):
    errors = await invalid_check(certificate_form(issued_on="2001-12-31"))
    assert errors["issued_on"] == "The date of issue must be in 2002 or later"


async def test_joining_the_update_service_after_30_days_names_the_deadline(database):
    issued = days_ago(100)
    deadline = issued + timedelta(days=30)
    errors = await invalid_check(
        certificate_form(
            issued_on=iso(issued),
            update_service="yes",
            update_service_joined_on=iso(issued + timedelta(days=31)),
        )
    )
    message = errors["update_service_joined_on"]
    assert "within 30 days of issue" in message
    assert f"{deadline.day} {deadline:%B %Y}" in message


async def test_joining_the_update_service_on_the_30th_day_is_accepted(database):
    staff = await make_staff()
    pa = await make_pa()
    issued = days_ago(100)
    check_id = await checks.record_check(
        pa["id"],
        forms.certificate_input(
            certificate_form(
                issued_on=iso(issued),
                update_service="yes",
                update_service_joined_on=iso(issued + timedelta(days=30)),
            )
        ),
        actor=staff,
    )
    row = await check_row(check_id)
    assert row["update_service"] is True
    assert row["update_service_joined_on"] == issued + timedelta(days=30)


async def test_a_basic_certificate_cannot_be_on_the_update_service(database):
    errors = await invalid_check(
        certificate_form(
            level="basic",
            barred_lists="none",
            update_service="yes",
            update_service_joined_on=iso(days_ago(25)),
        )
    )
    assert "Basic certificates cannot be added to the Update Service" in errors["update_service"]
    assert "update_service_joined_on" not in errors


async def test_every_problem_is_named_at_once(database):
    errors = await invalid_check(
        {"certificate_number": "", "issued_on": "", "level": "standard", "barred_lists": "children"}
    )
    assert set(errors) >= {
        "certificate_number",
        "issued_on",
        "barred_lists",
        "workforce",
        "certificate_result",
    }


async def test_a_check_for_a_missing_profile_is_not_found(database):
    staff = await make_staff()
    with pytest.raises(NotFound):
        await checks.record_check(9999, forms.certificate_input(certificate_form()), actor=staff)


# Decisions


async def test_staff_without_the_dbs_permission_cannot_record_a_decision(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, decision=None)
    with pytest.raises(NotAllowed):
        await checks.record_decision(
            pa["id"], check_id, forms.decision_input({"decision": "suitable"}), actor=staff
        )
    row = await check_row(check_id)
    assert row["decision"] == "pending"
    assert row["decided_by"] is None


async def test_a_disclosed_certificate_needs_a_rationale_even_when_suitable(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, result="disclosed", decision=None)
    with pytest.raises(Invalid) as refused:
        await checks.record_decision(
            pa["id"], check_id, forms.decision_input({"decision": "suitable", "rationale": "  "}), actor=staff
        )
    assert "Give the rationale for the decision" in refused.value.errors["rationale"]
    assert (await check_row(check_id))["decision"] == "pending"


async def test_not_suitable_needs_a_rationale(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, decision=None)
    with pytest.raises(Invalid) as refused:
        await checks.record_decision(
            pa["id"], check_id, forms.decision_input({"decision": "not_suitable"}), actor=staff
        )
    assert refused.value.errors == {"rationale": "Give the rationale for deciding the PA is not suitable"}


async def test_a_clear_certificate_may_be_decided_suitable_without_a_rationale(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, decision=None)
    assert (
        await checks.record_decision(
            pa["id"], check_id, forms.decision_input({"decision": "suitable"}), actor=staff
        )
        == "suitable"
    )
    assert (await check_row(check_id))["rationale"] == ""


async def test_a_decision_is_saved_with_who_made_it_and_audited(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, result="disclosed", decision=None)
    await checks.record_decision(
        pa["id"],
        check_id,
        forms.decision_input({"decision": "not_suitable", "rationale": "Recent and relevant"}),
        actor=staff,
    )
    row = await check_row(check_id)
    assert row["decision"] == "not_suitable"
    assert row["decided_by"] == staff.id
    assert row["decided_at"] is not None
    assert row["rationale"] == "Recent and relevant"
    event = (
        await AuditEvent.select()
        .where((AuditEvent.action == "dbs.decision_recorded") & (AuditEvent.subject_id == str(pa["id"])))
        .first()
    )
    assert event["actor_id"] == staff.id
    assert event["subject_type"] == "pa_dbs"


async def test_a_decision_on_another_pas_check_is_not_found(database):
    staff = await make_staff(permitted=True)
    pa, other = await make_pa(), await make_pa()
    check_id = await certificate(pa["id"], staff, decision=None)
    with pytest.raises(NotFound):
        await checks.record_decision(
            other["id"], check_id, forms.decision_input({"decision": "suitable"}), actor=staff
        )


# Update Service status checks


async def status(profile_id: int, check_id: int, staff: CurrentUser, checked_on, result: str) -> str:
    return await checks.record_status_check(
        profile_id,
        check_id,
        forms.status_check_input({"checked_on": iso(checked_on), "result": result}),
        actor=staff,
    )


async def test_a_status_check_on_a_certificate_not_on_the_update_service_is_refused(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff)
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    assert set(refused.value.errors) == {
        "update_service",
        "holder_surname",
        "holder_birth_date",
        "consent_on",
        "original_seen_on",
    }
    assert await StatusCheck.count() == 0


async def test_a_status_check_needs_the_holders_surname_and_date_of_birth(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True)
    await checks.record_consent(
        pa["id"], check_id, forms.consent_input({"consent_on": iso(days_ago(10))}), actor=staff
    )
    await checks.record_original_seen(
        pa["id"], check_id, forms.original_seen_input({"original_seen_on": iso(days_ago(10))}), actor=staff
    )
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    assert set(refused.value.errors) == {"holder_surname", "holder_birth_date"}


async def test_a_status_check_without_consent_is_refused_on_the_consent_field(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True)
    await checks.update_holder(
        pa["id"],
        check_id,
        forms.holder_input(
            {
                "holder_surname": "Example",
                "holder_birth_date": "1980-05-17",
                "update_service": "yes",
                "update_service_joined_on": iso(days_ago(25)),
            }
        ),
        actor=staff,
    )
    await checks.record_original_seen(
        pa["id"], check_id, forms.original_seen_input({"original_seen_on": iso(days_ago(10))}), actor=staff
    )
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    assert refused.value.errors == {"consent_on": "Record the PA's consent to status checks before you check"}


async def test_a_status_check_before_the_original_is_seen_is_refused(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    issued = days_ago(30)
    check_id = await checks.record_check(
        pa["id"],
        forms.certificate_input(
            certificate_form(
                issued_on=iso(issued),
                update_service="yes",
                update_service_joined_on=iso(issued + timedelta(days=2)),
                holder_surname="Example",
                holder_birth_date="1980-05-17",
            )
        ),
        actor=staff,
    )
    await checks.record_consent(
        pa["id"], check_id, forms.consent_input({"consent_on": iso(issued)}), actor=staff
    )
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    assert set(refused.value.errors) == {"original_seen_on"}


async def test_a_status_check_dated_before_the_issue_date_names_the_issue_date(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    issued = days_ago(30)
    check_id = await certificate(
        pa["id"], staff, issued_on=issued, update_service=True, ready_for_status_checks=True
    )
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, issued - timedelta(days=1), "BLANK_NO_NEW_INFO")
    assert f"{issued.day} {issued:%B %Y}" in refused.value.errors["checked_on"]
    assert await StatusCheck.count() == 0


async def test_a_status_check_dated_in_the_future_is_refused(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(-1), "BLANK_NO_NEW_INFO")
    assert refused.value.errors["checked_on"] == "The date of the status check must be today or in the past"


async def test_a_status_check_needs_a_known_result(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    with pytest.raises(Invalid) as refused:
        await status(pa["id"], check_id, staff, days_ago(1), "MAYBE")
    assert set(refused.value.errors) == {"result"}


async def test_new_information_stops_the_check_and_drops_the_pa_at_once(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    today = london_today()
    check_id = await certificate(
        pa["id"],
        staff,
        barred_lists="children",
        workforce="child",
        update_service=True,
        ready_for_status_checks=True,
    )
    assert await standing.standing(pa["id"], today, Policy()) is not None
    assert await standing.meeting([pa["id"]], CHILD_CARE, today, Policy()) == {pa["id"]}
    assert await status(pa["id"], check_id, staff, days_ago(1), "NEW_INFO") == "NEW_INFO"
    assert (await check_row(check_id))["stopped_at"] is not None
    assert await standing.standing(pa["id"], today, Policy()) is None
    assert await standing.meeting([pa["id"]], CHILD_CARE, today, Policy()) == set()
    assert await audit_count("dbs.status_checked", pa["id"]) == 1


async def test_a_later_still_current_answer_lifts_the_stop(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    today = london_today()
    check_id = await certificate(
        pa["id"],
        staff,
        barred_lists="children",
        workforce="child",
        update_service=True,
        ready_for_status_checks=True,
    )
    await status(pa["id"], check_id, staff, days_ago(3), "NEW_INFO")
    await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    assert (await check_row(check_id))["stopped_at"] is None
    assert await standing.standing(pa["id"], today, Policy()) is not None
    assert await standing.meeting([pa["id"]], CHILD_CARE, today, Policy()) == {pa["id"]}


async def test_an_older_still_current_answer_does_not_lift_a_newer_stop(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await status(pa["id"], check_id, staff, days_ago(1), "NEW_INFO")
    await status(pa["id"], check_id, staff, days_ago(5), "BLANK_NO_NEW_INFO")
    assert (await check_row(check_id))["stopped_at"] is not None
    assert await standing.standing(pa["id"], london_today(), Policy()) is None


async def test_no_match_also_stops_the_check(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await status(pa["id"], check_id, staff, days_ago(1), "NO_MATCH")
    assert (await check_row(check_id))["stopped_at"] is not None
    assert await standing.standing(pa["id"], london_today(), Policy()) is None


# Currency, through the database


async def subscriber_with_status_check(days: int) -> int:
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    issued = add_months(london_today(), -48)
    check_id = await certificate(
        pa["id"], staff, issued_on=issued, update_service=True, ready_for_status_checks=True
    )
    await status(pa["id"], check_id, staff, days_ago(days), "BLANK_NO_NEW_INFO")
    return pa["id"]


async def non_subscriber_issued(issued) -> int:
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    await certificate(pa["id"], staff, issued_on=issued)
    return pa["id"]


async def test_a_subscriber_with_a_status_check_364_days_ago_is_current(database):
    profile_id = await subscriber_with_status_check(364)
    assert await standing.standing(profile_id, london_today(), Policy()) is not None


async def test_a_subscriber_with_a_status_check_366_days_ago_is_not_current(database):
    profile_id = await subscriber_with_status_check(366)
    assert await standing.standing(profile_id, london_today(), Policy()) is None


async def test_a_certificate_issued_exactly_three_years_ago_is_not_current(database):
    profile_id = await non_subscriber_issued(add_months(london_today(), -36))
    assert await standing.standing(profile_id, london_today(), Policy()) is None


async def test_a_certificate_issued_three_years_ago_less_a_day_is_current_for_its_last_day(database):
    today = london_today()
    profile_id = await non_subscriber_issued(add_months(today, -36) + timedelta(days=1))
    found = await standing.standing(profile_id, today, Policy())
    assert found is not None
    assert found.current_until == today


async def test_a_pending_certificate_is_not_current(database):
    staff = await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], staff, decision=None)
    assert await standing.standing(pa["id"], london_today(), Policy()) is None


# Consent given and withdrawn by the PA


async def test_the_pa_gives_and_withdraws_consent_on_their_own_check(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    user = await pa_user(pa)
    check_id = await certificate(pa["id"], staff, update_service=True)
    await checks.give_consent(user, check_id)
    row = await check_row(check_id)
    assert row["consent_on"] == london_today()
    assert row["consent_recorded_by"] == user.id
    await checks.withdraw_consent(user, check_id)
    row = await check_row(check_id)
    assert row["consent_on"] is None
    assert row["consent_recorded_by"] is None
    assert await audit_count("dbs.consent_recorded", pa["id"]) == 1
    assert await audit_count("dbs.consent_withdrawn", pa["id"]) == 1


async def test_a_pa_cannot_consent_for_another_pas_check(database):
    staff = await make_staff(permitted=True)
    pa, other = await make_pa(), await make_pa()
    check_id = await certificate(other["id"], staff, update_service=True)
    user = await pa_user(pa)
    with pytest.raises(NotFound):
        await checks.give_consent(user, check_id)
    with pytest.raises(NotFound):
        await checks.withdraw_consent(user, check_id)
    assert (await check_row(check_id))["consent_on"] is None


async def test_staff_cannot_record_consent_in_the_future(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, decision=None)
    with pytest.raises(Invalid) as refused:
        await checks.record_consent(
            pa["id"], check_id, forms.consent_input({"consent_on": iso(days_ago(-1))}), actor=staff
        )
    assert set(refused.value.errors) == {"consent_on"}


async def test_the_original_cannot_be_seen_before_it_was_issued(database):
    staff = await make_staff()
    pa = await make_pa()
    issued = days_ago(30)
    check_id = await certificate(pa["id"], staff, issued_on=issued, decision=None)
    with pytest.raises(Invalid) as refused:
        await checks.record_original_seen(
            pa["id"],
            check_id,
            forms.original_seen_input({"original_seen_on": iso(issued - timedelta(days=1))}),
            actor=staff,
        )
    assert f"{issued.day} {issued:%B %Y}" in refused.value.errors["original_seen_on"]
    assert (await check_row(check_id))["original_seen_at"] is None


# Reading the record


async def test_reading_a_staff_record_is_audited_with_the_reader(database):
    staff = await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], staff)
    await records.staff_record(pa["id"], staff, database)
    event = (
        await AuditEvent.select()
        .where((AuditEvent.action == "dbs.viewed") & (AuditEvent.subject_id == str(pa["id"])))
        .first()
    )
    assert event["actor_id"] == staff.id
    assert event["actor_email"] == staff.email


async def test_the_rationale_is_hidden_from_staff_without_the_permission(database):
    decider = await make_staff(permitted=True)
    reader = await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], decider)
    record = await records.staff_record(pa["id"], reader, database)
    assert record.can_decide is False
    assert [c.rationale for c in record.checks] == [None]
    assert record.checks[0].certificate_number == "\u2022" * 8 + NUMBER[-4:]  # tests/dbs/test_full_details.py


async def test_the_rationale_is_shown_to_staff_with_the_permission(database):
    decider = await make_staff(permitted=True)
    pa = await make_pa()
    await certificate(pa["id"], decider)
    record = await records.staff_record(pa["id"], decider, database)
    assert record.can_decide is True
    assert [c.rationale for c in record.checks] == ["Reviewed in person"]
    assert record.checks[0].decided_by == decider.email
    assert record.standing is not None


async def test_the_pa_sees_the_number_masked_and_never_the_rationale(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    await certificate(pa["id"], staff)
    own = await records.own_record(await pa_user(pa), database)
    assert [c.certificate_number for c in own.checks] == ["\u2022" * 8 + "7890"]
    assert own.checks[0].decision == "suitable"
    assert own.standing is not None
    sent = msgspec.json.encode(own).decode()
    assert "rationale" not in sent
    assert "Reviewed in person" not in sent
    assert NUMBER not in sent
    assert not any(hasattr(c, "rationale") for c in own.checks)


async def test_the_pa_sees_the_status_check_recorded_last_when_two_share_a_day(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await status(pa["id"], check_id, staff, days_ago(1), "BLANK_NO_NEW_INFO")
    await status(pa["id"], check_id, staff, days_ago(1), "NEW_INFO")
    assert (await check_row(check_id))["stopped_at"] is not None
    own = await records.own_record(await pa_user(pa), database)
    assert own.checks[0].current is False
    assert own.checks[0].latest_status.result == "NEW_INFO"


async def test_a_user_without_a_profile_has_an_empty_own_record(database):
    staff = await make_staff()
    own = await records.own_record(staff, database)
    assert own.checks == [] and own.standing is None


async def test_who_looked_lists_each_read_with_the_reader(database):
    first, second = await make_staff(permitted=True), await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], first)
    await records.staff_record(pa["id"], first, database)
    await records.staff_record(pa["id"], second, database)
    trail = await records.who_looked(pa["id"], first)
    reads = [(a.actor_email, a.detail["checks"]) for a in trail if a.action == "dbs.viewed"]
    assert reads == [(second.email, 1), (first.email, 1)]
    assert {"dbs.check_recorded", "dbs.decision_recorded"} <= {a.action for a in trail}
    assert await audit_count("dbs.access_listed", pa["id"]) == 1


async def test_who_looked_for_a_missing_profile_is_not_found(database):
    staff = await make_staff()
    with pytest.raises(NotFound):
        await records.who_looked(9999, staff)
