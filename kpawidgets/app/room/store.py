"""How the room's pages read and write the shared workbook, and follow it live.

Many phones save the same file at once. :func:`contribute` applies one person's change to
the file *as it is now* (re-read, apply, save through :meth:`WorkbookSession.changed`, which
merges three ways if yet another kernel saved in between). Applying the change to the
current file rather than merging a stale copy keeps the room's rules that span items true —
a dot points at an idea that still exists, a phone's counts include what it did in another
tab — because they are checked against what is really there.
:class:`FileFollower` watches the file's modification time (a cheap ``stat`` every half
second, in the kernel's event loop) and calls back when another kernel saved it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from kpawidgets.app.session import WorkbookSession
from kpawidgets.errors import KpaError
from kpawidgets.model.room.records import Room
from kpawidgets.model.workbook import Workbook

__all__ = ["ATTEMPTS", "contribute", "RoomUnavailable", "FileFollower", "open_room_session", "room_of",
           "ATELIER_WORKBOOK_ENV", "JOIN_URL_ENV", "JOIN_CODE_ENV"]

#: Set by ``kpa serve --atelier`` for the kernels: the workshop's workbook (phones cannot pick
#: another one), the participants' whole URL (for the QR code) and the short join code.
ATELIER_WORKBOOK_ENV = "KPA_ATELIER_WORKBOOK"
JOIN_URL_ENV = "KPA_ATELIER_JOIN_URL"
JOIN_CODE_ENV = "KPA_ATELIER_JOIN_CODE"

T = TypeVar("T")
#: How many times a contribution is tried again when other phones keep saving in between.
ATTEMPTS = 12
#: How often the file is looked at (seconds), and for how long at most (a long workshop day).
POLL_SECONDS = 0.5
FOLLOW_LIMIT_SECONDS = 14 * 3600


class RoomUnavailable(KpaError):
    """The workshop's workbook cannot be written just now."""


def room_of(workbook: Workbook | None) -> Room:
    """The room of *workbook* (an empty one when there is no workbook)."""
    return workbook.room if workbook is not None else Room()


def open_room_session(params: dict[str, str]) -> WorkbookSession:
    """The session of a room page: in workshop mode the workshop's workbook, whatever the URL says."""
    pinned = os.environ.get(ATELIER_WORKBOOK_ENV)
    if pinned:
        params = {**params, "workbook": pinned}
    return WorkbookSession.from_request(params)


def contribute(session: WorkbookSession, change: Callable[[Workbook], T]) -> T:
    """Apply *change* to the workbook file as it is now and save it; return what *change* returned.

    *change* may raise (a :class:`~kpawidgets.model.room.contributions.RoomError`): nothing is
    saved then, and the session keeps the version it had.
    """
    if session.opened is None:
        raise RoomUnavailable("Aucun carnet n'est ouvert pour cet atelier.")
    name = session.opened.name
    for _attempt in range(ATTEMPTS):
        fresh = session.workspace.open(name)
        result = change(fresh.workbook)
        session.opened = fresh
        if session.changed():
            return result
        if session.workspace.current_revision(name) == fresh.revision:
            break  # not another phone: a real save error (disk full…), which the status line shows
    raise RoomUnavailable("Enregistrement impossible pour le moment : rien n'a été perdu de ce que vous avez tapé, réessayez.")


class FileFollower:
    """Call ``on_change()`` when the file at *path* changes on disk (checked every half second).

    Runs as a task of the kernel's asyncio loop; stops after :data:`FOLLOW_LIMIT_SECONDS`
    or :meth:`stop`. ``on_change`` exceptions go to the server's log, never to the page.
    """

    def __init__(self, path: os.PathLike[str] | str, on_change: Callable[[], None]) -> None:
        self.path = os.fspath(path)
        self.on_change = on_change
        self.seen = self._stamp()
        self.task: asyncio.Task[None] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def mark_seen(self) -> None:
        """Take the file as it is now as seen (after this kernel's own save)."""
        self.seen = self._stamp()

    def check(self) -> bool:
        """Look at the file once; call back and return True if it changed since last seen."""
        stamp = self._stamp()
        if stamp == self.seen:
            return False
        self.seen = stamp
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - a redraw failure must not stop following
            traceback.print_exc(file=sys.__stderr__)
        return True

    def start(self) -> bool:
        """Start following in the running event loop; False when there is none (tests, nbclient)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return False
        if not loop.is_running():
            return False
        self.task = loop.create_task(self._follow())
        return True

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    async def _follow(self) -> None:
        deadline = time.monotonic() + FOLLOW_LIMIT_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            self.check()
