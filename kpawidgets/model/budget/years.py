"""Years 1 to 3: the budget that makes the cooperative last, more figures of the one figures object.

Year 1 is :func:`~kpawidgets.model.budget.figures.budget_figures`' own entries and Cerfa table.
Years 2 and 3 are the same entries, each line's amount turned by its rule
(:class:`~kpawidgets.model.records.budget.YearRule`; without one a charge, a sale or an in-kind line
is carried on unchanged and a funder line is one-off), then laid out by the same Cerfa table and the
same whole-euro rule (:mod:`.rounding`). The derived lines: the team's salaries and the venue are
carried on; an activity sells at its cruising rhythm all year (units × price × 12: the ramp-up was year
1's) and the CAE takes its rate of those sales; equipment bought (606) is bought once, in year 1;
equipment lent stays lent.

**The own-resources share** of a year is its own resources over its total resources (produits, in-kind
87 left out), in whole euros as printed, as a whole percent rounded half up. Own resources are every
produit that is not a funder's: sales (70), member dues (756), gifts and other own income (75, 76,
77, 78) — never a funder line (74, or any line with a status: a grant, a foundation's aid) nor 73
(public dotations). It is read against the budget's mark (``own_share_mark``, default 50 %: the
banker worries when public money passes half of the resources; Pointcarré in Saint-Denis runs on 70 %).

**The break-even year** is the first year whose resources cover its charges (no gap), if any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.amounts import to_cent
from kpawidgets.model.budget.cerfa import CerfaTable, cerfa_table
from kpawidgets.model.budget.entries import Entry, StaffRow, line_entry, staff_key, staff_rows, staff_year
from kpawidgets.model.budget.longcash import LongCash, long_cash, with_months
from kpawidgets.model.budget.plans import plan_of, plan_start
from kpawidgets.model.budget.rounding import to_euro
from kpawidgets.model.checklist.partners import partners_by_id
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import HUNDRED, YEARS, BudgetLine, BudgetPlan, YearRule, account_group
from kpawidgets.model.records.workbook import Workbook

__all__ = ["BUCKETS", "YearFigures", "YearsFigures", "year_amount", "is_own", "years_figures"]

#: The resources by status, in the coverage bar's order.
BUCKETS = ("secured", "requested", "considered", "revenue")


def year_amount(rule: YearRule, base: Decimal, year: int) -> Decimal:
    """The amount of a line in *year* (1–3) whose first year's amount is *base*, by *rule*, to the cent."""
    if year < rule.first_year or year > rule.last_year:
        return ZERO
    step = year - rule.first_year
    if step == 0 or rule.shape == "flat":
        return base
    if rule.shape == "carried":
        return to_cent(base * (1 + rule.growth_pct / HUNDRED) ** step)
    if rule.shape == "degressive":
        return to_cent(base * rule.percents[step - 1] / HUNDRED) if step <= len(rule.percents) else ZERO
    if rule.shape == "fixed":
        return rule.yearly
    if rule.shape == "convention":
        return rule.amounts[step - 1] if step <= len(rule.amounts) else ZERO
    return ZERO  # one_off


def is_own(entry: Entry) -> bool:
    """An own resource (see the module's rule): a produit that is no funder's and not on 73."""
    return entry.side == "produit" and entry.bucket == "revenue" and account_group(entry.account) != "73"


@dataclass(frozen=True)
class YearFigures:
    """One year's figures, in whole euros as printed (``table`` has the rows, exact and whole)."""

    year: int
    table: CerfaTable
    charges: Decimal
    produits: Decimal
    in_kind: Decimal
    #: resources by status (secured, requested, considered, revenue), adding up to ``produits``
    resources: dict[str, Decimal]
    own: Decimal
    #: own resources over total resources, whole percent rounded half up (0 without resources)
    own_share: int
    gap: Decimal
    surplus: Decimal
    own_share_reached: bool


