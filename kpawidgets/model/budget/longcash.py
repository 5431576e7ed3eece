"""Cash over 36 months, each funder paying late (issue 24).

Every year's entries (:mod:`.years`) with their months: year 1 as its cash plan says; years 2 and 3 the
same months a year and two years later (an activity sells every month at its cruising rhythm, a funder
keeps its advance and balance scheme, scaled to that year's amount). Each funder's money then arrives
its delay later (:func:`~kpawidgets.model.budget.cash.paid_late`, the year's cash's own rule: months 1
to 12 here are the year's cash, balance for balance); money that would arrive after month 36 is not
counted. Beside it: the lowest point and its month, the months of charges in hand on the first day of
each year (the balance then ÷ that year's charges a month: France Active advises 3 to 6), and the bridge
to find when cash goes below zero (an advance on the grants for a short hole, a loan for a long one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from kpawidgets.i18n import N_
from kpawidgets.model.budget.amounts import split_evenly, to_cent
from kpawidgets.model.budget.cash import paid_late
from kpawidgets.model.budget.entries import Entry
from kpawidgets.model.budget.plans import month_date
from kpawidgets.model.budget.rounding import to_euro
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import MAX_MONTH, BudgetPlan

__all__ = ["LongMonth", "Bridge", "LongCash", "year_cash", "long_cash", "BRIDGES"]

#: The bridge's kinds (French message ids): an advance for a hole of at most 6 months, else a loan.
BRIDGES = {
    "advance": N_("une avance sur subvention (France Active, la banque) ou un découvert autorisé"),
    "loan": N_("un prêt (prêt participatif, France Active, la banque) : le trou dure plus de six mois"),
}


@dataclass(frozen=True)
class LongMonth:
    month: int
    date: dt.date
    cash_in: Decimal
    cash_out: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Bridge:
    """What to find when cash goes below zero: *amount* (whole euros) from *first* to *last* month."""

    kind: str
    amount: Decimal
    first: int
    last: int


@dataclass(frozen=True)
class LongCash:
    months: tuple[LongMonth, ...]
    lowest: Decimal
    lowest_month: int
    lowest_date: dt.date
    #: on the first day of each year: the balance in whole euros, and the months of charges it covers (one
    #: decimal, 0 for an overdraft)
    opening: tuple[Decimal, ...]
    months_in_hand: tuple[Decimal, ...]
    bridge: Bridge | None
    #: funders' money that arrives after month 36, in whole euros (not counted)
    beyond: Decimal


def year_cash(entry: Entry, template: Mapping[int, Decimal], amount: Decimal, year: int) -> dict[int, Decimal]:
    """The months of *entry* in *year* (2 or 3), from its year-1 months *template*, for *amount*."""
    shift = 12 * (year - 1)
    months = sorted(m for m in template if template[m])
    if entry.origin in ("activity", "staff") or not months:  # sales and the team run all year after year 1
        months = list(range(1, 13)) if entry.side != "inkind" else []
    if entry.status is None or not template:  # spread evenly over the same months of the year
        return {m + shift: v for m, v in split_evenly(amount, [m for m in months if m <= 12] or [12]).items()}
    total = sum(template.values(), ZERO)
    result: dict[int, Decimal] = {}
    left = amount
    for month in months[:-1]:
        part = to_cent(amount * template[month] / total)
        result[month + shift] = part
        left -= part
    result[months[-1] + shift] = left
    return result


def long_cash(plan: BudgetPlan, start: dt.date, years: Sequence[Sequence[Entry]],
              charges: Sequence[Decimal]) -> LongCash:
    """The 36-month plan of *years* (each year's entries with their months), from ``plan.starting_cash``."""
    flows_in = {m: ZERO for m in range(1, MAX_MONTH + 1)}
    flows_out = dict(flows_in)
    beyond = ZERO
    for items in years:
        for item in paid_late(items, plan):
            if item.side == "inkind":
                continue
            for when, amount in item.cash.items():
                if when > MAX_MONTH:
                    beyond += amount if item.side == "produit" else ZERO
                    continue
                (flows_out if item.side == "charge" else flows_in)[when] += amount
    balance = plan.starting_cash
    months = []
    for month in range(1, MAX_MONTH + 1):
        balance += flows_in[month] - flows_out[month]
        months.append(LongMonth(month, month_date(start, month), flows_in[month], flows_out[month], balance))
    low = min(months, key=lambda m: (m.balance, m.month))
    opening = [plan.starting_cash] + [months[12 * y - 1].balance for y in range(1, len(years))]
    in_hand = tuple((max(ZERO, value * 12 / charge).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if charge else ZERO)
                    for value, charge in zip(opening, charges))  # an overdraft is no month in hand
    bridge = None
    if low.balance < 0:
        first = next(m.month for m in months if m.balance < 0)
        last = next((m.month - 1 for m in months if m.month > low.month and m.balance >= 0), MAX_MONTH)
        kind = "advance" if last - first + 1 <= 6 else "loan"
        bridge = Bridge(kind, to_euro(-low.balance), first, last)
    return LongCash(tuple(months), to_euro(low.balance), low.month, low.date, tuple(to_euro(v) for v in opening),
                    in_hand, bridge, to_euro(beyond))


def with_months(entry: Entry, template: Mapping[int, Decimal], amount: Decimal, year: int) -> Entry:
    """*entry* in *year* at *amount*, with its months (:func:`year_cash`)."""
    return replace(entry, amount=amount, cash=year_cash(entry, template, amount, year))
