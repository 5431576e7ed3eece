"""Every amount of the computed budget: entered lines, staff, equipment, activities, the CAE."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kpawidgets.i18n import N_
from kpawidgets.model.budget.amounts import split_evenly, to_cent
from kpawidgets.model.budget.plans import plan_of
from kpawidgets.model.checklist.partners import funder_name, line_subline, partners_by_id
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import (
    HUNDRED,
    INKIND_MIRROR,
    STATUS_BUCKET,
    Activity,
    BudgetLine,
    BudgetPlan,
    StaffCost,
    account_block,
)
from kpawidgets.model.records.checklist import Partner
from kpawidgets.model.records.workbook import Workbook

__all__ = ["Origin", "NAMED_BY_THE_CARNET", "Entry", "StaffRow", "ActivityRow", "staff_settings_for", "staff_rows", "staff_key", "staff_fte",
           "staff_year", "activity_monthly",
           "activity_rows", "entries", "line_entry"]

Origin = Literal["line", "staff", "equipment", "venue", "activity", "cae", "volunteer"]
#: Origins whose entry's label is the carnet's own message id, translated wherever it is shown.
NAMED_BY_THE_CARNET = frozenset({"cae", "volunteer"})


@dataclass(frozen=True)
class Entry:
    """One amount of the computed budget, entered or derived, with its cash timing.

    ``side`` is ``charge``, ``produit`` or ``inkind`` (86x, mirrored to ``mirror`` 87x).
    ``cash`` maps month → amount paid (charges) or received (produits); in-kind moves no cash.
    ``bucket`` is the coverage bucket of a produit (secured, requested, considered, revenue).
    ``funder`` is the funder's name read from its partner (« financeur inconnu » for a partner
    no longer in the list), ``partner`` the partner's id.
    """

    side: str
    account: str
    label: str
    amount: Decimal
    origin: str
    line_id: str | None = None
    cash: dict[int, Decimal] = field(default_factory=dict)
    bucket: str | None = None
    funder: str = ""
    partner: str | None = None
    subline: str | None = None
    status: str | None = None
    mirror: str | None = None


@dataclass(frozen=True)
class StaffRow:
    """Staff cost of one team member for year 1 (project-paid) or in-kind value (others)."""

    member: str
    organisation: str
    fte: Decimal
    paid_by: str
    settings: StaffCost
    months: list[int]
    gross: Decimal          # 641 (project) or 0
    contributions: Decimal  # 645 (project) or 0
    in_kind: Decimal        # 86/87 value (partner, volunteer) or 0
    monthly_cost: Decimal   # gross + contributions per month worked (project)

    @property
    def total(self) -> Decimal:
        return self.gross + self.contributions


def staff_settings_for(plan: BudgetPlan, label: str, used: set[int] | None = None) -> StaffCost:
    """The settings stored for team member *label* (the first unused match), or defaults."""
    for index, settings in enumerate(plan.staff):
        if settings.member == label and (used is None or index not in used):
            if used is not None:
                used.add(index)
            return settings
    return StaffCost(member=label[:200])


def staff_rows(workbook: Workbook, plan: BudgetPlan | None = None) -> list[StaffRow]:
    """Staff costs built from ``workbook.checklist.team`` and the budget's salary settings.

    Project-paid: 641 = round(gross × FTE) × months, 645 = round(641 monthly × rate) × months.
    Paid by a partner or volunteer: in-kind value = the set value, else round(gross × FTE) × months.
    """
    chosen = plan_of(workbook, plan)
    rows = []
    used: set[int] = set()
    for member in workbook.checklist.team:
        label, fte, paid_by = member.label, member.fte, member.paid_by
        settings = staff_settings_for(chosen, label, used)
        last = min(12, settings.start_month + settings.months - 1)
        months = list(range(settings.start_month, last + 1)) if settings.months else []
        monthly_gross = to_cent(settings.gross_monthly * fte)
        if paid_by == "project":
            monthly_contrib = to_cent(monthly_gross * settings.rate / HUNDRED)
            gross = monthly_gross * len(months)
            contributions = monthly_contrib * len(months)
            rows.append(StaffRow(label, member.organisation, fte, paid_by, settings,
                                 months, gross, contributions, ZERO, monthly_gross + monthly_contrib))
        else:
            value = settings.in_kind_value if settings.in_kind_value is not None else monthly_gross * len(months)
            rows.append(StaffRow(label, member.organisation, fte, paid_by, settings,
                                 months, ZERO, ZERO, value, ZERO))
    return rows


@dataclass(frozen=True)
class ActivityRow:
    """An activity's revenue month by month over year 1."""

    activity: Activity
    monthly: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.monthly.values(), ZERO)


