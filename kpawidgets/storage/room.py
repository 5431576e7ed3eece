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

from collections.abc import Callable
from typing import TypeVar

from kpawidgets.errors import KpaError
from kpawidgets.model.room.group import adopt
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.workspace import OpenWorkbook, Workspace

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
    saved then. :class:`RoomUnavailable` when the file could not be written.
    """
    save = save or (lambda opened: save_plainly(workspace, opened))
    for _attempt in range(ATTEMPTS):
        fresh = workspace.open(name)
        adopt(fresh.workbook)
        result = change(fresh.workbook)
        if save(fresh):
            return result, fresh
        if workspace.current_revision(name) == fresh.revision:
            break  # not another writer: a real save error (disk full…)
    raise RoomUnavailable("Enregistrement impossible pour le moment : rien n'a été perdu de ce que vous avez tapé, réessayez.")
