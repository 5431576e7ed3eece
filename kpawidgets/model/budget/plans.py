"""Which budget a computation reads (the current one or a scenario's), and its calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kpawidgets.model.records.budget import BudgetLine, BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["copy_plan", "plan_of", "plan_start", "month_date", "iter_funders"]

def copy_plan(plan: BudgetPlan) -> BudgetPlan:
    """A deep copy of the budget part of *plan* (scenarios left out)."""
    data = plan.model_dump(exclude={"scenarios"})
    return BudgetPlan.model_validate(data)


def plan_of(workbook: Workbook, plan: BudgetPlan | None = None) -> BudgetPlan:
    return plan if plan is not None else workbook.budget


def plan_start(workbook: Workbook, plan: BudgetPlan | None = None) -> dt.date:
    """The first day of month 1: the budget's start month, else the launch month, else next January."""
    chosen = plan_of(workbook, plan).start_month
    if chosen is not None:
        return chosen.replace(day=1)
    launch = workbook.identity.launch_date
    if launch is not None:
        return launch.replace(day=1)
    return dt.date(dt.date.today().year + 1, 1, 1)


def month_date(start: dt.date, month: int) -> dt.date:
    """The first day of month number *month* (1 = *start*)."""
    index = start.year * 12 + start.month - 1 + month - 1
    return dt.date(index // 12, index % 12 + 1, 1)


def iter_funders(plan: BudgetPlan) -> Iterable[BudgetLine]:
    return (line for line in plan.lines if line.is_funder)
