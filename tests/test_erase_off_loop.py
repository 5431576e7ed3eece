"""Issue 23: « Effacer mes réponses » rewrites every kept version of the workbook (seconds with a long history,
``bench/erase.py``); it runs off the server's event loop, so another phone's page and sends are answered meanwhile.

The participant page's handlers in a tornado server of their own on 127.0.0.1; the erasure is held on an
event until the other phone has had its answers (on main the loop was held: the other phone's request
waited for the erasure, and this test's bounded wait ran out).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from kpawidgets.storage.room import ATELIER_WORKBOOK_ENV
from kpawidgets.tools.procs import free_port
from kpawidgets.web import phone as web_phone
from kpawidgets.web.handlers import phone_handlers
from kpawidgets.web.phone import KEY_COOKIE, PHONE_PATH
from tests.conftest import EXAMPLE

HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "X-KPA-Phone": "1"}


class _Everyone:
    """The workshop's identity provider, reduced to letting the test's phones in."""

    def get_user(self, handler: Any) -> object:
        return object()


class _Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.loop: IOLoop | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(30), "the test's server did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = IOLoop.current()
        server = HTTPServer(web.Application(phone_handlers(), identity_provider=_Everyone()))
        server.listen(self.port, address="127.0.0.1")
        self.loop.add_callback(self.ready.set)
        self.loop.start()
        server.stop()

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.add_callback(self.loop.stop)
        self.thread.join(timeout=30)


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Served]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shutil.copy(EXAMPLE, workspace / EXAMPLE.name)
    monkeypatch.setenv("KPA_WORKSPACE", str(workspace))
    monkeypatch.setenv(ATELIER_WORKBOOK_ENV, EXAMPLE.stem)
    server = _Served(free_port())
    yield server
    server.stop()


def _call(port: int, key: str, path: str, fields: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method="POST" if fields is not None else "GET",
        data=urllib.parse.urlencode(fields).encode() if fields is not None else None,
        headers={**(HEADERS if fields is not None else {}), "Cookie": f"{KEY_COOKIE}={key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return int(response.status)


def test_another_phone_is_answered_while_an_erasure_runs(served: _Served, monkeypatch: pytest.MonkeyPatch) -> None:
    erasing, may_finish = threading.Event(), threading.Event()

    def slow_forget(*args: Any, **kwargs: Any) -> bool:
        erasing.set()
        may_finish.wait(20)  # bounded: on main this held the server's loop until here
        return True

    monkeypatch.setattr(web_phone, "forget_everywhere", slow_forget)
    erased: list[int] = []
    eraser = threading.Thread(target=lambda: erased.append(_call(
        served.port, secrets.token_urlsafe(24), PHONE_PATH, {"action": "forget", "keep_ideas": "no"})), daemon=True)
    eraser.start()
    assert erasing.wait(30), "the erasure did not start"
    other = secrets.token_urlsafe(24)
    answered = [_call(served.port, other, PHONE_PATH),  # the page, then a vote
                _call(served.port, other, PHONE_PATH, {"action": "vote", "commitment": "reciprocity",
                                                       "choice": "adopt", "send": secrets.token_hex(16)})]
    still_erasing = not may_finish.is_set() and not erased
    may_finish.set()
    eraser.join(timeout=60)
    assert answered == [200, 200]
    assert still_erasing, "the other phone waited for the erasure to finish"
    assert erased == [200]
