"""The budget's keys of ``kpa check --json``."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from kpawidgets.model.budget.cash import monthly_cash
from kpawidgets.model.budget.coverage import coverage
from kpawidgets.model.budget.entries import entries
from kpawidgets.model.budget.totals import budget_totals
from kpawidgets.model.records.workbook import Workbook

__all__ = ["BudgetCheckFields", "check_fields"]


class BudgetCheckFields(TypedDict):
    """The budget's keys of ``kpa check --json`` (amounts as ``"48250.00"`` strings)."""

    charges_total: str
    produits_total: str
    in_kind_total: str
    secured_total: str
    requested_total: str
    considered_total: str
    revenue_total: str
    coverage_secured_pct: float
    funding_gap: str
    cash_min: str
    cash_min_month: str

def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}"


def check_fields(workbook: Workbook) -> BudgetCheckFields:
    """Keys this section adds to ``kpa check --json`` (amounts as ``"48250.00"`` strings).

    ``coverage_secured_pct`` is a number (percent, one decimal); ``cash_min_month`` is
    ``"YYYY-MM"`` (the month of the lowest end-of-month balance).
    """
    items = entries(workbook)
    totals = budget_totals(workbook, computed=items)
    cover = coverage(workbook, computed=items)
    cash = monthly_cash(workbook, computed=items)
    return BudgetCheckFields(
        charges_total=_amount_text(totals.charges),
        produits_total=_amount_text(totals.produits),
        in_kind_total=_amount_text(totals.in_kind),
        secured_total=_amount_text(cover.secured),
        requested_total=_amount_text(cover.requested),
        considered_total=_amount_text(cover.considered),
        revenue_total=_amount_text(cover.revenue),
        coverage_secured_pct=float(cover.secured_pct),
        funding_gap=_amount_text(cover.gap),
        cash_min=_amount_text(cash.lowest),
        cash_min_month=cash.lowest_date.strftime("%Y-%m"),
    )
