"""Workshop mode in Chromium: phones join with the code, the projector follows, the door stays shut.

A real ``kpa serve --atelier`` bound to 127.0.0.1 (the tests reach it there only). Phones are
separate browser contexts at 390×844 with touch; the projector is a 1280×720 context.
Screenshots: ``out/screenshots/room-phone.png`` and ``room-projector.png``; with the people who
joined by phone in the checklist's group: ``room-group-phone.png`` (390×844),
``room-group-projector.png``, ``room-group-step.png`` and ``room-group-step-rows.png`` (1280×720);
the time from the phone's tap to the row in the group step (and back) goes to
``room-group-timings.json`` (measured, never asserted).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (EXAMPLE, ROOT, free_port, kernel_pids, screenshot_dir, stop_process, wait_or_explain,
                            wait_until_serving)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


class AtelierServer:
    """``kpa serve --atelier`` on 127.0.0.1, with the URLs it printed."""

    def __init__(self, folder: Path) -> None:
        self.workspace = folder / "workspace"
        self.workspace.mkdir()
        shutil.copy(EXAMPLE, self.workspace / EXAMPLE.name)
        self.file = self.workspace / EXAMPLE.name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "voila.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
             "--port", str(self.port), "--workspace", str(self.workspace), "--workbook", EXAMPLE.stem],
            stdout=self._log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"), cwd=ROOT)
        if not wait_until_serving(self.port, self.process):
            raise RuntimeError(f"kpa serve --atelier did not start: {self.log()}")
        urls = re.findall(r"https?://\S+", self.log())
        self.participant_url, self.facilitator_url = urls[0], urls[1]
        self.join_code = re.search(r"Code à taper sur \S+ : (\S+)", self.log()).group(1)  # type: ignore[union-attr]

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def room(self) -> dict[str, Any]:
        return json.loads(self.file.read_text(encoding="utf-8")).get("room") or {}

    def stop(self) -> None:
        stop_process(self.process, timeout=20)
        self._log.close()


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtelierServer]:
    server = AtelierServer(tmp_path_factory.mktemp("atelier"))
    yield server
    server.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str) -> tuple[int, str, str]:
    """Status, Location and body of a GET, without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8", "replace")


def test_printed_urls_and_codes(atelier: AtelierServer) -> None:
    assert atelier.participant_url.startswith(f"{atelier.base}/atelier?code=")
    assert atelier.facilitator_url.startswith(f"{atelier.base}/voila/render/05_groupe.ipynb?code=")
    participant = re.search(r"code=([^&]+)", atelier.participant_url).group(1)  # type: ignore[union-attr]
    facilitator = re.search(r"code=([^&]+)", atelier.facilitator_url).group(1)  # type: ignore[union-attr]
    assert len(participant) >= 16 and len(facilitator) >= 16 and participant != facilitator  # ≥ 96 bits
    assert re.fullmatch(r"[A-Z2-9]{3}-[A-Z2-9]{3}", atelier.join_code)
    log = atelier.log()
    assert log.index("/atelier?") < log.index("05_groupe")  # the participants' line first


def test_without_a_valid_code_nothing_opens(atelier: AtelierServer) -> None:
    participant = re.search(r"code=([^&]+)", atelier.participant_url).group(1)  # type: ignore[union-attr]
    refused = [
        "/", "/voila/tree", "/voila/render/00_accueil.ipynb", "/voila/render/01_checklist.ipynb",
        "/atelier", "/atelier?code=wrong", "/voila/render/02_budget.ipynb?code=wrong",
        f"/voila/render/01_checklist.ipynb?code={participant}", f"/voila/render/02_budget.ipynb?code={participant}",
        f"/voila/render/05_groupe.ipynb?code={participant}", f"/voila/tree?code={participant}",
        f"/atelier?code={atelier.join_code}x", f"/voila/render/04_participer.ipynb?code={participant}",
    ]
    for path in refused:
        status, location, body = _get(atelier.base + path)
        assert status == 302 and location.startswith("/login") or "login?" in location, (path, status, location)
        assert "exemple" not in body and "ipynb" not in body
        status, _location, body = _get(atelier.base + location if location.startswith("/") else location)
        assert status == 403, path
        assert "Rejoindre · Join" in body and "Workshop code" in body
        assert "demande le code de l" in body or "seulement la page des participant" in body
    assert kernel_pids(atelier.process.pid) == []  # no request started a kernel
    status, _location, body = _get(f"{atelier.base}/login?next=/")
    assert "<script" not in body


