"""The plan page in Chromium, on a real `kpa serve`: the export button gives a PDF download."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot_dir, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_export_button_downloads_a_pdf(voila_server, page) -> None:
    page.goto(voila_server.url("03_plan.ipynb", "workbook=exemple-quartier-des-tisserands"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-plan-gantt svg", timeout=60_000)
    assert page.get_by_text("Lancement du KPA").first.is_visible()
    page.get_by_role("button", name="Exporter le plan en PDF").click()
    link = page.wait_for_selector("a.kpa-plan-download", timeout=120_000)
    page.screenshot(path=str(screenshot_dir() / "plan-exported.png"))
    with page.expect_download(timeout=60_000) as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "exemple-quartier-des-tisserands-plan.pdf"
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    saved = voila_server.workspace / "exemple-quartier-des-tisserands-plan.pdf"
    assert saved.read_bytes() == data
    assert page.outside_requests == []


def test_english_page_and_no_traceback_on_bad_input(voila_server, page) -> None:
    page.goto(voila_server.url("03_plan.ipynb", "workbook=exemple-quartier-des-tisserands&lang=en"))
    wait_rendered(page)
    page.get_by_role("button", name="Add the step").click()
    page.wait_for_selector(".kpa-banner-error", timeout=30_000)
    text = page.inner_text(".kpa-page")
    assert "Give the new step a title." in text and "Traceback" not in text
    page.screenshot(path=str(screenshot_dir() / "plan-en-error.png"))
