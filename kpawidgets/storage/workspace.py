"""A folder of workbook files: create, list, open, save (atomic, with history), trash.

Layout of a workspace folder::

    <root>/<name>.json                 one workbook per territory
    <root>/.historique/<name>/*.json   previous versions, newest last (thinned: storage/history.py)
    <root>/.corbeille/*.json           deleted workbooks, recoverable
    <root>/.verrous/<name>.lock        short-lived locks that serialise saves

``name`` is the file's stem, made safe from the territory's name.
"""

from __future__ import annotations

import builtins
import datetime as dt
import fcntl
import os
import re
import time
import unicodedata
from collections.abc import Iterator
import contextlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_
from kpawidgets.model.merge import MergeEvent
from kpawidgets.model.workbook import Workbook, WorkbookError, dump_workbook, load_workbook_text
from kpawidgets.storage.atomic import WriteError, staged_write, write_atomic
from kpawidgets.storage.files import (
    MAX_WORKBOOK_BYTES,
    ConflictError,
    NotFoundError,
    SaveError,
    WorkspaceError,
    load_workbook_file,
    read_workbook_bytes,
    refusal_of,
    revision_of,
    save_error,
)
from kpawidgets.storage.history import (
    forget_bases,
    iter_files,
    keep_version,
    save_time,
    steady_time,
    thin_now_and_then,
    version_bytes,
    wall_clock,
)
from kpawidgets.storage.merging import merge_with_file
from kpawidgets.storage.network_share import publish, withdraw

__all__ = [
    "Workspace",
    "WorkbookEntry",
    "OpenWorkbook",
    "HistoryVersion",
    "WorkspaceError",
    "ConflictError",
    "SaveError",
    "NotFoundError",
    "MAX_WORKBOOK_BYTES",
    "load_workbook_file",
    "read_workbook_bytes",
    "revision_of",
    "slugify",
    "default_workspace_dir",
    "copy_into",
]

SUFFIX = ".json"
HISTORY_DIR = ".historique"
TRASH_DIR = ".corbeille"
LOCK_DIR = ".verrous"
#: A safety bound on the versions kept: past it the last hour is thinned first, never the older
#: slots (storage/history.py). The rule itself keeps about 36 000 at 600 saves a minute.
HISTORY_LIMIT = 50_000
#: How long a save waits for another save of the same workbook to finish (seconds).
LOCK_WAIT = 10.0
MAX_NAME_LENGTH = 60
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
#: Names a visitor may ask for (``?workbook=``), and the names the workspace gives.
_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: Stems of files opened by their path on the command line (``kpa import dir/My_Workbook.json``).
_FILE_STEM_PATTERN = re.compile(r"^[^./\x00][^/\x00]{0,199}$")


def default_workspace_dir() -> Path:
    """``$KPA_WORKSPACE`` if set, else ``./workspace``."""
    return Path(os.environ.get("KPA_WORKSPACE") or "workspace").expanduser().absolute()


def slugify(text: str) -> str:
    """A safe file stem from a territory name: ``Quartier de l'Épeule/Roubaix`` → ``quartier-de-l-epeule-roubaix``."""
    text = text.translate(_LIGATURES)  # NFKD does not split œ (Mons-en-Barœul)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_NAME_LENGTH].rstrip("-")
    return slug or "carnet"


#: Parsed workbooks of the last listings, by path, with the file's identity when parsed:
#: a listing re-reads only the files that changed since (os.replace gives a new inode).
_LISTED: dict[str, tuple[tuple[int, ...], Workbook | None, KpaError | None]] = {}
_LISTED_LIMIT = 2000


