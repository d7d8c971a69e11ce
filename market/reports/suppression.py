"""Small numbers in the commissioner's copy, so that no person can be picked out, even by
subtracting the counts shown from a total.

A count from 1 to 4 is shown as "<5" (primary suppression). A breakdown's rows add up to a
total the reader knows (the people supported are each counted once in every breakdown, and
that total is published), so one "<5" among exact counts could be worked out by subtraction.
So at least one more count is hidden too (secondary suppression), shown as "hidden": the
smallest counts of 5 or more, one at a time, until no "<5" can be narrowed at all. The check
assumes the reader knows, for every hidden count, its range: "<5" is 1 to 4; "hidden" is from
5 up to the smallest count still shown in the breakdown of 5 or more (the smallest are hidden
first), and the hidden counts add up to the total less the counts shown. Every "<5" must then
still be able to be any of 1, 2, 3 or 4. A breakdown where that cannot be had, or whose total
is itself under 5, is not shown at all (``None``).

Why secondary suppression and not rounding: rounding each count and the total to the nearest 5
independently still lets some cells be worked out (counts 8, 8 and 1 show as 10, 10, "<5" and
a total 17 shows as 15: the others are at least 16, the total at most 17, so the "<5" is 1),
while the rule here is checked exactly for every breakdown it publishes (``is_safe``), and the
counts it does show are the true ones.
"""

from __future__ import annotations

from market.reports.figures import SMALL

LESS_THAN_FIVE = "<5"
HIDDEN = "hidden"

Shown = int | str


def _ranges(values: list[int], hidden: set[int]) -> dict[int, tuple[int, int]]:
    """The range the reader can give each hidden count (see the module's notes)."""
    shown_large = [v for i, v in enumerate(values) if i not in hidden and v >= SMALL]
    ceiling = min(shown_large) if shown_large else sum(values)
    return {i: (1, SMALL - 1) if values[i] < SMALL else (SMALL, ceiling) for i in hidden}


def is_safe(values: list[int], hidden: set[int]) -> bool:
    """Whether every count under 5 that is hidden can still be any of 1 to 4, given the
    others' ranges and that the hidden counts add up to what the total leaves."""
    ranges = _ranges(values, hidden)
    left = sum(values[i] for i in hidden)
    for i in hidden:
        if values[i] >= SMALL:
            continue
        low = sum(lo for j, (lo, _) in ranges.items() if j != i)
        high = sum(hi for j, (_, hi) in ranges.items() if j != i)
        # The others can add up to any whole number from low to high, so this count can be
        # anything from left - high to left - low (within 1 to 4).
        if left - high > 1 or left - low < SMALL - 1:
            return False
    return True


def protect(rows: list[tuple[str, int]]) -> list[tuple[str, Shown]] | None:
    """The rows as they may leave the service: every count under 5 (but not 0) as "<5", and
    as few of the others "hidden" as keep those from being worked out; None when the breakdown
    cannot be shown (its total is under 5, or no choice of hidden counts protects it)."""
    values = [count for _, count in rows]
    total = sum(values)
    if 0 < total < SMALL:
        return None
    hidden = {i for i, v in enumerate(values) if 0 < v < SMALL}
    if hidden:
        spare = sorted((v, i) for i, v in enumerate(values) if v >= SMALL)
        while not is_safe(values, hidden):
            if not spare:
                return None
            hidden.add(spare.pop(0)[1])
    return [
        (label, (LESS_THAN_FIVE if count < SMALL else HIDDEN) if i in hidden else count)
        for i, (label, count) in enumerate(rows)
    ]
