"""A funder's cap, with and without the contributions in kind (issue 24).

A funder that caps its share of the action's cost (80 % of public money, say) reads the cost with the
valued contributions in kind (86 = 87: volunteering, premises lent): a 3 000 € action capped at 80 % gets
2 400 € at most; with 600 € of volunteering valued, the cost is 3 600 € and the cap 2 880 €. The action is
the year-1 budget: its charges, and its charges with the contributions in kind (``WholeEuros.valued``).
Amounts are whole euros as printed (the cap rounded half up by the one rule of :mod:`.rounding`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.rounding import to_euro
from kpawidgets.model.records.budget import HUNDRED, BudgetPlan

__all__ = ["FunderCap", "funder_caps"]


@dataclass(frozen=True)
class FunderCap:
    """One funder line against the action's cost (``cap_*`` None without a cap)."""

    line_id: str
    amount: Decimal
    cost: Decimal
    valued: Decimal
    #: the line's share of the cost and of the valued cost, whole percent half up (0 without a cost)
    share_of_cost: int
    share_of_valued: int
    cap_pct: Decimal | None
    cap_without: Decimal | None
    cap_with: Decimal | None

    @property
    def over(self) -> bool:
        """Above the cap, even with the contributions in kind counted."""
        return self.cap_with is not None and self.amount > self.cap_with


def _percent(part: Decimal, whole: Decimal) -> int:
    return int(to_euro(part * HUNDRED / whole)) if whole else 0


def funder_caps(plan: BudgetPlan, line_euros: Mapping[str, Decimal], cost: Decimal, valued: Decimal) -> dict[str, FunderCap]:
    """Each funder line in the budget (refused ones are not) against the cost: line id → :class:`FunderCap`."""
    result = {}
    for line in plan.lines:
        if not line.is_funder or line.id not in line_euros:
            continue
        amount = line_euros[line.id]
        pct = line.cap_pct
        result[line.id] = FunderCap(
            line.id, amount, cost, valued, _percent(amount, cost), _percent(amount, valued), pct,
            None if pct is None else to_euro(cost * pct / HUNDRED), None if pct is None else to_euro(valued * pct / HUNDRED))
    return result