@dataclass(frozen=True)
class YearsFigures:
    """Years 1 to 3 and what a funder reads from them."""

    years: tuple[YearFigures, ...]
    own_share_mark: int
    #: the first year whose resources cover its charges, if any
    break_even_year: int | None
    #: cash over 36 months, each funder paying late (:mod:`.longcash`)
    cash: LongCash

    def __getitem__(self, year: int) -> YearFigures:
        return self.years[year - 1]


def _line_rules(plan: BudgetPlan) -> dict[str, BudgetLine]:
    return {line.id: line for line in plan.lines}


def _derived_amount(entry: Entry, year: int, plan: BudgetPlan, team: Mapping[str, StaffRow]) -> Decimal:
    """A derived entry's amount in *year* (2 or 3): bought equipment once; the team twelve months at that
    year's FTE (:func:`~kpawidgets.model.budget.entries.staff_year`); an activity sells its cruising
    rhythm all year (units × price × 12, the ramp-up is over); the CAE takes its rate of those sales;
    everything else (the venue, equipment lent) is carried on."""
    if entry.origin == "equipment" and entry.side == "charge":
        return ZERO
    member = team.get(entry.line_id or "") if entry.origin == "staff" else None
    if member is not None:
        return staff_year(member, year).get(entry.account, entry.amount)
    if entry.origin == "activity":
        return next((to_cent(a.units_per_month * a.unit_price) * 12 for a in plan.activities if a.id == entry.line_id),
                    entry.amount)
    if entry.origin == "cae":
        sales = sum((to_cent(a.units_per_month * a.unit_price) * 12 for a in plan.activities), ZERO)
        return to_cent(sales * plan.cae_rate / HUNDRED)
    return entry.amount


def _year_items(workbook: Workbook, plan: BudgetPlan, first: Sequence[Entry], year: int,
                team: Mapping[str, StaffRow]) -> list[Entry]:
    lines = _line_rules(plan)
    known = partners_by_id(workbook)
    items: list[Entry] = []
    for entry in first:
        line = lines.get(entry.line_id or "") if entry.origin == "line" else None
        amount = year_amount(line.year_rule, line.amount, year) if line else _derived_amount(entry, year, plan, team)
        if amount:
            items.append(with_months(entry, entry.cash, amount, year))
    for line in plan.lines:  # lines that start after year 1
        if not line.in_year_one:
            amount = year_amount(line.year_rule, line.amount, year)
            later = line_entry(workbook, line, known) if amount else None
            if later is not None:
                items.append(with_months(later, later.cash, amount, year))
    return items


def _year(year: int, items: Sequence[Entry], table: CerfaTable, mark: int) -> YearFigures:
    shown = table.totals.shown
    resources = {key: ZERO for key in BUCKETS}
    own = ZERO
    for item, whole in zip(items, table.totals.line_euros):
        if item.side == "produit" and item.bucket:
            resources[item.bucket] += whole
            if is_own(item):
                own += whole
    share = int(to_euro(own * HUNDRED / shown.produits)) if shown.produits else 0
    return YearFigures(year, table, shown.charges, shown.produits, shown.in_kind, resources, own, share,
                       max(ZERO, shown.charges - shown.produits), max(ZERO, shown.produits - shown.charges),
                       share >= mark)


def years_figures(workbook: Workbook, plan: BudgetPlan | None, first: Sequence[Entry],
                  first_table: CerfaTable) -> YearsFigures:
    """Years 1 to :data:`YEARS`: year 1 is *first* (the entries of ``budget_figures``) and *first_table*."""
    chosen = plan_of(workbook, plan)
    mark = int(to_euro(chosen.own_share_mark))
    result = [_year(1, first, first_table, mark)]
    every = [list(first)]
    team = {staff_key(index): row for index, row in enumerate(staff_rows(workbook, chosen))}
    for year in range(2, YEARS + 1):
        items = _year_items(workbook, chosen, first, year, team)
        every.append(items)
        result.append(_year(year, items, cerfa_table(workbook, chosen, computed=items), mark))
    even = next((y.year for y in result if y.charges and not y.gap), None)
    cash = long_cash(chosen, plan_start(workbook, chosen), every, [y.table.totals.charges for y in result])
    return YearsFigures(tuple(result), mark, even, cash)
