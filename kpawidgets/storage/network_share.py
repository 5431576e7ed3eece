"""A territory's shared figures, written where the network reads them: the interface a hub codes against.

When the environment variable ``KPA_SHARE_DIR`` is set and a workbook shares (``workbook.network.share``),
every save of that workbook (:meth:`~kpawidgets.storage.workspace.Workspace.save`, the one save path) also
writes ``<KPA_SHARE_DIR>/<workbook file stem>.json`` atomically (:mod:`kpawidgets.storage.atomic`): the
document of :func:`kpawidgets.model.network.shared.share_document` (``"kind": "kpa-shared-figures"``, its
format, the source stem, the date, the figures). A save with sharing off removes that file; so do deleting
and renaming the workbook (the renamed one is written under its new stem at the same save).

A file in the way that is not a shared-figures document (a workbook, anything else) is never overwritten
nor removed; neither is the workbook's own file when ``KPA_SHARE_DIR`` is its own folder. A failure here
never fails the save: the workbook is on disk; the log says what could not be shared.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
from pathlib import Path

from kpawidgets.model.network.shared import is_share_data, share_bytes
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.atomic import WriteError, write_atomic

__all__ = ["SHARE_DIR_ENV", "share_dir", "share_path", "publish", "withdraw"]

#: The environment variable naming the folder shared figures are written to.
SHARE_DIR_ENV = "KPA_SHARE_DIR"
#: A shared-figures file is small; anything bigger in its place is not one (never read whole).
_MAX_SHARE_BYTES = 256 * 1024

_log = logging.getLogger("kpawidgets.share")


def share_dir() -> Path | None:
    """The folder of ``KPA_SHARE_DIR``, or None when it is not set (or empty)."""
    value = os.environ.get(SHARE_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def share_path(stem: str, folder: Path | None = None) -> Path | None:
    """Where the shared figures of workbook *stem* go (None without a share folder)."""
    folder = folder if folder is not None else share_dir()
    return folder / f"{stem}.json" if folder is not None else None


def _ours(path: Path) -> bool | None:
    """Whether *path* holds a shared-figures document (None: nothing there; False: something else)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_SHARE_BYTES:
        return False
    try:
        with open(path, "rb") as handle:
            return is_share_data(json.loads(handle.read(_MAX_SHARE_BYTES + 1)))
    except (OSError, ValueError, RecursionError):
        return False


def _same_file(target: Path, source: Path | None) -> bool:
    if source is None:
        return False
    try:
        return os.path.samefile(target, source)
    except OSError:
        return target.absolute() == source.absolute()


def publish(workbook: Workbook, stem: str, source: Path | None = None,
            today: dt.date | None = None) -> Path | None:
    """After a save of *workbook* (file stem *stem*, at *source*): write or remove its shared figures.

    Returns the file written, or None (no share folder, not sharing, or refused: the log says why).
    """
    target = share_path(stem)
    if target is None or _same_file(target, source):
        return None
    if not workbook.network.share:
        withdraw(stem)
        return None
    ours = _ours(target)
    if ours is False:
        _log.warning("kpa: shared figures of « %s » not written: %s holds something else", stem, target)
        return None
    data = share_bytes(workbook, stem, today)
    if ours:
        try:
            if target.read_bytes() == data:
                return target
        except OSError:
            pass
    try:
        write_atomic(target, data, make_parents=True)
    except WriteError as exc:
        _log.warning("kpa: shared figures of « %s » not written: %s", stem, exc.message("en"))
        return None
    return target


def withdraw(stem: str) -> bool:
    """Remove the shared figures of workbook *stem* (only a shared-figures document); True when removed."""
    target = share_path(stem)
    if target is None or not _ours(target):
        return False
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        _log.warning("kpa: shared figures of « %s » not removed: %s", stem, exc)
        return False
    return True