def activity_monthly(activity: Activity) -> dict[int, Decimal]:
    """Revenue per month (1–12): full = units × price; the ramp-up months get k/(ramp+1) of it."""
    full = activity.units_per_month * activity.unit_price
    result: dict[int, Decimal] = {}
    for month in range(1, 13):
        step = month - activity.start_month + 1
        if step <= 0:
            result[month] = ZERO
        elif step <= activity.ramp_months:
            result[month] = to_cent(full * step / (activity.ramp_months + 1))
        else:
            result[month] = to_cent(full)
    return result


def activity_rows(workbook: Workbook, plan: BudgetPlan | None = None) -> list[ActivityRow]:
    return [ActivityRow(a, activity_monthly(a)) for a in plan_of(workbook, plan).activities]


def _funder_cash(line: BudgetLine) -> dict[int, Decimal]:
    advance = to_cent(line.amount * line.advance_pct / HUNDRED)
    balance = line.amount - advance
    cash: dict[int, Decimal] = {}
    if advance:
        cash[line.advance_month] = advance
    if balance:
        month = line.balance_month or max(line.advance_month, 12)
        cash[month] = cash.get(month, ZERO) + balance
    return cash


def staff_key(index: int) -> str:
    """The ``line_id`` of the entries of the team's member *index* (their place in ``checklist.team``)."""
    return f"team:{index}"


def staff_fte(row: StaffRow, year: int) -> Decimal:
    """*row*'s FTE in *year*: the checklist's in year 1; in years 2 and 3 its settings' ``fte_years``
    when given (file format 7), else the checklist's again."""
    later = row.settings.fte_years
    return later[year - 2] if year > 1 and len(later) >= year - 1 else row.fte


def staff_year(row: StaffRow, year: int) -> dict[str, Decimal]:
    """*row*'s amounts in *year* (2 or 3) by account, twelve months at that year's FTE (a post taken in
    year 1 runs all year after): project-paid 641 and 645 as in year 1's rule; lent or volunteered,
    the value set for the year scaled by the FTE (else gross × FTE × 12)."""
    fte = staff_fte(row, year)
    monthly_gross = to_cent(row.settings.gross_monthly * fte)
    if row.paid_by == "project":
        return {"641": monthly_gross * 12, "645": to_cent(monthly_gross * row.settings.rate / HUNDRED) * 12}
    value = row.settings.in_kind_value
    if value is None or not row.fte:
        amount = monthly_gross * 12
    else:
        amount = value if fte == row.fte else to_cent(value * fte / row.fte)
    return {"861" if row.paid_by == "partner" else "864": amount}


