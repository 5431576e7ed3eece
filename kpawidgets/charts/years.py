"""The three years drawn once for the budget page and the PDF: per year, the charges beside the
resources stacked by status, each with its whole euros, and the own-resources share under the year.

A pure function of :class:`~kpawidgets.model.budget.BudgetFigures`' ``years``: it prints what the
figures hold (whole euros as printed, whole percents) and sums nothing.
"""

from __future__ import annotations

from kpawidgets.charts.coverage import PART_LABELS
from kpawidgets.charts.figure import drawing, new_figure, svg_of
from kpawidgets.charts.palette import FUNDING_COLOURS, PALETTE
from kpawidgets.i18n import N_, _, format_money_rounded, format_month, format_number
from kpawidgets.model.budget import BRIDGES, BUCKETS, YearsFigures

__all__ = ["YEAR_LABEL", "OWN_SHARE_LABEL", "years_chart", "long_cash_sentence"]

YEAR_LABEL = N_("Année {year}")
OWN_SHARE_LABEL = N_("ressources propres : {percent} %")


def years_chart(years: YearsFigures, *, width: float = 640, height: float = 300) -> str:
    """Charges (slate) and resources by status (stacked, the coverage bar's colours) for each year."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with drawing():
        figure = new_figure(width, height)
        axes = figure.add_axes((78 / width, 92 / height, 1 - 92 / width, 1 - 110 / height))
        top = max([float(max(y.charges, y.produits)) for y in years.years] + [1.0])
        for index, year in enumerate(years.years):
            left, right = index - 0.19, index + 0.19
            axes.bar(left, float(year.charges), width=0.34, color=FUNDING_COLOURS["charges"], linewidth=0, zorder=2)
            axes.text(left, float(year.charges) + top * 0.02, format_money_rounded(year.charges), ha="center",
                      va="bottom", fontsize=10, color=PALETTE["ink"])
            bottom = 0.0
            for key in BUCKETS:
                value = float(year.resources[key])
                if value > 0:
                    axes.bar(right, value, bottom=bottom, width=0.34, color=FUNDING_COLOURS[key], linewidth=0, zorder=2)
                    bottom += value
            axes.text(right, bottom + top * 0.02, format_money_rounded(year.produits), ha="center", va="bottom",
                      fontsize=10, fontweight="bold", color=PALETTE["ink"])
        axes.set_ylim(0, top * 1.15)
        axes.set_xlim(-0.6, len(years.years) - 0.4)
        labels = [_(YEAR_LABEL).format(year=y.year) + "\n" + _(OWN_SHARE_LABEL).format(percent=y.own_share)
                  for y in years.years]
        axes.set_xticks(range(len(years.years)), labels)
        for tick, year in zip(axes.get_xticklabels(), years.years):
            tick.set_color(PALETTE["ok"] if year.own_share_reached else PALETTE["warn_ink"])
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_money_rounded(value)))
        axes.tick_params(axis="x", labelsize=11, length=0, pad=6)
        axes.tick_params(axis="y", labelsize=10, colors=PALETTE["muted"], length=0)
        axes.grid(axis="y", color=PALETTE["grid"], linewidth=1, zorder=0)
        for side in ("top", "right", "left", "bottom"):
            axes.spines[side].set_visible(False)
        handles = [Patch(color=FUNDING_COLOURS["charges"]), *(Patch(color=FUNDING_COLOURS[k]) for k in BUCKETS)]
        names = [_("Charges"), *(_(PART_LABELS[k]) for k in BUCKETS)]
        axes.legend(handles, names, loc="upper left", bbox_to_anchor=(-0.1, -0.2), ncols=3, frameon=False,
                    fontsize=10, labelcolor=PALETTE["ink"], handlelength=1.4)
        label = _("Charges et ressources des années 1 à 3")
        return svg_of(figure, label, "kpa-years-chart")


def long_cash_sentence(years: YearsFigures) -> tuple[str, str]:
    """(banner kind, sentence): the 36-month cash in words, for the page and the PDF (``warning`` when a
    bridge is needed, else ``ok``)."""
    cash = years.cash
    words = [_("Sur 36 mois, chaque financeur payant en retard (3 mois sauf indication : France Active prévient que les "
               "subventions arrivent 3 à 6 mois après), la trésorerie descend au plus bas à {low} en {month}.").format(
        low=format_money_rounded(cash.lowest), month=format_month(cash.lowest_date))]
    words.append(_("Le premier jour de chaque année, en caisse : {months} (France Active conseille 3 à 6 mois de "
                   "charges).").format(months=" · ".join(
                       _("{amount} ({months} mois de charges)").format(amount=format_money_rounded(amount),
                                                                       months=format_number(months, digits=1))
                       for amount, months in zip(cash.opening, cash.months_in_hand))))
    if cash.bridge is not None:
        words.append(_("À trouver : {amount} du mois {first} au mois {last}, par {bridge}.").format(
            amount=format_money_rounded(cash.bridge.amount), first=cash.bridge.first, last=cash.bridge.last,
            bridge=_(BRIDGES[cash.bridge.kind])))
    return ("warning" if cash.bridge else "ok"), " ".join(words)
