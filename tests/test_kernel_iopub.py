"""The kernels' output channel drops nothing on a loaded laptop.

ZMQ keeps 1 000 messages for a reader that falls behind and drops the next ones silently. A tab
built on its first click sends about 1 700: with Voilà held still for 4 s right after the click
(as a busy laptop holds it), the browser got 987 of them and the tab stayed empty. The server's
sockets have no receive limit (:class:`KpaKernelManager`) and each kernel's output socket no send
limit, set before it binds (:mod:`kpawidgets.config.kernel_launcher`).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
import zmq

from kpawidgets.config.kernels import KPA_LAUNCHER, KpaKernelManager, KpaServerKernelManager
from tests.conftest import wait_rendered
from tests.test_security import _voila_for_port


def test_the_servers_sockets_to_kernels_have_no_receive_limit() -> None:
    manager = KpaKernelManager()
    assert manager.context.getsockopt(zmq.RCVHWM) == 0
    socket = manager.context.socket(zmq.SUB)
    try:
        assert socket.getsockopt(zmq.RCVHWM) == 0  # what the browsers' connections get
    finally:
        socket.close(linger=0)


def test_the_kernels_start_through_the_launcher_that_lifts_the_limit_before_binding() -> None:
    manager = KpaKernelManager()
    assert manager.kernel_manager_class.endswith("KpaServerKernelManager")
    kernel = KpaServerKernelManager(kernel_name="python3", connection_file="/tmp/kernel-test.json")
    command = kernel.format_kernel_cmd()
    assert command[1:3] == ["-m", KPA_LAUNCHER] and "ipykernel_launcher" not in command


@pytest.mark.browser
def test_a_tab_built_while_the_server_is_held_still_shows_whole(voila_server: Any, page: Any) -> None:
    page.goto(voila_server.url("02_budget.ipynb", "workbook=exemple-quartier-des-tisserands"))
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    servers = _voila_for_port(voila_server.port)
    assert servers
    frames: list[Any] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
    page.reload()  # the page's websocket, now counted
    wait_rendered(page)
    page.wait_for_selector(".kpa-coverage-pct", state="visible")
    before = len(frames)
    page.get_by_role("tab", name="Trois ans").click()
    # the kernel has the click and is building (its first messages came): then the server stops reading
    deadline = time.monotonic() + 60
    while len(frames) < before + 3 and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    for pid in servers:  # the laptop busy elsewhere: Voilà reads nothing for 4 s
        os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(4)
    finally:
        for pid in servers:
            os.kill(pid, signal.SIGCONT)
    # every line's rule, the last ones too (987 of the tab's 1 668 messages came before)
    page.locator(".kpa-years-rule").filter(has_text="Département").locator("select").first.wait_for(timeout=60_000)
    assert len(frames) - before > 1000
    assert page.locator(".kpa-years-rule").count() == page.locator(".kpa-years-rule select").count() / 3
