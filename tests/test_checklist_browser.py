"""The checklist workshop in Chromium at 1280×720: walk every step, change things, reload, find them kept.

Runs a real ``kpa serve`` (Voilà, real kernels). Screenshots of each step go to
``out/screenshots/checklist-<lang>-<n>-<step>.png``.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import screenshot_dir, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEP_FILES = ["lieu", "equipement", "groupe", "equipe", "portage", "partenaires", "philosophie", "accompagnement", "resume"]

TEXT = {
    "fr": {"done": "Acquis", "in_progress": "En cours", "man": "Homme", "committed": "Engagé", "title9": "Où en est-on ?",
           "add_person": "Ajouter une personne", "next": "Suivant", "saved": "Enregistré"},
    "en": {"done": "Secured", "in_progress": "In progress", "man": "Man", "committed": "Committed",
           "title9": "Where do we stand?", "add_person": "Add a person", "next": "Next", "saved": "Saved"},
}


def _workbook_copy(server: Any, name: str) -> Path:
    source = server.workspace / "exemple-quartier-des-tisserands.json"
    target = server.workspace / f"{name}.json"
    shutil.copy(source, target)
    return target


def _wait_for_file(path: Path, predicate: Callable[[dict[str, Any]], bool], timeout: float = 60) -> dict[str, Any]:
    """Wait until the saved workbook satisfies *predicate* (the kernel saves as the page is used)."""
    deadline = time.monotonic() + timeout
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        data = json.loads(path.read_text(encoding="utf-8"))["checklist"]
        if predicate(data):
            return data
        time.sleep(0.2)
    raise AssertionError(f"the workbook file never got the change: {json.dumps(data, ensure_ascii=False)[:2000]}")


def _at_step(page: Any, number: int) -> None:
    page.wait_for_selector(f".kpa-cl-dot-current:text-is('{number}')", state="attached")
    page.wait_for_selector(".kpa-cl-stage .kpa-cl-screen", state="visible")


def _shot(page: Any, lang: str, number: int) -> None:
    page.evaluate("document.querySelector('.kpa-cl').scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshot_dir() / f"checklist-{lang}-{number}-{STEP_FILES[number - 1]}.png"))


def _no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate("""() => { const s = document.getElementById('rendered_cells') || document.scrollingElement;
        return [s.scrollWidth, s.clientWidth, document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]; }""")
    assert widths[0] <= widths[1] and widths[2] <= widths[3], widths


def _font_px(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)"))


def _next(page: Any, number: int, *, keyboard: bool = False) -> None:
    if keyboard:
        page.locator(".kpa-cl-stage .kpa-cl-title").first.click()  # focus out of any field
        page.keyboard.press("ArrowRight")
    else:
        page.locator(".kpa-cl-next").click()
    _at_step(page, number)


def _status(page: Any, key: str, label: str) -> None:
    page.locator(f".kpa-cl-stage .kpa-f-{key}-status button", has_text=re.compile(f"^{re.escape(label)}$")).click()
    page.wait_for_selector(f".kpa-cl-stage .kpa-f-{key}-status button.mod-active:text-is('{label}')")


def _fill(page: Any, selector: str, value: str) -> None:
    field = page.locator(selector)
    field.fill(value)
    field.press("Tab")


def _walk_and_change(page: Any, lang: str, path: Path) -> None:
    t = TEXT[lang]
    # 1. Venue
    _at_step(page, 1)
    assert _font_px(page, ".kpa-cl-stage .kpa-cl-question .widget-label-basic") >= 24
    assert _font_px(page, ".kpa-cl-stage .kpa-cl-intro") >= 20
    assert _font_px(page, ".kpa-cl-stage .kpa-f-venue-owner input") >= 24
    assert page.locator(".kpa-cl-next").is_visible()  # the navigation bar stays on screen
    _status(page, "venue", t["done"])
    page.locator(".kpa-cl-stage .kpa-f-venue-available input[type=checkbox]").check()
    _fill(page, ".kpa-cl-stage .kpa-f-venue-owner input", "Animatrice du centre social")
    _no_horizontal_scroll(page)
    _shot(page, lang, 1)
    # 2. Equipment (keyboard arrow)
    _next(page, 2, keyboard=True)
    page.locator(".kpa-cl-stage .kpa-f-equipment-storage input[type=checkbox]").check()
    _fill(page, ".kpa-cl-stage .kpa-cl-eq >> nth=-1 >> .kpa-f-eq-cost input", "120")
    page.wait_for_selector(".kpa-cl-stage .kpa-cl-badge-checks:has-text('4')")  # 4 of 5 criteria now
    _shot(page, lang, 2)
    # 3. Group: one more person
    _next(page, 3)
    rows_before = page.locator(".kpa-cl-stage .kpa-cl-gr").count()
    page.locator(".kpa-cl-stage .kpa-cl-gr-add").click()
    page.wait_for_function(f"document.querySelectorAll('.kpa-cl-stage .kpa-cl-gr').length === {rows_before + 1}")
    last = ".kpa-cl-stage .kpa-cl-gr >> nth=-1"
    page.locator(f"{last} >> .kpa-f-gr-gender select").select_option(label=t["man"])
    _fill(page, f"{last} >> .kpa-f-gr-alias input", "T.")
    page.wait_for_selector(".kpa-cl-stage .kpa-cl-legend:has-text('3')")  # men: 2 → 3
    _shot(page, lang, 3)
    # 4. Team
    _next(page, 4, keyboard=True)
    _fill(page, ".kpa-cl-stage .kpa-cl-team >> nth=0 >> .kpa-f-team-fte input", "0,8" if lang == "fr" else "0.8")
    page.wait_for_selector(".kpa-cl-stage .kpa-cl-gauge figcaption:has-text('1,5')" if lang == "fr"
                           else ".kpa-cl-stage .kpa-cl-gauge figcaption:has-text('1.5 FTE of')")
    _shot(page, lang, 4)
    # 5. Host
    _next(page, 5)
    page.locator(".kpa-cl-stage .kpa-f-host-convention input[type=checkbox]").check()
    _status(page, "host", t["in_progress"])
    _shot(page, lang, 5)
    # 6. Partners
    _next(page, 6)
    # The Collège Jean-Macé, the example's 7th partner (the budget's funders follow it since file format 3).
    page.locator(".kpa-cl-stage .kpa-cl-pa >> nth=6 >> .kpa-f-pa-status select").select_option(label=t["committed"])
    page.wait_for_function("document.querySelectorAll('.kpa-cl-stage .kpa-cl-auto .kpa-cl-ko').length === 0")
    _shot(page, lang, 6)
    # 7. Philosophy
    _next(page, 7)
    page.locator(".kpa-cl-stage .kpa-f-ph-charters input[type=checkbox]").check()
    _fill(page, ".kpa-cl-stage .kpa-f-ph-charters-words input", "Notre charte, écrite ensemble")
    page.wait_for_selector(".kpa-cl-stage .kpa-cl-stat-inline:has-text('6 / 8')")
    _shot(page, lang, 7)
    # 8. Support path
    _next(page, 8)
    _fill(page, ".kpa-cl-stage .kpa-f-su-micro-start input", "2027-01-12")
    _shot(page, lang, 8)
    # 9. Summary
    _next(page, 9)
    page.wait_for_selector(f".kpa-cl-stage .kpa-cl-title:has-text('{t['title9']}')")
    assert page.locator(".kpa-cl-stage .kpa-cl-light").count() == 6
    assert page.locator(".kpa-cl-stage .kpa-cl-progress").is_visible()
    assert page.locator(".kpa-cl-next").is_disabled()
    _no_horizontal_scroll(page)
    _shot(page, lang, 9)

    def all_saved(data: dict[str, Any]) -> bool:
        return (data["ingredients"]["venue"]["status"] == "done"
                and "available" in data["ingredients"]["venue"]["criteria"]
                and data["ingredients"]["venue"]["owner"] == "Animatrice du centre social"
                and "storage" in data["ingredients"]["equipment"]["criteria"]
                and data["equipment"][-1]["cost"] == "120.00"
                and len(data["group"]) == 11 and data["group"][-1]["gender"] == "man" and data["group"][-1]["alias"] == "T."
                and data["team"][0]["fte"] == "0.8"
                and "convention" in data["ingredients"]["host"]["criteria"]
                and data["partners"][6]["status"] == "committed"
                and data["philosophy"]["charters"] == {"adopted": True, "words": "Notre charte, écrite ensemble"}
                and data["support"]["micro"]["start"] == "2027-01-12")

    _wait_for_file(path, all_saved)


def _check_kept(page: Any, lang: str) -> None:
    t = TEXT[lang]
    _at_step(page, 1)
    page.wait_for_selector(f".kpa-cl-stage .kpa-f-venue-status button.mod-active:text-is('{t['done']}')")
    assert page.locator(".kpa-cl-stage .kpa-f-venue-available input[type=checkbox]").is_checked()
    assert page.locator(".kpa-cl-stage .kpa-f-venue-owner input").input_value() == "Animatrice du centre social"

    def jump(number: int) -> None:
        page.locator(".kpa-cl-jump select").select_option(index=number - 1)
        _at_step(page, number)

    jump(2)
    assert page.locator(".kpa-cl-stage .kpa-f-equipment-storage input[type=checkbox]").is_checked()
    assert page.locator(".kpa-cl-stage .kpa-cl-eq >> nth=-1 >> .kpa-f-eq-cost input").input_value().replace("\u00a0", " ") in ("120,00 €", "€120.00")
    jump(3)
    assert page.locator(".kpa-cl-stage .kpa-cl-gr").count() == 11
    last = ".kpa-cl-stage .kpa-cl-gr >> nth=-1"
    assert page.locator(f"{last} >> .kpa-f-gr-alias input").input_value() == "T."
    assert page.locator(f"{last} >> .kpa-f-gr-gender select").evaluate("s => s.options[s.selectedIndex].text") == t["man"]
    jump(4)
    assert page.locator(".kpa-cl-stage .kpa-cl-team >> nth=0 >> .kpa-f-team-fte input").input_value() in ("0,8", "0.8")
    jump(5)
    assert page.locator(".kpa-cl-stage .kpa-f-host-convention input[type=checkbox]").is_checked()
    jump(6)
    assert page.locator(".kpa-cl-stage .kpa-cl-pa >> nth=6 >> .kpa-f-pa-status select").evaluate(
        "s => s.options[s.selectedIndex].text") == t["committed"]
    jump(7)
    assert page.locator(".kpa-cl-stage .kpa-f-ph-charters input[type=checkbox]").is_checked()
    assert page.locator(".kpa-cl-stage .kpa-f-ph-charters-words input").input_value() == "Notre charte, écrite ensemble"
    jump(8)
    assert page.locator(".kpa-cl-stage .kpa-f-su-micro-start input").input_value() == "2027-01-12"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_walk_all_steps_change_reload_and_everything_is_kept(voila_server: Any, page: Any, lang: str) -> None:
    name = f"atelier-{lang}"
    path = _workbook_copy(voila_server, name)
    url = voila_server.url("01_checklist.ipynb", f"workbook={name}" + ("&lang=en" if lang == "en" else ""))
    page.goto(url)
    wait_rendered(page)
    _walk_and_change(page, lang, path)
    page.reload()
    wait_rendered(page)
    _check_kept(page, lang)
    assert page.outside_requests == []


def test_full_page_mode_and_small_screens(voila_server: Any, page: Any) -> None:
    name = "atelier-page"
    _workbook_copy(voila_server, name)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(voila_server.url("01_checklist.ipynb", f"workbook={name}"))
    wait_rendered(page)
    _at_step(page, 1)
    _no_horizontal_scroll(page)
    page.locator(".kpa-cl-mode button", has_text="Tout sur une page").click()
    page.wait_for_function("document.querySelectorAll('.kpa-cl-stage .kpa-cl-screen').length === 9")
    page.locator(".kpa-cl-next").wait_for(state="hidden")
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshot_dir() / "checklist-fr-page-1024.png"))
    page.set_viewport_size({"width": 390, "height": 844})  # a participant's phone
    page.locator(".kpa-cl-mode button", has_text="Mode projecteur").click()
    # the page's nine screens stay drawn until the kernel's answer: step 1 is « current » in both modes,
    # so wait for the projector's one screen (a measure taken before it once read 665 px of page mode)
    page.wait_for_function("document.querySelectorAll('.kpa-cl-stage .kpa-cl-screen').length === 1")
    page.locator(".kpa-cl-next").wait_for(state="visible")
    _at_step(page, 1)
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshot_dir() / "checklist-fr-phone.png"))
