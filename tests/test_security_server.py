"""``kpa serve`` as seen from outside (issue 13): only loopback names in the Host header, no
``/logout`` error, no traceback for a crafted ``comm_open``, and kernels bounded in number,
freed when no browser came, refused with a page in French and English past the cap.

The server runs with a small ``voila.json`` of the test's own on ``JUPYTER_CONFIG_PATH``
(which overrides the project's): a cap of 3 kernels (2 per page), kernels without a browser
freed after 15 seconds (long enough for a browser on a loaded machine to connect).
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (EXAMPLE, ROOT, free_port, kernel_pids, run_coroutine, stop_process, wait_rendered,
                            wait_until_serving)

pytestmark = pytest.mark.slow

SMALL = {"KpaKernelManager": {"max_kernels": 3, "max_kernels_per_page": 2, "unconnected_timeout": 15,
                              "unconnected_check_interval": 1}}


class Server:
    """``kpa serve`` on 127.0.0.1 with the test's voila.json overriding the project's."""

    def __init__(self, folder: Path) -> None:
        self.workspace = folder / "workspace"
        self.workspace.mkdir()
        (self.workspace / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
        config = folder / "config"
        config.mkdir()
        (config / "voila.json").write_text(json.dumps(SMALL))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "voila.log"
        self._log = open(self.log_path, "wb")
        env = dict(os.environ, PYTHONUNBUFFERED="1", JUPYTER_CONFIG_PATH=str(config))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kpawidgets.cli", "serve", "--no-browser", "--port", str(self.port),
             "--workspace", str(self.workspace)], stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        if not wait_until_serving(self.port, self.process, timeout=120):
            raise RuntimeError(f"kpa serve did not start: {self.log()}")

    def kernels(self) -> list[int]:
        return kernel_pids(self.process.pid)

    def wait_kernels(self, at_most: int, timeout: float = 90) -> list[int]:
        """Wait (bounded) until at most *at_most* kernels run; return them."""
        deadline = time.monotonic() + timeout
        while len(self.kernels()) > at_most and time.monotonic() < deadline:
            time.sleep(0.5)
        return self.kernels()

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process, timeout=30)
        self._log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("reach"))
    yield running
    running.stop()


def get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


# ------------------------------------------------------------------ DNS rebinding
REBOUND = "rebind.attacker.example"


def test_a_foreign_host_name_is_refused_and_starts_no_kernel(server: Server) -> None:
    server.wait_kernels(0)
    for path in ("/", "/voila/render/00_accueil.ipynb", "/voila/render/01_checklist.ipynb?workbook=exemple-quartier-des-tisserands",
                 "/api/kernels/00000000-0000-0000-0000-000000000000"):
        status, body = get(server.base + path, host=f"{REBOUND}:{server.port}")
        assert status == 403, (path, status)
        assert "Carnet KPA" not in body and "exemple" not in body
    assert server.kernels() == []
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"[::1]:{server.port}"):
        assert get(server.base + "/", host=host)[0] == 200, host


def _websocket_upgrade(port: int, path: str, host: str) -> int:
    """The status of a websocket handshake sent with *host* as Host and Origin (as a rebinding page would)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={
            "Host": host, "Origin": f"http://{host}", "Connection": "Upgrade", "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()})
        return connection.getresponse().status
    finally:
        connection.close()


def _shut_down(server: Server, kernel_id: str) -> None:
    """What the page's beacon does when its tab closes (a kernel a socket touched is not freed early)."""
    request = urllib.request.Request(f"{server.base}/voila/api/shutdown/{kernel_id}", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=60).read()


def _kernel_of(page: str) -> str:
    match = re.search(r'kernelId": "([0-9a-f-]{36})"', page)
    assert match, "no kernel id in the page"
    return match.group(1)


def test_a_foreign_host_cannot_open_a_kernel_websocket(server: Server) -> None:
    status, page = get(server.base + "/voila/render/00_accueil.ipynb")
    assert status == 200
    kernel_id = _kernel_of(page)
    path = f"/api/kernels/{kernel_id}/channels"
    try:
        assert _websocket_upgrade(server.port, path, f"{REBOUND}:{server.port}") == 403
        assert _websocket_upgrade(server.port, path, f"127.0.0.1:{server.port}") == 101
    finally:
        _shut_down(server, kernel_id)


def test_logout_is_not_found_not_a_server_error(server: Server) -> None:
    status, body = get(server.base + "/logout")
    assert status == 404
    assert "Traceback" not in body and "static_path" not in body


# ------------------------------------------------------------------ crafted comm_open
def _message(msg_type: str, content: dict[str, Any]) -> str:
    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "x", "session": "s",
                                  "version": "5.3", "date": ""},
                       "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})


