"""Totals of the computed budget per Cerfa block and overall, exact and in whole euros."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.budget.rounding import share_whole, to_euro
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import BudgetPlan, account_group
from kpawidgets.model.records.workbook import Workbook

__all__ = ["Totals", "budget_totals", "entry_euros"]

@dataclass(frozen=True)
class Totals:
    """Totals per Cerfa block and overall; ``balance`` = produits − charges.

    ``euros`` are the same totals for the views in whole euros, by the one rule of
    :mod:`kpawidgets.model.budget.rounding` (a total is its exact total rounded half up, the rows
    under it share it by largest remainder); ``line_euros`` is each entry in whole euros, in the
    order of the entries summed. The exact totals (to the cent) stay in the other fields.
    """

    charges: Decimal
    produits: Decimal
    in_kind: Decimal
    by_account: dict[str, Decimal]
    by_subline: dict[str, Decimal]
    euros: Totals | None = None
    line_euros: tuple[Decimal, ...] = field(default=(), repr=False)

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

    @property
    def empty(self) -> bool:
        """Nothing in the budget: no charge, no resource, no contribution in kind."""
        return not self.charges and not self.produits and not self.in_kind


def _share(indices: list[int], amounts: Sequence[Decimal], total: Decimal, key: object) -> list[tuple[list[int], Decimal]]:
    """Group *indices* by ``key(i)`` (in first-seen order) and share *total* between the groups."""
    groups: dict[object, list[int]] = {}
    for index in indices:
        groups.setdefault(key(index), []).append(index)  # type: ignore[operator]
    whole = share_whole([sum((amounts[i] for i in members), ZERO) for members in groups.values()], total)
    return list(zip(groups.values(), whole))


def entry_euros(items: Sequence[Entry]) -> list[Decimal]:
    """Every entry in whole euros: per side, the total rounded half up, shared between the Cerfa
    blocks, each block's share between its lines (block 74: between its sub-lines, then their lines)."""
    amounts = [item.amount for item in items]
    result = [ZERO] * len(items)
    for side in ("charge", "produit", "inkind"):
        indices = [i for i, item in enumerate(items) if item.side == side]
        total = to_euro(sum((amounts[i] for i in indices), ZERO))
        if side == "inkind":
            blocks = [(indices, total)]
        else:
            blocks = _share(indices, amounts, total, lambda i: account_group(items[i].account))
        for members, block_total in blocks:
            if side == "produit" and account_group(items[members[0]].account) == "74":
                parts = _share(members, amounts, block_total, lambda i: items[i].subline or ("line", i))
            else:
                parts = [(members, block_total)]
            for lines, part_total in parts:
                for index, whole in zip(lines, share_whole([amounts[i] for i in lines], part_total)):
                    result[index] = whole
    return result


def budget_totals(workbook: Workbook, plan: BudgetPlan | None = None, *,
                  computed: Sequence[Entry] | None = None) -> Totals:
    """Totals of charges, produits and in-kind; per two-digit block and per 74 sub-line."""
    items = list(computed if computed is not None else entries(workbook, plan))
    whole = entry_euros(items)
    exact = _sum(items, [item.amount for item in items])
    shown = _sum(items, whole)
    return Totals(exact.charges, exact.produits, exact.in_kind, exact.by_account, exact.by_subline,
                  euros=shown, line_euros=tuple(whole))


def _sum(items: Sequence[Entry], amounts: Sequence[Decimal]) -> Totals:
    by_account: dict[str, Decimal] = {}
    by_subline: dict[str, Decimal] = {}
    charges = produits = in_kind = ZERO
    for item, amount in zip(items, amounts):
        group = account_group(item.account)
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
