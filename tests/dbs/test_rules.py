"""The DBS rules at their edges: certificate numbers, dates, barred lists, currency, requirements,
and the pure parts of standing (facts_of, best_standing, the badge). No database is needed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.dates import add_months
from market.dbs import rules
from market.dbs.rules import CheckFacts, Requirement, StatusCheckView
from market.dbs.standing import Policy, Standing, best_standing, facts_of
from market.settings import Settings

POLICY = Policy(recheck_months=36, status_check_months=12)
MONTHS = {"recheck_months": 36, "status_check_months": 12}
AT = date(2026, 3, 10)


def facts(
    *,
    level: str = "enhanced",
    barred_lists: str = "adults",
    issued_on: date = date(2025, 1, 1),
    decision: str = "suitable",
    update_service: bool = False,
    status_checks: tuple[StatusCheckView, ...] = (),
    stopped: bool = False,
    checked_by_staff_on: date | None = None,
) -> CheckFacts:
    return CheckFacts(
        level=level,
        barred_lists=barred_lists,
        issued_on=issued_on,
        decision=decision,
        update_service=update_service,
        status_checks=status_checks,
        stopped=stopped,
        checked_by_staff_on=checked_by_staff_on,
    )


def still_current(on: date) -> StatusCheckView:
    return StatusCheckView(on, "BLANK_NO_NEW_INFO")


def is_current(check: CheckFacts, at: date = AT) -> bool:
    return rules.is_current(check, at, **MONTHS)


def current_until(check: CheckFacts) -> date:
    return rules.current_until(check, **MONTHS)


# --- certificate numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["001234567890", "0012 3456 7890", " 001234567890 ", "00 12\t34 56\n78 90", "0012\u00a03456\u20037890"],
)
def test_clean_certificate_number_accepts_twelve_digits_and_drops_whitespace(raw):
    assert rules.clean_certificate_number(raw) == ("001234567890", None)


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_clean_certificate_number_asks_for_a_number_when_empty(raw):
    assert rules.clean_certificate_number(raw) == ("", "Enter the 12-digit certificate number")


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("00123456789O", "00123456789O"),  # a letter O for a zero
        ("ABCDEFGHIJKL", "ABCDEFGHIJKL"),
        ("0012-3456-7890", "0012-3456-7890"),
        ("١٢٣٤٥٦٧٨٩٠١٢", "١٢٣٤٥٦٧٨٩٠١٢"),  # Arabic-Indic digits: isdigit() but not 0 to 9
        ("００１２３４５６７８９０", "００１２３４５６７８９０"),  # full-width digits
        ("00123456789²", "00123456789²"),  # superscript two
    ],
)
def test_clean_certificate_number_rejects_anything_but_ascii_digits(raw, cleaned):
    assert rules.clean_certificate_number(raw) == (
        cleaned,
        "The certificate number must contain only digits 0 to 9",
    )


@pytest.mark.parametrize(
    "raw, count", [("1", 1), ("00123456789", 11), ("0012345678901", 13), ("1234 5678", 8)]
)
def test_clean_certificate_number_names_the_count_when_the_length_is_wrong(raw, count):
    text, error = rules.clean_certificate_number(raw)
    assert text == raw.replace(" ", "")
    assert error == f"The certificate number must be 12 digits; you entered {count}"


def test_mask_shows_only_the_last_four_digits():
    masked = rules.mask("001234567890")
    assert masked == "\u2022" * 8 + "7890"
    assert "0012" not in masked and "3456" not in masked


@pytest.mark.parametrize(
    "number, masked", [("", ""), ("12", "\u2022\u2022"), ("1234", "\u2022" * 8 + "1234")]
)
def test_mask_of_short_numbers_never_shows_more_than_four_digits(number, masked):
    assert rules.mask(number) == masked


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "issued_on, error",
    [
        (AT + timedelta(days=1), "The date of issue must be today or in the past"),
        (date(2030, 1, 1), "The date of issue must be today or in the past"),
        (date(2001, 12, 31), "The date of issue must be in 2002 or later"),
        (date(1999, 6, 1), "The date of issue must be in 2002 or later"),
        (date(2002, 1, 1), None),
        (AT - timedelta(days=1), None),
        (AT, None),
    ],
)
def test_issue_date_error(issued_on, error):
    assert rules.issue_date_error(issued_on, AT) == error


@pytest.mark.parametrize("level", ["enhanced", "standard"])
def test_update_service_joined_within_thirty_days_is_accepted(level):
    issued = date(2026, 1, 1)
    assert rules.join_deadline(issued) == date(2026, 1, 31)
    for joined in (issued, date(2026, 1, 15), date(2026, 1, 31)):
        assert rules.update_service_error(level, issued, joined, AT) is None


def test_update_service_joined_thirty_one_days_after_issue_names_the_deadline():
    error = rules.update_service_error("enhanced", date(2026, 1, 1), date(2026, 2, 1), AT)
    assert error == (
        "The Update Service must be joined within 30 days of issue: by 31 January 2026 for this certificate"
    )


def test_update_service_deadline_runs_across_a_leap_february():
    # 30 days after 10 February 2024 is 11 March (February 2024 has 29 days)
    assert rules.update_service_error("standard", date(2024, 2, 10), date(2024, 3, 11), AT) is None
    error = rules.update_service_error("standard", date(2024, 2, 10), date(2024, 3, 12), AT)
    assert error is not None and "by 11 March 2024" in error


@pytest.mark.parametrize(
    "level, joined, error",
    [
        (
            "basic",
            date(2026, 1, 2),
            "Basic certificates cannot be added to the Update Service: it covers standard and enhanced",
        ),
        ("enhanced", None, "Enter the date the PA joined the Update Service"),
        (
            "enhanced",
            AT + timedelta(days=1),
            "The date the PA joined the Update Service must be today or in the past",
        ),
    ],
)
def test_update_service_error(level, joined, error):
    assert rules.update_service_error(level, date(2026, 1, 1), joined, AT) == error


def test_update_service_without_an_issue_date_checks_only_the_join_date():
    assert rules.update_service_error("enhanced", None, date(2020, 1, 1), AT) is None
    assert rules.update_service_error("enhanced", None, AT, AT) is None


# --- barred lists ----------------------------------------------------------------------------


@pytest.mark.parametrize("barred", ["none", "adults", "children", "both"])
def test_any_barred_lists_on_an_enhanced_check_are_fine(barred):
    assert rules.barred_lists_error("enhanced", barred) is None


@pytest.mark.parametrize("level", ["basic", "standard"])
@pytest.mark.parametrize("barred", ["adults", "children", "both"])
def test_barred_lists_below_enhanced_are_rejected(level, barred):
    assert (
        rules.barred_lists_error(level, barred) == "Barred lists are only checked on an enhanced certificate"
    )


@pytest.mark.parametrize("level", ["basic", "standard"])
def test_no_barred_lists_below_enhanced_is_fine(level):
    assert rules.barred_lists_error(level, "none") is None


@pytest.mark.parametrize("barred", ["", "adult", "Both", "all"])
def test_unknown_barred_lists_value_is_rejected(barred):
    assert rules.barred_lists_error("enhanced", barred) == "Select which barred lists were checked"


# --- currency --------------------------------------------------------------------------------


def test_a_check_issued_exactly_three_years_ago_is_no_longer_current():
    check = facts(issued_on=date(2023, 3, 10))
    assert current_until(check) == date(2026, 3, 9)
    assert not is_current(check)


def test_a_check_issued_three_years_less_a_day_ago_is_current_for_that_last_day():
    check = facts(issued_on=date(2023, 3, 11))
    assert current_until(check) == date(2026, 3, 10)
    assert is_current(check)
    assert not is_current(check, AT + timedelta(days=1))


def test_a_leap_day_certificate_runs_to_the_day_before_28_february():
    check = facts(issued_on=date(2024, 2, 29))
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)
    assert current_until(check) == date(2027, 2, 27)
    assert is_current(check, date(2027, 2, 27))
    assert not is_current(check, date(2027, 2, 28))


def test_a_leap_day_status_check_runs_to_27_february_next_year():
    check = facts(
        issued_on=date(2020, 1, 1), update_service=True, status_checks=(still_current(date(2024, 2, 29)),)
    )
    assert current_until(check) == date(2025, 2, 27)


def test_a_check_is_current_on_its_issue_date():
    check = facts(issued_on=AT)
    assert is_current(check)


@pytest.mark.parametrize(
    "days_ago, current",
    [(364, True), (365, False), (366, False)],
)
def test_a_subscribers_status_check_keeps_an_old_check_current_for_a_year_less_a_day(days_ago, current):
    checked = AT - timedelta(days=days_ago)
    check = facts(issued_on=date(2020, 1, 15), update_service=True, status_checks=(still_current(checked),))
    assert current_until(check) == add_months(checked, 12) - timedelta(days=1)
    assert is_current(check) is current


@pytest.mark.parametrize("result", rules.CURRENT_RESULTS)
def test_both_still_current_results_extend(result):
    check = facts(
        issued_on=date(2020, 1, 15),
        update_service=True,
        status_checks=(StatusCheckView(date(2025, 6, 1), result),),
    )
    assert current_until(check) == date(2026, 5, 31)
    assert is_current(check)


@pytest.mark.parametrize("result", rules.STOPPING_RESULTS)
def test_a_stopping_status_check_does_not_extend(result):
    check = facts(
        issued_on=date(2020, 1, 15),
        update_service=True,
        status_checks=(StatusCheckView(date(2025, 6, 1), result),),
    )
    assert current_until(check) == date(2023, 1, 14)
    assert not is_current(check)


def test_the_latest_still_current_status_check_counts_whatever_the_order():
    checks = (
        still_current(date(2025, 6, 1)),
        still_current(date(2023, 6, 1)),
        still_current(date(2024, 6, 1)),
    )
    check = facts(issued_on=date(2020, 1, 15), update_service=True, status_checks=checks)
    assert current_until(check) == date(2026, 5, 31)
    assert rules.latest_status(check) == still_current(date(2025, 6, 1))


def test_a_status_check_never_shortens_the_recheck_period():
    check = facts(
        issued_on=date(2025, 1, 1), update_service=True, status_checks=(still_current(date(2025, 2, 1)),)
    )
    assert current_until(check) == date(2027, 12, 31)


def test_a_stop_ends_currency_whatever_the_dates_say():
    fresh = (still_current(AT - timedelta(days=10)),)
    check = facts(issued_on=AT - timedelta(days=30), update_service=True, status_checks=fresh, stopped=True)
    assert current_until(check) >= AT  # the dates alone would make it current
    assert not is_current(check)


@pytest.mark.parametrize("decision", ["pending", "not_suitable", ""])
def test_a_check_without_a_suitable_decision_is_never_current(decision):
    check = facts(issued_on=AT, decision=decision)
    assert not is_current(check)


def test_status_checks_before_the_issue_date_are_ignored():
    # With 36 and 12 months a status check before issue could never extend anyway, so use a
    # policy where it would: a year from the status check outlasts six months from issue.
    months = {"recheck_months": 6, "status_check_months": 12}
    issued = date(2025, 3, 10)
    before = facts(issued_on=issued, update_service=True, status_checks=(still_current(date(2025, 3, 9)),))
    assert rules.current_until(before, **months) == date(2025, 9, 9)
    assert not rules.is_current(before, date(2026, 1, 1), **months)
    # on the issue date itself the status check counts
    same_day = facts(issued_on=issued, update_service=True, status_checks=(still_current(issued),))
    assert rules.current_until(same_day, **months) == date(2026, 3, 9)
    assert rules.is_current(same_day, date(2026, 1, 1), **months)


def test_a_status_check_before_issue_is_ignored_with_the_default_policy():
    check = facts(
        issued_on=date(2020, 1, 15), update_service=True, status_checks=(still_current(date(2020, 1, 14)),)
    )
    assert current_until(check) == date(2023, 1, 14)


def test_a_non_subscribers_status_checks_do_not_extend():
    checks = (still_current(AT - timedelta(days=10)),)
    check = facts(issued_on=date(2020, 1, 15), update_service=False, status_checks=checks)
    assert current_until(check) == date(2023, 1, 14)
    assert not is_current(check)
    assert is_current(facts(issued_on=date(2020, 1, 15), update_service=True, status_checks=checks))


def test_the_policy_months_are_honoured():
    check = facts(
        issued_on=date(2025, 3, 10), update_service=True, status_checks=(still_current(date(2025, 9, 1)),)
    )
    # six months from the status check (28 February) is earlier than a year from issue (9 March)
    assert rules.current_until(check, recheck_months=12, status_check_months=6) == date(2026, 3, 9)
    assert rules.current_until(check, recheck_months=12, status_check_months=12) == date(2026, 8, 31)
    assert rules.current_until(check, recheck_months=6, status_check_months=6) == date(2026, 2, 28)
    assert not rules.is_current(check, AT, recheck_months=12, status_check_months=6)
    assert rules.is_current(check, AT, recheck_months=12, status_check_months=12)


@given(issued=st.dates(date(2002, 1, 1), date(2040, 12, 31)))
def test_a_check_is_current_up_to_and_including_current_until_and_not_a_day_after(issued):
    check = facts(issued_on=issued)
    last = current_until(check)
    assert last < add_months(issued, 36)
    assert is_current(check, issued) and is_current(check, last)
    assert not is_current(check, last + timedelta(days=1))


# --- requirements ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "child, personal_care, requirement, text",
    [
        (
            True,
            False,
            Requirement(level="enhanced", children_barred=True),
            "Enhanced DBS with the children's barred list",
        ),
        (
            True,
            True,
            Requirement(level="enhanced", children_barred=True),
            "Enhanced DBS with the children's barred list",
        ),
        (
            False,
            True,
            Requirement(level="enhanced", adults_barred=True),
            "Enhanced DBS with the adults' barred list",
        ),
        (False, False, Requirement(level="basic"), "Basic DBS"),
    ],
)
def test_requirement_for(child, personal_care, requirement, text):
    found = rules.requirement_for(child=child, personal_care=personal_care)
    assert found == requirement
    assert found.describe() == text


@pytest.mark.parametrize(
    "level, barred, text",
    [
        ("basic", "none", "Basic DBS"),
        ("standard", "none", "Standard DBS"),
        ("enhanced", "none", "Enhanced DBS"),
        ("enhanced", "adults", "Enhanced DBS with the adults' barred list"),
        ("enhanced", "children", "Enhanced DBS with the children's barred list"),
        ("enhanced", "both", "Enhanced DBS with the adults' and children's barred lists"),
        ("mystery", "none", "mystery DBS"),
    ],
)
def test_describe(level, barred, text):
    assert rules.describe(level, barred) == text


def test_a_requirement_for_both_lists_describes_both():
    requirement = Requirement(level="enhanced", adults_barred=True, children_barred=True)
    assert requirement.describe() == "Enhanced DBS with the adults' and children's barred lists"


CHILD = rules.requirement_for(child=True, personal_care=False)
ADULT_CARE = rules.requirement_for(child=False, personal_care=True)
BASIC = rules.requirement_for(child=False, personal_care=False)
STANDARD = Requirement(level="standard")
ENHANCED = Requirement(level="enhanced")
BOTH = Requirement(level="enhanced", adults_barred=True, children_barred=True)


@pytest.mark.parametrize(
    "level, barred, requirement, ok",
    [
        ("enhanced", "both", CHILD, True),
        ("enhanced", "both", ADULT_CARE, True),
        ("enhanced", "both", BOTH, True),
        ("enhanced", "both", BASIC, True),
        ("enhanced", "adults", CHILD, False),
        ("enhanced", "adults", ADULT_CARE, True),
        ("enhanced", "adults", BOTH, False),
        ("enhanced", "children", CHILD, True),
        ("enhanced", "children", ADULT_CARE, False),
        ("enhanced", "none", ENHANCED, True),
        ("enhanced", "none", CHILD, False),
        ("enhanced", "none", ADULT_CARE, False),
        ("standard", "none", ENHANCED, False),
        ("standard", "none", ADULT_CARE, False),
        ("standard", "none", STANDARD, True),
        ("standard", "none", BASIC, True),
        ("basic", "none", STANDARD, False),
        ("basic", "none", BASIC, True),
        ("mystery", "both", BASIC, False),  # an unknown level meets nothing
    ],
)
def test_satisfies(level, barred, requirement, ok):
    assert rules.satisfies(level, barred, requirement) is ok


def test_covers_adults_and_children():
    assert [rules.covers_adults(b) for b in ("none", "adults", "children", "both")] == [
        False,
        True,
        False,
        True,
    ]
    assert [rules.covers_children(b) for b in ("none", "adults", "children", "both")] == [
        False,
        False,
        True,
        True,
    ]


# --- standing: facts_of ----------------------------------------------------------------------


def row(**changes) -> dict:
    values = {
        "id": 7,
        "level": "enhanced",
        "barred_lists": "adults",
        "issued_on": date(2025, 1, 10),
        "decision": "suitable",
        "update_service": True,
        "stopped_at": None,
        "decided_at": datetime(2025, 2, 1, 12, 0, tzinfo=UTC),
    }
    return values | changes


def test_facts_of_copies_the_row():
    statuses = [
        {"checked_on": date(2025, 6, 1), "result": "BLANK_NO_NEW_INFO"},
        {"checked_on": date(2025, 9, 1), "result": "NON_BLANK_NO_NEW_INFO"},
    ]
    found = facts_of(row(), statuses)
    assert found == CheckFacts(
        level="enhanced",
        barred_lists="adults",
        issued_on=date(2025, 1, 10),
        decision="suitable",
        update_service=True,
        status_checks=(
            StatusCheckView(date(2025, 6, 1), "BLANK_NO_NEW_INFO"),
            StatusCheckView(date(2025, 9, 1), "NON_BLANK_NO_NEW_INFO"),
        ),
        stopped=False,
        checked_by_staff_on=date(2025, 9, 1),
    )


def test_facts_of_a_stopped_check_is_stopped():
    stopped = facts_of(row(stopped_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)), [])
    assert stopped.stopped
    assert not rules.is_current(stopped, date(2026, 1, 6), **MONTHS)


def test_checked_by_staff_on_is_the_decision_when_it_is_later_than_every_status_check():
    statuses = [{"checked_on": date(2025, 1, 20), "result": "BLANK_NO_NEW_INFO"}]
    assert facts_of(row(), statuses).checked_by_staff_on == date(2025, 2, 1)


def test_checked_by_staff_on_is_the_latest_status_check_whatever_the_order_or_result():
    statuses = [
        {"checked_on": date(2025, 11, 3), "result": "NEW_INFO"},
        {"checked_on": date(2025, 5, 1), "result": "BLANK_NO_NEW_INFO"},
    ]
    assert facts_of(row(), statuses).checked_by_staff_on == date(2025, 11, 3)


@pytest.mark.parametrize(
    "decided_at, day",
    [
        # British Summer Time: 23:30 UTC on 30 June is 00:30 on 1 July in London
        (datetime(2025, 6, 30, 23, 30, tzinfo=UTC), date(2025, 7, 1)),
        # Greenwich Mean Time: London and UTC agree
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), date(2025, 12, 31)),
        # a naive timestamp (SQLite) is taken as UTC
        (datetime(2025, 6, 30, 23, 30), date(2025, 7, 1)),
    ],
)
def test_checked_by_staff_on_uses_the_london_date_of_the_decision(decided_at, day):
    assert facts_of(row(decided_at=decided_at), []).checked_by_staff_on == day


def test_checked_by_staff_on_is_none_with_no_decision_and_no_status_checks():
    assert facts_of(row(decided_at=None, decision="pending"), []).checked_by_staff_on is None


def test_checked_by_staff_on_without_a_decision_is_the_latest_status_check():
    statuses = [{"checked_on": date(2025, 3, 1), "result": "BLANK_NO_NEW_INFO"}]
    assert facts_of(row(decided_at=None), statuses).checked_by_staff_on == date(2025, 3, 1)


# --- standing: best_standing, badge, summary -------------------------------------------------


def test_policy_defaults_and_settings():
    assert Policy() == POLICY
    settings = Settings(
        database_url="sqlite:///x.db", secret_key="k", dbs_recheck_months=24, dbs_status_check_months=6
    )
    assert Policy.of(settings) == Policy(recheck_months=24, status_check_months=6)


def test_best_standing_prefers_enhanced_over_standard():
    checks = [
        ({"id": 1}, facts(level="standard", barred_lists="none", issued_on=date(2026, 1, 1))),
        ({"id": 2}, facts(level="enhanced", barred_lists="none", issued_on=date(2024, 1, 1))),
        ({"id": 3}, facts(level="basic", barred_lists="none", issued_on=date(2026, 2, 1))),
    ]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None
    assert (best.profile_id, best.check_id, best.level) == (42, 2, "enhanced")
    assert best.current_until == date(2026, 12, 31)


def test_best_standing_prefers_both_lists_over_one():
    checks = [
        ({"id": 1}, facts(barred_lists="adults", issued_on=date(2026, 1, 1))),
        ({"id": 2}, facts(barred_lists="both", issued_on=date(2024, 1, 1))),
        ({"id": 3}, facts(barred_lists="none", issued_on=date(2026, 2, 1))),
    ]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None and best.check_id == 2 and best.barred_lists == "both"


def test_best_standing_among_equals_prefers_the_longest_current():
    checks = [
        ({"id": 1}, facts(issued_on=date(2024, 1, 1))),
        ({"id": 2}, facts(issued_on=date(2025, 1, 1))),
        ({"id": 3}, facts(issued_on=date(2023, 6, 1))),
    ]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None and best.check_id == 2 and best.current_until == date(2027, 12, 31)


def test_best_standing_skips_checks_that_are_not_current():
    checks = [
        ({"id": 1}, facts(barred_lists="both", issued_on=date(2022, 1, 1))),  # lapsed
        ({"id": 2}, facts(barred_lists="both", issued_on=date(2026, 1, 1), decision="pending")),
        ({"id": 3}, facts(barred_lists="both", issued_on=date(2026, 1, 1), stopped=True)),
        ({"id": 4}, facts(level="standard", barred_lists="none", issued_on=date(2025, 1, 1))),
    ]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None and best.check_id == 4 and best.level == "standard"


def test_best_standing_is_none_when_nothing_is_current():
    checks = [
        ({"id": 1}, facts(issued_on=date(2023, 3, 10))),  # exactly three years before AT
        ({"id": 2}, facts(issued_on=date(2026, 1, 1), decision="not_suitable")),
        ({"id": 3}, facts(issued_on=date(2026, 1, 1), stopped=True)),
    ]
    assert best_standing(42, checks, AT, POLICY) is None
    assert best_standing(42, [], AT, POLICY) is None


def test_best_standing_uses_the_policy():
    checks = [({"id": 1}, facts(issued_on=date(2025, 1, 1)))]
    assert best_standing(42, checks, AT, POLICY) is not None
    assert best_standing(42, checks, AT, Policy(recheck_months=12, status_check_months=12)) is None


def test_best_standing_counts_a_subscribers_status_check():
    row_, check = (
        {"id": 9},
        facts_of(
            row(issued_on=date(2020, 5, 1), decided_at=datetime(2020, 5, 20, 10, 0, tzinfo=UTC)),
            [{"checked_on": date(2025, 11, 3), "result": "BLANK_NO_NEW_INFO"}],
        ),
    )
    best = best_standing(42, [(row_, check)], AT, POLICY)
    assert best == Standing(
        profile_id=42,
        check_id=9,
        level="enhanced",
        barred_lists="adults",
        current_until=date(2026, 11, 2),
        checked_on=date(2025, 11, 3),
        current_checks=(("enhanced", "adults"),),
    )


def test_best_standing_checked_on_falls_back_to_the_issue_date():
    checks = [({"id": 1}, facts(issued_on=date(2025, 4, 2), checked_by_staff_on=None))]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None and best.checked_on == date(2025, 4, 2)


def test_standing_badge_and_summary():
    standing = Standing(
        profile_id=1,
        check_id=2,
        level="enhanced",
        barred_lists="adults",
        current_until=date(2028, 3, 1),
        checked_on=date(2026, 3, 3),
    )
    assert standing.badge == "Enhanced DBS with the adults' barred list, checked by staff on 3 March 2026"
    assert standing.summary == "Enhanced DBS with the adults' barred list, current until 1 March 2028"


def test_badge_from_facts_of_via_best_standing():
    check = facts_of(
        row(issued_on=date(2026, 2, 20), decided_at=datetime(2026, 3, 3, 16, 45, tzinfo=UTC)), []
    )
    best = best_standing(5, [({"id": 11}, check)], AT, POLICY)
    assert best is not None
    assert best.badge == "Enhanced DBS with the adults' barred list, checked by staff on 3 March 2026"
    assert best.summary == "Enhanced DBS with the adults' barred list, current until 19 February 2029"


@pytest.mark.parametrize(
    "barred, requirement, ok",
    [("both", CHILD, True), ("adults", CHILD, False), ("adults", ADULT_CARE, True), ("none", ENHANCED, True)],
)
def test_standing_meets(barred, requirement, ok):
    standing = Standing(
        profile_id=1, check_id=2, level="enhanced", barred_lists=barred, current_until=AT, checked_on=AT
    )
    assert standing.meets(requirement) is ok


def test_a_pa_with_separate_adults_and_childrens_checks_meets_a_child_requirement():
    checks = [
        ({"id": 1}, facts(barred_lists="children", issued_on=date(2025, 1, 1))),
        ({"id": 2}, facts(barred_lists="adults", issued_on=date(2025, 6, 1))),
    ]
    best = best_standing(42, checks, AT, POLICY)
    assert best is not None
    assert best.meets(ADULT_CARE)
    assert best.meets(CHILD)


@given(
    issued=st.dates(date(2010, 1, 1), date(2030, 12, 31)),
    statuses=st.lists(
        st.tuples(
            st.dates(date(2009, 1, 1), date(2032, 12, 31)), st.sampled_from(sorted(rules.STATUS_RESULTS))
        ),
        max_size=4,
    ),
    update_service=st.booleans(),
    recheck=st.integers(1, 60),
    status_months=st.integers(1, 60),
)
def test_current_until_of_many_checks_is_current_until_of_each(
    issued, statuses, update_service, recheck, status_months
):
    """``current_until_days`` (the index build's, from the latest status check that counts,
    as its SQL finds it) agrees with ``current_until`` of the check's facts."""
    import numpy as np

    facts = CheckFacts(
        level="enhanced", barred_lists="adults", issued_on=issued, decision="suitable",
        update_service=update_service, status_checks=tuple(StatusCheckView(d, r) for d, r in statuses),
    )  # fmt: skip
    counting = [d for d, r in statuses if update_service and r in rules.CURRENT_RESULTS and d >= issued]
    renewed = max(counting).toordinal() if counting else 0
    (until,) = rules.current_until_days(
        np.array([issued.toordinal()]),
        np.array([renewed]),
        recheck_months=recheck,
        status_check_months=status_months,
    )
    assert date.fromordinal(int(until)) == rules.current_until(
        facts, recheck_months=recheck, status_check_months=status_months
    )
