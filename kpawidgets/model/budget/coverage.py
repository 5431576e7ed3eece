"""How the year's charges are covered: secured, requested, considered, revenue, gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from kpawidgets.model.budget.amounts import to_cent
from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import HUNDRED, STATUS_LIKELIHOOD, BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["MissingItem", "Coverage", "coverage"]

@dataclass(frozen=True)
class MissingItem:
    """Something not yet secured: a funder line (label, funder, status, amount) or the gap."""

    label: str
    funder: str
    status: str
    amount: Decimal
    line_id: str | None = None


@dataclass(frozen=True)
class Coverage:
    """How the year's charges are covered: secured (voted + paid), requested, considered,
    activity and own revenue, and the gap; ``secured_ratio`` = secured / charges.

    ``full_funding_chance`` is the probability view: with :data:`STATUS_LIKELIHOOD` per status
    and funders deciding independently, the chance that the resources reach the charges.
    """

    charges: Decimal
    secured: Decimal
    requested: Decimal
    considered: Decimal
    revenue: Decimal
    gap: Decimal
    surplus: Decimal
    missing: list[MissingItem]
    expected: Decimal
    full_funding_chance: float

    @property
    def secured_ratio(self) -> Decimal:
        if not self.charges:
            return Decimal(0)
        return self.secured / self.charges

    @property
    def secured_pct(self) -> Decimal:
        """Secured over charges, in percent to one decimal."""
        return (self.secured_ratio * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def parts(self) -> list[tuple[str, Decimal]]:
        """The stacked bar's parts in order: secured, requested, considered, revenue, gap."""
        return [("secured", self.secured), ("requested", self.requested), ("considered", self.considered),
                ("revenue", self.revenue), ("gap", self.gap)]


def _chance_of_reaching(need: Decimal, uncertain: list[tuple[Decimal, float]]) -> float:
    """P(sum of the uncertain amounts that come ≥ need), amounts counted in 100 € steps (rounded down)."""
    if need <= 0:
        return 1.0
    step = Decimal(100)
    target = int((need / step).to_integral_value(rounding=ROUND_CEILING))
    dist: dict[int, float] = {0: 1.0}
    for amount, chance in uncertain:
        units = int(amount // step)
        if chance <= 0 or units <= 0:
            continue
        nxt: dict[int, float] = {}
        for total, p in dist.items():
            nxt[total] = nxt.get(total, 0.0) + p * (1 - chance)
            reached = min(target, total + units)
            nxt[reached] = nxt.get(reached, 0.0) + p * chance
        dist = nxt
    return sum(p for total, p in dist.items() if total >= target)


def coverage(workbook: Workbook, plan: BudgetPlan | None = None, *,
             computed: Sequence[Entry] | None = None) -> Coverage:
    """Funding coverage of year 1 (the deck's « 65 % des financements acquis »)."""
    items = computed if computed is not None else entries(workbook, plan)
    buckets = {"secured": ZERO, "requested": ZERO, "considered": ZERO, "revenue": ZERO}
    charges = ZERO
    missing: list[MissingItem] = []
    uncertain: list[tuple[Decimal, float]] = []
    expected = ZERO
    for item in items:
        if item.side == "charge":
            charges += item.amount
        elif item.side == "produit" and item.bucket:
            buckets[item.bucket] += item.amount
            if item.status in ("envisage", "demande"):
                missing.append(MissingItem(item.label, item.funder, item.status, item.amount, item.line_id))
                uncertain.append((item.amount, STATUS_LIKELIHOOD[item.status]))
                expected += to_cent(item.amount * Decimal(str(STATUS_LIKELIHOOD[item.status])))
            else:
                expected += item.amount
    produits = sum(buckets.values(), ZERO)
    gap = max(ZERO, charges - produits)
    surplus = max(ZERO, produits - charges)
    sure = buckets["secured"] + buckets["revenue"]
    chance = 0.0 if gap else _chance_of_reaching(charges - sure, uncertain)
    missing.sort(key=lambda m: (0 if m.status == "demande" else 1, -m.amount))
    return Coverage(charges, buckets["secured"], buckets["requested"], buckets["considered"], buckets["revenue"],
                    gap, surplus, missing, expected, chance)
