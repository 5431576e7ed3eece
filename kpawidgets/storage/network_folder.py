"""Reading the network's folder: the shared figures of every territory, bounded, never written.

The folder is ``$KPA_NETWORK_DIR`` (on a hub: the core team's read-only folder that shared figures land in),
else ``$KPA_SHARE_DIR``, else the workspace itself; ``kpa reseau FOLDER`` names another. Each ``*.json`` in
it (not in sub-folders; hidden files and other names are passed over) becomes one row:

- a shared-figures document (``"kind": "kpa-shared-figures"``, :mod:`kpawidgets.storage.network_share`): its
  figures; one of a newer format, or with invalid values, is a row saying so;
- a workbook that shares (``network.share``, e.g. the workspace itself): the figures it would share,
  computed by :func:`~kpawidgets.model.network.shared.shared_figures`; one that does not share is counted,
  not shown;
- anything else (a link, a folder, a FIFO, a file over :data:`MAX_FILE_BYTES`, bytes that are not JSON, JSON
  that is neither): a row naming the file and why it is not read. Links are never followed, a file is opened
  with ``O_NOFOLLOW | O_NONBLOCK`` and read only up to its bound; nothing in the folder is ever changed.

The scan is bounded: at most :data:`MAX_FILES` files (the page says how many more there are) and
:data:`MAX_SECONDS` seconds (the page says it stopped). :class:`FolderReader` keeps what it read by file
(size, modification time): following the folder re-reads only the files that changed.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_
from kpawidgets.model.network.rows import NetworkRow, problem_row, row_from_document
from kpawidgets.model.network.shared import ShareError, is_share_data, read_share_document, share_document
from kpawidgets.model.workbook import WorkbookError, load_workbook_text
from kpawidgets.storage.network_share import share_dir

__all__ = ["NETWORK_DIR_ENV", "MAX_FILES", "MAX_FILE_BYTES", "MAX_SECONDS", "FolderScan", "FolderReader",
           "network_dir", "scan_folder"]

#: The environment variable naming the network's folder.
NETWORK_DIR_ENV = "KPA_NETWORK_DIR"
#: At most this many files are read (a folder of 10 000 is bounded with a message).
MAX_FILES = 2000
#: A file over this size is not read (a shared-figures file is about 2 KB; a big workbook about 100 KB).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: A scan stops after this many seconds (the page says so and shows what it read).
MAX_SECONDS = 20.0


def network_dir(workspace_root: Path | None = None) -> Path | None:
    """The network's folder: ``$KPA_NETWORK_DIR``, else ``$KPA_SHARE_DIR``, else *workspace_root*."""
    value = os.environ.get(NETWORK_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    return share_dir() or workspace_root


@dataclass
class FolderScan:
    """What one reading of the folder gave: the rows, and what it could not do."""

    folder: Path
    rows: list[NetworkRow] = field(default_factory=list)
    #: The folder itself could not be listed (missing, not a folder, refused): the reason, in words.
    missing: KpaError | None = None
    #: Files past :data:`MAX_FILES`, not read.
    left_out: int = 0
    #: The scan stopped at :data:`MAX_SECONDS`: how many files were not read.
    timed_out: int = 0
    #: Workbooks in the folder that do not share their figures.
    not_sharing: int = 0
    #: How many files were read (parsed) this time, the others coming from the reader's memory.
    read: int = 0


class NetworkFolderError(KpaError):
    """A file or folder of the network that is not read."""


_LINK = N_("lien symbolique : pas suivi")
_NOT_FILE = N_("pas un fichier ordinaire : pas lu")
_TOO_BIG = N_("fichier trop gros ({size} Ko) : pas lu")
_NOT_JSON = N_("fichier abîmé (pas du JSON) : pas lu")
_FOREIGN = N_("ni chiffres partagés ni carnet : pas lu")
_UNREADABLE = N_("fichier illisible ({reason}) : pas lu")


def _problem(source: str, template: str, modified: float | None = None, **params: Any) -> NetworkRow:
    return problem_row(source, NetworkFolderError(template, **params).message(), modified)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, opened without following a link nor waiting on a FIFO; OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise OSError(errno.EFBIG, "too big")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_entry(path: Path, today: dt.date, modified: float | None = None) -> tuple[NetworkRow | None, bool]:
    """One file of the folder as a row (None: a workbook that does not share) and whether it is a workbook."""
    source = path.name
    try:
        data = _read_bounded(path)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            return _problem(source, _TOO_BIG, modified, size=MAX_FILE_BYTES // 1024), False
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            return _problem(source, _LINK, modified), False
        if exc.errno == errno.EINVAL:
            return _problem(source, _NOT_FILE, modified), False
        return _problem(source, _UNREADABLE, modified, reason=exc.strerror or str(exc)), False
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _problem(source, _NOT_JSON, modified), False
    if is_share_data(parsed):
        try:
            return row_from_document(read_share_document(parsed, source), today, modified, source), False
        except ShareError as exc:
            return problem_row(source, exc.message(), modified), False
    if isinstance(parsed, dict) and "schema_version" in parsed and "identity" in parsed:
        try:
            workbook = load_workbook_text(data, source)
        except WorkbookError as exc:
            return problem_row(source, exc.message(), modified), True
        if not workbook.network.share:
            return None, True
        document = read_share_document(share_document(workbook, path.stem, today), source)
        return row_from_document(document, today, modified, source), True
    return _problem(source, _FOREIGN, modified), False


class FolderReader:
    """Reads one folder again and again, re-reading only the files whose size or time changed."""

    def __init__(self, folder: Path, *, max_files: int = MAX_FILES, max_seconds: float = MAX_SECONDS) -> None:
        self.folder = Path(folder)
        self.max_files = max_files
        self.max_seconds = max_seconds
        self._kept: dict[str, tuple[tuple[int, int, int], NetworkRow | None, bool]] = {}
        self._day: dt.date | None = None

    def scan(self, today: dt.date | None = None) -> FolderScan:
        """The folder's rows now (files in name order; the rows' order is the page's sort)."""
        today = today or dt.date.today()
        if today != self._day:  # a row's colour depends on the day: a new day reads everything again
            self._kept.clear()
            self._day = today
        result = FolderScan(self.folder)
        started = time.monotonic()
        try:
            with os.scandir(self.folder) as listing:
                names = sorted(entry.name for entry in listing
                               if entry.name.endswith(".json") and not entry.name.startswith("."))
        except FileNotFoundError:
            result.missing = NetworkFolderError("Le dossier du réseau {folder} n'existe pas.", folder=str(self.folder))
            return result
        except NotADirectoryError:
            result.missing = NetworkFolderError("{folder} n'est pas un dossier.", folder=str(self.folder))
            return result
        except OSError as exc:
            result.missing = NetworkFolderError("Le dossier du réseau {folder} ne peut pas être lu ({reason}).",
                                                folder=str(self.folder), reason=exc.strerror or str(exc))
            return result
        if len(names) > self.max_files:
            result.left_out = len(names) - self.max_files
            names = names[:self.max_files]
        kept: dict[str, tuple[tuple[int, int, int], NetworkRow | None, bool]] = {}
        for index, name in enumerate(names):
            if time.monotonic() - started > self.max_seconds:
                result.timed_out = len(names) - index
                break
            path = self.folder / name
            try:
                info = os.lstat(path)
            except OSError:
                continue  # gone between the listing and now
            key = (info.st_mode, info.st_size, info.st_mtime_ns)
            known = self._kept.get(name)
            if known is not None and known[0] == key:
                row, is_workbook = known[1], known[2]
            elif stat.S_ISLNK(info.st_mode):
                row, is_workbook = _problem(name, _LINK, info.st_mtime), False
            elif not stat.S_ISREG(info.st_mode):
                row, is_workbook = _problem(name, _NOT_FILE, info.st_mtime), False
            else:
                row, is_workbook = read_entry(path, today, info.st_mtime)
                result.read += 1
            kept[name] = (key, row, is_workbook)
            if row is None:
                result.not_sharing += 1
            else:
                result.rows.append(row)
        self._kept = kept
        return result


def scan_folder(folder: Path, today: dt.date | None = None, *, max_files: int = MAX_FILES,
                max_seconds: float = MAX_SECONDS) -> FolderScan:
    """One reading of *folder* (see the module's docstring)."""
    return FolderReader(folder, max_files=max_files, max_seconds=max_seconds).scan(today)
