"""The app in a real browser: a real `kpa serve`, a real kernel, headless Chromium."""

from __future__ import annotations

import time

import pytest

from tests.conftest import screenshot_dir, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOME = "00_accueil.ipynb"


def test_home_page_shows_the_network_in_french(voila_server, page) -> None:
    page.goto(voila_server.url(HOME, "workbook=exemple-quartier-des-tisserands"))
    wait_rendered(page)
    text = page.inner_text(".kpa-page")
    for name in ("La Cape", "Illicoop", "KPA Moulins", "Les Coopains à bord"):
        assert name in text
    assert "Le réseau KPA-Cité" in text and "KPA des Tisserands" in text
    assert "Traceback" not in page.content()
    no_horizontal_scroll(page)
    page.screenshot(path=str(screenshot_dir() / "home-fr-1280x720.png"))
    assert page.outside_requests == [], page.outside_requests


def test_home_page_in_english(voila_server, page) -> None:
    page.goto(voila_server.url(HOME, "workbook=exemple-quartier-des-tisserands&lang=en"))
    wait_rendered(page)
    text = page.inner_text(".kpa-page")
    assert "The KPA-Cité network" in text and "Launch checklist" in text
    assert "Le réseau KPA-Cité" not in text
    page.screenshot(path=str(screenshot_dir() / "home-en-1280x720.png"))
    assert page.outside_requests == []


def test_creating_a_workbook_from_the_page_writes_a_file(voila_server, page) -> None:
    page.goto(voila_server.url(HOME))
    wait_rendered(page)
    field = page.get_by_placeholder("Nom du territoire, par ex. KPA du Pont-Neuf")
    field.fill("KPA du Marché")
    field.press("Enter")
    page.get_by_role("button", name="Créer").click()
    page.wait_for_selector("text=Carnet créé : KPA du Marché.", timeout=30_000)
    assert (voila_server.workspace / "kpa-du-marche.json").exists()
    page.get_by_role("link", name="Check-list de lancement →").first.wait_for()
    # The address follows the new workbook: a reload edits it, not the one asked for before.
    page.wait_for_function("() => new URLSearchParams(location.search).get('workbook') === 'kpa-du-marche'")
    page.reload()
    wait_rendered(page)
    assert "KPA du Marché" in page.inner_text(".kpa-header")
    assert page.outside_requests == []


def test_no_horizontal_scroll_at_1024_and_on_a_phone(voila_server, browser) -> None:
    for width, height in ((1024, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        tab.goto(voila_server.url(HOME, "workbook=exemple-quartier-des-tisserands"))
        wait_rendered(tab)
        no_horizontal_scroll(tab)
        tab.screenshot(path=str(screenshot_dir() / f"home-{width}x{height}.png"))
        context.close()


def test_closed_tabs_free_their_kernels(voila_server, browser) -> None:
    baseline = len(voila_server.kernels())
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    for _ in range(10):
        tab = context.new_page()
        tab.goto(voila_server.url(HOME))
        wait_rendered(tab)
        tab.close(run_before_unload=True)
    context.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(voila_server.kernels()) > baseline:
        time.sleep(0.5)
    assert len(voila_server.kernels()) <= baseline, voila_server.log()


def no_horizontal_scroll(tab) -> None:
    """Nothing of the page sticks out to the right (scrolled or clipped); wide tables scroll in their own box."""
    overflow = tab.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const rights = [...document.querySelectorAll('.kpa-page *')]
                .filter(e => !e.closest('.kpa-table-wrap') && e.getClientRects().length)
                .map(e => e.getBoundingClientRect().right);
            return Math.max(0, ...rights) - width;
        }"""
    )
    assert overflow <= 1, f"content sticks out {overflow:.0f}px to the right"
