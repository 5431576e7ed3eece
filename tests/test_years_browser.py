"""The « Trois ans » tab in a real browser, served by a real ``kpa serve`` (issue 24)."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot_dir, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_three_years_tab_shows_the_years_and_follows_a_rule(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(voila_server.url("02_budget.ipynb", "workbook=exemple-quartier-des-tisserands"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    page.get_by_role("tab", name="Trois ans").click()
    table = page.locator(".kpa-years-table")
    table.wait_for(state="visible")
    text = flat(table.inner_text())
    for shown in ("31 200 €", "32 740 €", "29 540 €", "61 %", "68 %"):
        assert shown in text, shown
    assert page.locator(".kpa-years-chart-box svg.kpa-years-chart").count() == 1
    page.screenshot(path=str(screenshot_dir() / "years-1280x720.png"))
    page.locator(".kpa-years-chart-box").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "years-1280x720-chart.png"))
    # The Département's grant (one-off by default) made the same each year: year 2 gains its 3 000 €.
    rule = page.locator(".kpa-years-rule").filter(has_text="Département")
    rule.locator("select").first.select_option(label="identique chaque année")
    page.wait_for_function("() => document.querySelector('.kpa-years-table').innerText.replace(/\\s/g, '').includes('35740')")
    rule.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "years-1280x720-rule.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_funders_cap_typed_on_its_card(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(voila_server.url("02_budget.ipynb", "workbook=exemple-quartier-des-tisserands"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    page.get_by_role("tab", name="Financeurs").click()
    card = page.locator(".kpa-funder-card").first
    card.wait_for(state="visible")
    field = card.locator("[class*='cap_pct'] input")
    field.fill("80")
    field.press("Enter")
    note = card.locator(".kpa-cap-note")
    page.wait_for_function("() => (document.querySelector('.kpa-cap-note') || {}).innerText?.includes('80')")
    text = flat(note.inner_text())
    assert "Plafond de 80 % : 31 940 € sans les contributions en nature, 54 108 € avec." in text
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "years-1280x720-funder-cap.png"))
    field.fill("130")
    field.press("Enter")
    error = card.locator(".kpa-field-error").first
    error.wait_for(state="visible")
    assert "100" in flat(error.inner_text()) and field.input_value() == "130"


def test_three_years_in_english_and_narrow_without_horizontal_scroll(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(voila_server.url("02_budget.ipynb", "workbook=exemple-quartier-des-tisserands&lang=en"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    page.get_by_role("tab", name="Three years").click()
    page.locator(".kpa-years-table").wait_for(state="visible")
    assert "Own resources" in page.inner_text(".kpa-years-table")
    page.screenshot(path=str(screenshot_dir() / "years-1280x720-en.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".kpa-years-rule").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "years-390x844-en.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px"
