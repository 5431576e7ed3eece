"""The first-year budget in the Cerfa n°12156 layout: lines, staff, revenue, funders, scenarios.

Stored data: the ``budget`` key of a workbook, described with its records in
:mod:`kpawidgets.model.records.budget` (lines, funder fields, staff, activities, sharing, scenarios).

Computations (pure functions of a workbook, used by the page, the CLI, the spreadsheet
export and the PDF; their names are stable): :func:`budget_totals`, :func:`coverage`,
:func:`monthly_cash`, :func:`cerfa_table`, :func:`staff_rows`, :func:`activity_rows`,
:func:`revenue_sharing`, :func:`planned_members`, :func:`network_comparison`, :func:`scenario_comparison`,
:func:`funding_calendar`, :func:`check_fields`, and :func:`budget_figures`, the one set of
figures every view prints (whole euros by the one rule of :mod:`.rounding`). Every amount is a ``Decimal`` exact to the
cent; every per-month amount is rounded to the cent first and sums are made of those, so
the budget, the cash table and the spreadsheet agree to the cent.

Where it lives: ``amounts`` (typed entries, rounding to the cent), ``plans`` (which budget,
its months), ``entries`` (the computed lines), ``totals``, ``coverage``, ``cash``, ``cerfa``,
``sharing``, ``comparison`` (network, scenarios), ``funding`` (the funding calendar),
``fields`` (``kpa check``). Records and computations are re-exported from this package.
"""

from __future__ import annotations

from kpawidgets.model.records.budget import (
    ACCOUNTS,
    CHARGE_GROUPS,
    PRODUIT_GROUPS,
    INKIND_USES,
    INKIND_RESOURCES,
    INKIND_MIRROR,
    SUBLINES,
    STATUSES,
    STATUS_BUCKET,
    STATUS_LIKELIHOOD,
    RATE_PRESETS,
    RATE_PRESET_SOURCES,
    SMIC_GROSS_MONTHLY,
    VOLUNTEER_RATE,
    MAX_MONTH,
    HUNDRED,
    YEARS,
    DEFAULT_DELAY,
    SHAPES,
    OWN_SHARE_MARK,
    YearRule,
    BudgetLine,
    StaffCost,
    Activity,
    Sharer,
    Sharing,
    BudgetPlan,
    Scenario,
    Budget,
    account_label,
    account_block,
    account_group,
    is_known_account,
    new_id,
)
from kpawidgets.model.budget.amounts import (
    BudgetError,
    parse_money_field,
    parse_percent,
    to_cent,
    split_evenly,
)
from kpawidgets.model.budget.plans import (
    copy_plan,
    plan_of,
    plan_start,
    month_date,
    iter_funders,
)
from kpawidgets.model.budget.entries import (
    NAMED_BY_THE_CARNET,
    Origin,
    Entry,
    StaffRow,
    ActivityRow,
    staff_fte,
    staff_settings_for,
    staff_rows,
    staff_year,
    activity_monthly,
    activity_rows,
    entries,
)
from kpawidgets.model.budget.totals import (
    Totals,
    budget_totals,
)
from kpawidgets.model.budget.coverage import (
    MissingItem,
    Coverage,
    coverage,
)
from kpawidgets.model.budget.cash import (
    CASH_CURVES,
    CashMonth,
    CashCurve,
    Cash,
    monthly_cash,
)
from kpawidgets.model.budget.cerfa import (
    CerfaRow,
    CerfaTable,
    cerfa_table,
)
from kpawidgets.model.budget.sharing import (
    ShareRow,
    SharingResult,
    revenue_sharing,
)
from kpawidgets.model.budget.comparison import (
    Members,
    planned_members,
    NetworkRow,
    network_comparison,
    scenario_comparison,
    GRANTS_END,
    grants_end,
)
from kpawidgets.model.budget.rounding import share_whole, to_euro, whole_percents
from kpawidgets.model.budget.figures import (
    PARTS,
    SECURED_MARK,
    SECURED_MARK_SOURCE,
    WholeEuros,
    BudgetFigures,
    budget_figures,
)
from kpawidgets.model.budget.caps import FunderCap, funder_caps
from kpawidgets.model.budget.longcash import BRIDGES, Bridge, LongCash, LongMonth
from kpawidgets.model.budget.years import (
    BUCKETS,
    YearFigures,
    YearsFigures,
    year_amount,
    is_own,
)
from kpawidgets.model.budget.funding import (
    FundingEvent,
    funding_calendar,
)
from kpawidgets.model.budget.fields import (
    BudgetCheckFields,
    check_fields,
)

__all__ = [
    "ACCOUNTS", "CHARGE_GROUPS", "PRODUIT_GROUPS", "INKIND_USES", "INKIND_RESOURCES", "INKIND_MIRROR",
    "SUBLINES", "STATUSES", "STATUS_BUCKET", "STATUS_LIKELIHOOD", "RATE_PRESETS", "RATE_PRESET_SOURCES", "SMIC_GROSS_MONTHLY", "VOLUNTEER_RATE",
    "MAX_MONTH", "HUNDRED", "YEARS", "SHAPES", "OWN_SHARE_MARK", "YearRule", "BUCKETS", "YearFigures", "YearsFigures",
    "year_amount", "is_own", "FunderCap", "funder_caps", "BRIDGES", "Bridge", "LongCash",
    "LongMonth", "DEFAULT_DELAY", "BudgetLine", "StaffCost", "Activity", "Sharer", "Sharing", "BudgetPlan",
    "Scenario", "Budget", "account_label", "account_block", "account_group", "is_known_account", "new_id", "BudgetError",
    "parse_money_field", "parse_percent", "to_cent", "split_evenly", "copy_plan", "plan_of", "plan_start",
    "month_date", "iter_funders", "Origin", "NAMED_BY_THE_CARNET", "Entry", "StaffRow", "ActivityRow", "staff_settings_for",
    "staff_rows", "staff_fte", "staff_year", "activity_monthly", "activity_rows", "entries", "Totals", "budget_totals", "MissingItem",
    "Coverage", "coverage", "CashMonth", "CashCurve", "CASH_CURVES", "Cash", "monthly_cash", "CerfaRow", "CerfaTable", "cerfa_table",
    "ShareRow", "SharingResult", "revenue_sharing", "Members", "planned_members", "NetworkRow", "network_comparison", "scenario_comparison",
    "GRANTS_END", "grants_end",
    "share_whole", "to_euro", "whole_percents", "PARTS", "SECURED_MARK", "SECURED_MARK_SOURCE", "WholeEuros", "BudgetFigures",
    "budget_figures", "FundingEvent", "funding_calendar", "BudgetCheckFields", "check_fields",
]
