"""How the room's pages read and write the shared workbook, and follow it live.

Many phones save the same file at once. :func:`contribute` applies one person's change to
the file *as it is now* (re-read, apply, save through :meth:`WorkbookSession.changed`, which
merges three ways if yet another kernel saved in between). Applying the change to the
current file rather than merging a stale copy keeps the room's rules that span items true —
a dot points at an idea that still exists, a phone's counts include what it did in another
tab — because they are checked against what is really there. Room entries from before the
group was one record join the group on the way (:func:`~kpawidgets.model.room.group.adopt`,
the same on every device).
Following others' saves is the session's own (:meth:`WorkbookSession.follow_file`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from kpawidgets.app.session import WorkbookSession
from kpawidgets.errors import KpaError
from kpawidgets.model.room.group import adopt
from kpawidgets.model.room.records import Room
from kpawidgets.model.workbook import Workbook

__all__ = ["ATTEMPTS", "contribute", "RoomUnavailable", "open_room_session", "room_of",
           "ATELIER_WORKBOOK_ENV", "JOIN_URL_ENV", "JOIN_CODE_ENV"]

#: Set by ``kpa serve --atelier`` for the kernels: the workshop's workbook (phones cannot pick
#: another one), the participants' whole URL (for the QR code) and the short join code.
ATELIER_WORKBOOK_ENV = "KPA_ATELIER_WORKBOOK"
JOIN_URL_ENV = "KPA_ATELIER_JOIN_URL"
JOIN_CODE_ENV = "KPA_ATELIER_JOIN_CODE"

T = TypeVar("T")
#: How many times a contribution is tried again when other phones keep saving in between.
ATTEMPTS = 12


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
        adopt(fresh.workbook)
        result = change(fresh.workbook)
        session.opened = fresh
        if session.changed():
            return result
        if session.workspace.current_revision(name) == fresh.revision:
            break  # not another phone: a real save error (disk full…), which the status line shows
    raise RoomUnavailable("Enregistrement impossible pour le moment : rien n'a été perdu de ce que vous avez tapé, réessayez.")
