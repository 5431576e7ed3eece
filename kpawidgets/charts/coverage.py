"""The coverage bar and the budget's sentences, drawn once for the budget page, the phone and the PDF.

Pure functions of :class:`~kpawidgets.model.budget.BudgetFigures`: they format what the figures
hold (whole euros, whole percents) and sum nothing. The bar is plain SVG with ``fill``
attributes (no style attribute: the phone page's content security policy allows none), so the
same markup is drawn by the browser and by WeasyPrint.
"""

from __future__ import annotations

import html
from decimal import Decimal

from kpawidgets.charts.palette import FUNDING_COLOURS, PALETTE
from kpawidgets.i18n import N_, _, format_money_rounded, format_month, format_percent
from kpawidgets.model.budget import PARTS, BudgetFigures, month_date

__all__ = ["PART_LABELS", "ROUNDING_NOTE", "coverage_bar", "percent_text", "balance_sentence", "cash_sentence", "secured_note"]

#: The parts of the coverage, one set of words for the page, the phone and the PDF.
PART_LABELS = {
    "secured": N_("Acquis (voté, versé)"),
    "requested": N_("Demandé"),
    "considered": N_("Envisagé"),
    "revenue": N_("Ventes et recettes propres"),
    "gap": N_("Reste à trouver"),
}

#: The one rounding rule (:mod:`kpawidgets.model.budget.rounding`), said where whole euros are printed:
#: under the budget page's Cerfa table and in the PDF's notes.
ROUNDING_NOTE = N_("Montants arrondis à l'euro : chaque total est le total exact arrondi (au demi-euro supérieur), "
                   "et les lignes se partagent cet arrondi (les plus grands centimes d'abord), si bien que chaque "
                   "colonne s'additionne. Les centimes restent dans le détail des lignes et dans le tableur.")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def percent_text(percent: int) -> str:
    """A whole percent as printed (``28 %``)."""
    return format_percent(Decimal(percent) / 100)


def coverage_bar(figures: BudgetFigures, *, legend: bool = True) -> str:
    """The stacked bar acquired / requested / considered / revenue / still to find, with its legend.

    The bar's whole is the larger of the charges and the resources (a surplus shows as a mark at
    the charges); each legend item says its whole euros and its whole percent of the charges.
    """
    euros = figures.euros
    whole = max(euros.charges, euros.produits)
    rects, items, said, left = [], [], [], Decimal(0)
    for key in PARTS:
        amount = euros.parts[key]
        label = _(PART_LABELS[key])
        value = f"{format_money_rounded(amount)} · {percent_text(figures.percents[key])}"
        if amount > 0 and whole:
            width = amount / whole * 100
            rects.append(f'<rect data-part="{key}" x="{left:.3f}" y="0" width="{width:.3f}" height="10" '
                         f'fill="{FUNDING_COLOURS[key]}"><title>{_esc(label)} : {_esc(value)}</title></rect>')
            left += width
            said.append(f"{label} {value}")
        if amount > 0 or key != "gap":
            # The swatch's title is its text alternative in the tagged PDF (every drawing there is a
            # figure); the page's screen readers skip it (aria-hidden) and read the words beside it.
            items.append(f'<li data-part="{key}"><svg viewBox="0 0 10 10" aria-hidden="true"><title>{_esc(label)}</title>'
                         f'<rect width="10" height="10" fill="{FUNDING_COLOURS[key]}"/></svg>'
                         f'<span>{_esc(label)}</span> <b>{_esc(value)}</b></li>')
    if euros.surplus and whole:
        mark = euros.charges / whole * 100
        rects.append(f'<rect x="{mark - Decimal("0.4"):.3f}" y="0" width="0.8" height="10" fill="{PALETTE["ink"]}">'
                     f'<title>{_esc(_("charges"))}</title></rect>')
    if not rects:
        rects.append(f'<rect width="100" height="10" fill="{PALETTE["track"]}"/>')
    title = _("Couverture des charges")
    if said:
        title = _("{title} : {figures}.").format(title=title, figures=" ; ".join(said))
    bar = (f'<svg class="kpa-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
           f'aria-label="{_esc(title)}"><title>{_esc(title)}</title>{"".join(rects)}</svg>')
    return ('<div class="kpa-coverage">' + bar
            + (f'<ul class="kpa-legend">{"".join(items)}</ul>' if legend else "") + '</div>')


