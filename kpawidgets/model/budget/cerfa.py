"""The budget as the Cerfa n°12156 form lays it out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.budget.totals import Totals, budget_totals
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import (
    ACCOUNTS,
    CHARGE_GROUPS,
    INKIND_RESOURCES,
    INKIND_USES,
    PRODUIT_GROUPS,
    SUBLINES,
    BudgetPlan,
    account_block,
    account_group,
)
from kpawidgets.model.records.workbook import Workbook

__all__ = ["CerfaRow", "CerfaTable", "cerfa_table"]

@dataclass(frozen=True)
class CerfaRow:
    """A row of the Cerfa layout: ``level`` 1 = block (60, 74…), 2 = line or 74 sub-line, 3 = funder line.

    ``amount`` is exact to the cent; ``euros`` is the row in whole euros as every whole-euro view
    prints it (:mod:`kpawidgets.model.budget.rounding`: a block or sub-line is the sum of its lines).
    """

    level: int
    account: str
    label: str
    amount: Decimal
    origin: str = ""
    line_id: str | None = None
    status: str | None = None
    euros: Decimal = ZERO


@dataclass(frozen=True)
class CerfaTable:
    """Charges, produits and the mirrored in-kind blocks 86 / 87, with their totals.

    Level-1 and sub-line labels, and rows whose ``origin`` is ``cae``, are French message ids
    (translate them with ``_()``); other labels are the person's own text (an empty label: show
    the sub-account's label instead).
    """

    charges: list[CerfaRow]
    produits: list[CerfaRow]
    uses: list[CerfaRow]
    resources: list[CerfaRow]
    totals: Totals


def cerfa_table(workbook: Workbook, plan: BudgetPlan | None = None, *,
                computed: Sequence[Entry] | None = None, all_blocks: bool = True) -> CerfaTable:
    """The budget as the Cerfa n°12156 form lays it out (blocks always, lines under them).

    A level-2 row's label is the entered label; its ``account`` says the sub-account. Derived rows
    (staff, CAE) carry the member's name or a fixed French label.
    """
    items = list(computed if computed is not None else entries(workbook, plan))
    totals = budget_totals(workbook, plan, computed=items)
    shown = totals.shown
    whole = {id(e): euros for e, euros in zip(items, totals.line_euros)}

    def to_euro(e: Entry) -> Decimal:
        return whole[id(e)]

    def block(groups: Sequence[str], side: str) -> list[CerfaRow]:
        rows: list[CerfaRow] = []
        for group in groups:
            mine = [e for e in items if e.side == side and account_group(e.account) == group]
            if not mine and not all_blocks:
                continue
            rows.append(CerfaRow(1, group, ACCOUNTS[group], totals.by_account.get(group, ZERO),
                                 euros=shown.by_account.get(group, ZERO)))
            if group == "74":
                for key in SUBLINES:
                    funded = [e for e in mine if e.subline == key]
                    if not funded:
                        continue
                    rows.append(CerfaRow(2, key, SUBLINES[key], sum((e.amount for e in funded), ZERO), "subline",
                                         euros=shown.by_subline.get(key, ZERO)))
                    rows.extend(CerfaRow(3, e.account, e.label, e.amount, e.origin, e.line_id, e.status, to_euro(e))
                                for e in funded)
                rows.extend(CerfaRow(2, e.account, e.label, e.amount, e.origin, e.line_id, e.status, to_euro(e))
                            for e in mine if not e.subline)
            else:
                order = {code: index for index, code in enumerate(ACCOUNTS)}
                mine.sort(key=lambda e: order.get(account_block(e.account) or "", 0))
                rows.extend(CerfaRow(2, e.account, e.label, e.amount, e.origin, e.line_id, e.status, to_euro(e))
                            for e in mine)
        return rows

    in_kind = [e for e in items if e.side == "inkind"]
    uses: list[CerfaRow] = [CerfaRow(1, "86", ACCOUNTS["86"], totals.in_kind, euros=shown.in_kind)]
    resources: list[CerfaRow] = [CerfaRow(1, "87", ACCOUNTS["87"], totals.in_kind, euros=shown.in_kind)]
    for code in INKIND_USES:
        for e in in_kind:
            if account_block(e.account) == code:
                uses.append(CerfaRow(2, code, e.label, e.amount, e.origin, e.line_id, euros=to_euro(e)))
    for code in INKIND_RESOURCES:
        for e in in_kind:
            if e.mirror == code:
                resources.append(CerfaRow(2, code, e.label, e.amount, e.origin, e.line_id, euros=to_euro(e)))
    return CerfaTable(block(CHARGE_GROUPS, "charge"), block(PRODUIT_GROUPS, "produit"), uses, resources, totals)
