"""Totals of the computed budget per Cerfa block and overall."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.amounts import to_euro
from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import BudgetPlan, account_group
from kpawidgets.model.records.workbook import Workbook

__all__ = ["Totals", "budget_totals"]

@dataclass(frozen=True)
class Totals:
    """Totals per Cerfa block and overall; ``balance`` = produits − charges.

    ``euros`` are the same totals for the views in whole euros (the page, the PDF): each
    line is rounded to the euro first and the rounded lines are summed, so every total
    shown is the sum of the figures shown above it and the gap shown is charges − produits
    shown. The exact totals (to the cent) stay in the other fields.
    """

    charges: Decimal
    produits: Decimal
    in_kind: Decimal
    by_account: dict[str, Decimal]
    by_subline: dict[str, Decimal]
    euros: Totals | None = None

    @property
    def shown(self) -> Totals:
        """The whole-euro totals (these totals themselves when they are the whole-euro ones)."""
        return self.euros or self

    @property
    def balance(self) -> Decimal:
        return self.produits - self.charges

    @property
    def missing(self) -> Decimal:
        """Resources still to find (0 when balanced or in surplus)."""
        return max(ZERO, self.charges - self.produits)

    @property
    def surplus(self) -> Decimal:
        return max(ZERO, self.produits - self.charges)


def budget_totals(workbook: Workbook, plan: BudgetPlan | None = None, *,
                  computed: Sequence[Entry] | None = None) -> Totals:
    """Totals of charges, produits and in-kind; per two-digit block and per 74 sub-line."""
    items = computed if computed is not None else entries(workbook, plan)
    exact = _sum(items, lambda amount: amount)
    return Totals(exact.charges, exact.produits, exact.in_kind, exact.by_account, exact.by_subline,
                  euros=_sum(items, to_euro))


def _sum(items: Sequence[Entry], rounded: Callable[[Decimal], Decimal]) -> Totals:
    by_account: dict[str, Decimal] = {}
    by_subline: dict[str, Decimal] = {}
    charges = produits = in_kind = ZERO
    for item in items:
        group = account_group(item.account)
        amount = rounded(item.amount)
        by_account[group] = by_account.get(group, ZERO) + amount
        if item.side == "charge":
            charges += amount
        elif item.side == "produit":
            produits += amount
            if item.subline:
                by_subline[item.subline] = by_subline.get(item.subline, ZERO) + amount
        else:
            in_kind += amount
    by_account["87"] = by_account.get("86", ZERO)
    return Totals(charges, produits, in_kind, by_account, by_subline)