CRAFTED = [
    {"target_name": "jupyter.widget", "data": {"state": {"_model_name": "IntSliderModel", "value": "x"}, "buffer_paths": []}},
    {"target_name": "jupyter.widget", "data": {"state": None}},
    {"target_name": "jupyter.widget", "data": "garbage"},
    {"target_name": "no.such.target", "data": {}},
]


async def _send_crafted_comms(port: int, kernel_id: str) -> list[dict[str, Any]]:
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?session_id=s")
    for content in CRAFTED:
        await socket.write_message(_message("comm_open", {"comm_id": uuid.uuid4().hex, **content}))
    received: list[dict[str, Any]] = []
    closed = 0
    deadline = time.monotonic() + 60
    while closed < len(CRAFTED) and time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(socket.read_message(), 2)
        except asyncio.TimeoutError:
            continue
        if raw is None:
            break
        if isinstance(raw, str):
            message = json.loads(raw)
            received.append(message)
            closed += message["header"]["msg_type"] == "comm_close"
    socket.close()
    assert closed == len(CRAFTED), "the kernel did not answer every crafted comm_open"
    return received


def test_a_crafted_comm_open_sends_no_traceback_to_the_visitor(server: Server) -> None:
    status, page = get(server.base + "/voila/render/00_accueil.ipynb")
    assert status == 200
    kernel_id = _kernel_of(page)
    try:
        received = run_coroutine(_send_crafted_comms(server.port, kernel_id))
    finally:
        _shut_down(server, kernel_id)
    sent_back = json.dumps([m["content"] for m in received])
    for leak in ("Traceback", "site-packages", "ipykernel", str(ROOT), ".py\\\""):
        assert leak not in sent_back, leak
    # What the kernel logged went to the server's terminal instead.
    deadline = time.monotonic() + 30
    while "Exception opening comm" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Exception opening comm" in server.log()


# ------------------------------------------------------------------ kernels
def test_kernels_no_browser_connected_to_are_freed(server: Server) -> None:
    """Plain GETs (curl, an <img src=…> elsewhere) start kernels; with no browser, they go within seconds."""
    server.wait_kernels(0)
    for page in ("00_accueil.ipynb", "01_checklist.ipynb", "03_plan.ipynb"):
        assert get(f"{server.base}/voila/render/{page}")[0] == 200
    assert server.kernels(), "the GETs started no kernel (the test would prove nothing)"
    assert server.wait_kernels(0) == [], "kernels without a browser are still running"
    assert "no browser connected" in server.log()


def test_past_the_cap_a_visitor_gets_a_page_in_french_and_english(server: Server) -> None:
    server.wait_kernels(0)
    results: list[tuple[int, str]] = []

    def visit() -> None:
        results.append(get(f"{server.base}/voila/render/01_checklist.ipynb"))

    threads = [threading.Thread(target=visit) for _ in range(3)]  # 2 kernels per page at most
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 200, 503], statuses
    refused = next(body for status, body in results if status == 503)
    assert "Trop de pages ouvertes en même temps" in refused and "Too many pages open at once" in refused
    assert "Traceback" not in refused and "cdn." not in refused
    assert len(server.kernels()) <= 2
    # the total cap: 3 kernels whatever the pages
    server.wait_kernels(0)
    results.clear()
    threads = [threading.Thread(target=lambda page=page: results.append(get(f"{server.base}/voila/render/{page}")))
               for page in ("00_accueil.ipynb", "01_checklist.ipynb", "03_plan.ipynb", "02_budget.ipynb")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert sorted(status for status, _ in results) == [200, 200, 200, 503]
    assert len(server.kernels()) <= 3


@pytest.mark.browser
def test_a_page_a_browser_shows_keeps_its_kernel(server: Server, page: Any) -> None:
    """The freeing of kernels spares those a browser is connected to (waited three times over)."""
    server.wait_kernels(0)
    page.goto(f"{server.base}/voila/render/00_accueil.ipynb?workbook=exemple-quartier-des-tisserands")
    wait_rendered(page)
    kernels = server.kernels()
    assert len(kernels) == 1
    deadline = time.monotonic() + 3 * SMALL["KpaKernelManager"]["unconnected_timeout"] + 3
    while time.monotonic() < deadline:
        time.sleep(0.5)
    assert server.kernels() == kernels
    assert "KPA des Tisserands" in page.inner_text(".kpa-territory")
