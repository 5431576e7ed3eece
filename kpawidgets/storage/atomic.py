"""The one way the project writes a file: whole or not at all.

:func:`write_atomic` writes workbooks, history entries, the PDF, HTML, xlsx and CSV
exports. The recipe: a temporary file in the destination's folder (so the rename stays
on one filesystem), write, flush, fsync, ``os.replace`` over the destination, fsync the
folder. A crash or a full disk at any point leaves the old file or the new one, never a
half-written file. The new file keeps the destination's permission bits when it exists,
else gets the umask's default (``0666 & ~umask``, applied by the kernel), so a team's
shared folder stays readable by the team (``mkstemp`` would make it ``0600``).

:func:`staged_write` splits the same recipe in two steps for callers that must do
something between "the new bytes are safely on disk" and "they replace the old file"
(the workspace keeps the previous version in the history there).
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpawidgets.errors import KpaError

__all__ = ["StagedWrite", "WriteError", "staged_write", "write_atomic", "TEMP_PREFIX"]

#: Temporary files start with this (hidden, never listed as workbooks).
TEMP_PREFIX = ".tmp-"

#: errno values that mean "no room left" (EFBIG: a file size limit, RLIMIT_FSIZE).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: errno values that mean "this folder may not be written".
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


class WriteError(KpaError):
    """A file could not be written; the previous version of it (if any) is intact.

    ``params["errno"]`` keeps the system's error number so that callers can word the
    message for their context (a page, the command line).
    """

    @staticmethod
    def from_os_error(path: Path, exc: OSError) -> WriteError:
        """The error for *exc*, worded by its cause (full disk, read-only, other)."""
        code = exc.errno
        if code in DISK_FULL_ERRNOS:
            return WriteError("Impossible d'écrire {path} : le disque est plein.", path=str(path), errno=code)
        if code == errno.EROFS:
            return WriteError("Impossible d'écrire {path} : le disque est en lecture seule.", path=str(path), errno=code)
        if code in READ_ONLY_ERRNOS:
            return WriteError("Impossible d'écrire {path} : accès refusé.", path=str(path), errno=code)
        if code in (errno.ENOENT, errno.ENOTDIR):
            return WriteError("Impossible d'écrire {path} : le dossier n'existe pas.", path=str(path), errno=code)
        if code == errno.EISDIR:
            return WriteError("Impossible d'écrire {path} : c'est un dossier.", path=str(path), errno=code)
        return WriteError("Impossible d'écrire {path} : {detail}", path=str(path), errno=code,
                          detail=exc.strerror or str(exc))

    @property
    def error_number(self) -> int | None:
        code = self.params.get("errno")
        return code if isinstance(code, int) else None


def _mode_of(path: Path) -> int | None:
    """The permission bits of the existing destination, or None for a new file."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable. Best effort: the new file is already in place."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the data itself was synced
    finally:
        os.close(fd)


class StagedWrite:
    """New bytes written and synced beside *path*, waiting for :meth:`commit`."""

    def __init__(self, path: Path, temporary: Path) -> None:
        self.path = path
        self.temporary: Path | None = temporary

    def commit(self) -> None:
        """Replace the destination with the staged file (atomic), then sync the folder."""
        if self.temporary is None:
            raise RuntimeError("staged write already committed or discarded")
        try:
            os.replace(self.temporary, self.path)
        except OSError as exc:
            self.discard()
            raise WriteError.from_os_error(self.path, exc) from None
        self.temporary = None
        _fsync_folder(self.path.parent)

    def discard(self) -> None:
        """Remove the staged file (the destination is untouched)."""
        if self.temporary is not None:
            try:
                os.unlink(self.temporary)
            except OSError:
                pass
            self.temporary = None


def _stage(path: Path, data: bytes) -> StagedWrite:
    mode = _mode_of(path)
    for _attempt in range(100):
        temporary = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}")
        try:
            # 0o666: the kernel applies the umask, as for any new file; no os.umask() dance
            # (it is process-wide and races with other threads).
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - 100 random collisions
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(temporary))
    staged = StagedWrite(path, temporary)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if fd != -1:
            os.close(fd)
        staged.discard()
        raise
    return staged


@contextmanager
def staged_write(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> Iterator[StagedWrite]:
    """Write *data* beside *path* and yield it staged; discarded unless committed in the block.

    Raises :class:`WriteError` (the destination untouched) if the bytes cannot be written.
    """
    target = Path(path)
    try:
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        staged = _stage(target, data)
    except OSError as exc:
        raise WriteError.from_os_error(target, exc) from None
    try:
        yield staged
    finally:
        staged.discard()


def write_atomic(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> None:
    """Write *data* to *path* whole or not at all (see the module's docstring).

    ``make_parents`` creates missing folders (for export paths a person typed).
    Raises :class:`WriteError`, with the previous file intact.
    """
    with staged_write(path, data, make_parents=make_parents) as staged:
        staged.commit()
