"""The ideas wall at 5, 25 and 60 phones' worth of ideas and dots (issue 18, item 2–3), in Chromium at 1280×720.

The room is written through the model (:mod:`tests.roomseed`), then « Le groupe en direct » is
opened on a real ``kpa serve``. At each size: no element of the wall sticks out of its box, no
kind's title breaks inside a word (at ~11 dots it stacked one letter per line), dots past a few
are a number, and every idea sent is reachable — in its column, in « Nouvelles idées », under its
column's « et N de plus » once opened, or named under the idea it was merged into.
Screenshots: ``out/screenshots/wall-5.png``, ``wall-25.png``, ``wall-60.png`` (and ``-open``).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from kpawidgets.app.room.views import DOT_ROW
from kpawidgets.storage.workspace import Workspace
from tests.conftest import EXAMPLE, screenshot_dir, wait_rendered
from tests.roomseed import seed_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 720}

#: Elements of the wall that stick out of their parent (sideways), or whose content overflows them.
_OVERFLOWING = """() => {
  const out = [];
  for (const e of document.querySelectorAll('.kpa-room-newest *, .kpa-room-wall *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !e.parentElement) continue;
    const p = e.parentElement.getBoundingClientRect();
    const sticks = r.left < p.left - 1 || r.right > p.right + 1;
    const inner = getComputedStyle(e).display !== 'inline' && e.scrollWidth > e.clientWidth + 1;
    const tall = getComputedStyle(e).overflowY === 'hidden' && e.scrollHeight > e.clientHeight + 1;
    if (sticks || inner || tall) out.push([e.className || e.tagName, (e.textContent || '').slice(0, 40)]);
  }
  return out;
}"""

#: Kinds' titles drawn on more lines than they have words (a word broken across lines).
_BROKEN_TITLES = """() => Array.from(document.querySelectorAll('.kpa-room-column-title')).map(t => {
  const range = document.createRange(); range.selectNodeContents(t);
  const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
  return [t.textContent, lines, t.textContent.trim().split(/\\s+/).length];
}).filter(([_text, lines, words]) => lines > words)"""


@pytest.mark.parametrize("phones", [5, 25, 60])
def test_the_wall_reads_at_every_size(voila_server: Any, page: Any, phones: int) -> None:
    name = f"mur-{phones}"
    shutil.copy(EXAMPLE, voila_server.workspace / f"{name}.json")
    seeded = seed_room(Workspace(voila_server.workspace), name, phones)
    page.set_viewport_size(VIEWPORT)
    page.goto(voila_server.url("05_groupe.ipynb", f"workbook={name}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-room-column", state="visible", timeout=60_000)
    page.screenshot(path=str(screenshot_dir() / f"wall-{phones}.png"))
    assert page.evaluate(_BROKEN_TITLES) == []
    assert page.evaluate(_OVERFLOWING) == []
    drawn = page.eval_on_selector_all(".kpa-room-dots > span[aria-hidden]", "spans => spans.map(s => s.textContent.length)")
    assert drawn and max(drawn) <= DOT_ROW, drawn
    # every idea: shown, or under its column's « et N de plus » once opened, or named in the one it joined
    for summary in page.locator(".kpa-room-more > summary").all():
        summary.click()
    page.screenshot(path=str(screenshot_dir() / f"wall-{phones}-open.png"), full_page=True)
    assert page.evaluate(_OVERFLOWING) == []
    merged_texts = page.locator(".kpa-room-merged li").all_inner_texts()
    unreachable = []
    for idea in seeded.ideas:
        if idea in seeded.merged:
            continue
        if not any(note.is_visible() for note in page.locator(f'[data-idea="{idea}"]').all()):
            unreachable.append(idea)
    assert unreachable == [], unreachable
    assert len(merged_texts) == len(seeded.merged)
    assert page.outside_requests == []
