"""One change applied to a workbook file *as it is now*: how the room's many writers save.

Many phones and the facilitator's pages save the same file at once. :func:`apply_now` re-reads
the file, applies one person's change to it and saves; when yet another writer saved in
between, it tries again on the newer file. Applying the change to the current file rather
than merging a stale copy keeps the room's rules that span items true — a dot points at an
idea that still exists, a phone's counts include what it did in another tab — because they
are checked against what is really there. Room entries from before the group was one record
join the group on the way (:func:`~kpawidgets.model.room.group.adopt`, the same everywhere).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from kpawidgets.errors import KpaError
from kpawidgets.model.room.group import adopt
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.files import SaveError
from kpawidgets.storage.workspace import OpenWorkbook, Workspace

_log = logging.getLogger("kpa.atelier")
_logged = {"at": -60.0, "count": 0}


def _log_refusal(name: str, error: SaveError) -> None:
    """The server's log names a refused save (disk full…), one line a minute however many phones ask."""
    _logged["count"] += 1
    now = time.monotonic()
    if now - _logged["at"] >= 60:
        _log.error("kpa atelier: %d save(s) of « %s » refused: %s", _logged["count"], name, error.message("en"))
        _logged.update(at=now, count=0)

__all__ = ["ATTEMPTS", "RoomUnavailable", "apply_now", "save_plainly", "ATELIER_WORKBOOK_ENV", "JOIN_URL_ENV",
           "JOIN_CODE_ENV"]

#: Set by ``kpa serve --atelier`` for the server and its kernels: the workshop's workbook (phones
#: cannot pick another one), the participants' whole URL (for the QR code) and the short join code.
ATELIER_WORKBOOK_ENV = "KPA_ATELIER_WORKBOOK"
JOIN_URL_ENV = "KPA_ATELIER_JOIN_URL"
JOIN_CODE_ENV = "KPA_ATELIER_JOIN_CODE"

T = TypeVar("T")
#: How many times a change is tried again when other writers keep saving in between.
ATTEMPTS = 12


class RoomUnavailable(KpaError):
    """The workshop's workbook cannot be written just now."""


def save_plainly(workspace: Workspace, opened: OpenWorkbook) -> bool:
    """Save *opened*; False when the file cannot take it now (another writer, a disk error)."""
    try:
        workspace.save(opened)
    except KpaError:
        return False
    return True


def apply_now(workspace: Workspace, name: str, change: Callable[[Workbook], T],
              save: Callable[[OpenWorkbook], bool] | None = None) -> tuple[T, OpenWorkbook]:
    """Apply *change* to workbook *name* as it is on disk now and save it with *save*
    (default :func:`save_plainly`); return what *change* returned and the saved workbook.

    *change* may raise (a :class:`~kpawidgets.model.room.contributions.RoomError`): nothing is
    saved then. The :class:`~kpawidgets.storage.files.SaveError` that says why (the disk is full,
    the folder read-only) when the file cannot be written, also in the server's log;
    :class:`RoomUnavailable` when other writers kept saving in between.
    """
    refused: list[SaveError] = []

    def plainly(opened: OpenWorkbook) -> bool:
        try:
            workspace.save(opened)
        except SaveError as exc:
            refused.append(exc)
            return False
        except KpaError:
            return False
        return True
    save = save or plainly
    for _attempt in range(ATTEMPTS):
        fresh = workspace.open(name)
        adopt(fresh.workbook)
        result = change(fresh.workbook)
        if save(fresh):
            return result, fresh
        if workspace.current_revision(name) == fresh.revision:
            if refused:  # not another writer: a real save error, named (disk full, read-only folder…)
                _log_refusal(name, refused[-1])
                raise refused[-1]
            break
    raise RoomUnavailable("Enregistrement impossible pour le moment : rien n'a été perdu de ce que vous avez tapé, réessayez.")
