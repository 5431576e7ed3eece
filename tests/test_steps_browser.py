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