def balance_sentence(figures: BudgetFigures) -> tuple[str, str]:
    """(kind, sentence) about charges = produits, in whole euros as printed; an empty budget says so."""
    euros = figures.euros
    if figures.empty:
        return "info", _("Le budget est vide : aucune charge ni ressource n'est encore saisie.")
    if euros.gap:
        return "error", _("Il reste {amount} à trouver pour équilibrer le budget.").format(
            amount=format_money_rounded(euros.gap))
    if euros.surplus:
        return "warning", _("Les ressources dépassent les charges de {amount} : un budget Cerfa doit être à l'équilibre.").format(
            amount=format_money_rounded(euros.surplus))
    return "ok", _("Budget à l'équilibre : charges = produits.")


def cash_sentence(figures: BudgetFigures) -> tuple[str, str]:
    """(kind, sentence): the lowest point and the advance needed, saying what is counted, then the
    low point with only the secured funding when other funding was counted.

    ``error``: the balance goes below zero even with every funder not refused; ``warning``: it does
    only when the funding not yet secured does not come; ``ok`` otherwise; ``info`` for an empty budget.
    """
    cash, euros = figures.cash, figures.euros
    if figures.empty:
        return "info", _("Pas encore de trésorerie : le budget est vide.")
    unsure = figures.only_unsure_funding
    assumed = (_("En comptant tous les financements non refusés, envisagés et demandés compris")
               if unsure else _("Avec les financements acquis et les ventes prévues"))
    low = format_month(cash.lowest_date)
    if euros.cash_need:
        back = cash.back_above_zero
        until = (_(" jusqu'en {month}").format(month=format_month(back.date)) if back is not None
                 else _(" et la trésorerie ne remonte pas au-dessus de zéro d'ici la fin du plan"))
        first = _("{assumed}, la trésorerie descend au plus bas à {amount} en {month} : il faut une avance "
                  "(ou un découvert autorisé) d'au moins {need}{until}.").format(
            assumed=assumed, amount=format_money_rounded(euros.cash_lowest), month=low,
            need=format_money_rounded(euros.cash_need), until=until)
        kind = "error"
    else:
        first = _("{assumed}, la trésorerie reste positive : point le plus bas {amount} en {month}.").format(
            assumed=assumed, amount=format_money_rounded(euros.cash_lowest), month=low)
        kind = "ok"
    if cash.funders_late:  # what the lowest point assumes of the funders' payments
        first += " " + _("Chaque financeur est compté payé en retard sur son calendrier : le retard dit sur sa fiche, "
                         "3 mois si rien n'est dit (France Active prévient que les subventions arrivent 3 à 6 mois après).")
    secured = next((curve for curve in cash.curves if curve.key == "secured"), None)
    if not unsure or secured is None:
        return kind, first
    lowest = euros.curves_lowest["secured"]
    month = format_month(month_date(cash.start, secured.lowest_month))
    if lowest < 0:
        second = _("Avec les seuls financements acquis, elle descendrait à {amount} en {month}.").format(
            amount=format_money_rounded(lowest), month=month)
        kind = "error" if kind == "error" else "warning"
    else:
        second = _("Avec les seuls financements acquis, elle resterait positive (point bas {amount} en {month}).").format(
            amount=format_money_rounded(lowest), month=month)
    return kind, f"{first} {second}"


def secured_note(figures: BudgetFigures) -> str:
    """``11 000 € acquis sur 39 925 € de charges``."""
    return _("{amount} acquis sur {total} de charges").format(
        amount=format_money_rounded(figures.euros.secured), total=format_money_rounded(figures.euros.charges))
