"""Two devices on one workbook, in two separate Chromium contexts (two kernels): each shows the other's change live.

Runs a real ``kpa serve``. Waits are bounded (10 s) and no assertion is made on the latency
itself (``bench/live.py`` measures it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOLLOW_MS = 10_000


def _copy(server: Any, name: str) -> Path:
    target = server.workspace / f"{name}.json"
    shutil.copy(server.workspace / "exemple-quartier-des-tisserands.json", target)
    return target


@pytest.fixture
def devices(browser: Any) -> Iterator[tuple[Any, Any]]:
    """Two pages in two browser contexts (no shared cookies or storage): device A and device B."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR") for _ in range(2)]
    for context in contexts:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")) else route.abort())
    try:
        yield contexts[0].new_page(), contexts[1].new_page()
    finally:
        for context in contexts:
            context.close()


def _fill(page: Any, selector: str, value: str) -> None:
    field = page.locator(selector)
    field.fill(value)
    field.press("Tab")


def _shows(page: Any, selector: str, value: str) -> None:
    page.wait_for_function("([s, v]) => { const e = document.querySelector(s); return e && e.value === v; }",
                           arg=[selector, value], timeout=FOLLOW_MS)


def _saved(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_checklist_two_devices_follow_each_other(voila_server: Any, devices: tuple[Any, Any]) -> None:
    path = _copy(voila_server, "live-checklist")
    a, b = devices
    for page in devices:
        page.goto(voila_server.url("01_checklist.ipynb", "workbook=live-checklist"), timeout=120_000)
        wait_rendered(page)
    b.locator(".kpa-cl-next").click()  # B's projector is on step 2: following must not move it
    b.wait_for_selector(".kpa-cl-dot-current:text-is('2')", state="attached")
    owner = ".kpa-f-venue-owner input"
    _fill(a, owner, "Samia, du centre social")
    b.locator(".kpa-cl-prev").click()
    _shows(b, owner, "Samia, du centre social")
    # Both edit different fields: both land, no prompt, each page shows the other's.
    b.locator(".kpa-cl-next").click()
    b.wait_for_selector(".kpa-cl-dot-current:text-is('2')", state="attached")
    _fill(a, ".kpa-f-venue-notes textarea", "Salle du rez-de-chaussée")
    _fill(b, ".kpa-cl-stage .kpa-f-equipment-owner input", "Karim")
    _shows(a, ".kpa-f-venue-notes textarea", "Salle du rez-de-chaussée")
    a.locator(".kpa-cl-next").click()
    _shows(a, ".kpa-cl-stage .kpa-f-equipment-owner input", "Karim")
    b.wait_for_selector(".kpa-cl-dot-current:text-is('2')", state="attached")  # B did not move
    ingredients = _saved(path)["checklist"]["ingredients"]
    assert ingredients["venue"]["notes"] == "Salle du rez-de-chaussée"
    assert ingredients["equipment"]["owner"] == "Karim"
    for page in devices:
        assert page.locator("text=modifié ailleurs").count() == 0  # no « Recharger / Garder une copie »
        assert not page.locator("button:has-text('Garder une copie')").is_visible()


def test_budget_two_devices_follow_each_other(voila_server: Any, devices: tuple[Any, Any]) -> None:
    path = _copy(voila_server, "live-budget")
    a, b = devices
    for page in devices:
        page.goto(voila_server.url("02_budget.ipynb", "workbook=live-budget"), timeout=120_000)
        wait_rendered(page)
    label = ".kpa-line-rows > * >> nth=0 >> .kpa-label input"
    amount = ".kpa-line-rows > * >> nth=1 >> .kpa-amount input"
    a.wait_for_selector(".kpa-line-rows .kpa-label input")
    summary_before = b.locator(".kpa-budget-summary-box").inner_text()
    _fill(a, label, "Matières premières (atelier)")
    b.wait_for_function("v => [...document.querySelectorAll('.kpa-line-rows .kpa-label input')]"
                        ".some(e => e.value === v)", arg="Matières premières (atelier)", timeout=FOLLOW_MS)
    # different fields on both: both land, and the figures follow on the other page
    _fill(b, amount, "9 999")
    _fill(a, ".kpa-line-rows > * >> nth=0 >> .kpa-amount input", "1 111")
    b.wait_for_function("before => document.querySelector('.kpa-budget-summary-box').innerText !== before",
                        arg=summary_before, timeout=FOLLOW_MS)
    a.wait_for_function("v => [...document.querySelectorAll('.kpa-line-rows .kpa-amount input')]"
                        ".some(e => e.value.replace(/\\s/g, '').startsWith(v))", arg="9999", timeout=FOLLOW_MS)
    b.wait_for_function("v => [...document.querySelectorAll('.kpa-line-rows .kpa-amount input')]"
                        ".some(e => e.value.replace(/\\s/g, '').startsWith(v))", arg="1111", timeout=FOLLOW_MS)
    amounts = sorted(line["amount"] for line in _saved(path)["budget"]["lines"])
    assert "1111.00" in amounts and "9999.00" in amounts
    for page in devices:
        assert not page.locator("button:has-text('Garder une copie')").is_visible()


def test_same_field_on_both_says_so_and_restores(voila_server: Any, devices: tuple[Any, Any]) -> None:
    _copy(voila_server, "live-same")
    a, b = devices
    for page in devices:
        page.goto(voila_server.url("01_checklist.ipynb", "workbook=live-same"), timeout=120_000)
        wait_rendered(page)
    owner = ".kpa-f-venue-owner input"
    _fill(a, owner, "Samia")
    _shows(b, owner, "Samia")
    _fill(b, owner, "Karim")
    _shows(a, owner, "Karim")
    a.wait_for_selector("text=à la place de votre « Samia »", timeout=FOLLOW_MS)
    a.locator(".kpa-put-back").click()
    _shows(a, owner, "Samia")
    _shows(b, owner, "Samia")
    assert json.loads((voila_server.workspace / "live-same.json").read_text(encoding="utf-8"))[
        "checklist"]["ingredients"]["venue"]["owner"] == "Samia"
