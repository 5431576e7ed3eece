"""The budget page in a real browser, served by a real ``kpa serve`` (issue 4).

Also measures (prints and writes to ``out/budget-timings.json``, never asserts) the time from
typing an amount to the updated coverage figure, and the page with 200 lines and 12 scenarios.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, screenshot_dir, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "exemple-quartier-des-tisserands"
FUNDER_AMOUNT = ".kpa-funder-card .kpa-amount input"


def flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def open_budget(page, server, workbook: str = NAME, extra: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url("02_budget.ipynb", f"workbook={workbook}{extra}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")


def coverage_text(page) -> str:  # type: ignore[no-untyped-def]
    return flat(page.inner_text(".kpa-coverage-pct"))


def secured_width(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_attribute(".kpa-budget-summary .kpa-coverage rect[data-part=secured]", "width") or ""


def test_edit_amount_see_coverage_and_chart_change_then_reload(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    open_budget(page, voila_server)
    assert coverage_text(page) == "28 %"
    assert "Il reste 1 440 € à trouver" in flat(page.inner_text(".kpa-balance"))
    page.screenshot(path=str(screenshot_dir() / "budget-1280x720.png"))
    bar_before = secured_width(page)

    page.get_by_role("tab", name="Financeurs").click()
    field = page.locator(FUNDER_AMOUNT).first
    field.wait_for(state="visible")
    field.fill("20 000")
    field.press("Enter")
    page.wait_for_function("() => document.querySelector('.kpa-coverage-pct').dataset.value === '58'")
    assert coverage_text(page) == "58 %"
    assert secured_width(page) != bar_before  # the stacked bar moved
    assert page.locator(".kpa-budget-tab-funders .kpa-coverage, .kpa-missing").count() >= 1

    # A wrong amount: the message appears beside the field, the text stays, nothing else changes.
    field.fill("12k")
    field.press("Enter")
    error = page.locator(".kpa-funder-card .kpa-field-error").first
    error.wait_for(state="visible")
    assert "12 000 au lieu de 12k" in flat(error.inner_text())
    assert field.input_value() == "12k"
    assert coverage_text(page) == "58 %"
    page.screenshot(path=str(screenshot_dir() / "budget-1280x720-funders-error.png"))

    # Reload: the valid edit is kept (saved as typed), the wrong one never reached the file.
    page.reload()
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    assert coverage_text(page) == "58 %"
    page.get_by_role("tab", name="Financeurs").click()
    page.locator(FUNDER_AMOUNT).first.wait_for(state="visible")
    assert flat(page.locator(FUNDER_AMOUNT).first.input_value()) == "20 000,00 €"
    assert page.outside_requests == []


def test_english_page_and_no_horizontal_scroll(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    open_budget(page, voila_server, extra="&lang=en")
    assert "Funding secured" in page.inner_text(".kpa-budget-summary")
    for width, height in ((1280, 720), (1024, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for tab in ("Cerfa budget", "Funders", "Cash flow", "Scenarios"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(300)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}×{height} on {tab}"
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("tab", name="Cash flow").click()
    page.wait_for_selector(".kpa-cash-chart", state="visible")
    page.screenshot(path=str(screenshot_dir() / "budget-1280x720-en-cash.png"))


def _edit_to_chart_ms(page, values: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """Type each amount, press Enter, and time (in the page) until the coverage figure changes."""
    field = page.locator(FUNDER_AMOUNT).first
    timings = []
    for value in values:
        field.fill(value)
        page.evaluate("""() => {
            window.__kpaDone = null;
            const target = document.querySelector('.kpa-coverage-pct');
            const before = target.dataset.value;
            const observer = new MutationObserver(() => {
                const now = document.querySelector('.kpa-coverage-pct');
                if (now && now.dataset.value !== before) { window.__kpaDone = performance.now(); observer.disconnect(); }
            });
            observer.observe(document.querySelector('.kpa-budget-summary-box'), {subtree: true, childList: true, characterData: true, attributes: true});
        }""")
        started = page.evaluate("() => performance.now()")
        field.press("Enter")
        page.wait_for_function("() => window.__kpaDone !== null")
        timings.append(page.evaluate("() => window.__kpaDone") - started)
    return timings


def _big_workbook(example: Path, target: Path) -> None:
    data = json.loads(example.read_text(encoding="utf-8"))
    data["identity"]["territory"] = "KPA Grand Budget"
    lines = data["budget"]["lines"]
    groups = ["606", "613", "616", "622", "623", "625", "626", "627", "65", "861"]
    while len(lines) < 200:
        n = len(lines)
        lines.append({"account": groups[n % len(groups)], "label": f"Ligne {n}", "amount": f"{100 + n}.{n % 100:02d}",
                      "month": (n % 12) + 1 if n % 3 else None})
    plan = {k: v for k, v in data["budget"].items() if k != "scenarios"}
    data["budget"]["scenarios"] = [{"name": f"Scénario {i + 1}", "plan": plan} for i in range(12)]
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_measure_edit_to_chart_and_a_big_budget(page, voila_server, example_path) -> None:  # type: ignore[no-untyped-def]
    results: dict[str, object] = {}
    open_budget(page, voila_server)
    page.get_by_role("tab", name="Financeurs").click()
    page.locator(FUNDER_AMOUNT).first.wait_for(state="visible")
    values = [f"{9000 + 5000 * i}" for i in range(9)]  # steps that move the whole percent the card shows
    timings = _edit_to_chart_ms(page, values)
    results["example_edit_to_chart_ms"] = [round(t) for t in timings]
    results["example_edit_to_chart_median_ms"] = round(statistics.median(timings))

    _big_workbook(example_path, voila_server.workspace / "kpa-grand-budget.json")
    started = time.perf_counter()
    open_budget(page, voila_server, "kpa-grand-budget")
    results["big_page_rendered_s"] = round(time.perf_counter() - started, 2)
    page.get_by_role("tab", name="Financeurs").click()
    page.locator(FUNDER_AMOUNT).first.wait_for(state="visible")
    timings = _edit_to_chart_ms(page, values)
    results["big_edit_to_chart_ms"] = [round(t) for t in timings]
    results["big_edit_to_chart_median_ms"] = round(statistics.median(timings))
    page.get_by_role("tab", name="Scénarios").click()
    started = time.perf_counter()
    page.wait_for_selector(".kpa-sc-chart", state="visible")
    results["big_scenarios_tab_s"] = round(time.perf_counter() - started, 2)
    page.get_by_role("tab", name="Budget Cerfa").click()
    page.wait_for_selector(".kpa-cerfa", state="visible")
    assert "Ligne 199" in page.inner_text(".kpa-cerfa-box")
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "budget-timings.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n[budget timings]", json.dumps(results))


def test_the_team_by_year_typed_on_the_staff_tab(page, voila_server) -> None:  # type: ignore[no-untyped-def]
    """« ETP années 2 et 3 » typed in Chromium: the card says each year's FTE and cost (issue 24)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_budget(page, voila_server)
    page.get_by_role("tab", name="Équipe").click()
    field = page.locator(".kpa-staff-card").first.locator("[class*='fte_years'] input")
    field.fill("0,8 / 1")
    field.press("Tab")
    page.wait_for_function("() => (document.querySelector('.kpa-staff-later') || {}).textContent?.includes('0,8 ETP')",
                           timeout=60_000)
    assert "année 2 : 0,8 ETP, 29 328,00 €" in flat(page.locator(".kpa-staff-later").first.inner_text())
    page.locator(".kpa-staff-card").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "budget-staff-years-1280x720.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # the group's volunteering: 40 h a month pledged in the workshop, valued at the SMIC's hour
    hours = page.locator(".kpa-volunteering-card [class*='group_hours'] input")
    hours.fill("40")
    hours.press("Tab")
    page.wait_for_function("() => (document.querySelector('.kpa-volunteering-result') || {}).textContent?.includes('5')",
                           timeout=60_000)
    assert "= 5 769,60 € par an" in flat(page.locator(".kpa-volunteering-result").inner_text())
    page.locator(".kpa-volunteering-card").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "budget-volunteering-1280x720.png"))
