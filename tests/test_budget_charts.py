"""The budget's matplotlib charts (for the PDF): pure functions returning a Figure (issue 4)."""

from __future__ import annotations

from matplotlib.figure import Figure

from kpawidgets import charts_budget as charts
from kpawidgets.i18n import use_language
from kpawidgets.model import budget as b
from tests.test_budget_model import hand_workbook


def test_charts_are_figures_and_svg() -> None:
    wb = hand_workbook()
    wb.budget.scenarios = [b.Scenario(name="Prudent", plan=b.copy_plan(wb.budget))]
    with use_language("en"):
        figures = [charts.coverage_figure(b.coverage(wb)), charts.cash_figure(b.monthly_cash(wb)),
                   charts.scenarios_figure(b.scenario_comparison(wb))]
        for figure in figures:
            assert isinstance(figure, Figure)
            svg = charts.figure_svg(figure, title="Budget <test>")
            assert svg.startswith("<svg ") and "<title>Budget &lt;test&gt;</title>" in svg and "<?xml" not in svg
