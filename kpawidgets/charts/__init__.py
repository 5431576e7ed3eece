"""Charts shared by the pages and the PDF: one palette, one set of chart data."""

from __future__ import annotations

from kpawidgets.charts.palette import (
    FUNDING_COLOURS,
    KIND_COLOURS,
    LIGHT_COLOURS,
    PALETTE,
    STATUS_COLOURS,
    css_variables,
)

__all__ = ["PALETTE", "KIND_COLOURS", "FUNDING_COLOURS", "STATUS_COLOURS", "LIGHT_COLOURS", "css_variables"]