def _phone(browser: Any, url: str) -> Any:
    context = browser.new_context(**PHONE, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
    return tab


def _card(tab: Any, number: int) -> Any:
    return tab.locator(".kpa-card").nth(number)


def _join(tab: Any, alias: str, idea: str, kind: str, votes: dict[int, str]) -> None:
    me = _card(tab, 0)
    me.locator("#kpa-alias").fill(alias)
    me.locator("#kpa-age_band").select_option(label="26–35 ans")
    me.locator("#kpa-gender").select_option(label="Femme" if alias != "Karim" else "Homme")
    me.locator("textarea").first.fill("cuisine, jardin")
    me.get_by_role("button", name="Enregistrer ma fiche").tap()
    tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
    ideas = _card(tab, 1)
    ideas.locator("#kpa-idea").fill(idea)
    ideas.locator("#kpa-kind").select_option(label=kind)
    ideas.get_by_role("button", name="Ajouter l'idée au mur").tap()
    tab.wait_for_selector("text=Idée envoyée", timeout=60_000)
    for index, choice in votes.items():
        tab.locator("#votes .kpa-toggle").nth(index).get_by_role("button", name=choice).tap()
        tab.locator("#votes .kpa-toggle").nth(index).get_by_role("button", name=choice).and_(
            tab.locator("[aria-pressed=true]")).wait_for(timeout=60_000)
        tab.wait_for_selector("text=Vote enregistré", timeout=60_000)


def test_three_phones_join_and_the_projector_follows(atelier: AtelierServer, browser: Any) -> None:
    projector_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    projector = projector_context.new_page()
    projector.goto(atelier.facilitator_url)
    projector.wait_for_selector(".kpa-room-counts", timeout=120_000)
    assert "code=" not in projector.url  # the facilitator's code left the address bar
    assert projector.locator(".kpa-room-qr svg").count() == 1
    projector.evaluate("window.__kpaNoReload = true")
    phones = [_phone(browser, atelier.participant_url) for _ in range(3)]
    phones[0].evaluate("window.__kpaNoReload = true")
    try:
        for tab in phones:
            font = tab.evaluate("Math.min(...[...document.querySelectorAll('.kpa-phone input, .kpa-phone select, .kpa-phone textarea')]"
                                ".filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize)))")
            assert font >= 16
            height = tab.evaluate("Math.min(...[...document.querySelectorAll('.kpa-phone button')].map(b => b.getBoundingClientRect().height))")
            assert height >= 44
        _join(phones[0], "Awa", "Buffets pour les associations", "Cuisine, traiteur", {0: "On l'adopte", 1: "À discuter"})
        _join(phones[1], "Karim", "Jardin partagé", "Jardin, espaces verts", {0: "On l'adopte"})
        _join(phones[2], "Lou", "Fête des voisins", "Événements", {0: "À discuter"})
        # the ten people of the example's group and the three phones: one group
        projector.wait_for_selector(".kpa-room-count:has-text('dont 3 par téléphone') b:text-is('13')", timeout=30_000)
        for text in ("Buffets pour les associations", "Jardin partagé", "Fête des voisins"):
            projector.wait_for_selector(f".kpa-room-note:has-text('{text}')", timeout=30_000)
        projector.wait_for_selector(".kpa-room-vote-figures:text-is('✓ 2 · ? 1')", timeout=30_000)
        assert projector.evaluate("window.__kpaNoReload") is True  # same page: no reload happened
        # the first phone follows the others: their ideas come to its dots, the group's numbers change
        phones[0].wait_for_selector("#dots .kpa-dot:has-text('Fête des voisins')", timeout=30_000)
        phones[0].wait_for_selector("#group .kpa-room-count b:text-is('13')", timeout=30_000)
        assert phones[0].evaluate("window.__kpaNoReload") is True
        assert "Charges" in phones[0].locator("#budget").inner_text()  # the budget, read only
        assert phones[0].locator("#budget form, #budget input").count() == 0
        room = atelier.room()
        assert len(room["participants"]) == 3 and len(room["ideas"]) == 3 and len(room["votes"]) == 4
        # a phone sees only its own idea among « mes idées », and finds its card again after a reload
        assert phones[1].locator("#my-ideas li").count() == 1
        assert "Jardin partagé" in phones[1].locator("#my-ideas").inner_text()
        phones[1].reload()
        phones[1].wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert phones[1].locator("#kpa-alias").input_value() == "Karim"
        # the dot on the phone shows on the projector
        phones[0].locator(".kpa-dot").first.tap()
        phones[0].wait_for_selector("text=Gommette posée", timeout=60_000)
        projector.wait_for_selector(".kpa-room-count:has-text('gommettes') b:text-is('1')", timeout=30_000)
        phones[0].screenshot(path=str(screenshot_dir() / "room-phone.png"))
        phones[2].evaluate("document.querySelector('header').scrollIntoView({block: 'start'})")
        phones[2].screenshot(path=str(screenshot_dir() / "room-phone-top.png"))
        projector.screenshot(path=str(screenshot_dir() / "room-projector.png"))
    finally:
        for tab in phones:
            tab.context.close()
        projector_context.close()


def test_hostile_text_is_refused_or_escaped(atelier: AtelierServer, browser: Any) -> None:
    projector_context = browser.new_context(viewport={"width": 1280, "height": 720})
    projector = projector_context.new_page()
    projector.goto(atelier.facilitator_url)
    projector.wait_for_selector(".kpa-room-counts", timeout=120_000)
    tab = _phone(browser, atelier.participant_url + "&lang=en")  # this phone reads English
    try:
        assert tab.locator(".kpa-card h2").first.inner_text() == "Who I am"
        ideas = _card(tab, 1)
        # the field's maxlength stops a person; a hostile client sends more all the same: the server refuses it
        tab.evaluate("document.getElementById('kpa-idea').removeAttribute('maxlength')")
        ideas.locator("#kpa-idea").fill("y" * 10_000)
        ideas.get_by_role("button", name="Add the idea to the wall").tap()
        tab.wait_for_selector(".kpa-banner-error:has-text('too long')", timeout=60_000)
        assert len(ideas.locator("#kpa-idea").input_value()) == 10_000  # what was typed stays
        ideas.locator("#kpa-idea").fill("\u200b\u3164\u2800")
        ideas.get_by_role("button", name="Add the idea to the wall").tap()
        tab.wait_for_selector(".kpa-banner-error:has-text('only invisible characters')", timeout=60_000)
        hostile = '<img src=x onerror="window.__pwned=1"><b>gras</b> 🍲'
        ideas.locator("#kpa-idea").fill(hostile)
        ideas.get_by_role("button", name="Add the idea to the wall").tap()
        tab.wait_for_selector("text=Idea sent", timeout=60_000)
        projector.wait_for_selector(".kpa-room-note:has-text('🍲')", timeout=30_000)
        note = projector.locator(".kpa-room-wall .kpa-room-note:has-text('🍲') .kpa-room-note-text")
        assert note.inner_text() == hostile
        assert projector.locator(".kpa-room-wall img, .kpa-room-newest img, .kpa-room-wall b:text-is('gras'), .kpa-room-newest b:text-is('gras')").count() == 0
        assert tab.locator("#my-ideas img, #dots img").count() == 0
        assert hostile in tab.locator("#my-ideas").inner_text() and hostile in tab.locator("#dots").inner_text()
        assert projector.evaluate("window.__pwned") is None and tab.evaluate("window.__pwned") is None
        assert any(i["text"] == hostile for i in atelier.room()["ideas"])
    finally:
        tab.context.close()
        projector_context.close()


def _post(url: str, code: str) -> tuple[int, str, str]:
    data = urllib.parse.urlencode({"code": code}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=30) as response:
            return response.status, response.headers.get("Location", ""), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.headers.get("Set-Cookie", "")


def test_the_join_code_typed_on_the_join_page(atelier: AtelierServer) -> None:
    typed = atelier.join_code.lower().replace("-", " ")
    status, location, cookie = _post(f"{atelier.base}/login", typed)
    assert status == 302 and location == "/atelier"
    assert "kpa-atelier=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_guessing_the_join_code_is_limited(atelier: AtelierServer) -> None:
    """Last of the module: it locks the join form for a minute."""
    statuses = [_post(f"{atelier.base}/login", f"ZZZ-ZZ{n % 10}")[0] for n in range(25)]
    assert statuses[0] == 403 and statuses[-1] == 429
    assert _post(f"{atelier.base}/login", atelier.join_code)[0] == 429  # even the right one, for a minute
    status, _location, _body = _get(atelier.participant_url)  # the QR code's URL still works
    assert status == 200


def _checklist_group_step(context: Any, atelier: AtelierServer) -> Any:
    """The facilitator's checklist, at the group step (the facilitator's cookie comes with the projector's URL)."""
    tab = context.new_page()
    tab.goto(atelier.facilitator_url)
    tab.wait_for_selector(".kpa-room-counts", timeout=120_000)
    tab.goto(f"{atelier.base}/voila/render/01_checklist.ipynb?workbook={EXAMPLE.stem}")
    wait_or_explain(tab, ".kpa-cl-dot-current:text-is('1')", 120_000, state="attached", server_log=atelier.log)
    for number in (2, 3):
        tab.locator(".kpa-cl-next").click()
        wait_or_explain(tab, f".kpa-cl-dot-current:text-is('{number}')", 60_000, state="attached", server_log=atelier.log)
    wait_or_explain(tab, ".kpa-cl-stage .kpa-cl-gr .kpa-f-gr-alias input", 60_000, server_log=atelier.log)
    return tab


def _alias_row(tab: Any, alias: str) -> Any:
    return tab.locator(".kpa-cl-stage .kpa-cl-gr").filter(has=tab.locator(f".kpa-f-gr-alias input[value='{alias}']"))


def test_a_phone_joins_and_the_facilitators_group_step_follows(atelier: AtelierServer, browser: Any) -> None:
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    step = _checklist_group_step(laptop_context, atelier)
    step.evaluate("window.__kpaNoReload = true")
    before = step.locator(".kpa-cl-stage .kpa-cl-gr").count()
    projector = laptop_context.new_page()
    projector.goto(atelier.facilitator_url)
    projector.wait_for_selector(".kpa-room-counts", timeout=120_000)
    tab = _phone(browser, atelier.participant_url)
    try:
        me = _card(tab, 0)
        # hostile text: 10 000 characters are refused beside the card and stay typed
        tab.evaluate("document.getElementById('kpa-alias').removeAttribute('maxlength')")
        me.locator("#kpa-alias").fill("z" * 10_000)
        me.get_by_role("button", name="Enregistrer ma fiche").tap()
        tab.wait_for_selector("#me .kpa-banner-error:has-text('trop long')", timeout=60_000)
        assert len(me.locator("#kpa-alias").input_value()) == 10_000
        hostile = '<img src=x onerror="window.__pwned=1">Maïmouna 🌱'
        me.locator("#kpa-alias").fill(hostile)
        me.locator("#kpa-age_band").select_option(label="51 ans et plus")
        me.locator("#kpa-gender").select_option(label="Homme")
        me.locator(".kpa-fold > summary").tap()  # « Ma situation » is folded
        me.locator(".kpa-checks input[type=checkbox]").nth(2).tap()
        me.locator("textarea").nth(0).fill("jardiner, cuisiner")
        me.locator("textarea").nth(1).fill("je parle wolof")
        started = time.monotonic()
        me.get_by_role("button", name="Enregistrer ma fiche").tap()
        # the facilitator's group step shows the person, without a reload
        step.wait_for_function(f"""() => [...document.querySelectorAll('.kpa-cl-stage .kpa-cl-gr .kpa-f-gr-alias input')]
            .some(e => e.value === {json.dumps(hostile)})""", timeout=30_000)
        timings = {"phone_tap_to_group_step_row_s": round(time.monotonic() - started, 3)}
        tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
        assert step.evaluate("window.__kpaNoReload") is True
        assert step.locator(".kpa-cl-stage .kpa-cl-gr").count() == before + 1
        step.wait_for_selector(".kpa-cl-gr-phones:has-text('Maïmouna')", timeout=30_000)
        assert step.locator(".kpa-cl-stage img").count() == 0 and step.evaluate("window.__pwned") is None
        row = step.locator(".kpa-cl-stage .kpa-cl-gr").nth(before)
        assert row.locator(".kpa-f-gr-interests input").input_value() == "jardiner, cuisiner; je parle wolof"
        member = json.loads(atelier.file.read_text(encoding="utf-8"))["checklist"]["group"][-1]
        assert (member["alias"], member["age_band"], member["gender"]) == (hostile, "51_plus", "man")
        # the projector counts them with the group and escapes the alias
        projector.wait_for_selector(f".kpa-room-count b:text-is('{before + 1}')", timeout=30_000)
        assert projector.locator(".kpa-room-aliases li", has_text="Maïmouna 🌱").inner_text() == hostile
        assert projector.locator(".kpa-room-aliases img").count() == 0 and projector.evaluate("window.__pwned") is None
        step.locator(".kpa-cl-gr-phones").scroll_into_view_if_needed()
        step.screenshot(path=str(screenshot_dir() / "room-group-step.png"))
        row.scroll_into_view_if_needed()
        step.screenshot(path=str(screenshot_dir() / "room-group-step-rows.png"))
        projector.screenshot(path=str(screenshot_dir() / "room-group-projector.png"))
        # the facilitator removes the row: the phone says its card is gone, and can put it back
        started = time.monotonic()
        row.locator(".kpa-cl-remove").click()
        tab.wait_for_selector("#me-state .kpa-banner-info:has-text('retirée du groupe')", timeout=30_000)
        timings["group_step_remove_to_phone_notice_s"] = round(time.monotonic() - started, 3)
        step.wait_for_selector(".kpa-cl-notice .kpa-undo", state="visible", timeout=30_000)
        tab.locator("#me-state").scroll_into_view_if_needed()
        tab.screenshot(path=str(screenshot_dir() / "room-group-phone.png"))
        started = time.monotonic()
        me.get_by_role("button", name="Remettre ma fiche dans le groupe").tap()
        step.wait_for_function(f"""() => [...document.querySelectorAll('.kpa-cl-stage .kpa-cl-gr .kpa-f-gr-alias input')]
            .some(e => e.value === {json.dumps(hostile)})""", timeout=30_000)
        timings["phone_put_back_to_group_step_row_s"] = round(time.monotonic() - started, 3)
        (screenshot_dir() / "room-group-timings.json").write_text(json.dumps(timings), encoding="utf-8")  # measured, never asserted
        tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
        tab.wait_for_selector("#me-state .kpa-banner-info", state="detached", timeout=30_000)
        group = json.loads(atelier.file.read_text(encoding="utf-8"))["checklist"]["group"]
        assert [m["id"] for m in group].count(member["id"]) == 1
        # a person the facilitator adds in the group step is counted on the projector once they are someone
        # (an empty row is nobody: issue 18)
        projector.wait_for_selector(f".kpa-room-count b:text-is('{before + 1}')", timeout=30_000)
        rows = step.locator(".kpa-cl-stage .kpa-cl-gr").count()
        step.locator(".kpa-cl-stage .kpa-cl-gr-add").click()
        step.wait_for_function(f"""() => {{ const rows = document.querySelectorAll('.kpa-cl-stage .kpa-cl-gr');
            return rows.length === {rows + 1} && rows[{rows}].querySelector('.kpa-f-gr-alias input') !== null; }}""")
        step.locator(".kpa-cl-stage .kpa-cl-gr >> nth=-1 >> .kpa-f-gr-alias input").fill("Nour")
        step.locator(".kpa-cl-stage .kpa-cl-gr >> nth=-1 >> .kpa-f-gr-alias input").press("Tab")
        projector.wait_for_selector(f".kpa-room-count b:text-is('{before + 2}')", timeout=30_000)
        assert step.evaluate("window.__kpaNoReload") is True
    finally:
        tab.context.close()
        laptop_context.close()
