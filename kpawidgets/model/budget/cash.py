"""Month-by-month cash: money in, money out, the lowest point and the need.

Each funder pays its line ``delay_months`` after the months its schedule says (empty:
:data:`~kpawidgets.model.records.budget.DEFAULT_DELAY`, 3 months: France Active warns that subsidies
arrive 3 to 6 months late): :func:`paid_late` moves them, once, for the year's cash here and for the
36 months of :mod:`.longcash`, so the two give the same balance for every month of year 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kpawidgets.i18n import N_
from kpawidgets.model.budget.entries import Entry, entries
from kpawidgets.model.budget.plans import month_date, plan_of, plan_start
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import DEFAULT_DELAY, BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["CashMonth", "CashCurve", "Cash", "CASH_CURVES", "monthly_cash", "paid_late", "funder_delays"]

@dataclass(frozen=True)
class CashMonth:
    """One month of the cash plan: money in, money out, and the balance at the month's end."""

    month: int
    date: dt.date
    cash_in: Decimal
    cash_out: Decimal
    balance: Decimal
    grants_in: Decimal
    revenue_in: Decimal
    staff_out: Decimal
    other_out: Decimal


#: The curves of money not yet there: which funding buckets each counts, and its name (a French message id).
CASH_CURVES: dict[str, tuple[frozenset[str], str]] = {
    "secured": (frozenset({"secured"}), N_("Solde avec les seuls financements acquis")),
    "requested": (frozenset({"secured", "requested"}), N_("Solde avec acquis et demandés")),
}


@dataclass(frozen=True)
class CashCurve:
    """End-of-month balances counting only some funders (secured; secured + requested) and all sales.

    ``label`` is a French message id: translate it with ``_()``.
    """

    key: str
    label: str
    balances: dict[int, Decimal]
    lowest: Decimal
    lowest_month: int

    @property
    def need(self) -> Decimal:
        return max(ZERO, -self.lowest)


@dataclass(frozen=True)
class Cash:
    """Month-by-month cash over year 1 and the months until the last grant balance arrives."""

    start: dt.date
    starting_cash: Decimal
    months: list[CashMonth]
    lowest: Decimal
    lowest_month: int
    lowest_date: dt.date
    #: ``months`` counts every funder not refused (« envisagé » included); these count less.
    curves: tuple[CashCurve, ...] = field(default=())
    #: whether some funder's money is counted late (:func:`paid_late`): the cash's words say so
    funders_late: bool = False

    @property
    def need(self) -> Decimal:
        """The advance or overdraft needed to get through (0 if the balance never goes below zero)."""
        return max(ZERO, -self.lowest)

    @property
    def back_above_zero(self) -> CashMonth | None:
        """The first month after the lowest point where the balance is back at zero or above."""
        for month in self.months:
            if month.month > self.lowest_month and month.balance >= 0:
                return month
        return None

    @property
    def end_balance(self) -> Decimal:
        return self.months[-1].balance if self.months else self.starting_cash


def funder_delays(plan: BudgetPlan) -> dict[str, int]:
    """Each funder line's payment delay in months (its own, else :data:`DEFAULT_DELAY`)."""
    return {line.id: line.delay_months if line.delay_months is not None else DEFAULT_DELAY
            for line in plan.lines if line.is_funder}


def paid_late(items: Sequence[Entry], plan: BudgetPlan) -> list[Entry]:
    """*items* with each funder's money arriving its delay later (:func:`funder_delays`); the rest, and
    money already paid (« versé »), as is."""
    delays = funder_delays(plan)
    late = []
    for item in items:
        delay = delays.get(item.line_id or "", 0) if item.side == "produit" and item.status not in (None, "verse") else 0
        late.append(replace(item, cash={month + delay: amount for month, amount in item.cash.items()}) if delay else item)
    return late


def monthly_cash(workbook: Workbook, plan: BudgetPlan | None = None, *,
                 computed: Sequence[Entry] | None = None) -> Cash:
    """Cash in (grants by their schedule, each funder paying its delay late, and revenue), cash out
    (salaries monthly, purchases when made).

    The plan runs over 12 months, longer when a grant arrives later. The lowest point is the lowest
    end-of-month balance (the first month if several are equal).
    """
    chosen = plan_of(workbook, plan)
    scheduled = computed if computed is not None else entries(workbook, chosen)
    items = paid_late(scheduled, chosen)
    start = plan_start(workbook, chosen)
    last = 12
    for item in items:
        if item.cash:
            last = max(last, max(item.cash))
    grants = {m: ZERO for m in range(1, last + 1)}
    revenue = dict(grants)
    staff = dict(grants)
    other = dict(grants)
    for item in items:
        for month, amount in item.cash.items():
            if item.side == "charge":
                (staff if item.origin == "staff" else other)[month] += amount
            elif item.side == "produit":
                (grants if item.status else revenue)[month] += amount
    balance = chosen.starting_cash
    months = []
    for month in range(1, last + 1):
        cash_in = grants[month] + revenue[month]
        cash_out = staff[month] + other[month]
        balance = balance + cash_in - cash_out
        months.append(CashMonth(month, month_date(start, month), cash_in, cash_out, balance, grants[month],
                                revenue[month], staff[month], other[month]))
    lowest = min(months, key=lambda m: (m.balance, m.month))
    curves = tuple(_curve(key, buckets, label, items, chosen.starting_cash, last)
                   for key, (buckets, label) in CASH_CURVES.items())
    return Cash(start, chosen.starting_cash, months, lowest.balance, lowest.month, lowest.date, curves,
                funders_late=any(late.cash != on_time.cash for late, on_time in zip(items, scheduled)))


def _curve(key: str, buckets: frozenset[str], label: str, items: Sequence[Entry], starting: Decimal,
           last: int) -> CashCurve:
    flows = {m: ZERO for m in range(1, last + 1)}
    for item in items:
        if item.side == "produit" and item.status and item.bucket not in buckets:
            continue  # a funder's money not counted in this curve
        sign = -1 if item.side == "charge" else 1
        if item.side in ("charge", "produit"):
            for month, amount in item.cash.items():
                flows[month] += sign * amount
    balances: dict[int, Decimal] = {}
    balance = starting
    for month in range(1, last + 1):
        balance += flows[month]
        balances[month] = balance
    lowest_month = min(balances, key=lambda m: (balances[m], m))
    return CashCurve(key, label, balances, balances[lowest_month], lowest_month)
