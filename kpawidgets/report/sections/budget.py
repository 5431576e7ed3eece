"""Sections 6 and 7: the first year's budget (Cerfa n°12156 layout), funding coverage and cash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kpawidgets.charts import FUNDING_COLOURS, CashLine, CashMonth, cash_columns
from kpawidgets.charts.coverage import PART_LABELS, ROUNDING_NOTE, balance_sentence, cash_sentence, coverage_bar, percent_text, secured_note
from kpawidgets.i18n import N_, _, format_date, format_money_rounded, translate
from kpawidgets.model import budget as model
from kpawidgets.model.checklist import kindless_funder_warnings, line_funder_text, partner_funding, partners_by_id
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.base import Number

__all__ = ["Cell", "CerfaRow", "BudgetSection", "LegendItem", "Funder", "FundingSection", "budget_section",
           "funding_section", "FUNDING_PART_LABELS"]


@dataclass(frozen=True)
class Cell:
    level: int
    code: str
    label: str
    amount: str
    zero: bool


@dataclass(frozen=True)
class CerfaRow:
    """A line of the side-by-side table: a charge and a product (either may be missing)."""

    charge: Cell | None
    product: Cell | None


@dataclass(frozen=True)
class BudgetSection:
    total: Decimal
    split: bool
    numbers: tuple[Number, ...]
    charges: tuple[Cell, ...]
    products: tuple[Cell, ...]
    uses: tuple[Cell, ...]
    resources: tuple[Cell, ...]
    rows: tuple[CerfaRow, ...]
    kind_rows: tuple[CerfaRow, ...]
    total_charges: str
    total_products: str
    kind_total_label_charges: str
    kind_total_label_products: str
    kind_total_charges: str
    kind_total_products: str
    notes: tuple[str, ...]
    #: the one rounding rule of the whole-euro figures (``charts.coverage.ROUNDING_NOTE``)
    rounding: str = ""


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    value: str
    share: str


@dataclass(frozen=True)
class Funder:
    name: str
    status: str
    tone: str
    amount: str
    answer: str


@dataclass(frozen=True)
class FundingSection:
    secured_percent: int
    secured_tone: str
    secured_note: str
    numbers: tuple[Number, ...]
    coverage_svg: str
    coverage_legend: tuple[LegendItem, ...]
    coverage_total: str
    cash_svg: str | None
    cash_note: str
    cash_tone: str
    funders: tuple[Funder, ...]
    funders_head: tuple[str, ...]
    asks: tuple[str, ...]


#: The parts of the coverage: the one set of words of :mod:`kpawidgets.charts.coverage` (page, phone, PDF).
FUNDING_PART_LABELS = PART_LABELS


def _cells(rows: Sequence[Any]) -> tuple[Cell, ...]:
    out = []
    for row in rows:
        code = row.account if row.level <= 2 and row.account and row.account[:1].isdigit() else ""
        label = row.label or translate(model.account_label(row.account))  # no label typed: the account's
        out.append(Cell(max(0, row.level - 1), code, translate(label) if row.level <= 2 else label,
                        format_money_rounded(row.euros), not row.amount))
    return tuple(out)


def _pairs(left: Sequence[Cell], right: Sequence[Cell]) -> tuple[CerfaRow, ...]:
    return tuple(CerfaRow(left[i] if i < len(left) else None, right[i] if i < len(right) else None)
                 for i in range(max(len(left), len(right))))


def budget_section(workbook: Workbook, figures: model.BudgetFigures | None = None) -> BudgetSection | None:
    """The Cerfa table (charges, products, in-kind 86/87) in whole euros; None when the budget is empty."""
    figures = figures or model.budget_figures(workbook)
    if figures.empty or (not figures.totals.charges and not figures.totals.produits):
        return None
    table, totals = figures.cerfa, figures.euros
    charges, products = _cells(table.charges), _cells(table.produits)
    uses, resources = _cells(table.uses), _cells(table.resources)
    notes = []
    kind, sentence = balance_sentence(figures)
    if kind != "ok":
        notes.append(sentence)
    notes.extend(kindless_funder_warnings(workbook))  # a sub-line not said by its funder's kind
    return BudgetSection(
        total=totals.charges,
        split=max(len(charges), len(products)) <= 36 and len(uses) + len(resources) <= 24,
        numbers=(
            Number(format_money_rounded(totals.charges), _("charges de l'année 1")),
            Number(format_money_rounded(totals.in_kind), _("contributions en nature (lieu, personnel, bénévolat)")),
            Number(format_money_rounded(totals.valued), _("budget valorisé, contributions comprises"),
                   "ok"),
        ),
        charges=charges, products=products, uses=uses, resources=resources,
        rows=_pairs(charges, products), kind_rows=_pairs(uses, resources) if totals.in_kind else (),
        total_charges=format_money_rounded(totals.charges), total_products=format_money_rounded(totals.produits),
        kind_total_label_charges=_("Total 86"), kind_total_label_products=_("Total 87"),
        kind_total_charges=format_money_rounded(totals.in_kind), kind_total_products=format_money_rounded(totals.in_kind),
        notes=tuple(notes),
        rounding=_(ROUNDING_NOTE),
    )


def funding_section(workbook: Workbook, figures: model.BudgetFigures | None = None) -> FundingSection | None:
    """Coverage of the charges by funding (the bar of the budget page), the funders, the monthly cash;
    None without charges."""
    figures = figures or model.budget_figures(workbook)
    cover, cash, euros = figures.coverage, figures.cash, figures.euros
    if not cover.charges:
        return None
    percents = {key: percent_text(value) for key, value in figures.percents.items()}
    legend = tuple(LegendItem(translate(PART_LABELS[k]), FUNDING_COLOURS[k], format_money_rounded(v), percents[k])
                   for k, v in euros.parts.items() if v > 0)
    numbers = [
        Number(percents["secured"], _("des charges couvertes par des financements acquis"), figures.secured_tone),
        Number(format_money_rounded(euros.secured), _("acquis (voté ou versé)")),
        Number(format_money_rounded(euros.gap), _("reste à trouver"), "bad" if euros.gap > 0 else "ok"),
    ]
    cash_svg = None
    cash_kind, cash_note = cash_sentence(figures)
    if cash.months:
        cash_svg = cash_columns(
            [CashMonth(m.date, float(m.cash_in - m.cash_out), float(m.balance)) for m in cash.months],
            # its title, the chart's text alternative in the tagged PDF, says what the sentence under it says
            _("{title} : {figures}.").format(title=_("Trésorerie mois par mois"), figures=cash_note.rstrip(". ")),
            bar_label=_("Entrées moins sorties du mois"),
            line_label=_("Solde en fin de mois, financements envisagés compris"),
            money=lambda v: format_money_rounded(Decimal(str(round(v)))),
            curves=[CashLine(translate(curve.label), [float(curve.balances[m.month]) for m in cash.months],
                             FUNDING_COLOURS[curve.key]) for curve in cash.curves])
        if euros.cash_need > 0:
            numbers.append(Number(format_money_rounded(euros.cash_need), _("d'avance de trésorerie à trouver"), "warn"))
    funders = []
    asks = []
    known = partners_by_id(workbook)
    for line in workbook.budget.lines:
        if not line.is_funder:
            continue
        status = line.effective_status
        name = line_funder_text(workbook, line, known)
        funders.append(Funder(name or _("—"), translate(model.STATUSES.get(status, status)),
                              status, format_money_rounded(figures.line_amount(line.id, line.amount)),
                              format_date(line.answer_date, style="medium") if line.answer_date else ""))
        if status in ("envisage", "demande") and line.amount > 0:
            when = _(" d'ici le {date}").format(date=format_date(line.answer_date)) if line.answer_date else ""
            asks.append((line.amount, _("{funder} : décider de la demande de {amount}{when}.").format(
                funder=name, amount=format_money_rounded(figures.line_amount(line.id, line.amount)), when=when)))
    # The funders of the partners' list without a line in the budget: the same funders as the partners section counts.
    for view in partner_funding(workbook):
        if view.is_funder and not view.lines:
            where = _("dans un scénario seulement") if view.in_scenarios else _("sans ligne au budget")
            funders.append(Funder(view.partner.name or _("—"), where, "none", "—", ""))
    asks.sort(key=lambda item: -item[0])
    return FundingSection(
        secured_percent=figures.percents["secured"],
        secured_tone=figures.secured_tone,
        secured_note=secured_note(figures),
        numbers=tuple(numbers),
        coverage_svg=coverage_bar(figures, legend=True),
        coverage_legend=legend,
        coverage_total=_("Total des charges de l'année 1 : {amount}").format(amount=format_money_rounded(euros.charges))
        + " " + _(model.SECURED_MARK_SOURCE),
        cash_svg=cash_svg, cash_note=cash_note, cash_tone=cash_kind, funders=tuple(funders),
        funders_head=(_("Financeur"), _("Statut"), _("Montant"), _("Réponse attendue")),
        asks=tuple(text for _amount, text in asks[:3]),
    )
