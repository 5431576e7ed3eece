"""The figures of one budget (the current one or a scenario's), computed once.

:func:`budget_figures` is the one computation behind every number a treasurer or a funder
reads: the budget page (summary, Cerfa table, coverage bar, cash), the phone's read-only
budget, the PDF, the spreadsheet export and ``kpa check --json``; years 2 and 3 are more figures of it (:mod:`.years`). Views format what is here
and sum nothing. Whole-euro figures follow the one rule of :mod:`.rounding`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.i18n import N_
from kpawidgets.model.budget.caps import FunderCap, funder_caps
from kpawidgets.model.budget.cash import Cash, monthly_cash
from kpawidgets.model.budget.cerfa import CerfaTable, cerfa_table
from kpawidgets.model.budget.coverage import Coverage, coverage
from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.budget.rounding import to_euro, whole_percents
from kpawidgets.model.budget.totals import Totals
from kpawidgets.model.budget.years import YearsFigures, years_figures
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["PARTS", "SECURED_MARK", "SECURED_MARK_SOURCE", "WholeEuros", "BudgetFigures", "budget_figures"]

#: The parts of the coverage bar, in order.
PARTS = ("secured", "requested", "considered", "revenue", "gap")

#: The share of the year's charges secured (voted or paid) from which the figure shows green:
#: the network's own mark, Les Coopains à bord (La Rochelle) launching with 65 % of its
#: first year's funding secured (KPA-Cité presentation, spring 2019).
SECURED_MARK = 65
SECURED_MARK_SOURCE = N_("Vert à partir de 65 % acquis, le repère du réseau : Les Coopains à bord (La Rochelle) "
                         "ont lancé leur KPA avec 65 % du financement de l'année 1 acquis (présentation KPA-Cité, "
                         "printemps 2019).")


@dataclass(frozen=True)
class WholeEuros:
    """The figures in whole euros, exactly as every whole-euro view prints them.

    ``parts`` are the coverage bar's parts: each funding part is the sum of its lines as the
    Cerfa table prints them (so the parts add up to the produits printed), ``gap`` = charges −
    produits printed. ``cash_lowest`` and the curves' low points are each rounded half up.
    """

    charges: Decimal
    produits: Decimal
    in_kind: Decimal
    gap: Decimal
    surplus: Decimal
    parts: dict[str, Decimal]
    cash_lowest: Decimal
    cash_need: Decimal
    curves_lowest: dict[str, Decimal]

    @property
    def secured(self) -> Decimal:
        return self.parts["secured"]

    @property
    def valued(self) -> Decimal:
        """Charges with the contributions in kind (the « budget valorisé »)."""
        return self.charges + self.in_kind


@dataclass(frozen=True)
class BudgetFigures:
    """Every figure of one budget: the entries, exact totals, the Cerfa table (rows with their
    whole euros), the coverage, the cash, and the same in whole euros with the percents."""

    name: str | None
    entries: list[Entry]
    totals: Totals
    cerfa: CerfaTable
    coverage: Coverage
    cash: Cash
    euros: WholeEuros
    #: each coverage part in whole percent of the charges (they add up; ``secured`` rounded half up alone)
    percents: dict[str, int]
    #: a budget line's id → its whole euros as the Cerfa table prints it (refused lines: their own rounding)
    line_euros: dict[str, Decimal]
    #: years 1 to 3 (:mod:`.years`): year 1 is these figures, years 2 and 3 each line turned by its rule
    years: YearsFigures
    #: each funder line against the action's cost, with and without the contributions in kind (:mod:`.caps`)
    caps: dict[str, FunderCap]

    @property
    def empty(self) -> bool:
        """Nothing budgeted yet: no charge, no resource, no contribution in kind."""
        return self.totals.empty

    @property
    def secured_tone(self) -> str:
        """``ok`` (green) at :data:`SECURED_MARK` % secured or more, ``warn`` below, ``bad`` at 0 %, ``none``
        without charges."""
        if not self.euros.charges:
            return "none"
        percent = self.percents["secured"]
        return "ok" if percent >= SECURED_MARK else "warn" if percent > 0 else "bad"

    @property
    def only_unsure_funding(self) -> bool:
        """Some funding counted in the cash plan is not secured yet (requested or considered)."""
        return bool(self.coverage.requested or self.coverage.considered)

    def line_amount(self, line_id: str, exact: Decimal) -> Decimal:
        """Line *line_id* in whole euros as printed (*exact* rounded half up when not in the budget)."""
        return self.line_euros.get(line_id, to_euro(exact))

    @classmethod
    def of(cls, workbook: Workbook, plan: BudgetPlan | None = None, name: str | None = None) -> BudgetFigures:
        return budget_figures(workbook, plan, name)


def budget_figures(workbook: Workbook, plan: BudgetPlan | None = None, name: str | None = None) -> BudgetFigures:
    """The figures of *plan* (default: the current budget), computed once."""
    items = entries(workbook, plan)
    table = cerfa_table(workbook, plan, computed=items)
    totals = table.totals
    cover = coverage(workbook, plan, computed=items)
    cash = monthly_cash(workbook, plan, computed=items)
    shown = totals.shown
    parts = {key: ZERO for key in PARTS}
    line_euros: dict[str, Decimal] = {}
    for item, whole in zip(items, totals.line_euros):
        if item.side == "produit" and item.bucket:
            parts[item.bucket] += whole
        if item.line_id and item.origin == "line":
            line_euros[item.line_id] = whole
    parts["gap"] = max(ZERO, shown.charges - shown.produits)
    euros = WholeEuros(
        charges=shown.charges, produits=shown.produits, in_kind=shown.in_kind, gap=parts["gap"],
        surplus=max(ZERO, shown.produits - shown.charges), parts=parts,
        cash_lowest=to_euro(cash.lowest), cash_need=to_euro(cash.need),
        curves_lowest={curve.key: to_euro(curve.lowest) for curve in cash.curves})
    percents = whole_percents([(key, parts[key]) for key in PARTS], shown.charges, "secured")
    years = years_figures(workbook, plan, items, table)
    caps = funder_caps(plan if plan is not None else workbook.budget, line_euros, euros.charges, euros.valued)
    return BudgetFigures(name, items, totals, table, cover, cash, euros, percents, line_euros, years, caps)
