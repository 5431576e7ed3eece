"""The home page: the KPA presentation, the network dashboard, the workbook picker and identity."""

from __future__ import annotations

from kpawidgets.app.home.page import HomeApp, build_home, home_page, network_dashboard_html, presentation_html

__all__ = ["home_page", "build_home", "HomeApp", "network_dashboard_html", "presentation_html"]
