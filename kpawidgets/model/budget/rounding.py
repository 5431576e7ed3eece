"""The one rounding rule of every whole-euro view (budget page, phone, PDF, ``kpa check``).

**Each total is its exact total rounded to the euro (half up: 100,50 → 101), and the rows
under it share that whole total by largest remainder** (each row rounded down, the euros left
go to the rows with the largest cents; ties to the first row). So a whole-euro column always
adds up as printed, a block is the sum of its lines, the total of the charges is the exact
total rounded (« 78 145,00 € » prints « 78 145 € » everywhere), and an exactly balanced budget
stays balanced in whole euros. A line alone can differ from its own rounding by one euro
(1 250,50 € and 1 498,50 € print 1 251 € and 1 498 €: their sum 2 749 € is exact). Cents stay in
the detailed lines (the lines tab, the cash table, the spreadsheets).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

__all__ = ["to_euro", "share_whole", "whole_percents"]

_ONE = Decimal(1)


def to_euro(value: Decimal) -> Decimal:
    """*value* rounded to the whole euro, half up (100,50 → 101; −100,50 → −101)."""
    return value.quantize(_ONE, rounding=ROUND_HALF_UP)


def share_whole(amounts: Sequence[Decimal], total: Decimal | None = None) -> list[Decimal]:
    """*amounts* in whole euros adding up to *total* (default: their exact sum rounded half up).

    Largest remainder: every amount rounded down, then one euro more to the amounts with the
    largest fractions, in order, until the total is reached (fewer when the amounts are signed).
    """
    if total is None:
        total = to_euro(sum(amounts, Decimal(0)))
    floors = [amount.quantize(_ONE, rounding=ROUND_FLOOR) for amount in amounts]
    left = int(total - sum(floors, Decimal(0)))
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    if left < 0:  # only when *total* was given below the floors: take from the smallest fractions
        order = list(reversed(order))
    for index in order[:abs(left)]:
        floors[index] += 1 if left > 0 else -1
    return floors


def whole_percents(parts: Sequence[tuple[str, Decimal]], whole: Decimal, first: str) -> dict[str, int]:
    """Each part in whole percent of *whole*, adding up to what the parts add up to.

    Part *first* (the « acquis » figure printed big beside the bar) keeps its own rounding, half
    up; the other parts share the rest by largest remainder. Rounded one by one, 27,55 + 25,05 +
    6,26 + 37,53 + 3,61 printed 28 + 25 + 6 + 38 + 4 = 101 %.
    """
    if not whole:
        return {key: 0 for key, _amount in parts}
    exact = {key: amount * 100 / whole for key, amount in parts}
    mine = int(to_euro(exact[first]))
    total = int(to_euro(sum(exact.values(), Decimal(0))))
    others = [key for key in exact if key != first]
    shared = share_whole([exact[key] for key in others], Decimal(max(0, total - mine)))
    return {first: mine, **{key: max(0, int(value)) for key, value in zip(others, shared)}}
