"""The home page's fields for the PDF's cover in a real browser: summary, contact, logo upload (issue 12)."""

from __future__ import annotations

import pytest

from kpawidgets.model.workbook import load_workbook_text
from tests.conftest import screenshot_dir, wait_rendered
from tests.test_cover import HOSTILE_SVGS, PLAIN_SVG

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOME = "00_accueil.ipynb"
NAME = "exemple-quartier-des-tisserands"


def choose(page, cover, file: dict) -> None:
    """Click the upload button and pick *file* in the browser's file chooser."""
    with page.expect_file_chooser(timeout=30_000) as chooser:
        cover.locator(".kpa-f-identity-logo button").click()
    chooser.value.set_files(files=[file])


def test_cover_fields_summary_contact_and_logo(voila_server, page) -> None:
    page.goto(voila_server.url(HOME, f"workbook={NAME}"))
    wait_rendered(page)
    cover = page.locator(".kpa-cover-fields")
    cover.scroll_into_view_if_needed()
    assert "Pour la couverture du plan" in cover.inner_text() and "Pas de logo" in cover.inner_text()
    summary = cover.locator(".kpa-f-identity-summary textarea")
    text = "Quatorze habitant·es du quartier des Tisserands lancent leur coopérative de services."
    summary.fill(text)
    cover.locator(".kpa-f-contact-role input").click()  # leaving the field saves it
    page.wait_for_selector(f"text={len(text)} caractères sur 800", timeout=30_000)

    # A plain SVG logo: accepted, written beside the workbook, shown as the cover will print it.
    choose(page, cover, {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": PLAIN_SVG})
    page.wait_for_selector(".kpa-logo-preview img[src^='data:image/svg+xml;base64,']", timeout=30_000)
    assert (voila_server.workspace / f"{NAME}.logo.svg").read_bytes() == PLAIN_SVG
    saved = load_workbook_text((voila_server.workspace / f"{NAME}.json").read_bytes()).identity
    assert saved.logo == f"{NAME}.logo.svg" and saved.summary.startswith("Quatorze habitant·es")
    cover.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "home-cover-fields-1280x720.png"))

    # A wrong file: its reason beside the field, in French; the previous logo stays.
    choose(page, cover, {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": HOSTILE_SVGS["script"]})
    page.wait_for_selector(".kpa-f-identity-logo .kpa-field-error", timeout=30_000)
    message = cover.locator(".kpa-f-identity-logo .kpa-field-error").inner_text()
    assert "« script »" in message and "PNG" in message
    assert page.locator(".kpa-logo-preview img[src^='data:image/svg+xml;base64,']").count() == 1
    assert (voila_server.workspace / f"{NAME}.logo.svg").read_bytes() == PLAIN_SVG
    cover.locator(".kpa-f-identity-logo").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "home-cover-logo-refused-1280x720.png"))

    # A 12 MB photo: more than the websocket carries (it would close and lose the page's kernel).
    # The page sends its name and size only; the kernel refuses it by its size, and still answers.
    choose(page, cover, {"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG" + b"\0" * (12 * 2**20)})
    page.wait_for_selector(".kpa-f-identity-logo .kpa-field-error:has-text('12 289 Ko')", timeout=30_000)
    assert "1 024 Ko au plus" in cover.locator(".kpa-f-identity-logo .kpa-field-error").inner_text()
    assert (voila_server.workspace / f"{NAME}.logo.svg").read_bytes() == PLAIN_SVG
    assert cover.locator(".kpa-f-identity-logo button").inner_text().strip() == "Choisir un logo"  # no « (1) »
    summary.fill(text + " Bienvenue.")
    cover.locator(".kpa-f-contact-role input").click()
    page.wait_for_selector(f"text={len(text) + 11} caractères sur 800", timeout=30_000)
    assert page.locator("#kpa-kernel-lost:visible").count() == 0
    assert "Traceback" not in page.content()
    assert page.outside_requests == [], page.outside_requests


def test_the_cover_fields_keep_their_borders_on_a_narrow_window(voila_server, page) -> None:
    """At 683 px (half a 1366 px laptop screen) every input lies inside its field, right border included."""
    page.set_viewport_size({"width": 683, "height": 720})
    page.goto(voila_server.url(HOME, f"workbook={NAME}"))
    wait_rendered(page)
    page.locator(".kpa-cover-fields .kpa-f-contact-email input").scroll_into_view_if_needed()
    overflows = page.evaluate("""() => [...document.querySelectorAll('.kpa-home .kpa-field')].flatMap(field => {
        const edge = field.getBoundingClientRect().right;
        return [...field.querySelectorAll('input:not([type=file]), textarea, select')]
            .filter(input => input.getBoundingClientRect().right > edge + 0.5)
            .map(input => (field.className.match(/kpa-f-[\\w-]+/) || [field.className])[0]);
    })""")
    assert overflows == []
    assert page.locator(".kpa-cover-fields .kpa-f-contact-email input").count() == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_creating_a_workbook_is_on_the_first_screen_with_its_label_whole(voila_server, page, lang: str) -> None:
    """At 1280×720 the workbooks and « Nouveau carnet » come first (the form was at the bottom of a
    2 858 px page), and the field's label is not cut (« Nouvea… »)."""
    page.goto(voila_server.url(HOME, f"workbook={NAME}" + ("&lang=en" if lang == "en" else "")))
    wait_rendered(page)
    field = page.locator(".kpa-home input[placeholder]").first
    field.wait_for(timeout=60_000)
    placed = page.evaluate("""() => {
        const input = [...document.querySelectorAll('.kpa-home input[placeholder]')][0];
        const label = input.closest('.widget-text').querySelector('label');
        const create = [...document.querySelectorAll('.kpa-home button')].find(b => /Créer|Create/.test(b.textContent));
        const scroller = input.closest('.lm-BoxPanel-child') || document.scrollingElement;
        return {label: label.textContent, cut: label.scrollWidth > label.clientWidth,
                bottom: Math.max(input.getBoundingClientRect().bottom, create.getBoundingClientRect().bottom),
                scrolled: scroller.scrollTop, height: window.innerHeight};
    }""")
    assert placed["label"] == {"fr": "Nouveau carnet", "en": "New workbook"}[lang]
    assert not placed["cut"], placed
    assert placed["scrolled"] == 0 and placed["bottom"] <= placed["height"], placed
    opened = page.locator(".kpa-home h2.kpa-section-title").nth(1).inner_text()  # after « Les carnets »
    assert opened == {"fr": "Carnet ouvert : KPA des Tisserands", "en": "Open workbook: KPA des Tisserands"}[lang]
    page.screenshot(path=str(screenshot_dir() / f"home-first-screen-{lang}-1280x720.png"))
