"""Bar charts: horizontal bars (the group's mix), the stacked coverage bar, the monthly cash columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.dates import format_date as babel_date
from kpawidgets.charts.figure import canvas_axes, drawing, new_figure, svg_of
from kpawidgets.charts.palette import PALETTE
from kpawidgets.i18n import get_language

__all__ = ["BarItem", "Segment", "CashMonth", "CashLine", "hbars", "stacked_bar", "cash_columns", "short_month", "clip_text"]


@dataclass(frozen=True)
class BarItem:
    """One horizontal bar: its label, its value and the value as shown."""

    label: str
    value: float
    shown: str


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: label, value, value as shown, colour (from the palette)."""

    label: str
    value: float
    shown: str
    colour: str


@dataclass(frozen=True)
class CashMonth:
    """One month of the cash forecast: its first day, the month's net flow, the balance at its end."""

    month: dt.date
    flow: float
    balance: float


@dataclass(frozen=True)
class CashLine:
    """Another balance curve of the cash chart: its name, its end-of-month balances, its colour."""

    label: str
    balances: Sequence[float]
    colour: str


def short_month(day: dt.date) -> str:
    """The month's abbreviated name from Babel (``avr.``, ``juil.``, ``Apr``), never cut by hand."""
    return babel_date(day, format="LLL", locale=get_language())


def clip_text(text: str, limit: int) -> str:
    """*text* cut to *limit* characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hbars(items: Sequence[BarItem], label: str, *, width: float = 320, colour: str | None = None,
          total: float | None = None, label_share: float = 0.42, value_room: float = 64) -> str:
    """Horizontal bars scaled to the largest value (or *total*), each with its label and shown value
    (*value_room* wide: more for words such as « moins de 3 »)."""
    row = 26.0
    height = max(row * len(items), row)
    top = max([item.value for item in items] + [total or 0.0, 1e-9])
    label_width = width * label_share
    bar_width = width - label_width - value_room
    with drawing():
        figure = new_figure(width, height)
        axes = canvas_axes(figure, (0, width), (height, 0))
        for index, item in enumerate(items):
            y = index * row
            axes.text(label_width - 8, y + row / 2, clip_text(item.label, int(label_width / 6.2)), ha="right",
                      va="center", fontsize=12, color=PALETTE["ink"])
            axes.barh(y + row / 2, bar_width, height=16, left=label_width, color=PALETTE["grid"], linewidth=0)
            length = max(0.0, bar_width * item.value / top)
            if length > 0:
                axes.barh(y + row / 2, length, height=16, left=label_width, color=colour or PALETTE["accent"],
                          linewidth=0)
            axes.text(label_width + bar_width + 6, y + row / 2, item.shown, ha="left", va="center", fontsize=12,
                      fontweight="bold", color=PALETTE["ink"])
        return svg_of(figure, label, "kpa-hbars")


def stacked_bar(segments: Sequence[Segment], label: str, *, width: float = 620, height: float = 34) -> str:
    """One horizontal bar split into *segments*, each wide enough one showing its value in white."""
    total = sum(max(0.0, s.value) for s in segments) or 1.0
    with drawing():
        figure = new_figure(width, height)
        axes = canvas_axes(figure, (0, width), (0, height))
        left = 0.0
        for segment in segments:
            size = width * max(0.0, segment.value) / total
            if size <= 0:
                continue
            axes.barh(height / 2, size, height=height, left=left, color=segment.colour, linewidth=0)
            if size > 60:
                axes.text(left + size / 2, height / 2, segment.shown, ha="center", va="center", fontsize=13,
                          fontweight="bold", color=PALETTE["paper"])
            left += size
        return svg_of(figure, label, "kpa-stacked")


def cash_columns(months: Sequence[CashMonth], label: str, *, bar_label: str, line_label: str,
                 money: Callable[[float], str], width: float = 620, height: float = 250,
                 curves: Sequence[CashLine] = ()) -> str:
    """The cash forecast: a column per month for the net flow, a line for the balance at the month's end.

    Negative flows are in the warm colour, negative balances in the alarm colour; *money*
    formats the axis' amounts. The year is written under January and under the first month.
    *curves* are more balances drawn as dashed lines (the cash with less funding counted).
    """
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    count = max(1, len(months))
    with drawing():
        figure = new_figure(width, height)
        axes = figure.add_axes((62 / width, 64 / height, 1 - 72 / width, 1 - 76 / height))
        positions = list(range(len(months)))
        flows = [m.flow for m in months]
        colours = [PALETTE["accent"] if flow >= 0 else PALETTE["warm"] for flow in flows]
        axes.bar(positions, flows, width=0.56, color=colours, linewidth=0, zorder=2)
        balances = [m.balance for m in months]
        axes.plot(positions, balances, color=PALETTE["ink"], linewidth=2, zorder=3,
                  marker="o", markersize=5.5, markerfacecolor=PALETTE["ink"], markeredgewidth=0)
        extra = []
        for curve, style in zip(curves, ((0, (5, 2)), (0, (1.5, 1.5)))):
            extra.append(axes.plot(positions[:len(curve.balances)], list(curve.balances), color=curve.colour,
                                   linewidth=2, linestyle=style, zorder=3)[0])
        below = [(p, b) for p, b in zip(positions, balances) if b < 0]
        if below:
            axes.scatter([p for p, _b in below], [b for _p, b in below], s=30, color=PALETTE["bad"], zorder=4,
                         linewidths=0)
        axes.axhline(0, color=PALETTE["ink"], linewidth=1.2, zorder=2)
        axes.set_xlim(-0.5, count - 0.5)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: money(value)))
        axes.set_xticks(positions, [short_month(m.month) for m in months])
        axes.tick_params(axis="x", labelsize=9.5, colors=PALETTE["ink"], length=0, pad=4)
        axes.tick_params(axis="y", labelsize=10, colors=PALETTE["muted"], length=0)
        axes.grid(axis="y", color=PALETTE["grid"], linewidth=1, zorder=0)
        for side in ("top", "right", "left", "bottom"):
            axes.spines[side].set_visible(False)
        for index, month in enumerate(months):
            if index == 0 or month.month.month == 1:
                axes.annotate(str(month.month.year), (index - 0.45, 0), xycoords=("data", "axes fraction"),
                              xytext=(0, -26), textcoords="offset points", fontsize=9, fontweight="bold",
                              color=PALETTE["muted"], va="top")
                if index:
                    axes.axvline(index - 0.5, color=PALETTE["line"], linewidth=1, linestyle=(0, (2, 2)), zorder=1)
        # the bars' legend shows both colours (in, out), whatever the first month's sign
        bars = (Patch(color=PALETTE["accent"]), Patch(color=PALETTE["warm"]))
        line = Line2D([], [], color=PALETTE["ink"], linewidth=2, marker="o", markersize=5.5, markeredgewidth=0)
        axes.legend([bars, line, *extra], [bar_label, line_label, *(c.label for c in curves)],
                    handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
                    loc="upper left", bbox_to_anchor=(0, -0.17), ncols=2, frameon=False, fontsize=10 if curves else 11,
                    handlelength=2.2, labelcolor=PALETTE["ink"])
        return svg_of(figure, label, "kpa-columns")
