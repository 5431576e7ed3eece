"""The phone page at 390×844 in a room of 29 people and 56 ideas (issue 18, « the phone page »).

A real ``kpa serve --atelier`` on 127.0.0.1; the room written through the model
(:mod:`tests.roomseed`), one phone joining in Chromium with touch. Checked: the page's length
(screens of 844 px; measured into ``out/screenshots/phone-length.json``), the links to its
sections, ``maxlength`` and counters, drafts kept across a reload and dropped once sent, and a
dot's count never alone on a line under its idea. Screenshots ``phone-29-top.png``, ``phone-29-dots.png``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kpawidgets.model.room.group import CARD_ALIAS_MAX
from kpawidgets.model.room.records import IDEA_MAX, WISH_MAX
from kpawidgets.storage.workspace import Workspace
from tests.conftest import EXAMPLE, screenshot_dir
from tests.roomseed import Seeded, seed_room
from tests.test_room_browser import PHONE, AtelierServer, _phone

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Screens of 844 px the page may take with 29 people and 56 ideas: a guard against it growing back (8.6
#: before; 4.3 with the folds; 4.8 with the privacy notice, the sensitive question and « Reprendre mes
#: réponses » of issue 23, the budget folded; 3.39 with a label and its counter on one line, the sensitive
#: question in the situation's fold, 3 commitments and 3 ideas open and the others folded). The issue: about 3.
MAX_SCREENS = 3.5


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AtelierServer, Seeded]]:
    server = AtelierServer(tmp_path_factory.mktemp("atelier-phone"))
    seeded = seed_room(Workspace(server.workspace), EXAMPLE.stem, 28)
    yield server, seeded
    server.stop()


def test_the_phone_page_is_short_jumps_counts_and_keeps_drafts(crowded: tuple[AtelierServer, Seeded], browser: Any) -> None:
    server, seeded = crowded
    tab = _phone(browser, server.participant_url)
    try:
        height = tab.evaluate("document.documentElement.scrollHeight")
        (screenshot_dir() / "phone-length.json").write_text(json.dumps({"people": 29, "ideas": 56, "px": height,
                                                                         "screens": round(height / 844, 2)}))
        print("phone page:", height, "px,", round(height / 844, 2), "screens", tab.eval_on_selector_all(
            ".kpa-card, .kpa-jump, header", "es => es.map(e => [e.id || e.tagName, Math.round(e.getBoundingClientRect().height)])"))
        tab.screenshot(path=str(screenshot_dir() / "phone-29-top.png"))
        assert height <= MAX_SCREENS * 844, height
        # every idea is there to dot, the folded ones behind « Voir les … autres idées »
        assert tab.locator("#dots button.kpa-dot").count() == len(seeded.ideas) - len(seeded.merged)
        # the sections to jump to
        tab.locator(".kpa-jump a[href='#dots']").tap()
        tab.wait_for_function("() => { const r = document.getElementById('dots').getBoundingClientRect();"
                              " return r.top >= 0 && r.top < window.innerHeight / 2; }")
        tab.screenshot(path=str(screenshot_dir() / "phone-29-dots.png"))
        # a count stays on its idea's line (it wrapped alone under the button)
        alone = tab.eval_on_selector_all("#dots button.kpa-dot", """bs => bs.filter(b => b.getClientRects().length > 0)
            .filter(b => b.querySelector('b').getBoundingClientRect().top >= b.querySelector('bdi').getBoundingClientRect().bottom - 1)
            .map(b => b.textContent)""")
        assert alone == [], alone
        # bounded fields say how much is left, and refuse more than the file takes
        wishes, idea = tab.locator("#kpa-wishes"), tab.locator("#kpa-idea")
        assert wishes.get_attribute("maxlength") == str(WISH_MAX) and idea.get_attribute("maxlength") == str(IDEA_MAX)
        assert tab.locator("#kpa-alias").get_attribute("maxlength") == str(CARD_ALIAS_MAX)  # the file's own bound
        wishes.fill("cuisiner pour des buffets")
        assert tab.locator("#kpa-wishes-count").inner_text() == f"25 / {WISH_MAX}"
        assert "kpa-wishes-count" in (wishes.get_attribute("aria-describedby") or "")
        idea.fill("x" * (IDEA_MAX + 50))
        assert len(idea.input_value()) == IDEA_MAX
        idea.fill("Un atelier vélo")
        # drafts survive a reload…
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert tab.locator("#kpa-wishes").input_value() == "cuisiner pour des buffets"
        assert tab.locator("#kpa-idea").input_value() == "Un atelier vélo"
        assert tab.locator("#kpa-idea-count").inner_text() == f"15 / {IDEA_MAX}"
        # …and are dropped once sent
        tab.locator("#ideas").get_by_role("button", name="Ajouter l'idée au mur").tap()
        tab.wait_for_selector("text=Idée envoyée", timeout=60_000)
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert tab.locator("#kpa-idea").input_value() == ""
        assert tab.locator("#kpa-wishes").input_value() == "cuisiner pour des buffets"  # not sent yet: kept
        drafts = tab.evaluate("JSON.parse(localStorage.getItem('kpa-drafts:/atelier') || '{}')")
        assert drafts.get("kpa-wishes") == "cuisiner pour des buffets" and "kpa-idea" not in drafts, drafts
    finally:
        tab.context.close()


#: The same room on a small phone (320×568, an iPhone SE of 2016): measured, and a guard against it growing back
#: (8 446 px, 15 screens, in the issue; 4 340 px before the folds of issue 18's phone page; 3 073 px after).
MAX_SMALL_PX = 3400


def test_the_phone_page_on_a_small_phone(crowded: tuple[AtelierServer, Seeded], browser: Any) -> None:
    server, _seeded = crowded
    context = browser.new_context(**{**PHONE, "viewport": {"width": 320, "height": 568}}, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:"))
                  else route.abort())
    try:
        tab = context.new_page()
        tab.goto(server.participant_url)
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        height = tab.evaluate("document.documentElement.scrollHeight")
        print("phone page at 320×568:", height, "px,", round(height / 568, 2), "screens")
        tab.screenshot(path=str(screenshot_dir() / "phone-29-small.png"))
        assert height <= MAX_SMALL_PX, height
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320  # nothing wider than the phone
        overflowing = tab.eval_on_selector_all(".kpa-jump a, header a, button, label, select", """els => els
            .filter(e => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
        assert overflowing == [], overflowing
    finally:
        context.close()