def entries(workbook: Workbook, plan: BudgetPlan | None = None) -> list[Entry]:
    """Every amount of the budget — entered lines and derived ones — in Cerfa order of origin.

    Refused funder lines (and lines under « et s'il dit non ? ») are left out: they bring nothing.
    """
    chosen = plan_of(workbook, plan)
    year = list(range(1, 13))
    result: list[Entry] = []
    # Staff (641/645, or in-kind), each entry named by its member's place in the team (staff_key).
    for index, row in enumerate(staff_rows(workbook, chosen)):
        name, key = row.member, staff_key(index)
        if row.paid_by == "project":
            monthly_gross = to_cent(row.settings.gross_monthly * row.fte)
            monthly_contrib = row.monthly_cost - monthly_gross
            result.append(Entry("charge", "641", name, row.gross, "staff", line_id=key,
                                cash={m: monthly_gross for m in row.months}))
            result.append(Entry("charge", "645", name, row.contributions, "staff", line_id=key,
                                cash={m: monthly_contrib for m in row.months}))
        elif row.in_kind:
            use = "861" if row.paid_by == "partner" else "864"
            result.append(Entry("inkind", use, name, row.in_kind, "staff", line_id=key, mirror=INKIND_MIRROR[use]))
    # Equipment from the checklist: bought → 606 at the purchase month, borrowed → in-kind 861/871.
    for item in workbook.checklist.equipment:
        if not item.cost:
            continue
        if item.status == "buy":
            result.append(Entry("charge", "606", item.label, item.cost, "equipment",
                                cash={chosen.equipment_month: item.cost}))
        elif item.status == "borrow":
            result.append(Entry("inkind", "861", item.label, item.cost, "equipment", mirror="871"))
    # The venue from the checklist: rent → 613 paid each month, a free or cheap loan → in-kind 861/871.
    venue = workbook.checklist.venue
    if venue.monthly_cost:
        result.append(Entry("charge", "613", venue.name, venue.monthly_cost * len(year), "venue",
                            cash={m: venue.monthly_cost for m in year}))
    if venue.in_kind_value:
        result.append(Entry("inkind", "861", venue.name, venue.in_kind_value * len(year), "venue", mirror="871"))
    # The group's volunteering pledged in the workshop: hours a month × the hour's value, all year (864/870).
    if chosen.group_hours:
        result.append(Entry("inkind", "864", N_("Bénévolat du groupe"), to_cent(chosen.group_hours * chosen.volunteer_rate) * len(year),
                            "volunteer", mirror=INKIND_MIRROR["864"]))
    # Activity revenue (70) and the CAE's contribution (622).
    cae_monthly: dict[int, Decimal] = {m: ZERO for m in year}
    for sales in activity_rows(workbook, chosen):
        result.append(Entry("produit", "70", sales.activity.name, sales.total, "activity", line_id=sales.activity.id,
                            cash=dict(sales.monthly), bucket="revenue"))
        for month, amount in sales.monthly.items():
            cae_monthly[month] += to_cent(amount * chosen.cae_rate / HUNDRED)
    cae_total = sum(cae_monthly.values(), ZERO)
    if cae_total:
        result.append(Entry("charge", "622", N_("Contribution à la CAE"), cae_total, "cae",
                            cash={m: a for m, a in cae_monthly.items() if a}))
    # Entered lines (a line whose rule starts after year 1 is not in year 1).
    known = partners_by_id(workbook)
    for line in chosen.lines:
        entered = line_entry(workbook, line, known) if line.in_year_one else None
        if entered is not None:
            result.append(entered)
    return result


def line_entry(workbook: Workbook, line: BudgetLine, known: dict[str, Partner] | None = None) -> Entry | None:
    """The entry of one entered line at its own amount (None for a refused funder line)."""
    known = partners_by_id(workbook) if known is None else known
    if line.is_in_kind:
        return Entry("inkind", line.account, line.label, line.amount, "line", line.id,
                     mirror=INKIND_MIRROR.get(account_block(line.account) or "", "871"))
    if line.is_funder:
        status = line.effective_status
        if status == "refuse":
            return None
        funder = funder_name(workbook, line, known)
        return Entry("produit", line.account, line.label or funder, line.amount, "line", line.id,
                     cash=_funder_cash(line), bucket=STATUS_BUCKET[status], funder=funder,
                     partner=line.partner,
                     subline=line_subline(workbook, line, known) if line.account.startswith("74") else None,
                     status=status)
    months = [line.month] if line.month else list(range(1, 13))
    side = "charge" if line.is_charge else "produit"
    return Entry(side, line.account, line.label, line.amount, "line", line.id,
                 cash=split_evenly(line.amount, months), bucket=None if side == "charge" else "revenue")
