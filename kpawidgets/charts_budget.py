"""Budget charts: pure functions of the computed budget that return a matplotlib ``Figure``.

They use ``matplotlib.figure.Figure`` directly (no pyplot, no global state, nothing to close),
so the page, the PDF and the tests can call them from any thread. :func:`figure_svg` turns a
figure into an inline SVG string (the page shows it in an HTML widget, the PDF embeds it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from kpawidgets.i18n import N_, _, format_money_rounded, format_month

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from kpawidgets.model.budget import Cash, Coverage, ScenarioFigures

__all__ = ["COLORS", "PART_LABELS", "coverage_figure", "cash_figure", "scenarios_figure", "figure_svg"]

#: Colours of the coverage parts (the page's CSS uses the same ones).
COLORS = {
    "secured": "#1e7b34", "requested": "#2b5fb3", "considered": "#e0a526", "revenue": "#0b5d54",
    "gap": "#b00020", "charges": "#4a4a5e", "negative": "#b00020", "positive": "#1e7b34",
}
PART_LABELS = {
    "secured": N_("acquis (voté, versé)"), "requested": N_("demandé"), "considered": N_("envisagé"),
    "revenue": N_("ventes et recettes propres"), "gap": N_("manque"),
}


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def _euros(value: float) -> str:
    return format_money_rounded(Decimal(str(round(value))))


def coverage_figure(cover: Coverage) -> Figure:
    """One stacked horizontal bar: secured / requested / considered / revenue / gap, over the charges."""
    fig = _figure(8, 1.9)
    ax = fig.add_axes((0.02, 0.42, 0.96, 0.4))
    left = 0.0
    from matplotlib.patches import Patch

    total = float(sum(a for _k, a in cover.parts()))  # = max(charges, resources)
    for key, amount in cover.parts():
        value = float(amount)
        if value <= 0:
            continue
        ax.barh(0, value, left=left, color=COLORS[key], hatch="//" if key == "gap" else None,
                edgecolor="white", linewidth=1.5)
        if total and value / total > 0.08:
            ax.text(left + value / 2, 0, _euros(value), ha="center", va="center", color="white" if key != "considered" else "#1b1b2f",
                    fontsize=11, fontweight="bold")
        left += value
    if cover.charges:
        ax.axvline(float(cover.charges), color="#1b1b2f", linewidth=2)
    ax.set_xlim(0, max(total, 1.0))
    ax.set_ylim(-0.5, 0.5)
    ax.axis("off")
    handles = [Patch(color=COLORS[k], label=_(PART_LABELS[k])) for k, _a in cover.parts()]
    fig.legend(handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=10)
    fig.text(0.02, 0.88, _("Charges : {amount}").format(amount=format_money_rounded(cover.charges)), fontsize=12,
             fontweight="bold", color="#1b1b2f")
    return fig


def cash_figure(cash: Cash) -> Figure:
    """End-of-month balances as bars (red below zero), the lowest point marked."""
    from matplotlib.ticker import FuncFormatter

    fig = _figure(8, 3.2)
    ax = fig.add_axes((0.1, 0.2, 0.88, 0.7))
    balances = [float(m.balance) for m in cash.months]
    positions = list(range(len(balances)))
    colors = [COLORS["negative"] if v < 0 else COLORS["positive"] for v in balances]
    ax.bar(positions, balances, color=colors, width=0.75)
    ax.axhline(0, color="#1b1b2f", linewidth=1)
    labels = [format_month(m.date).split(" ")[0][:4] + ("\n" + str(m.date.year) if m.month == 1 or m.date.month == 1 else "")
              for m in cash.months]
    ax.set_xticks(positions, labels, fontsize=9)
    ax.tick_params(axis="y", labelsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda value, _pos: _euros(value)))
    ax.axvline(11.5, color="#4a4a5e", linestyle=":", linewidth=1)
    low = cash.lowest_month - 1
    ax.annotate(_("point bas : {amount}").format(amount=format_money_rounded(cash.lowest)),
                xy=(low, float(cash.lowest)), xytext=(0, -14 if cash.lowest < 0 else 8), textcoords="offset points",
                ha="center", va="top" if cash.lowest < 0 else "bottom", fontsize=10, fontweight="bold")
    spread = max(balances + [0.0]) - min(balances + [0.0])
    ax.set_ylim(min(balances + [0.0]) - spread * 0.18 - 1, max(balances + [0.0]) + spread * 0.08 + 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(_("Trésorerie en fin de mois"), fontsize=12, loc="left", fontweight="bold")
    return fig


def scenarios_figure(figures: Sequence[ScenarioFigures]) -> Figure:
    """Per scenario: the charges beside the stacked resources (secured … revenue)."""
    from matplotlib.ticker import FuncFormatter

    fig = _figure(8, 3.4)
    ax = fig.add_axes((0.1, 0.28, 0.88, 0.62))
    names = [f.name or _("Budget actuel") for f in figures]
    width = 0.38
    for index, figure in enumerate(figures):
        ax.bar(index - width / 2, float(figure.totals.charges), width, color=COLORS["charges"])
        bottom = 0.0
        for key, amount in figure.coverage.parts():
            if key == "gap" or amount <= 0:
                continue
            ax.bar(index + width / 2, float(amount), width, bottom=bottom, color=COLORS[key])
            bottom += float(amount)
    ax.set_xticks(list(range(len(names))), [n if len(n) <= 14 else n[:13] + "…" for n in names],
                  fontsize=9, rotation=20 if len(names) > 5 else 0)
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda value, _pos: _euros(value)))
    ax.tick_params(axis="y", labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    from matplotlib.patches import Patch

    handles = [Patch(color=COLORS["charges"], label=_("charges"))] + [
        Patch(color=COLORS[k], label=_(PART_LABELS[k])) for k in ("secured", "requested", "considered", "revenue")]
    fig.legend(handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=9)
    ax.set_title(_("Charges et ressources par scénario"), fontsize=12, loc="left", fontweight="bold")
    return fig


def figure_svg(fig: Figure, *, title: str = "") -> str:
    """The figure as an inline ``<svg>`` (no XML prolog), scaled to its container's width."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    start = svg.find("<svg")
    svg = svg[start:]
    svg = svg.replace("<svg ", '<svg role="img" preserveAspectRatio="xMinYMin meet" class="kpa-chart-svg" ', 1)
    if title:
        from html import escape

        svg = svg.replace(">", f"><title>{escape(title)}</title>", 1)
    return svg
