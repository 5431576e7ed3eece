"""``kpa serve --atelier`` from outside: a participant reaches no kernel, only the participant page.

A real server on 127.0.0.1 (the tests reach it there only), once with kernels started for each
page and once with a preheated pool. Each visitor is its own cookie, as separate phones are.
The participants' code opens the participant page (drawn by the server itself, no kernel) and
its forms; it opens no kernel's REST model, channels, shutdown or request
(``/voila/query/<kernel>``), even knowing its id; the facilitator reaches every kernel; without
a code nothing opens. A kernel whose browser went away without the tab's beacon is shut down
once ``disconnected_timeout`` has passed, and not while a browser stays connected.
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

PAGE = "/voila/render/00_accueil.ipynb"  # a facilitator's page: a kernel each

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
        self.file = workspace / EXAMPLE.name
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
            for given in response.headers.get_all("Set-Cookie") or []:
                name = given.split("=", 1)[0]
                kept = [c for c in self.cookie.split("; ") if c and not c.startswith(name + "=")]
                self.cookie = "; ".join([*kept, given.split(";", 1)[0]])
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def open_page(self, code: str, lang: str = "fr") -> str:
        """Draw a facilitator's page with *code*; the id of the kernel it was drawn with."""
        query = urllib.parse.urlencode({"code": code, "workbook": EXAMPLE.stem, **({"lang": lang} if lang != "fr" else {})})
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


def test_a_participant_reaches_the_participant_page_and_no_kernel(atelier: Atelier) -> None:
    alice, bruno, facilitator, nobody = Visitor(atelier), Visitor(atelier), Visitor(atelier), Visitor(atelier)
    status, headers, page = alice.request("GET", f"/atelier?code={atelier.participant_code}")
    assert status == 200 and 'id="me"' in page and "kernelId" not in page
    assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["cache-control"] == "no-store"
    assert "kpa-phone=" in alice.cookie and "kpa-atelier=" in alice.cookie
    if not atelier.preheat:  # (a pool fills for the facilitator's pages meanwhile)
        assert kernel_pids(atelier.process.pid) == []  # the page started no kernel
    # its forms: sent by the page's script (its header) with the phone's cookies
    form = {"action": "idea", "text": "Jardin partagé", "kind": "jardin"}
    sent = {"Content-Type": "application/x-www-form-urlencoded", "X-KPA-Phone": "1"}
    status, _headers, answer = alice.request("POST", "/atelier", urllib.parse.urlencode(form).encode(), sent)
    assert status == 200 and json.loads(answer)["ok"], answer
    assert json.loads(atelier.file.read_text(encoding="utf-8"))["room"]["ideas"][-1]["text"] == "Jardin partagé"
    plain_form = {"Content-Type": "application/x-www-form-urlencoded"}  # what another site's form could send
    assert alice.request("POST", "/atelier", urllib.parse.urlencode(form).encode(), plain_form)[0] == 403
    assert nobody.request("POST", "/atelier", urllib.parse.urlencode(form).encode(), sent)[0] == 403
    assert alice.request("POST", "/atelier", b"text=" + b"x" * 70_000 + b"&" + urllib.parse.urlencode(form).encode(),
                         sent)[0] == 413
    assert _refused(nobody.request("GET", "/atelier")[0]) and _refused(nobody.request("GET", "/atelier/live")[0])
    assert alice.request("GET", "/atelier/live?revision=x")[0] == 200

    # a kernel of the facilitator's: the participants' code opens nothing of it, even knowing its id
    facilitator.join(atelier.facilitator_code)
    kernel_id = facilitator.open_page(atelier.facilitator_code)
    bruno.join(atelier.participant_code)
    for intruder in (alice, bruno, nobody):
        assert _refused(intruder.kernel_answers(kernel_id)), intruder.cookie
        assert intruder.websocket(f"/api/kernels/{kernel_id}/channels") != 101
        assert intruder.request("DELETE", f"/api/kernels/{kernel_id}")[0] == 403
        assert intruder.request("POST", f"/voila/api/shutdown/{kernel_id}", b"")[0] == 403
        assert intruder.websocket(f"/voila/query/{kernel_id}") in (403, 404)
        assert _refused(intruder.request("GET", f"{PAGE}?workbook={EXAMPLE.stem}")[0])
    assert facilitator.kernel_answers(kernel_id) == 200 and facilitator.websocket(f"/api/kernels/{kernel_id}/channels") == 101
    assert facilitator.request("GET", "/atelier")[0] == 200  # the facilitator may look at the phones' page
    assert facilitator.request("POST", f"/voila/api/shutdown/{kernel_id}", b"")[0] == 204


def test_the_request_of_a_preheated_kernel_is_the_servers_own(atelier: Atelier) -> None:
    facilitator, alice, nobody = Visitor(atelier), Visitor(atelier), Visitor(atelier)
    kernel_id = facilitator.open_page(atelier.facilitator_code, "en")
    assert "Welcome" in facilitator.page or "workbook" in facilitator.page.lower()
    query = f"/voila/query/{kernel_id}"
    alice.join(atelier.participant_code)
    wrong_key = "Basic " + base64.b64encode(b"kpa-kernel:not-the-key").decode()
    for intruder, headers in ((alice, {}), (nobody, {}), (nobody, {"Authorization": wrong_key})):
        assert intruder.websocket(query, headers) in (403, 404), headers
    if atelier.preheat:
        assert kernel_id in re.findall(r"Using pre-heated kernel: (\S+) for 00_accueil", atelier.log())
        assert facilitator.websocket(query) == 101
    else:  # no pool, no request to read: Voilà has no such path
        assert facilitator.websocket(query) == 404
    assert "Exception in thread" not in atelier.log()
    facilitator.request("POST", f"/voila/api/shutdown/{kernel_id}", b"")


AWAY = 6  # seconds (workshop mode: 90)


@pytest.fixture(scope="module")
def quick_to_free(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atelier]:
    server = Atelier(tmp_path_factory.mktemp("atelier-away"), 0, {"KpaKernelManager": {"disconnected_timeout": AWAY}})
    yield server
    server.stop()


def test_a_kernel_whose_browser_went_away_is_freed(quick_to_free: Atelier) -> None:
    from websockets.sync.client import connect

    server = quick_to_free
    laptop, facilitator = Visitor(server), Visitor(server)
    kernel_id = laptop.open_page(server.facilitator_code)
    facilitator.join(server.facilitator_code)
    channels = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
    for _visit in range(2):  # a browser is there (a laptop asleep keeps its socket, or comes back at once): it stays
        with connect(channels, origin=f"http://127.0.0.1:{server.port}", additional_headers={"Cookie": laptop.cookie}):  # type: ignore[arg-type]
            time.sleep(2 * AWAY)
            assert facilitator.kernel_answers(kernel_id) == 200
    # gone without the tab's beacon: freed once AWAY has passed (bounded wait)
    deadline = time.monotonic() + 90
    while facilitator.kernel_answers(kernel_id) == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert facilitator.kernel_answers(kernel_id) == 404
    assert f"Kernel {kernel_id}: its browsers left" in server.log()
    assert kernel_pids(server.process.pid) == []
