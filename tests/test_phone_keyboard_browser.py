"""The phone page with a keyboard only, and at 200 % zoom (issue 23, « everyone able to take part »).

A real ``kpa serve --atelier`` on 127.0.0.1 and Chromium. With the keyboard alone a person reaches
every control in the page's order, sees where the focus is (a 2 px outline at least, the folds'
summaries included), fills their card and sends it with Enter, and hears « Fiche enregistrée » from a
live region. At 200 % zoom (a 390 px phone seen as 195 px) nothing runs past the page's right edge, the
section links keep their words whole, and the card is still sent. Screenshot ``phone-zoom-200.png``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import screenshot_dir
from tests.test_room_browser import AtelierServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Tab presses allowed to go once round the page (it has about 25 stops with the example's room).
MAX_TABS = 80

_FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim().slice(0, 40),
          outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth)}; }"""

_PAST_THE_EDGE = """() => { const edge = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')].filter(e => e.getClientRects().length)
    .filter(e => e.getBoundingClientRect().right > edge)
    .map(e => e.tagName + '#' + e.id + ' ' + (e.textContent || '').trim().slice(0, 30)); }"""

# a word cut across two lines shows as a text fragment that starts mid-word: compare each word's rects
_WORDS_CUT = """sel => [...document.querySelectorAll(sel)].flatMap(link => {
  const text = link.firstChild && link.firstChild.nodeType === 3 ? link.firstChild : null;
  if (!text) return [];
  const cut = []; let at = 0;
  for (const word of text.data.split(/\\s+/)) {
    const start = text.data.indexOf(word, at); at = start + word.length;
    if (!word) continue;
    const range = document.createRange(); range.setStart(text, start); range.setEnd(text, at);
    if (range.getClientRects().length > 1) cut.push(word);
  }
  return cut; })"""


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtelierServer]:
    server = AtelierServer(tmp_path_factory.mktemp("atelier-keyboard"))
    yield server
    server.stop()


def _group(server: AtelierServer) -> list[dict[str, Any]]:
    """The checklist's group as the file holds it (a phone's card is a member of it)."""
    return json.loads(server.file.read_text(encoding="utf-8"))["checklist"]["group"]  # type: ignore[no-any-return]


def _open(browser: Any, url: str, width: int, height: int, scale: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
    return tab


def _tab_to(tab: Any, wanted: str) -> dict[str, Any]:
    """Press Tab until the focus is on the element matching *wanted* (a CSS selector); what has it."""
    for _ in range(MAX_TABS):
        tab.keyboard.press("Tab")
        if tab.evaluate("s => document.activeElement.matches(s)", wanted):
            return tab.evaluate(_FOCUSED)  # type: ignore[no-any-return]
    raise AssertionError(f"Tab never reached {wanted}")


def test_the_phone_page_works_with_a_keyboard_only(atelier: AtelierServer, browser: Any) -> None:
    tab = _open(browser, atelier.participant_url, 390, 844, 2)
    try:
        stops = []
        for _ in range(MAX_TABS):
            tab.keyboard.press("Tab")
            focused = tab.evaluate(_FOCUSED)
            if focused["tag"] == "BODY" or (stops and focused == stops[0]):
                break  # once round the page
            stops.append(focused)
        ids = {stop["id"] for stop in stops}
        assert {"kpa-alias", "kpa-age_band", "kpa-gender", "kpa-wishes", "kpa-skills", "kpa-idea", "kpa-kind"} <= ids, ids
        texts = [stop["text"] for stop in stops]
        for wanted in ("Moi", "Priorités", "Enregistrer ma fiche", "Ajouter l'idée au mur", "On l'adopte", "Effacer mes réponses"):
            assert wanted in texts, (wanted, texts)
        assert any(stop["tag"] == "SUMMARY" for stop in stops)  # the folds open from the keyboard too
        unseen = [stop for stop in stops if stop["outline"] < 2]
        assert unseen == [], unseen  # every stop shows where the focus is
        # the card, filled and sent from the keyboard alone
        tab.evaluate("document.activeElement.blur()")
        tab.keyboard.press("Home")
        _tab_to(tab, "#kpa-alias")
        tab.keyboard.type("Nour")
        _tab_to(tab, "#kpa-age_band")
        tab.keyboard.press("ArrowDown")
        tab.keyboard.press("ArrowDown")
        _tab_to(tab, "#kpa-wishes")
        tab.keyboard.type("tenir la caisse")
        _tab_to(tab, "#me button.kpa-primary")
        tab.keyboard.press("Enter")
        tab.wait_for_selector("#me [aria-live] :text('Fiche enregistrée')", timeout=60_000)
        member = next(person for person in _group(atelier) if person.get("alias") == "Nour")
        assert "tenir la caisse" in member["interests"] and member["age_band"]
    finally:
        tab.context.close()


def test_the_phone_page_at_200_percent_zoom(atelier: AtelierServer, browser: Any) -> None:
    # 200 % zoom halves the page's width in CSS pixels: a 390×844 phone reads as 195×422
    tab = _open(browser, atelier.participant_url, 195, 422, 4)
    try:
        tab.locator("#me .kpa-fold > summary").first.click()  # « Ma situation », its ticks in view
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert tab.evaluate(_PAST_THE_EDGE) == []
        overflowing = tab.eval_on_selector_all("summary, button, label, a, select", """es => es
            .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim().slice(0, 30))""")
        assert overflowing == []  # nor past its own box (« jusqu'à 3 » stuck out of « Ma situation »)
        assert tab.evaluate(_WORDS_CUT, ".kpa-jump a") == []  # « Prio / rité / s » before
        tab.screenshot(path=str(screenshot_dir() / "phone-zoom-200.png"))
        # the budget opened: the bar, its legend and the three years, one year a block, inside the page
        tab.locator("#budget-more > summary").click()
        tab.locator(".kpa-years").scroll_into_view_if_needed()
        assert tab.locator(".kpa-years tbody tr").count() == 3
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert tab.evaluate(_PAST_THE_EDGE) == []
        assert tab.eval_on_selector_all(".kpa-years th, .kpa-years td", """es => es
            .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""") == []
        tab.screenshot(path=str(screenshot_dir() / "phone-zoom-200-budget.png"))
        tab.locator("#kpa-alias").fill("Zoé")
        tab.locator("#me button.kpa-primary").click()
        tab.wait_for_selector("#me [aria-live] :text('Fiche enregistrée')", timeout=60_000)
        assert any(person.get("alias") == "Zoé" for person in _group(atelier))
    finally:
        tab.context.close()
