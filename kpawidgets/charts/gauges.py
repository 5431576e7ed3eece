"""Gauges and small status icons: the ring of the summary tiles, the half gauge of the team's FTE,
traffic lights."""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

from kpawidgets.charts.figure import canvas_axes, drawing, new_figure, svg_of
from kpawidgets.charts.palette import LIGHT_COLOURS, PALETTE
from kpawidgets.i18n import _, format_number

__all__ = ["gauge", "half_gauge", "fte_gauge", "light", "LEVEL_COLOURS", "ratio_colour"]

#: A traffic light's colour by level (``ok``, ``partial``, ``missing``).
LEVEL_COLOURS = {"ok": LIGHT_COLOURS["green"], "partial": LIGHT_COLOURS["orange"], "missing": LIGHT_COLOURS["red"]}


def ratio_colour(ratio: float) -> str:
    """Green from 80 %, amber from 50 %, red below: the light of a ratio with no status of its own."""
    return LIGHT_COLOURS["green"] if ratio >= 0.8 else LIGHT_COLOURS["orange"] if ratio >= 0.5 else LIGHT_COLOURS["red"]


def _clip(ratio: float | None) -> float:
    return 0.0 if ratio is None else max(0.0, min(1.0, float(ratio)))


def gauge(ratio: float | None, big: str, small: str, label: str, *, colour: str | None = None,
          size: float = 150) -> str:
    """A ring filled clockwise to *ratio* (0–1, clipped), *big* text in its centre and *small* below.

    *colour* is the meaning's colour from the palette (e.g. ``FUNDING_COLOURS["secured"]``);
    without one, the ring takes the light of the ratio itself.
    """
    from matplotlib.patches import Wedge

    value = _clip(ratio)
    colour = colour or ratio_colour(value)
    with drawing():
        figure = new_figure(size, size)
        axes = canvas_axes(figure, (0, size), (0, size))
        centre, outer, stroke = (size / 2, size / 2), size / 2 - 4, 16.0
        axes.add_patch(Wedge(centre, outer, 0, 360, width=stroke, color=PALETTE["grid"], linewidth=0))
        if value > 0:
            axes.add_patch(Wedge(centre, outer, 90 - 360 * value, 90, width=stroke, color=colour, linewidth=0))
        axes.text(size / 2, size / 2 + (size * 0.03 if small else 0), big, ha="center", va="center",
                  fontsize=size * 0.2, fontweight="bold", color=PALETTE["ink"])
        if small:
            axes.text(size / 2, size / 2 - size * 0.17, small, ha="center", va="center", fontsize=size * 0.085,
                      color=PALETTE["muted"])
        # its title says its figures: the text alternative of the tagged PDF, the page's aria-label
        return svg_of(figure, _("{title} : {figures}.").format(title=label, figures=f"{big} {small}".strip()), "kpa-gauge")


def half_gauge(ratio: float, target: float, big: str, small: str, label: str, *, colour: str,
               width: float = 200) -> str:
    """A half ring filled left to right to *ratio* (0–1), a tick at *target* (0–1), *big* and *small* inside."""
    from matplotlib.patches import Wedge

    value, mark = _clip(ratio), _clip(target)
    height = width * 0.59
    with drawing():
        figure = new_figure(width, height)
        axes = canvas_axes(figure, (0, width), (0, height))
        centre, outer, stroke = (width / 2, width * 0.09), width * 0.455, width * 0.11
        axes.add_patch(Wedge(centre, outer, 0, 180, width=stroke, color=PALETTE["track"], linewidth=0))
        if value > 0:
            axes.add_patch(Wedge(centre, outer, 180 - 180 * value, 180, width=stroke, color=colour, linewidth=0))
        angle = math.pi * (1 - mark)
        inner, beyond = outer - stroke - 3, outer + 5
        axes.plot([centre[0] + inner * math.cos(angle), centre[0] + beyond * math.cos(angle)],
                  [centre[1] + inner * math.sin(angle), centre[1] + beyond * math.sin(angle)],
                  color=PALETTE["ink"], linewidth=3, solid_capstyle="butt")
        axes.text(width / 2, centre[1] + width * 0.1, big, ha="center", va="baseline", fontsize=width * 0.17,
                  fontweight="bold", color=PALETTE["ink"])
        axes.text(width / 2, centre[1] - width * 0.02, small, ha="center", va="top", fontsize=width * 0.07,
                  color=PALETTE["slate"])
        return svg_of(figure, label, "kpa-half-gauge")


def fte_gauge(total: Decimal, target: Decimal, caption: str, *, width: float = 200) -> str:
    """The half gauge of the team's FTE against *target* (scale up to twice the target): page and PDF."""
    scale = target * 2
    colour = (LIGHT_COLOURS["green"] if total >= target else LIGHT_COLOURS["orange"]
              if total >= target * Decimal("0.6") else LIGHT_COLOURS["red"])
    ratio = float(min(total, scale) / scale) if scale else 0.0
    return half_gauge(ratio, float(target / scale) if scale else 0.0, format_number(total, digits=2), _("ETP"),
                      caption, colour=colour, width=width)


@lru_cache(maxsize=64)
def light(level: str, size: float = 16, title: str = "") -> str:
    """A traffic light disc: ``ok`` (green), ``partial`` (amber), ``missing`` (red), else grey.

    Without *title* it is hidden from screen readers (the status is written beside it); with one
    (the tagged PDF, where every drawing is a figure), *title* is its text alternative."""
    from matplotlib.patches import Circle

    with drawing():
        figure = new_figure(size, size)
        axes = canvas_axes(figure, (0, size), (0, size))
        axes.add_patch(Circle((size / 2, size / 2), size / 2 - 1, color=LEVEL_COLOURS.get(level, PALETTE["line"]),
                              linewidth=0))
        return svg_of(figure, title, "kpa-light", hidden=not title)
