"""Every checklist step at 1280×720 with 4 and with 30 people (issue 18, « one screen per step »).

Each of the steps fits the window or scrolls inside the bounded stage with the navigation in view;
the group step is a compact table at 30 people (one row a person). The heights measured (the
stage's box and what scrolls inside it) go to ``out/screenshots/steps-heights.json``; a screenshot
per step: ``steps-<people>-<n>.png``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import screenshot_dir
from tests.test_projector_browser import ROWS, VIEWPORT, _at_step, _box, _fits, _open, _wait_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _grow_group(path: Any, people: int) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    group = data["checklist"]["group"]
    while len(group) < people:
        clone = dict(group[len(group) % 4])
        clone["id"] = f"{len(group):012x}"
        clone["alias"] = f"Personne {len(group) + 1}"
        group.append(clone)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("people", [4, 30])
def test_every_step_fits_or_scrolls_inside_the_stage(voila_server: Any, page: Any, people: int) -> None:
    page.set_viewport_size(VIEWPORT)
    path = _open(voila_server, page, f"etapes-{people}", people=min(people, 4))
    if people > 4:
        _grow_group(path, people)
        page.reload()
        _at_step(page, 1)
    steps = page.locator(".kpa-cl-dots .kpa-cl-dot, .kpa-cl-dot").count()
    heights = {}
    number = 1
    while True:
        if number == 3:
            _wait_rows(page, people)
            assert _box(page, f"{ROWS} >> nth=1")["height"] < 110  # one compact row a person
        where = _fits(page)
        heights[number] = {"stage": round(where["stage"]["height"]), "content": where["scroll_height"]}
        assert where["nav"]["y"] >= 0 and where["nav"]["y"] + where["nav"]["height"] <= VIEWPORT["height"], (number, where)
        assert where["stage"]["y"] + where["stage"]["height"] <= where["nav"]["y"] + 1, (number, where)
        if where["scroll_height"] > where["client_height"] + 1:
            assert where["overflow"] in ("auto", "scroll"), (number, where)
        page.screenshot(path=str(screenshot_dir() / f"steps-{people}-{number}.png"))
        if not page.locator(".kpa-cl-next").is_visible() or not page.locator(".kpa-cl-next").is_enabled():
            break
        page.locator(".kpa-cl-next").click()
        number += 1
        _at_step(page, number)
    out = screenshot_dir() / "steps-heights.json"
    recorded = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    recorded[str(people)] = heights
    out.write_text(json.dumps(recorded, indent=1), encoding="utf-8")
    print(people, "people:", heights, "dots:", steps)
    assert number >= 8, heights


def test_the_undo_notice_is_seen_above_the_navigation(voila_server: Any, page: Any) -> None:
    """Removing a person shows « Annuler » where it can be clicked: not under the navigation bar (issue 18)."""
    page.set_viewport_size(VIEWPORT)
    _open(voila_server, page, "annuler", people=4)
    page.locator(".kpa-cl-next").click()
    _at_step(page, 2)
    page.locator(".kpa-cl-next").click()
    _at_step(page, 3)
    _wait_rows(page, 4)
    page.locator(f"{ROWS} >> nth=1 >> .kpa-cl-remove").click()
    _wait_rows(page, 3)
    page.locator(".kpa-cl-notice .kpa-undo").wait_for(state="visible")
    _fits(page)
    seen = page.evaluate("""() => {
        const undo = document.querySelector('.kpa-cl-notice .kpa-undo'), nav = document.querySelector('.kpa-cl-nav');
        const r = undo.getBoundingClientRect(), n = nav.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {undo: [r.top, r.bottom], nav: [n.top, n.bottom], inside: window.innerHeight,
                onTop: !!hit && (hit === undo || undo.contains(hit))}; }""")
    page.screenshot(path=str(screenshot_dir() / "steps-undo.png"))
    assert seen["onTop"] and seen["undo"][1] <= seen["nav"][0] + 1 and seen["undo"][0] >= 0, seen
    page.locator(".kpa-cl-notice .kpa-undo").click()
    _wait_rows(page, 4)


#: Drop-downs whose chosen option is wider than the box shows (« Autre / non… »).
SELECTS_CUT = """(selector) => {
  const canvas = document.createElement('canvas').getContext('2d');
  return Array.from(document.querySelectorAll(selector)).filter(s => s.getClientRects().length > 0).map(s => {
    const style = getComputedStyle(s);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : '';
    const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;  // the arrow
    return [text, Math.round(canvas.measureText(text).width), Math.round(room)];
  }).filter(([_text, need, room]) => need > room);
}"""


def test_the_gender_other_is_read_whole_in_the_group_table(voila_server: Any, page: Any) -> None:
    page.set_viewport_size(VIEWPORT)
    _open(voila_server, page, "genre", people=4)
    page.locator(".kpa-cl-next").click()
    _at_step(page, 2)
    page.locator(".kpa-cl-next").click()
    _at_step(page, 3)
    _wait_rows(page, 4)
    page.locator(f"{ROWS} >> nth=0 >> .kpa-f-gr-gender select").select_option(label="Autre / non-binaire")
    page.locator(f"{ROWS} >> nth=0").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "steps-gender.png"))
    assert page.evaluate(SELECTS_CUT, ".kpa-cl-stage .kpa-cl-gr select") == []
    cut = page.eval_on_selector_all(".kpa-cl-stage .kpa-cl-gr .kpa-cl-remove",
                                    "bs => bs.filter(b => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1).length")
    assert cut == 0
