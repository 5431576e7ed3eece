"""The ideas wall at 5, 25 and 60 phones' worth of ideas and dots (issue 18, item 2–3), in Chromium at 1280×720.

The room is written through the model (:mod:`tests.roomseed`), then « Le groupe en direct » is
opened on a real ``kpa serve``. At each size: no element of the wall sticks out of its box, no
kind's title breaks inside a word (at ~11 dots it stacked one letter per line), dots past a few
are a number, and every idea sent is reachable — in its column, in « Nouvelles idées », under its
column's « et N de plus » once opened, or named under the idea it was merged into.
Screenshots: ``out/screenshots/wall-5.png``, ``wall-25.png``, ``wall-60.png`` (and ``-open``).
"""

from __future__ import annotations

import secrets
import shutil
from typing import Any

import pytest

from kpawidgets.app.room.views import DOT_ROW
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace
from tests.conftest import EXAMPLE, screenshot_dir, wait_rendered
from tests.roomseed import seed_room
from tests.test_steps_browser import SELECTS_CUT

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
    page.goto(voila_server.url("05_groupe.ipynb", f"workbook={name}&vue=salle"))  # what the room sees
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
    if page.locator(".kpa-room-more").count():
        page.locator(".kpa-room-more").last.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / f"wall-{phones}-open.png"))
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


#: Where the join box is in the window, after the page scrolled to its end (whatever element scrolls).
_JOIN_AFTER_SCROLL = """() => {
  let scrolled = 0;
  for (const e of [document.scrollingElement, ...document.querySelectorAll('*')]) {
    if (e === document.scrollingElement || e.scrollHeight > e.clientHeight + 1
        && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)) {
      e.scrollTop = e.scrollHeight; scrolled = Math.max(scrolled, e.scrollTop);
    }
  }
  const inView = (e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight + 1; };
  const join = document.querySelector('.kpa-room-join'), end = inView(join);
  const last = Array.from(document.querySelectorAll('.kpa-room-vote')).pop();
  last.scrollIntoView({block: 'end'});
  return {scrolled, end, votes: inView(last), join: inView(join)};
}"""


