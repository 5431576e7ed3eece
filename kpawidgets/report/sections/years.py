"""The multi-year annex (issue 24): years 1 to 3 in the Cerfa n°12156's order, whole euros, 86 = 87 each
year, the own-resources line and the chart, all read from ``figures.years`` (nothing summed here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.charts.coverage import ROUNDING_NOTE
from kpawidgets.charts.years import YEAR_LABEL, long_cash_sentence, years_chart
from kpawidgets.i18n import _, format_money_rounded, format_percent, translate
from kpawidgets.model.budget import BudgetFigures, CerfaRow, YearFigures

__all__ = ["YearsRow", "YearsSection", "years_section"]


@dataclass(frozen=True)
class YearsRow:
    """One row of the annex: *kind* ``block`` (a Cerfa block or 74 sub-line), ``total``, ``own`` or ``gap``."""

    kind: str
    code: str
    label: str
    amounts: tuple[str, ...]


@dataclass(frozen=True)
class YearsSection:
    years: tuple[str, ...]
    charges: tuple[YearsRow, ...]
    products: tuple[YearsRow, ...]
    svg: str
    notes: tuple[str, ...]


def _rows(tables: Sequence[Sequence[CerfaRow]], kind: str = "block") -> list[YearsRow]:
    """The level-1 and 74 sub-line rows of each year's table, by account, in the Cerfa's order."""
    first = tables[0]
    result = []
    for index, row in enumerate(first):
        if row.level == 3 or (row.level == 2 and row.origin != "subline"):
            continue
        amounts = []
        for table in tables:
            match = next((r.euros for r in table if r.level == row.level and r.account == row.account), Decimal(0))
            amounts.append(format_money_rounded(match))
        label = translate(row.label)
        result.append(YearsRow(kind if row.level == 1 else "sub", row.account if row.level == 1 else "", label, tuple(amounts)))
    return result


def _subline_union(years: Sequence[YearFigures]) -> list[list[CerfaRow]]:
    """Each year's produits, with every 74 sub-line any year has (a grant that starts in year 2 shows)."""
    tables = [list(y.table.produits) for y in years]
    seen = [r.account for t in tables for r in t if r.origin == "subline"]
    first = tables[0]
    for account in dict.fromkeys(seen):
        if not any(r.origin == "subline" and r.account == account for r in first):
            row = next(r for t in tables for r in t if r.origin == "subline" and r.account == account)
            at = next((i for i, r in enumerate(first) if r.level == 1 and r.account == "74"), len(first) - 1) + 1
            first.insert(at, CerfaRow(2, account, row.label, Decimal(0), "subline"))
    return tables


def years_section(figures: BudgetFigures) -> YearsSection | None:
    """The annex, or None for an empty budget."""
    if figures.empty:
        return None
    years = figures.years.years
    money = format_money_rounded

    def line(kind: str, label: str, values: Sequence[Decimal]) -> YearsRow:
        return YearsRow(kind, "", label, tuple(money(v) for v in values))

    charges = _rows([y.table.charges for y in years])
    charges.append(line("total", _("Total des charges"), [y.charges for y in years]))
    charges.append(YearsRow("block", "86", translate(years[0].table.uses[0].label), tuple(money(y.in_kind) for y in years)))
    charges.append(line("total", _("Total"), [y.charges + y.in_kind for y in years]))
    products = _rows(_subline_union(years))
    products.append(line("total", _("Total des produits"), [y.produits for y in years]))
    products.append(YearsRow("block", "87", translate(years[0].table.resources[0].label),
                             tuple(money(y.in_kind) for y in years)))
    products.append(line("total", _("Total"), [y.produits + y.in_kind for y in years]))
    products.append(YearsRow("own", "", _("dont ressources propres (part des ressources)"),
                             tuple(f"{money(y.own)} ({format_percent(Decimal(y.own_share) / 100)})" for y in years)))
    products.append(line("gap", _("Reste à trouver"), [y.gap for y in years]))
    even = figures.years.break_even_year
    notes = [
        _("Part des ressources propres = ventes (70), cotisations (756) et autres produits propres (75 à 78) ÷ total des "
          "ressources (hors contributions en nature), en euros entiers. Repère : {mark} % (au-delà de la moitié "
          "d'argent public, le banquier s'inquiète).").format(mark=figures.years.own_share_mark),
        _("Première année où les ressources couvrent les charges : l'année {year}.").format(year=even) if even else
        _("Aucune des trois années ne couvre ses charges : il reste à trouver chaque année."),
        long_cash_sentence(figures.years)[1],
        _(ROUNDING_NOTE),
    ]
    return YearsSection(tuple(_(YEAR_LABEL).format(year=y.year) for y in years), tuple(charges), tuple(products),
                        years_chart(figures.years), tuple(notes))