def _signature(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


# ------------------------------------------------------------------------ records
@dataclass(frozen=True)
class WorkbookEntry:
    """One file of the workspace as listed: either a workbook or the reason it cannot be read.

    ``workbook`` may be shared between listings (it is cached): read it, never edit it —
    :meth:`Workspace.open` gives a workbook to edit.
    """

    name: str
    path: Path
    workbook: Workbook | None
    error: KpaError | None
    modified: dt.datetime

    @property
    def title(self) -> str:
        return self.workbook.identity.territory if self.workbook else self.path.name


@dataclass
class OpenWorkbook:
    """A workbook as opened: the revision it was read at and those bytes (the base of a merge).

    After a save, ``merged`` is True when the file had changed since it was read, so the
    saved workbook holds others' changes too (the page shows it again), and ``events`` says
    what the merge replaced or kept (:mod:`kpawidgets.model.merge`).
    """

    name: str
    path: Path
    workbook: Workbook
    revision: str
    base: bytes = b""
    merged: bool = False
    events: tuple[MergeEvent, ...] = ()


@dataclass(frozen=True)
class HistoryVersion:
    """A previous version of a workbook kept in the history folder."""

    path: Path
    saved_at: dt.datetime
    revision: str


class Workspace:
    """A folder of workbooks. All paths it touches stay inside ``root``."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).expanduser().absolute() if root else default_workspace_dir()

    # ----------------------------------------------------------------- naming
    def ensure(self) -> None:
        """Create the folder if needed (with a clear error when impossible)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise WorkspaceError("Impossible de créer le dossier de travail {root} : un fichier porte déjà ce nom.",
                                 root=str(self.root)) from None
        except OSError as exc:
            raise WorkspaceError("Impossible de créer le dossier de travail {root} : {detail}",
                                 root=str(self.root), detail=exc.strerror or str(exc)) from None

    def path_for(self, name: str) -> Path:
        """The file of workbook *name*; refuses anything that is not a plain safe name."""
        if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
            raise NotFoundError("Nom de carnet invalide : « {name} ».", name=str(name)[:100])
        return self.root / f"{name}{SUFFIX}"

    def _file_of(self, name: str) -> Path:
        """The file of an opened workbook: a safe name, or the stem of a file opened by path."""
        if _NAME_PATTERN.fullmatch(name) or _FILE_STEM_PATTERN.fullmatch(name):
            return self.root / f"{name}{SUFFIX}"
        raise NotFoundError("Nom de carnet invalide : « {name} ».", name=name[:100])

    def resolve(self, reference: str) -> str:
        """The name of a workbook given by name (``quartier-x``) or by a file path inside the workspace.

        Messages name the workbook, never the workspace's full path (a visitor may read them);
        ``params["root"]`` keeps it for the command line.
        """
        if not isinstance(reference, str) or "\x00" in reference or len(reference) > 4096:
            raise NotFoundError("Nom de carnet invalide : « {name} ».", name=str(reference)[:100].replace("\x00", ""))
        candidate = Path(reference)
        if reference.endswith(SUFFIX) or os.sep in reference:
            full = candidate.absolute()  # no expanduser(): a visitor's "~x/…" must not touch home dirs
            if full.parent.resolve() != self.root.resolve():
                raise NotFoundError("Le fichier {reference} n'est pas dans le dossier de travail.",
                                    reference=reference[:100], root=str(self.root))
            name = full.name[: -len(SUFFIX)] if full.name.endswith(SUFFIX) else full.name
        else:
            name = reference
        if not os.path.lexists(self.path_for(name)):  # a link is found, then refused by open()
            raise NotFoundError("Aucun carnet « {name} » dans le dossier de travail.", name=name, root=str(self.root))
        return name

    def unique_name(self, territory: str) -> str:
        """A free file stem for *territory* (``-2``, ``-3``… when taken)."""
        base = slugify(territory)
        name, counter = base, 1
        while os.path.lexists(self.path_for(name)):
            counter += 1
            suffix = f"-{counter}"
            name = base[: MAX_NAME_LENGTH - len(suffix)].rstrip("-") + suffix
        return name

    # ---------------------------------------------------------------- reading
    def names(self) -> list[str]:
        """Names of every ``<name>.json`` entry of the workspace (of any kind: open() says why one is refused), sorted."""
        try:
            with os.scandir(self.root) as entries:
                found = [entry.name[: -len(SUFFIX)] for entry in entries if entry.name.endswith(SUFFIX)]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(name for name in found if _NAME_PATTERN.fullmatch(name))

    def list(self) -> list[WorkbookEntry]:
        """Every workbook file; unreadable ones are listed with their reason, never skipped.

        Links, folders, FIFOs, devices and oversized files are refused from their ``lstat``
        alone; a file unchanged since the last listing is not read again.
        """
        entries = []
        seen: set[str] = set()
        for name in self.names():
            path = self.root / f"{name}{SUFFIX}"
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue  # removed since names()
            key = str(path)
            seen.add(key)
            workbook: Workbook | None = None
            error: KpaError | None = refusal_of(path.name, info)
            cached = _LISTED.get(key)
            if error is not None:
                pass
            elif cached is not None and cached[0] == _signature(info):
                workbook, error = cached[1], cached[2]
            else:
                try:
                    workbook = load_workbook_file(read_workbook_bytes(path), path.name)
                except KpaError as exc:
                    error = exc
                _LISTED[key] = (_signature(info), workbook, error)
            modified = dt.datetime.fromtimestamp(info.st_mtime, dt.timezone.utc)
            entries.append(WorkbookEntry(name, path, workbook, error, modified))
        if len(_LISTED) > _LISTED_LIMIT:
            for key in [k for k in _LISTED if k not in seen]:
                del _LISTED[key]
        return entries

    def open(self, reference: str) -> OpenWorkbook:
        """Read a workbook; raise WorkbookError (naming the file) if it is corrupt or too new."""
        name = self.resolve(reference)
        return self._open_file(name, self.path_for(name))

    def open_path(self, path: str | os.PathLike[str]) -> OpenWorkbook:
        """Open the workbook file *path* of this folder whatever its stem (``kpa import dir/My_Workbook.json``).

        Only the command line opens files by path; saves then go through :meth:`save`
        like any other (history, lock, conflict check).
        """
        full = Path(path).absolute()
        stem = full.name[: -len(SUFFIX)] if full.name.endswith(SUFFIX) else ""
        if full.parent.resolve() != self.root.resolve() or not _FILE_STEM_PATTERN.fullmatch(stem):
            raise NotFoundError("Le fichier {reference} n'est pas dans le dossier de travail.",
                                reference=str(path)[:100], root=str(self.root))
        return self._open_file(stem, self.root / full.name)

    def _open_file(self, name: str, path: Path) -> OpenWorkbook:
        data = read_workbook_bytes(path)
        return OpenWorkbook(name, path, load_workbook_file(data, path.name), revision_of(data), data)

    def current_revision(self, name: str) -> str | None:
        """The revision of the file on disk now (None if it is gone)."""
        try:
            return revision_of(read_workbook_bytes(self._file_of(name)))
        except NotFoundError:
            return None

    # ---------------------------------------------------------------- writing
    def create(self, territory: str, **identity: object) -> OpenWorkbook:
        """A new workbook for *territory*, saved at once under a fresh name (ClockError at a clock off by decades)."""
        save_time()
        return self.add(Workbook.new(territory, **identity))  # type: ignore[arg-type]

    def add(self, workbook: Workbook) -> OpenWorkbook:
        """Save *workbook* under a fresh name derived from its territory."""
        self.ensure()
        with self._lock("__nouveau__"):
            name = self.unique_name(workbook.identity.territory)
            path = self.path_for(name)
            data = self._checked_dump(workbook, name)
            try:
                write_atomic(path, data)
            except WriteError as exc:
                raise self._save_error(exc) from None
        return OpenWorkbook(name, path, workbook, revision_of(data), data)

    def save(self, opened: OpenWorkbook, workbook: Workbook | None = None) -> OpenWorkbook:
        """Write *workbook* (default: ``opened.workbook``) over the file ``opened`` was read from.

        Under the workbook's lock: read the file as it is now, merge it with what the caller
        holds when it changed since it was read (:meth:`_reconcile`), then keep the previous
        file in the history and replace it atomically. On success ``opened`` is updated in
        place (workbook, revision, base, merged, events) and returned; the workbook is a new
        object when others' changes came in.
        """
        workbook = workbook if workbook is not None else opened.workbook
        path = self._file_of(opened.name)
        with self._lock(opened.name):
            current = self._read_current(opened.name, path)
            workbook, merged, events = self._reconcile(opened, current, workbook)
            if dump_workbook(workbook).encode("utf-8") == current:
                data = current  # nothing to change: no write, no history entry
            else:
                workbook.updated_at = save_time()  # ClockError (a SaveError) when the clock is off by decades
                # a merged workbook was just read by the loader: nothing in it escaped validation
                data = dump_workbook(workbook).encode("utf-8") if merged else self._checked_dump(workbook, opened.name)
                self._replace(opened.name, path, current, data)
        opened.workbook = workbook
        opened.revision = revision_of(data)
        opened.base = data
        opened.merged, opened.events = merged, events
        publish(workbook, opened.name, path)  # KPA_SHARE_DIR: the figures it shares, or none (storage/network_share.py)
        return opened

    def _read_current(self, name: str, path: Path) -> bytes:
        """The file's bytes now, under the lock; ConflictError if it was deleted or renamed."""
        try:
            return read_workbook_bytes(path)
        except NotFoundError:
            raise ConflictError("Le carnet « {name} » a été supprimé ou renommé depuis son ouverture.",
                                name=name) from None

    def _reconcile(self, opened: OpenWorkbook, current: bytes,
                   workbook: Workbook) -> tuple[Workbook, bool, tuple[MergeEvent, ...]]:
        """The workbook to write, given the file as it is now (*current*) and what the caller holds.

        The one place where a save meets the file as others left it. ``opened.base`` is the
        bytes the caller read; *workbook* is what it holds now. When the file changed since,
        the three are merged (:func:`~kpawidgets.storage.merging.merge_with_file`: the caller's
        value wins where both changed one; a hand-broken file or a merge the loader refuses is
        a ConflictError naming the workbook, and nothing is written).
        Returns the workbook to write, whether others' changes came in, and the merge's events.
        """
        if revision_of(current) == opened.revision:
            return workbook, False, ()
        merged, events = merge_with_file(opened.name, f"{opened.name}{SUFFIX}", opened.base, workbook, current)
        return merged, True, events

    def _replace(self, name: str, path: Path, previous: bytes, data: bytes) -> None:
        """Put *data* in place of *previous*, which goes to the history; nothing changes on failure.

        The new bytes are written and synced first: a full disk refuses the save before the
        history gains an entry.
        """
        try:
            with staged_write(path, data) as staged:
                kept = self._keep_in_history(name, previous)
                try:
                    staged.commit()
                except WriteError:
                    kept.unlink(missing_ok=True)
                    raise
        except WriteError as exc:
            raise self._save_error(exc) from None
        self._trim_history(name)

    def duplicate(self, reference: str, territory: str | None = None) -> OpenWorkbook:
        """A copy of a workbook under a new territory name (default: « … (copie) »)."""
        source = self.open(reference).workbook
        copy = source.model_copy(deep=True)
        copy.identity.territory = territory or f"{source.identity.territory} (copie)"
        copy.created_at = copy.updated_at = save_time()
        return self.add(copy)

    def rename(self, reference: str, territory: str) -> OpenWorkbook:
        """Give a workbook a new territory name and the matching file name (history follows)."""
        opened = self.open(reference)
        opened.workbook.identity.territory = territory
        new_name = slugify(territory)
        if new_name != opened.name:
            new_name = self.unique_name(territory)
            old_path, new_path = opened.path, self.path_for(new_name)
            with self._lock(opened.name):
                try:
                    os.replace(old_path, new_path)
                    old_history, new_history = self._history_dir(opened.name), self._history_dir(new_name)
                    if old_history.is_dir() and not new_history.exists():
                        os.replace(old_history, new_history)
                        forget_bases(old_history)
                except OSError as exc:
                    raise self._save_error(exc) from None
            data = read_workbook_bytes(new_path)
            withdraw(opened.name)  # its shared figures go under the new name at the save below
            opened = OpenWorkbook(new_name, new_path, opened.workbook, revision_of(data), data)
        return self.save(opened)

    def delete(self, reference: str) -> Path:
        """Move a workbook to the trash folder; return where it went."""
        name = self.resolve(reference)
        trash = self._folder(TRASH_DIR)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = trash / f"{name}--{stamp}{SUFFIX}"
        with self._lock(name):
            try:
                os.replace(self.path_for(name), target)
            except OSError as exc:
                raise self._save_error(exc) from None
        withdraw(name)
        return target

    def trash(self) -> builtins.list[Path]:
        """Deleted workbooks, newest first."""
        folder = self.root / TRASH_DIR
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith(".")), reverse=True)

    def restore_from_trash(self, trashed: Path) -> OpenWorkbook:
        """Bring a deleted workbook back (under a free name)."""
        trashed = Path(trashed)
        if trashed.parent.resolve() != (self.root / TRASH_DIR).resolve() or not os.path.lexists(trashed):
            raise NotFoundError("Aucun carnet supprimé à cet endroit : {path}.", path=str(trashed))
        workbook = load_workbook_file(read_workbook_bytes(trashed), trashed.name)
        restored = self.add(workbook)
        trashed.unlink()
        return restored

    # ---------------------------------------------------------------- history
    def _history_dir(self, name: str) -> Path:
        return self.root / HISTORY_DIR / name

    def history(self, reference: str) -> builtins.list[HistoryVersion]:
        """Previous versions of a workbook, oldest first."""
        folder = self._history_dir(self.resolve(reference))
        versions = []
        for path in self._history_files(folder):
            stamp, _, rest = path.stem.partition("--")
            revision = rest.partition(".")[0]
            try:
                saved_at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc)
            except ValueError:
                continue
            versions.append(HistoryVersion(path, saved_at, revision))
        return versions

    def restore_version(self, reference: str, version: HistoryVersion) -> OpenWorkbook:
        """Make an old version current again (the current one goes to the history)."""
        opened = self.open(reference)
        old = load_workbook_file(version_bytes(version.path), version.path.name)
        return self.save(opened, old)

    @staticmethod
    def _history_files(folder: Path) -> builtins.list[Path]:
        return builtins.list(iter_files(folder))

    def _keep_in_history(self, name: str, data: bytes) -> Path:
        """Write *data* as the newest version of *name*; return its file."""
        folder = self._folder(HISTORY_DIR, name)
        return keep_version(folder, data, steady_time(folder, wall_clock()))

    def _trim_history(self, name: str) -> None:
        # the last hour whole, one per 10 minutes, one per day (at most every 30 s: a busy room's last hour is long)
        thin_now_and_then(self._history_dir(name), HISTORY_LIMIT)

    # ----------------------------------------------------------- low level I/O
    def _folder(self, *parts: str) -> Path:
        """A folder of the workspace (``.historique/<name>``, ``.verrous``…), created if needed.

        A file where the folder should be is named in the message (not « File exists »).
        """
        folder = self.root.joinpath(*parts)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise SaveError("Enregistrement impossible : « {folder} » dans le dossier de travail devrait être un "
                            "dossier, mais c'est un fichier. Déplacez ou supprimez ce fichier, puis recommencez.",
                            folder="/".join(parts)) from None
        except OSError as exc:
            raise self._save_error(exc) from None
        return folder

    def _checked_dump(self, workbook: Workbook, name: str) -> bytes:
        """The file bytes of *workbook*, refused (SaveError) if the loader would not read them back.

        Widgets mutate lists in place (``.append``), which pydantic does not validate: without
        this check a save could write a file that no longer opens.
        """
        data = dump_workbook(workbook).encode("utf-8")
        try:
            load_workbook_text(data, source=f"{name}{SUFFIX}")
        except WorkbookError as exc:
            problems = exc.params.get("problems") or [exc.message()]
            raise SaveError("Enregistrement refusé : le carnet contiendrait des valeurs invalides ({detail}). "
                            "La dernière version enregistrée est intacte ; vos saisies restent dans la page.",
                            command_line=N_("Enregistrement refusé : le carnet contiendrait des valeurs invalides "
                                            "({detail}). Le fichier n'a pas été modifié."),
                            detail="; ".join(str(p) for p in problems[:3])) from None
        return data

    def locked(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Hold workbook *name*'s save lock (a rewrite of its history must not meet a save)."""
        return self._lock(name)

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        """An exclusive lock between processes (two kernels, the CLI) for one workbook.

        A save waits at most :data:`LOCK_WAIT` seconds for another one (a stuck process must
        not freeze every page); then it is refused, and nothing is written.
        """
        folder = self._folder(LOCK_DIR)
        try:
            fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise self._save_error(exc) from None
        try:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SaveError(
                            "Enregistrement impossible : le carnet « {name} » est occupé par un autre "
                            "enregistrement depuis plus de {seconds} secondes. Rien n'est enregistré ; vos saisies "
                            "restent dans la page. Réessayez dans un instant.",
                            command_line=N_("Enregistrement impossible : le carnet « {name} » est occupé par un autre "
                                            "enregistrement depuis plus de {seconds} secondes. Le fichier n'a pas été "
                                            "modifié. Réessayez dans un instant."),
                            name=name, seconds=int(LOCK_WAIT)) from None
                    time.sleep(0.005)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    _save_error = staticmethod(save_error)


def copy_into(workspace: Workspace, source: Path, territory: str | None = None) -> OpenWorkbook:
    """Add a copy of the workbook file *source* (e.g. the example) to *workspace*."""
    source = Path(source).resolve()  # the package's own file, wherever a link puts it
    workbook = load_workbook_file(read_workbook_bytes(source), source.name)
    if territory:
        workbook.identity.territory = territory
    return workspace.add(workbook)
