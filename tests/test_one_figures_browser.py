"""Issue 19 in a real browser: the budget page of a workbook of x,50 € lines, read from the DOM
Chromium draws (cards, balance, bar legend, Cerfa totals, funders' tab), equals budget_figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpawidgets.model import budget as b
from kpawidgets.model.workbook import dump_workbook, load_workbook_text
from tests.conftest import screenshot_dir, wait_or_explain, wait_rendered
from tests.test_one_figures import euros, half_euro_workbook, legend_texts, percent, plain

NAME = "demi-euros"


def test_the_budget_pages_dom_prints_the_figures(page, voila_server, example_path: Path) -> None:  # type: ignore[no-untyped-def]
    workbook = half_euro_workbook(load_workbook_text(example_path.read_bytes()))
    (voila_server.workspace / f"{NAME}.json").write_text(dump_workbook(workbook), encoding="utf-8")
    figures = b.budget_figures(workbook)
    page.goto(voila_server.url("02_budget.ipynb", f"workbook={NAME}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")

    def text(selector: str) -> str:
        return " ".join(plain(page.inner_text(selector)).split())

    assert text(".kpa-charges-total") == euros(figures.euros.charges) == "43 084 €"
    assert text(".kpa-produits-total") == euros(figures.euros.produits)
    assert text(".kpa-coverage-pct") == percent(figures.percents["secured"])
    assert f"Il reste {euros(figures.euros.gap)} à trouver" in text(".kpa-balance")
    for key, legend in legend_texts(figures).items():
        assert legend in text(f".kpa-budget-summary li[data-part={key}]"), key
    page.screenshot(path=str(screenshot_dir() / "budget-demi-euros-1280x720.png"))

    page.get_by_role("tab", name="Budget Cerfa").click()
    page.wait_for_selector(".kpa-cerfa-total", state="visible")
    totals = [" ".join(plain(t).split()) for t in page.locator(".kpa-cerfa-total").all_inner_texts()]
    assert totals[:2] == [euros(figures.euros.charges), euros(figures.euros.produits)]
    page.locator(".kpa-cerfa").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "budget-demi-euros-cerfa-1280x720.png"))



def _open_funders(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    funders = page.get_by_role("tab", name="Financeurs")
    funders.scroll_into_view_if_needed()
    funders.click()
    wait_or_explain(page, ".kpa-budget-tab-funders .kpa-coverage", 60_000, server_log=voila_server.log)


def test_the_funders_tab_prints_the_same_figures(page, voila_server, example_path: Path) -> None:  # type: ignore[no-untyped-def]
    workbook = half_euro_workbook(load_workbook_text(example_path.read_bytes()))
    (voila_server.workspace / f"{NAME}.json").write_text(dump_workbook(workbook), encoding="utf-8")
    figures = b.budget_figures(workbook)
    page.goto(voila_server.url("02_budget.ipynb", f"workbook={NAME}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    _open_funders(page, voila_server)
    for key, legend in legend_texts(figures).items():
        assert legend in " ".join(plain(page.inner_text(f".kpa-budget-tab-funders li[data-part={key}]")).split()), key
    page.locator(".kpa-funder-kind").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "budget-demi-euros-funders-1280x720.png"))


def test_the_funders_tab_opens_after_the_cerfa_tab_was_scrolled(page, voila_server, example_path: Path) -> None:  # type: ignore[no-untyped-def]
    workbook = half_euro_workbook(load_workbook_text(example_path.read_bytes()))
    (voila_server.workspace / f"{NAME}.json").write_text(dump_workbook(workbook), encoding="utf-8")
    page.goto(voila_server.url("02_budget.ipynb", f"workbook={NAME}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    page.get_by_role("tab", name="Budget Cerfa").click()
    page.wait_for_selector(".kpa-cerfa-total", state="visible")
    page.locator(".kpa-cerfa").first.scroll_into_view_if_needed()
    _open_funders(page, voila_server)
