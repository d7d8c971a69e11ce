"""The budget rule, stated once and used by the engine, the reasons and the pages.

A need may give the most the person can pay an hour. A PA whose minimum rate is above it is
not listed when the budget is marked firm. When it is not firm the budget may stretch by
``BUDGET_STRETCH_PERCENT`` for the right PA: a PA asking up to that much more is listed (the
reasons say, under "Worth knowing", by how much they are above), and one asking more is not.
"""

from __future__ import annotations

BUDGET_STRETCH_PERCENT = 10


def rate_ceiling(max_rate_pence: int, rate_firm: bool) -> int | None:
    """The highest minimum rate, in pence, a listed PA may ask (None: no budget given).
    Whole pence, rounded down: a minimum rate is whole pence, so ``rate <= ceiling`` is the
    same test as ``rate <= budget * 1.1`` without the float."""
    if not max_rate_pence:
        return None
    if rate_firm:
        return max_rate_pence
    return max_rate_pence * (100 + BUDGET_STRETCH_PERCENT) // 100


def pounds(pence: int) -> str:
    return f"£{pence / 100:.2f}"


def budget_rule(max_rate_pence: int, rate_firm: bool) -> str | None:
    """The rule in plain English, for this need (None: no budget given)."""
    ceiling = rate_ceiling(max_rate_pence, rate_firm)
    if ceiling is None:
        return None
    if rate_firm:
        return f"Asks no more than the budget of {pounds(max_rate_pence)} an hour (it is firm)"
    return (
        f"Asks no more than {pounds(ceiling)} an hour: the budget of {pounds(max_rate_pence)} is not "
        f"marked firm, so it may stretch by up to {BUDGET_STRETCH_PERCENT}%"
    )


def rate_exclusion(rate_firm: bool) -> str:
    """Why PAs were left out by the rate, for a need's excluded counts."""
    if rate_firm:
        return "Their minimum rate is above the budget (it is firm)"
    return f"Their minimum rate is more than {BUDGET_STRETCH_PERCENT}% above the budget (it is not firm)"


def rate_reason(max_rate_pence: int, rate_firm: bool, minimum: int) -> tuple[bool, str] | None:
    """(whether it is in the PA's favour, what to say) of a listed PA's asking rate against the
    budget; None when either is unset."""
    if not (max_rate_pence and minimum):
        return None
    if minimum <= max_rate_pence:
        return True, f"Asks from {pounds(minimum)} an hour, within the {pounds(max_rate_pence)} budget"
    above = minimum - max_rate_pence
    share = above * 100 / max_rate_pence
    return False, (
        f"Asks {pounds(minimum)} an hour, {pounds(above)} ({share:.0f}%) above the "
        f"{pounds(max_rate_pence)} budget: listed because the budget is not firm and may "
        f"stretch by up to {BUDGET_STRETCH_PERCENT}%"
    )
