"""The budget's keys of ``kpa check --json``: the figures of :func:`~.figures.budget_figures`."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from kpawidgets.model.budget.figures import budget_figures
from kpawidgets.model.records.workbook import Workbook

__all__ = ["YearCheckFields", "BudgetCheckFields", "check_fields"]


class YearCheckFields(TypedDict):
    """One year of ``years`` in ``kpa check --json`` (:mod:`.years`): whole euros as printed, the exact
    charges and produits as strings, the own-resources share in whole percent."""

    year: int
    charges_total: str
    produits_total: str
    charges_euros: int
    produits_euros: int
    in_kind_euros: int
    secured_euros: int
    requested_euros: int
    considered_euros: int
    revenue_euros: int
    own_euros: int
    own_share_pct: int
    own_share_reached: bool
    funding_gap_euros: int
    surplus_euros: int


class BudgetCheckFields(TypedDict):
    """The budget's keys of ``kpa check --json``.

    Exact amounts as ``"48250.00"`` strings; ``*_euros`` the same figures in whole euros as the
    page, the phone and the PDF print them (integers, by the rule of ``model/budget/rounding``).
    """

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
    budget_empty: bool
    charges_euros: int
    produits_euros: int
    in_kind_euros: int
    secured_euros: int
    requested_euros: int
    considered_euros: int
    revenue_euros: int
    funding_gap_euros: int
    surplus_euros: int
    coverage_percents: dict[str, int]
    cash_min_euros: int
    cash_min_secured_only_euros: int
    years: list[YearCheckFields]
    own_share_mark_pct: int
    break_even_year: int | None
    cash36_min_euros: int
    cash36_min_month: str
    cash36_months_in_hand: list[float]
    cash36_bridge_euros: int


def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}"


def check_fields(workbook: Workbook) -> BudgetCheckFields:
    """Keys this section adds to ``kpa check --json``.

    ``coverage_secured_pct`` is a number (percent, one decimal); ``coverage_percents`` the bar's
    parts in whole percent as printed; ``cash_min_month`` is ``"YYYY-MM"`` (the month of the
    lowest end-of-month balance, every funder not refused counted); ``cash_min_secured_only_euros``
    the lowest balance counting only secured funding; ``years`` years 1 to 3 (year 1 is the figures
    above), ``own_share_mark_pct`` the budget's mark, ``break_even_year`` the first year without a gap;
    ``cash36_*`` the 36-month cash with each funder paying late (its low point, the months of charges in
    hand on the first day of each year, the bridge to find, 0 if none).
    """
    figures = budget_figures(workbook)
    totals, cover, cash, euros = figures.totals, figures.coverage, figures.cash, figures.euros
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
        budget_empty=figures.empty,
        charges_euros=int(euros.charges),
        produits_euros=int(euros.produits),
        in_kind_euros=int(euros.in_kind),
        secured_euros=int(euros.parts["secured"]),
        requested_euros=int(euros.parts["requested"]),
        considered_euros=int(euros.parts["considered"]),
        revenue_euros=int(euros.parts["revenue"]),
        funding_gap_euros=int(euros.gap),
        surplus_euros=int(euros.surplus),
        coverage_percents=dict(figures.percents),
        cash_min_euros=int(euros.cash_lowest),
        cash_min_secured_only_euros=int(euros.curves_lowest.get("secured", euros.cash_lowest)),
        years=[YearCheckFields(
            year=y.year, charges_total=_amount_text(y.table.totals.charges),
            produits_total=_amount_text(y.table.totals.produits),
            charges_euros=int(y.charges), produits_euros=int(y.produits), in_kind_euros=int(y.in_kind),
            secured_euros=int(y.resources["secured"]), requested_euros=int(y.resources["requested"]),
            considered_euros=int(y.resources["considered"]), revenue_euros=int(y.resources["revenue"]),
            own_euros=int(y.own), own_share_pct=y.own_share, own_share_reached=y.own_share_reached,
            funding_gap_euros=int(y.gap), surplus_euros=int(y.surplus)) for y in figures.years.years],
        own_share_mark_pct=figures.years.own_share_mark,
        break_even_year=figures.years.break_even_year,
        cash36_min_euros=int(figures.years.cash.lowest),
        cash36_min_month=figures.years.cash.lowest_date.strftime("%Y-%m"),
        cash36_months_in_hand=[float(v) for v in figures.years.cash.months_in_hand],
        cash36_bridge_euros=int(figures.years.cash.bridge.amount) if figures.years.cash.bridge else 0,
    )
