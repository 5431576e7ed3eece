"""``kpa serve --atelier`` from outside: a participant reaches only the kernels of their own visits.

A real server on 127.0.0.1 (the tests reach it there only), once with kernels started for each
page and once with a preheated pool for the participant page. Each visitor is its own cookie,
as separate phones are. Knowing another phone's kernel id opens neither its REST model, its
channels, its shutdown nor its request (``/voila/query/<kernel>``); the facilitator reaches
every kernel; without a code a kernel path opens nothing. A kernel whose browser went away
without the tab's beacon is shut down once ``disconnected_timeout`` has passed, and not while a
browser stays connected.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, ROOT, free_port, kernel_pids, stop_process, wait_until_serving

pytestmark = pytest.mark.slow

PAGE = "/voila/render/04_participer.ipynb"


class Atelier:
    """``kpa serve --atelier`` on 127.0.0.1 (with ``--preheat`` when *preheat*), and its codes."""

    def __init__(self, folder: Path, preheat: int, settings: dict[str, Any] | None = None) -> None:
        workspace = folder / "workspace"
        workspace.mkdir()
        shutil.copy(EXAMPLE, workspace / EXAMPLE.name)
        self.port = free_port()
        self.preheat = preheat
        self.log_path = folder / "voila.log"
        self._log = open(self.log_path, "wb")
        command = [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
                   "--port", str(self.port), "--workspace", str(workspace), "--workbook", EXAMPLE.stem]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if settings:  # a voila.json of the test's own, first on JUPYTER_CONFIG_PATH
            (folder / "config").mkdir()
            (folder / "config" / "voila.json").write_text(json.dumps(settings))
            env["JUPYTER_CONFIG_PATH"] = str(folder / "config")
        self.process = subprocess.Popen(command + ["--preheat", str(preheat)], stdout=self._log,
                                        stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        if not wait_until_serving(self.port, self.process, timeout=120):
            raise RuntimeError(f"kpa serve --atelier did not start: {self.log()}")
        codes = re.findall(r"code=([^&\s]+)", self.log())
        self.participant_code, self.facilitator_code = codes[0], codes[1]
        deadline = time.monotonic() + 120
        while preheat and len(kernel_pids(self.process.pid)) < preheat and time.monotonic() < deadline:
            time.sleep(0.5)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process, timeout=30)
        self._log.close()


class Visitor:
    """One browser: its cookie, and requests to the server with it."""

    def __init__(self, server: Atelier) -> None:
        self.server = server
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=180)
        sent = {"Host": f"127.0.0.1:{self.server.port}", **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace") if response.status != 101 else ""
            given = response.getheader("Set-Cookie", "")
            if given.startswith("kpa-atelier="):
                self.cookie = given.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def open_page(self, code: str, lang: str = "fr") -> str:
        """Draw the participant page with *code*; the id of the kernel it was drawn with."""
        query = urllib.parse.urlencode({"code": code, **({"lang": lang} if lang != "fr" else {})})
        status, _headers, page = self.request("GET", f"{PAGE}?{query}")
        assert status == 200, (status, page[:300])
        self.page = page
        match = re.search(r'kernelId": "([0-9a-f-]{36})"', page)
        assert match, "no kernel id in the page"
        return match.group(1)

    def join(self, code: str) -> None:
        """Trade *code* for a cookie on the join page (no page drawn, no kernel)."""
        status, headers, _body = self.request("POST", "/login", urllib.parse.urlencode({"code": code}).encode(),
                                              {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302 and self.cookie, (status, headers)

    def websocket(self, path: str, headers: dict[str, str] | None = None) -> int:
        """The status of a websocket handshake on *path* (101: opened)."""
        return self.request("GET", path, headers={
            "Origin": f"http://127.0.0.1:{self.server.port}", "Connection": "Upgrade", "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), **(headers or {})})[0]

    def kernel_answers(self, kernel_id: str) -> int:
        return self.request("GET", f"/api/kernels/{kernel_id}")[0]


def _refused(status: int) -> bool:
    return status in (302, 403)  # a GET without identity goes to the join page, anything else gets 403


@pytest.fixture(scope="module", params=[0, 1], ids=["started", "preheated"])
def atelier(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atelier]:
    server = Atelier(tmp_path_factory.mktemp("atelier-access"), request.param)
    yield server
    server.stop()


def test_a_participant_reaches_only_the_kernels_of_their_own_visit(atelier: Atelier) -> None:
    alice, bruno, facilitator, nobody = Visitor(atelier), Visitor(atelier), Visitor(atelier), Visitor(atelier)
    hers = alice.open_page(atelier.participant_code)
    his = bruno.open_page(atelier.participant_code)
    assert hers != his and alice.cookie != bruno.cookie
    facilitator.join(atelier.facilitator_code)
    late = Visitor(atelier)
    late.join(atelier.participant_code)  # a participant with no page drawn yet: no kernel is theirs

    assert alice.kernel_answers(hers) == 200 and bruno.kernel_answers(his) == 200
    assert alice.websocket(f"/api/kernels/{hers}/channels") == 101
    for intruder in (bruno, late, nobody):
        assert _refused(intruder.kernel_answers(hers)), intruder.cookie
        assert intruder.websocket(f"/api/kernels/{hers}/channels") != 101
        assert intruder.request("DELETE", f"/api/kernels/{hers}")[0] == 403
        assert intruder.request("POST", f"/voila/api/shutdown/{hers}", b"")[0] == 403
    assert alice.kernel_answers(hers) == 200  # still running: nobody else could shut it down
    assert _refused(alice.kernel_answers(his))
    # the facilitator keeps everything
    assert facilitator.kernel_answers(hers) == 200 and facilitator.websocket(f"/api/kernels/{his}/channels") == 101
    assert "a participant asked for a kernel started for another visit" in atelier.log()
    # each shuts down their own (the tab's beacon)
    assert alice.request("POST", f"/voila/api/shutdown/{hers}", b"")[0] == 204
    assert bruno.request("POST", f"/voila/api/shutdown/{his}", b"")[0] == 204


def test_the_request_of_a_preheated_kernel_is_for_that_kernel_only(atelier: Atelier, browser: Any) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="fr-FR")
    phone.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                else route.abort())
    try:
        tab = phone.new_page()
        tab.goto(f"http://127.0.0.1:{atelier.port}{PAGE}?code={atelier.participant_code}&lang=en", timeout=180_000)
        tab.wait_for_selector(".kpa-room-card", state="visible", timeout=180_000)
        # in English: the page's kernel read the visitor's request (a pooled kernel: on /voila/query, with the kernels' key)
        assert "Who I am" in tab.inner_text(".kpa-room-phone")
        hers = re.search(r'kernelId": "([0-9a-f-]{36})"', tab.content())
        assert hers, "no kernel id in the page"
        query = f"/voila/query/{hers.group(1)}"
        alice, bruno, facilitator, nobody = Visitor(atelier), Visitor(atelier), Visitor(atelier), Visitor(atelier)
        alice.cookie = next(f"kpa-atelier={c['value']}" for c in phone.cookies() if c["name"] == "kpa-atelier")
        bruno.join(atelier.participant_code)
        facilitator.join(atelier.facilitator_code)
        wrong_key = "Basic " + base64.b64encode(b"kpa-kernel:not-the-key").decode()
        for intruder, headers in ((bruno, {}), (nobody, {}), (nobody, {"Authorization": wrong_key})):
            assert intruder.websocket(query, headers) in (403, 404), headers
        if atelier.preheat:
            assert hers.group(1) in re.findall(r"Using pre-heated kernel: (\S+) for 04_participer", atelier.log())
            assert alice.websocket(query) == 101 and facilitator.websocket(query) == 101
        else:  # no pool, no request to read: Voilà has no such path
            assert alice.websocket(query) == 404
        assert "Exception in thread" not in atelier.log()
    finally:
        phone.close()


AWAY = 6  # seconds (workshop mode: 90)


@pytest.fixture(scope="module")
def quick_to_free(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atelier]:
    server = Atelier(tmp_path_factory.mktemp("atelier-away"), 0, {"KpaKernelManager": {"disconnected_timeout": AWAY}})
    yield server
    server.stop()


def test_a_kernel_whose_phone_went_away_is_freed(quick_to_free: Atelier) -> None:
    from websockets.sync.client import connect

    server = quick_to_free
    phone, facilitator = Visitor(server), Visitor(server)
    kernel_id = phone.open_page(server.participant_code)
    facilitator.join(server.facilitator_code)
    channels = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
    for _visit in range(2):  # a browser is there (a locked phone keeps its socket, or comes back at once): it stays
        with connect(channels, origin=f"http://127.0.0.1:{server.port}", additional_headers={"Cookie": phone.cookie}):  # type: ignore[arg-type]
            time.sleep(2 * AWAY)
            assert facilitator.kernel_answers(kernel_id) == 200
    # gone without the tab's beacon: freed once AWAY has passed (bounded wait)
    deadline = time.monotonic() + 90
    while facilitator.kernel_answers(kernel_id) == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert facilitator.kernel_answers(kernel_id) == 404
    assert f"Kernel {kernel_id}: its browsers left" in server.log()
    assert kernel_pids(server.process.pid) == []
