"""Charts shared by the pages and the PDF: one palette, one set of chart functions.

Each chart is a pure function of its data (already translated labels) to an SVG string,
drawn by matplotlib with real text (see :mod:`kpawidgets.charts.figure`).
"""

from __future__ import annotations

from kpawidgets.charts.bars import BarItem, CashLine, CashMonth, Segment, cash_columns, hbars, short_month, stacked_bar
from kpawidgets.charts.gantt import GanttRow, gantt, gantt_rows, kind_colour, mark_icon
from kpawidgets.charts.gauges import LEVEL_COLOURS, fte_gauge, gauge, half_gauge, light, ratio_colour
from kpawidgets.charts.palette import (
    FUNDING_COLOURS,
    KIND_COLOURS,
    LIGHT_COLOURS,
    PALETTE,
    STATUS_COLOURS,
    css_variables,
)

__all__ = [
    "PALETTE", "KIND_COLOURS", "FUNDING_COLOURS", "STATUS_COLOURS", "LIGHT_COLOURS", "LEVEL_COLOURS", "css_variables",
    "BarItem", "CashLine", "CashMonth", "Segment", "GanttRow",
    "cash_columns", "hbars", "stacked_bar", "short_month", "gantt", "gantt_rows", "kind_colour", "mark_icon",
    "gauge", "half_gauge", "fte_gauge", "light", "ratio_colour",
]
