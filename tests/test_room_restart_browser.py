"""A workshop outlives its server: ``kpa serve --atelier`` killed (SIGKILL) and started again on
the same workbook keeps its codes, and the phones and the projector come back by themselves.

A real server on 127.0.0.1 (the tests reach it there only); phones are separate Chromium
contexts at 390×844 with touch, the projector a 1280×720 context. The server, Voilà and its
kernels are killed with SIGKILL, as a crash or a pulled plug would; the same command is started
again on the same port and workspace. Screenshots: ``room-restart-projector.png``,
``room-restart-phone.png``, ``room-restart-phone-waiting.png`` (a send waiting for the server).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpawidgets.config.atelier import codes_path
from tests.conftest import EXAMPLE, ROOT, free_port, screenshot_dir, stop_process, wait_until_serving
from kpawidgets.tools.procs import descendants

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


class Workshop:
    """``kpa serve --atelier`` on one workspace and port, started, killed and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workspace = folder / "workspace"
        self.workspace.mkdir()
        shutil.copy(EXAMPLE, self.workspace / EXAMPLE.name)
        self.file = self.workspace / EXAMPLE.name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.runs = 0
        self.start()

    def start(self) -> None:
        self.runs += 1
        self.log_path = self.folder / f"voila-{self.runs}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
             "--port", str(self.port), "--workspace", str(self.workspace), "--workbook", EXAMPLE.stem],
            stdout=self._log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"), cwd=ROOT)
        if not wait_until_serving(self.port, self.process, timeout=120):
            raise RuntimeError(f"kpa serve --atelier did not start: {self.log()}")
        urls = re.findall(r"https?://\S+", self.log())
        self.participant_url, self.facilitator_url = urls[0], urls[1]
        self.join_code = re.search(r"Code à taper sur \S+ : (\S+)", self.log()).group(1)  # type: ignore[union-attr]

    def kill(self) -> None:
        """SIGKILL for kpa serve, Voilà and every kernel: nothing gets to clean up."""
        for pid in [*descendants(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        self._log.close()

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def room(self) -> dict[str, Any]:
        return json.loads(self.file.read_text(encoding="utf-8")).get("room") or {}

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(self.process, timeout=20)
        self._log.close()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workshop]:
    server = Workshop(tmp_path_factory.mktemp("restart"))
    yield server
    server.stop()


def _phone(browser: Any, url: str) -> Any:
    context = browser.new_context(**PHONE, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
    return tab


def _idea(tab: Any, text: str) -> None:
    ideas = tab.locator(".kpa-card").nth(1)
    ideas.locator("#kpa-idea").fill(text)
    ideas.locator("#kpa-kind").select_option(index=1)
    ideas.get_by_role("button", name="Ajouter l'idée au mur").tap()
    tab.wait_for_selector("text=Idée envoyée", timeout=60_000)


def test_the_codes_are_the_workshops_and_kept_for_the_owner_only(workshop: Workshop) -> None:
    kept = codes_path(workshop.workspace, EXAMPLE.stem)
    assert kept.stat().st_mode & 0o777 == 0o600 and kept.parent.stat().st_mode & 0o777 == 0o700
    code = re.search(r"code=([^&]+)", workshop.facilitator_url).group(1)  # type: ignore[union-attr]
    assert code in kept.read_text()
    assert code not in workshop.file.read_text()  # not in the workbook, so in no export, PDF nor history
    assert not any(code in p.read_text(errors="replace") for p in workshop.workspace.rglob("*") if p.is_file() and p != kept)


def test_killed_and_restarted_the_workshop_comes_back(workshop: Workshop, browser: Any) -> None:
    before = (workshop.participant_url, workshop.facilitator_url, workshop.join_code)
    projector_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    projector = projector_context.new_page()
    projector.goto(workshop.facilitator_url)
    projector.wait_for_selector(".kpa-room-counts", timeout=120_000)
    qr_before = projector.locator(".kpa-room-qr").inner_html()
    phones = [_phone(browser, workshop.participant_url) for _ in range(2)]
    try:
        _idea(phones[0], "Atelier couture")
        projector.wait_for_selector(".kpa-room-note:has-text('Atelier couture')", timeout=60_000)
        phones[1].wait_for_selector("#dots .kpa-dot:has-text('Atelier couture')", timeout=60_000)
        for tab in (projector, *phones):
            tab.evaluate("window.__kpaSamePage = true")

        workshop.kill()
        # While the server is away the pages stay as they were (nothing blank, nothing lost).
        assert "Atelier couture" in phones[1].locator("#dots").inner_text()
        # A send while the server is away waits on the phone, and says so.
        ideas = phones[1].locator(".kpa-card").nth(1)
        ideas.locator("#kpa-idea").fill("Cantine solidaire")
        ideas.get_by_role("button", name="Ajouter l'idée au mur").tap()
        phones[1].wait_for_selector("text=votre envoi est gardé sur ce téléphone", timeout=60_000)
        assert phones[1].evaluate("window.kpaOutbox().length") == 1
        ideas.get_by_role("button", name="Ajouter l'idée au mur").tap()  # tapped again while it waits
        assert phones[1].evaluate("window.kpaOutbox().length") == 1
        phones[1].locator("#idea-status").scroll_into_view_if_needed()
        phones[1].screenshot(path=str(screenshot_dir() / "room-restart-phone-waiting.png"))
        workshop.start()
        assert (workshop.participant_url, workshop.facilitator_url, workshop.join_code) == before

        # The projector reloads by itself once the server answers, with its role: not the join page.
        projector.wait_for_function("window.__kpaSamePage !== true", timeout=60_000)
        projector.wait_for_selector(".kpa-room-note:has-text('Atelier couture')", timeout=120_000)
        assert "/login" not in projector.url and "05_groupe.ipynb" in projector.url
        assert projector.locator(".kpa-room-qr").inner_html() == qr_before  # the same QR code
        # The waiting send went by itself, once.
        projector.wait_for_selector(".kpa-room-note:has-text('Cantine solidaire')", timeout=60_000)
        phones[1].wait_for_function("window.kpaOutbox().length === 0", timeout=60_000)
        # The phones were never reloaded; their cookies still hold; one sends, the other follows.
        _idea(phones[1], "Réparation de vélos")
        phones[0].wait_for_selector("#dots .kpa-dot:has-text('Réparation de vélos')", timeout=60_000)
        projector.wait_for_selector(".kpa-room-note:has-text('Réparation de vélos')", timeout=60_000)
        for tab in phones:
            assert tab.evaluate("window.__kpaSamePage") is True
        # The facilitator's tab reloaded by hand keeps its role.
        projector.reload()
        projector.wait_for_selector(".kpa-room-counts", timeout=120_000)
        assert "/login" not in projector.url
        texts = [idea["text"] for idea in workshop.room()["ideas"]]
        assert texts.count("Atelier couture") == 1 and texts.count("Réparation de vélos") == 1  # nothing doubled
        assert texts.count("Cantine solidaire") == 1
        # A draft stays on the phone across a reload, until it is sent.
        phones[0].locator("#kpa-idea").fill("Brouillon pas encore envoyé")
        phones[0].reload()
        phones[0].wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert phones[0].locator("#kpa-idea").input_value() == "Brouillon pas encore envoyé"
        projector.screenshot(path=str(screenshot_dir() / "room-restart-projector.png"))
        phones[0].screenshot(path=str(screenshot_dir() / "room-restart-phone.png"))
    finally:
        for tab in phones:
            tab.context.close()
        projector_context.close()


def test_typing_kept_after_a_lost_kernel_comes_back_on_an_address_with_its_code(workshop: Workshop, browser: Any) -> None:
    """The facilitator's printed link carries ?code=, which room.js takes out of the address bar:
    what kpa.js keeps for the reloaded page is found again there (issue 20.6)."""
    from tests.conftest import wait_rendered

    code = re.search(r"code=([^&]+)", workshop.facilitator_url).group(1)  # type: ignore[union-attr]
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    tab = context.new_page()
    try:
        tab.goto(f"{workshop.base}/voila/render/00_accueil.ipynb?code={code}&workbook={EXAMPLE.stem}")
        wait_rendered(tab)
        assert "code=" not in tab.url
        kernel = tab.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        assert tab.evaluate(f"fetch('/api/kernels/{kernel}', {{method: 'DELETE', credentials: 'same-origin'}}).then(r => r.status)") == 204
        field = tab.locator(".kpa-f-identity-neighbourhood input")
        field.fill("Les Trois-Ponts")
        tab.evaluate("window.kpaCheckKernel()")
        banner = tab.locator("#kpa-kernel-lost")
        banner.wait_for(state="visible", timeout=30_000)
        banner.locator("button").click()
        wait_rendered(tab)
        tab.wait_for_function("() => document.documentElement.dataset.kpaRestored === '1'", timeout=60_000)
        assert tab.locator(".kpa-f-identity-neighbourhood input").input_value() == "Les Trois-Ponts"
    finally:
        context.close()
