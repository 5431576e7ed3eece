"""How the room's pages read and write the shared workbook, and follow it live.

Every change goes through :func:`contribute`: the one way the room's writers save
(:func:`~kpawidgets.storage.room.apply_now`: the file as it is now), through the page's
session, which merges three ways if yet another writer saved in between and tells the page.
Following others' saves is the session's own (:meth:`WorkbookSession.follow_file`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from kpawidgets.app.session import WorkbookSession
from kpawidgets.model.room.records import Room
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import ATELIER_WORKBOOK_ENV, RoomUnavailable, apply_now
from kpawidgets.storage.workspace import OpenWorkbook

__all__ = ["contribute", "open_room_session", "room_of"]

T = TypeVar("T")


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

    def save(fresh: OpenWorkbook) -> bool:
        session.opened = fresh
        return session.changed()

    return apply_now(session.workspace, session.opened.name, change, save)[0]