def test_presenter_and_projected_views_follow_the_file(voila_server: Any, page: Any, browser: Any) -> None:
    """Two windows: the facilitator's tools on one, only what the room sees on the other; a person added
    on the first appears on the second (issue 18, presenter / projected)."""
    name = "vues"
    shutil.copy(EXAMPLE, voila_server.workspace / f"{name}.json")
    seed_room(Workspace(voila_server.workspace), name, 25)
    page.set_viewport_size(VIEWPORT)
    page.goto(voila_server.url("05_groupe.ipynb", f"workbook={name}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-room-column", state="visible", timeout=60_000)
    # the presenter: the tools first, in the window without scrolling
    tools = page.locator(".kpa-room-tools").all()
    assert len(tools) == 2
    assert all(box["y"] + 40 < VIEWPORT["height"] for box in (t.bounding_box() for t in tools) if box), \
        [t.bounding_box() for t in tools]
    link = page.locator("a.kpa-room-open-projected")
    href = link.get_attribute("href") or ""
    assert "vue=salle" in href and f"workbook={name}" in href and "code=" not in href
    page.screenshot(path=str(screenshot_dir() / "room-presenter.png"))
    # the projected window: a second browser context, as a second screen would be
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    try:
        wall = context.new_page()
        wall.goto(f"{voila_server.base}/voila/render/{href}")
        wait_rendered(wall)
        wall.wait_for_selector(".kpa-room-column", state="visible", timeout=60_000)
        assert wall.locator(".kpa-room-tools").count() == 0
        assert not wall.locator(".kpa-nav").is_visible()
        controls = wall.eval_on_selector_all("select, textarea, input:not([type=hidden]), button",
                                             "es => es.filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))")
        assert controls == [], controls
        before = wall.locator(".kpa-room-counts b").first.inner_text()
        wall.screenshot(path=str(screenshot_dir() / "room-projected.png"))
        join = wall.evaluate(_JOIN_AFTER_SCROLL)
        wall.screenshot(path=str(screenshot_dir() / "room-projected-scrolled.png"))
        assert join == {"scrolled": join["scrolled"], "end": True, "votes": True, "join": True} and join["scrolled"] > 0, join
        # the presenter adds a person without a phone: the projected window counts them, live
        page.locator(".kpa-room-row select").nth(1).select_option(label="Autre / non-binaire")
        assert page.evaluate(SELECTS_CUT, ".kpa-room-row select") == []  # « Autre / non… » was cut
        page.locator(".kpa-room-row input[type=text]").first.fill("Zélie")
        page.locator(".kpa-room-row button").click()
        page.wait_for_selector("text=Personne ajoutée au groupe", timeout=60_000)
        wall.wait_for_function("""(before) => {
            const b = document.querySelector('.kpa-room-counts b');
            return b && b.textContent.trim() !== before && document.querySelector('.kpa-room-aliases').textContent.includes('Zélie'); }""",
                               arg=before, timeout=60_000)
        assert int(wall.locator(".kpa-room-counts b").first.inner_text()) == int(before) + 1
    finally:
        context.close()


def _projected_wall(voila_server: Any, page: Any, name: str, phones: int, shown: str) -> Workspace:
    """Workbook *name* with *phones* phones' room, its projected wall open in *page* once *shown* is visible."""
    shutil.copy(EXAMPLE, voila_server.workspace / f"{name}.json")
    workspace = Workspace(voila_server.workspace)
    seed_room(workspace, name, phones)
    page.set_viewport_size(VIEWPORT)
    page.goto(voila_server.url("05_groupe.ipynb", f"workbook={name}&vue=salle"))
    wait_rendered(page)
    page.wait_for_selector(shown, state="visible", timeout=60_000)
    return workspace


def _a_phone_sends(workspace: Workspace, name: str, text: str, kind: str) -> str:
    """A new phone's idea of *kind*, written through the room's own writer; its id."""
    owner = owner_of(secrets.token_urlsafe(16))
    idea, _saved = apply_now(workspace, name, lambda workbook: rc.add_idea(workbook.room, owner, text, kind).id)
    return str(idea)


def test_an_opened_fold_stays_open_while_the_wall_follows_the_room(voila_server: Any, page: Any) -> None:
    """« et N de plus » opened on the projected wall stays open when a phone's idea redraws the wall,
    and one closed again stays closed (every change in the file drew every fold closed: issue 18)."""
    name = "mur-replis"
    workspace = _projected_wall(voila_server, page, name, 25, ".kpa-room-more")
    fold = page.locator(".kpa-room-more").first
    kind = (fold.get_attribute("data-fold") or "").removeprefix("wall-")
    assert kind, fold.evaluate("e => e.outerHTML.slice(0, 120)")
    selector = f'details[data-fold="wall-{kind}"]'
    fold.locator("summary").click()
    assert page.eval_on_selector(selector, "e => e.open")

    for opened in (True, False):
        page.eval_on_selector(selector, "e => { e.kpaBefore = true; }")  # the drawn fold, to tell a redraw
        idea = _a_phone_sends(workspace, name, f"Une idée arrivée pendant la lecture ({opened})", kind)
        page.wait_for_selector(f'[data-idea="{idea}"]', state="attached", timeout=60_000)
        page.wait_for_function(f"() => !document.querySelector('{selector}').kpaBefore", timeout=60_000)
        assert page.eval_on_selector(selector, "e => e.open") is opened
        if opened:
            page.screenshot(path=str(screenshot_dir() / "wall-fold-kept-open.png"))
            page.locator(f"{selector} > summary").click()  # closed by the facilitator: stays closed
            assert not page.eval_on_selector(selector, "e => e.open")


def _seen(tab: Any) -> dict[str, bool]:
    """Which parts of the room a window shows."""
    return {name: tab.locator(f".kpa-room-panel-{name}").first.is_visible() for name in ("wall", "mix", "votes", "phrases")} | {
        "join": tab.locator(".kpa-room-join").first.is_visible()}


def test_the_presenter_shows_one_part_of_the_room_and_the_projected_window_follows(voila_server: Any, page: Any,
                                                                                     browser: Any) -> None:
    """« Montrer à la salle » (issue 18's step controls): the wall, the group or the votes alone on the
    projected window — another window of the presenter's browser — at once; the join box stays."""
    name = "montrer"
    shutil.copy(EXAMPLE, voila_server.workspace / f"{name}.json")
    seed_room(Workspace(voila_server.workspace), name, 5)
    page.set_viewport_size(VIEWPORT)
    page.goto(voila_server.url("05_groupe.ipynb", f"workbook={name}"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-room-show-button", state="visible", timeout=60_000)
    href = page.locator("a.kpa-room-open-projected").get_attribute("href") or ""
    wall = page.context.new_page()  # the projected window: the same browser, as « Ouvrir la vue projetée » opens it
    wall.set_viewport_size(VIEWPORT)
    wall.goto(f"{voila_server.base}/voila/render/{href}")
    wait_rendered(wall)
    wall.wait_for_selector(".kpa-room-column", state="visible", timeout=60_000)
    assert _seen(wall) == {"wall": True, "mix": True, "votes": True, "phrases": True, "join": True}
    assert wall.locator(".kpa-room-show-button").count() == 0  # the controls stay on the presenter's screen
    expected = {"mur": {"wall": True, "mix": False, "votes": False, "phrases": False, "join": True},
                "groupe": {"wall": False, "mix": True, "votes": False, "phrases": True, "join": True},
                "votes": {"wall": False, "mix": False, "votes": True, "phrases": False, "join": True},
                "tout": {"wall": True, "mix": True, "votes": True, "phrases": True, "join": True}}
    for shown, parts in expected.items():
        page.locator(f'.kpa-room-show-button[data-show="{shown}"]').click()
        assert page.eval_on_selector_all(".kpa-room-show-button[aria-pressed=true]", "bs => bs.map(b => b.dataset.show)") == [shown]
        wall.wait_for_function("v => document.documentElement.dataset.kpaShow === v", arg=shown, timeout=10_000)
        assert _seen(wall) == parts, shown
        if shown == "votes":
            wall.screenshot(path=str(screenshot_dir() / "room-projected-votes.png"))
    # a projected window opened on its own (another computer): the address says what to show
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    try:
        alone = context.new_page()
        alone.goto(f"{voila_server.base}/voila/render/{href}&montrer=groupe")
        wait_rendered(alone)
        alone.wait_for_selector(".kpa-room-panel-mix", state="visible", timeout=60_000)
        assert _seen(alone) == expected["groupe"]
    finally:
        context.close()


def test_the_projected_wall_keeps_its_place_while_the_room_sends(voila_server: Any, page: Any) -> None:
    """Scrolled down the projected wall (60 phones: it is taller than the screen), the facilitator reads
    on while phones send: the wall redraws where it was, not back at its top (issue 18)."""
    name = "mur-place"
    workspace = _projected_wall(voila_server, page, name, 60, ".kpa-room-column")
    main = ".kpa-room-projected .kpa-room-main"
    room = page.eval_on_selector(main, "e => e.scrollHeight - e.clientHeight")
    assert room > 400, room  # the wall is taller than the window: it scrolls
    page.eval_on_selector(main, "e => { e.scrollTop = 400; }")
    for turn in range(3):
        idea = _a_phone_sends(workspace, name, f"Idée tardive {turn}", "cuisine")
        page.wait_for_selector(f'[data-idea="{idea}"]', state="attached", timeout=60_000)
        assert abs(page.eval_on_selector(main, "e => e.scrollTop") - 400) <= 2
