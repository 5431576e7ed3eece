"""Reading workbook files safely, and the errors of the workspace.

Only regular files are workbooks: a symbolic link, a folder, a FIFO or a device named
``x.json`` is refused with a reason, never followed, never read, never waited on; a file
over :data:`MAX_WORKBOOK_BYTES` is refused by its size before it is read. A key written
twice in one JSON object is refused too (JSON readers silently keep the last one).
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_
from kpawidgets.model.workbook import Workbook, WorkbookError, load_workbook_text
from kpawidgets.storage.atomic import DISK_FULL_ERRNOS, READ_ONLY_ERRNOS, WriteError

__all__ = [
    "ConflictError",
    "MAX_WORKBOOK_BYTES",
    "NotFoundError",
    "SaveError",
    "WorkspaceError",
    "load_workbook_file",
    "read_workbook_bytes",
    "refusal_of",
    "revision_of",
    "save_error",
]

#: A workbook file larger than this is refused by its size, unread. Real ones are far smaller
#: (the example is about 65 KB; the model bounds every list, so a full one stays far below).
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024


class WorkspaceError(KpaError):
    """A workspace operation that could not be done.

    :meth:`message` is worded for a page; *command_line* (an ``N_()`` template with the same
    placeholders), when given, is what ``kpa`` prints instead (no « page » on a terminal).
    """

    def __init__(self, template: str, *, command_line: str | None = None, **params: Any) -> None:
        super().__init__(template, **params)
        self.command_line_template = command_line

    def command_line_message(self, lang: str | None = None) -> str:
        """The message as ``kpa`` prints it."""
        if self.command_line_template is None:
            return self.message(lang)
        return KpaError(self.command_line_template, **self.params).message(lang)


class NotFoundError(WorkspaceError):
    """No workbook by that name."""


class ConflictError(WorkspaceError):
    """The file changed on disk since it was opened: saving would overwrite someone's work."""


class SaveError(WorkspaceError):
    """The disk refused the save (full, read-only…); the previous version is intact."""


def save_error(exc: OSError | WriteError) -> SaveError:
    """The message for a refused save, by its cause; the page's and the command line's wording."""
    code = exc.error_number if isinstance(exc, WriteError) else exc.errno
    if code in DISK_FULL_ERRNOS:
        return SaveError("Enregistrement impossible : le disque est plein. La dernière version enregistrée est intacte ; "
                         "vos saisies restent dans la page.",
                         command_line=N_("Enregistrement impossible : le disque est plein. Le fichier n'a pas été "
                                         "modifié."))
    if code in READ_ONLY_ERRNOS:
        return SaveError("Enregistrement impossible : le dossier de travail est en lecture seule. La dernière version "
                         "enregistrée est intacte ; vos saisies restent dans la page.",
                         command_line=N_("Enregistrement impossible : le dossier est en lecture seule. Le fichier "
                                         "n'a pas été modifié."))
    detail = exc.params.get("detail") if isinstance(exc, WriteError) else None
    return SaveError("Enregistrement impossible : {detail}. La dernière version enregistrée est intacte.",
                     detail=detail or getattr(exc, "strerror", None) or str(exc))


def revision_of(data: bytes) -> str:
    """A short fingerprint of a file's exact bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


# --------------------------------------------------------------------- reading files
def _too_big(source: str, size: int) -> WorkspaceError:
    return WorkspaceError("Le fichier {source} est trop gros pour un carnet ({size} Mo ; au plus {limit} Mo) : "
                          "il n'est pas ouvert.", source=source, size=math.ceil(size / 2**20),
                          limit=MAX_WORKBOOK_BYTES // 2**20)


def refusal_of(source: str, info: os.stat_result) -> WorkspaceError | None:
    """Why a file with this ``lstat`` is not read as a workbook (from its metadata alone), or None."""
    if stat.S_ISLNK(info.st_mode):
        return WorkspaceError("« {source} » est un lien symbolique : il n'est pas ouvert "
                              "(seuls les fichiers ordinaires du dossier de travail sont des carnets).", source=source)
    if stat.S_ISDIR(info.st_mode):
        return WorkspaceError("« {source} » est un dossier, pas un carnet.", source=source)
    if not stat.S_ISREG(info.st_mode):
        return WorkspaceError("« {source} » n'est pas un fichier ordinaire : il n'est pas ouvert.", source=source)
    if info.st_size > MAX_WORKBOOK_BYTES:
        return _too_big(source, info.st_size)
    return None


def _read_error(source: str, exc: OSError) -> WorkspaceError:
    if exc.errno == errno.ENOENT:
        return NotFoundError("Aucun carnet « {name} » dans le dossier de travail.", name=source)
    return WorkspaceError("Le fichier {source} ne peut pas être lu : {detail}",
                          source=source, detail=exc.strerror or str(exc))


def read_workbook_bytes(path: Path) -> bytes:
    """The bytes of the workbook file *path*: a regular file of at most MAX_WORKBOOK_BYTES.

    Never follows a symbolic link, never blocks on a FIFO, never reads a device, and refuses
    an oversized file by its size before reading it (WorkspaceError saying which).
    """
    source = path.name
    try:
        refused = refusal_of(source, os.lstat(path))
        if refused is None:
            # O_NOFOLLOW and O_NONBLOCK: the file may have been swapped since lstat.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link since lstat
            raise WorkspaceError("« {source} » est un lien symbolique : il n'est pas ouvert "
                                 "(seuls les fichiers ordinaires du dossier de travail sont des carnets).",
                                 source=source) from None
        raise _read_error(source, exc) from None
    if refused is not None:
        raise refused
    with os.fdopen(fd, "rb") as handle:
        refused = refusal_of(source, os.fstat(handle.fileno()))
        if refused is not None:
            raise refused
        try:
            data = handle.read(MAX_WORKBOOK_BYTES + 1)
        except OSError as exc:
            raise _read_error(source, exc) from None
    if len(data) > MAX_WORKBOOK_BYTES:  # it grew while being read
        raise _too_big(source, len(data))
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def load_workbook_file(data: bytes, source: str) -> Workbook:
    """The workbook in a file's bytes; WorkbookError (naming *source*) if it is not a valid one.

    Besides the model's checks, a key written twice in one object is refused: JSON readers
    silently keep the last value, so a hand-edited file could lose what the person sees first.
    """
    try:
        json.loads(data, object_pairs_hook=_refuse_duplicate_keys)
    except _DuplicateKey as duplicate:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible : la clé « {key} » y figure deux fois "
                            "dans un même objet.", source=source, key=duplicate.key[:100]) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass  # load_workbook_text says what is wrong with it
    return load_workbook_text(data, source=source)


