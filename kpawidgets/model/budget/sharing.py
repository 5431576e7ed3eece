"""Sharing the year's activity revenue among the coopérant·es."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.amounts import to_cent
from kpawidgets.model.budget.entries import activity_rows
from kpawidgets.model.budget.plans import plan_of
from kpawidgets.model.money import CENT, ZERO
from kpawidgets.model.records.budget import HUNDRED, BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["ShareRow", "SharingResult", "revenue_sharing"]

@dataclass(frozen=True)
class ShareRow:
    name: str
    hours: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SharingResult:
    """From the activity revenue: CAE share, materials, common pot, and the rest by hours worked."""

    revenue: Decimal
    cae: Decimal
    materials: Decimal
    common_pot: Decimal
    to_share: Decimal
    people: list[ShareRow]
    hours: Decimal

    @property
    def per_hour(self) -> Decimal:
        return to_cent(self.to_share / self.hours) if self.hours else ZERO


def revenue_sharing(workbook: Workbook, plan: BudgetPlan | None = None) -> SharingResult:
    """Share the year's activity revenue; the per-person amounts add up exactly to what is shared.

    CAE = the CAE contribution of the budget (per month, rounded); common pot = pot % of
    (revenue − CAE − materials); the rest is shared pro rata of hours, the leftover cents going
    to the largest remainders (then the first names in order).
    """
    chosen = plan_of(workbook, plan)
    rows = activity_rows(workbook, chosen)
    revenue = sum((r.total for r in rows), ZERO)
    cae = sum((to_cent(a * chosen.cae_rate / HUNDRED) for r in rows for a in r.monthly.values()), ZERO)
    materials = min(chosen.sharing.materials, max(ZERO, revenue - cae))
    after = max(ZERO, revenue - cae - materials)
    pot = to_cent(after * chosen.sharing.common_pot_pct / HUNDRED)
    to_share = after - pot
    hours = sum((p.hours for p in chosen.sharing.people), Decimal(0))
    people: list[ShareRow] = []
    if hours > 0 and to_share > 0:
        cents = int(to_share / CENT)
        exact = [Decimal(cents) * p.hours / hours for p in chosen.sharing.people]
        floors = [int(x) for x in exact]
        leftover = cents - sum(floors)
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:leftover]:
            floors[i] += 1
        people = [ShareRow(p.name, p.hours, Decimal(c) * CENT) for p, c in zip(chosen.sharing.people, floors)]
    else:
        people = [ShareRow(p.name, p.hours, ZERO) for p in chosen.sharing.people]
    return SharingResult(revenue, cae, materials, pot, to_share, people, hours)
