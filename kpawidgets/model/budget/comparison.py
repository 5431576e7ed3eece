"""The budget beside the network's KPAs, and the saved scenarios side by side."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.amounts import to_cent
from kpawidgets.model.budget.entries import activity_rows
from kpawidgets.model.budget.figures import BudgetFigures, budget_figures
from kpawidgets.i18n import N_
from kpawidgets.model.budget.plans import copy_plan, plan_of
from kpawidgets.model.money import ZERO
from kpawidgets.model.network import load_network
from kpawidgets.model.records.budget import BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["Members", "planned_members", "NetworkRow", "network_comparison", "scenario_comparison", "GRANTS_END",
           "grants_end"]

#: The name of the « what if » of the multi-year grants (a French message id, translated when shown).
GRANTS_END = N_("Si les aides pluriannuelles s'arrêtent après l'année 1")


@dataclass(frozen=True)
class Members:
    """How many coopérant·es the budget counts, and whether that is the group's size (nothing typed)."""

    count: int
    from_group: bool


def planned_members(workbook: Workbook, plan: BudgetPlan | None = None) -> Members:
    """The number the lead typed, else (0: « follow the group ») the number of people in the checklist's group."""
    typed = plan_of(workbook, plan).members
    if typed:
        return Members(typed, False)
    return Members(len(workbook.checklist.group), True)


@dataclass(frozen=True)
class NetworkRow:
    """Revenue per member per month: ours (``ours`` True) or a KPA of the network."""

    name: str
    town: str
    members: int | None
    per_member_month: Decimal | None
    ours: bool = False


def network_comparison(workbook: Workbook, plan: BudgetPlan | None = None) -> list[NetworkRow]:
    """Our planned revenue per coopérant·e per month (year 1) beside the network's own figures."""
    chosen = plan_of(workbook, plan)
    revenue = sum((r.total for r in activity_rows(workbook, chosen)), ZERO)
    members = planned_members(workbook, chosen).count
    ours = to_cent(revenue / members / 12) if members else None
    rows = [NetworkRow(workbook.identity.territory, workbook.identity.town, members or None, ours, True)]
    for kpa in load_network():
        if kpa.revenue_per_member_month is not None:
            rows.append(NetworkRow(kpa.name, kpa.town, kpa.members, kpa.revenue_per_member_month))
    return rows


# --------------------------------------------------------------------------- scenarios
def scenario_comparison(workbook: Workbook) -> list[BudgetFigures]:
    """The current budget (first, ``name`` None) and every saved scenario, side by side."""
    result = [budget_figures(workbook)]
    result.extend(budget_figures(workbook, s.plan, s.name) for s in workbook.budget.scenarios)
    return result


def grants_end(workbook: Workbook, plan: BudgetPlan | None = None) -> BudgetFigures:
    """« What if the degressive grants end »: the budget with every funder line one-off (year 1 unchanged,
    years 2 and 3 without the grants that were to go on). Its ``name`` is :data:`GRANTS_END`."""
    chosen = copy_plan(plan_of(workbook, plan))
    for line in chosen.lines:
        if line.is_funder and line.year_rule.shape != "one_off":
            line.years = line.year_rule.model_copy(update={"shape": "one_off"})
    return budget_figures(workbook, chosen, GRANTS_END)
