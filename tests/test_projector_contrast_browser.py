"""Issue 23: a high-contrast projector theme. « Contraste élevé » on the facilitator's page turns it on and
off (``aria-pressed`` says which), the browser keeps it (the next page, the projected window at once),
``?contraste=eleve|normal`` sets it from the address; in it the page's texts reach 7:1 and axe-core finds
no serious or critical violation. A real ``kpa serve --atelier`` on 127.0.0.1; screenshot
``out/screenshots/projector-contrast-1280x720.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpawidgets.charts.palette import HIGH_CONTRAST, HIGH_TEXT, TEXT, contrast
from tests.conftest import screenshot_dir, wait_rendered
from tests.test_a11y_browser import blocking
from tests.test_room_browser import AtelierServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOGGLE = ".kpa-contrast-toggle"
IS_HIGH = "() => document.documentElement.classList.contains('kpa-high-contrast')"
# every visible text's colour and the first opaque background under it, as #rrggbb
_COLOURS = """() => {
  const hex = (c) => { const m = c.match(/\\d+(\\.\\d+)?/g); if (!m) return null;
    if (m.length > 3 && Number(m[3]) < 1) return null;
    return '#' + m.slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join(''); };
  const back = (el) => { for (; el; el = el.parentElement) { const b = hex(getComputedStyle(el).backgroundColor);
    if (b) return b; } return '#ffffff'; };
  const found = [];
  for (const el of document.querySelectorAll('.kpa-room-projector *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const fore = hex(getComputedStyle(el).color);
    if (fore) found.push([el.className || el.tagName, fore, back(el), el.textContent.trim().slice(0, 30)]);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtelierServer]:
    server = AtelierServer(tmp_path_factory.mktemp("contrast"))
    yield server
    server.stop()


def _open(context: Any, url: str, toggle: bool = True) -> Any:
    tab = context.new_page()
    tab.goto(url)
    wait_rendered(tab)
    if toggle:  # the presenter's view has the button; the projected one follows it
        tab.wait_for_selector(TOGGLE, timeout=60_000)
    return tab


def test_the_button_turns_the_theme_on_and_the_browser_keeps_it(atelier: AtelierServer, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        tab = _open(context, atelier.facilitator_url)
        assert tab.evaluate(IS_HIGH) is False
        assert tab.get_attribute(TOGGLE, "aria-pressed") == "false"
        assert tab.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--kpa-muted').trim()") \
            == "#5b5d70"
        projected = _open(context, f"{atelier.base}/voila/render/05_groupe.ipynb?workbook={atelier.file.stem}&vue=salle", toggle=False)
        tab.bring_to_front()
        tab.click(TOGGLE)
        assert tab.evaluate(IS_HIGH) is True
        assert tab.get_attribute(TOGGLE, "aria-pressed") == "true"
        assert tab.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--kpa-muted').trim()") \
            == HIGH_CONTRAST["muted"]
        projected.wait_for_function(IS_HIGH, timeout=30_000)  # the projected window follows at once
        tab.screenshot(path=str(Path(screenshot_dir()) / "projector-contrast-1280x720.png"))
        again = _open(context, f"{atelier.base}/voila/render/05_groupe.ipynb?workbook={atelier.file.stem}")
        assert again.evaluate(IS_HIGH) is True  # kept for the next page
        assert again.get_attribute(TOGGLE, "aria-pressed") == "true"
        again.click(TOGGLE)
        assert again.evaluate(IS_HIGH) is False
        projected.wait_for_function(f"() => !({IS_HIGH})()", timeout=30_000)
    finally:
        context.close()


def test_the_address_sets_it_and_its_texts_reach_aaa(atelier: AtelierServer, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        tab = context.new_page()
        tab.goto(atelier.facilitator_url)  # the facilitator's code, then the page by its address
        wait_rendered(tab)
        page = f"{atelier.base}/voila/render/05_groupe.ipynb?workbook={atelier.file.stem}"
        high = _open(context, page + "&contraste=eleve&vue=salle", toggle=False)  # what the room sees
        assert high.evaluate(IS_HIGH) is True
        texts = high.evaluate(_COLOURS)
        assert len(texts) > 20, texts  # the wall, the mix, the votes were read

        def asked(where: str) -> float:  # the mix's segments carry white words on the chart's own colours: AA
            return TEXT if "kpa-cl-seg" in where else HIGH_TEXT

        weak = [(where, fore, back, text, round(contrast(fore, back), 2)) for where, fore, back, text in texts
                if contrast(fore, back) < asked(str(where))]
        assert weak == []
        presenter = _open(context, page + "&contraste=eleve")  # the facilitator's view of the same, with its tools
        assert presenter.evaluate(IS_HIGH) is True
        assert blocking(presenter, "projector-contrast") == []
        normal = _open(context, page + "&contraste=normal", toggle=False)
        assert normal.evaluate(IS_HIGH) is False
        assert context.pages[0].evaluate("() => localStorage.getItem('kpa-contraste')") == "normal"
    finally:
        context.close()
