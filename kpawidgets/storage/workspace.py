"""A folder of workbook files: create, list, open, save (atomic, with history), trash.

Layout of a workspace folder::

    <root>/<name>.json                 one workbook per territory
    <root>/.historique/<name>/*.json   previous versions, newest last (bounded)
    <root>/.corbeille/*.json           deleted workbooks, recoverable
    <root>/.verrous/<name>.lock        short-lived locks that serialise saves

``name`` is the file's stem, made safe from the territory's name.
"""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import fcntl
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kpawidgets.errors import KpaError
from kpawidgets.model.workbook import Workbook, WorkbookError, dump_workbook, load_workbook_text

__all__ = [
    "Workspace",
    "WorkbookEntry",
    "OpenWorkbook",
    "HistoryVersion",
    "WorkspaceError",
    "ConflictError",
    "SaveError",
    "NotFoundError",
    "slugify",
    "default_workspace_dir",
]

SUFFIX = ".json"
HISTORY_DIR = ".historique"
TRASH_DIR = ".corbeille"
LOCK_DIR = ".verrous"
#: How many previous versions each workbook keeps.
HISTORY_LIMIT = 200
MAX_NAME_LENGTH = 60
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class WorkspaceError(KpaError):
    """A workspace operation that could not be done."""


class NotFoundError(WorkspaceError):
    """No workbook by that name."""


class ConflictError(WorkspaceError):
    """The file changed on disk since it was opened: saving would overwrite someone's work."""


class SaveError(WorkspaceError):
    """The disk refused the save (full, read-only…); the previous version is intact."""


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


def _file_mode(path: Path) -> int:
    """The permission bits a rewritten *path* should have: its own, or 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def revision_of(data: bytes) -> str:
    """A short fingerprint of a file's exact bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class WorkbookEntry:
    """One file of the workspace as listed: either a workbook or the reason it cannot be read."""

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
    """A workbook as opened, with the revision it was read at (for conflict detection)."""

    name: str
    path: Path
    workbook: Workbook
    revision: str


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
        except OSError as exc:
            raise WorkspaceError("Impossible de créer le dossier de travail {root} : {detail}",
                                 root=str(self.root), detail=exc.strerror or str(exc)) from None

    def path_for(self, name: str) -> Path:
        """The file of workbook *name*; refuses anything that is not a plain safe name."""
        if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
            raise NotFoundError("Nom de carnet invalide : « {name} ».", name=str(name)[:100])
        return self.root / f"{name}{SUFFIX}"

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
        if not self.path_for(name).exists():
            raise NotFoundError("Aucun carnet « {name} » dans le dossier de travail.", name=name, root=str(self.root))
        return name

    def unique_name(self, territory: str) -> str:
        """A free file stem for *territory* (``-2``, ``-3``… when taken)."""
        base = slugify(territory)
        name, counter = base, 1
        while self.path_for(name).exists():
            counter += 1
            suffix = f"-{counter}"
            name = base[: MAX_NAME_LENGTH - len(suffix)].rstrip("-") + suffix
        return name

    # ---------------------------------------------------------------- reading
    def names(self) -> list[str]:
        """Names of every ``*.json`` file in the workspace, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob(f"*{SUFFIX}")
                      if p.is_file() and _NAME_PATTERN.fullmatch(p.stem))

    def list(self) -> list[WorkbookEntry]:
        """Every workbook file; unreadable ones are listed with their error, never skipped."""
        entries = []
        for name in self.names():
            path = self.path_for(name)
            workbook: Workbook | None = None
            error: KpaError | None = None
            try:
                workbook = load_workbook_text(path.read_bytes(), source=path.name)
            except KpaError as exc:
                error = exc
            except OSError as exc:
                error = WorkspaceError("Le fichier {source} ne peut pas être lu : {detail}",
                                       source=path.name, detail=exc.strerror or str(exc))
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
            entries.append(WorkbookEntry(name, path, workbook, error, modified))
        return entries

    def open(self, reference: str) -> OpenWorkbook:
        """Read a workbook; raise WorkbookError (naming the file) if it is corrupt or too new."""
        name = self.resolve(reference)
        path = self.path_for(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise WorkspaceError("Le fichier {source} ne peut pas être lu : {detail}",
                                 source=path.name, detail=exc.strerror or str(exc)) from None
        workbook = load_workbook_text(data, source=path.name)
        return OpenWorkbook(name, path, workbook, revision_of(data))

    def current_revision(self, name: str) -> str | None:
        """The revision of the file on disk now (None if it is gone)."""
        try:
            return revision_of(self.path_for(name).read_bytes())
        except FileNotFoundError:
            return None

    # ---------------------------------------------------------------- writing
    def create(self, territory: str, **identity: object) -> OpenWorkbook:
        """A new workbook for *territory*, saved at once under a fresh name."""
        return self.add(Workbook.new(territory, **identity))  # type: ignore[arg-type]

    def add(self, workbook: Workbook) -> OpenWorkbook:
        """Save *workbook* under a fresh name derived from its territory."""
        self.ensure()
        with self._lock("__nouveau__"):
            name = self.unique_name(workbook.identity.territory)
            path = self.path_for(name)
            data = self._checked_dump(workbook, name)
            self._atomic_write(path, data)
        return OpenWorkbook(name, path, workbook, revision_of(data))

    def save(self, opened: OpenWorkbook, workbook: Workbook | None = None) -> OpenWorkbook:
        """Write *workbook* over ``opened``; refuse if the file changed since it was read.

        The previous file goes to the history first. On success ``opened`` is updated
        in place (new revision) and returned.
        """
        workbook = workbook if workbook is not None else opened.workbook
        path = self.path_for(opened.name)
        with self._lock(opened.name):
            try:
                current = path.read_bytes()
            except FileNotFoundError:
                current = None
            if current is None:
                raise ConflictError("Le carnet « {name} » a été supprimé ou renommé depuis son ouverture.",
                                    name=opened.name)
            if revision_of(current) != opened.revision:
                raise ConflictError(
                    "Le carnet « {name} » a été modifié ailleurs (un autre onglet ou une autre personne) "
                    "depuis son ouverture. Rechargez-le, ou gardez vos changements dans une copie.",
                    name=opened.name,
                )
            if dump_workbook(workbook).encode("utf-8") == current:
                return opened  # nothing changed: no write, no history entry
            workbook.updated_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            data = self._checked_dump(workbook, opened.name)
            self._keep_in_history(opened.name, current)
            self._atomic_write(path, data)
        opened.workbook = workbook
        opened.revision = revision_of(data)
        return opened

    def duplicate(self, reference: str, territory: str | None = None) -> OpenWorkbook:
        """A copy of a workbook under a new territory name (default: « … (copie) »)."""
        source = self.open(reference).workbook
        copy = source.model_copy(deep=True)
        copy.identity.territory = territory or f"{source.identity.territory} (copie)"
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        copy.created_at = copy.updated_at = now
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
                os.replace(old_path, new_path)
                old_history, new_history = self._history_dir(opened.name), self._history_dir(new_name)
                if old_history.is_dir() and not new_history.exists():
                    os.replace(old_history, new_history)
            opened = OpenWorkbook(new_name, new_path, opened.workbook, revision_of(new_path.read_bytes()))
        return self.save(opened)

    def delete(self, reference: str) -> Path:
        """Move a workbook to the trash folder; return where it went."""
        name = self.resolve(reference)
        trash = self.root / TRASH_DIR
        trash.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = trash / f"{name}--{stamp}{SUFFIX}"
        with self._lock(name):
            os.replace(self.path_for(name), target)
        return target

    def trash(self) -> builtins.list[Path]:
        """Deleted workbooks, newest first."""
        folder = self.root / TRASH_DIR
        return sorted(folder.glob(f"*{SUFFIX}"), reverse=True) if folder.is_dir() else []

    def restore_from_trash(self, trashed: Path) -> OpenWorkbook:
        """Bring a deleted workbook back (under a free name)."""
        trashed = Path(trashed)
        if trashed.parent.resolve() != (self.root / TRASH_DIR).resolve() or not trashed.is_file():
            raise NotFoundError("Aucun carnet supprimé à cet endroit : {path}.", path=str(trashed))
        workbook = load_workbook_text(trashed.read_bytes(), source=trashed.name)
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
        for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
            stamp, _, revision = path.stem.partition("--")
            try:
                saved_at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc)
            except ValueError:
                continue
            versions.append(HistoryVersion(path, saved_at, revision))
        return versions

    def restore_version(self, reference: str, version: HistoryVersion) -> OpenWorkbook:
        """Make an old version current again (the current one goes to the history)."""
        opened = self.open(reference)
        old = load_workbook_text(version.path.read_bytes(), source=version.path.name)
        return self.save(opened, old)

    def _keep_in_history(self, name: str, data: bytes) -> None:
        folder = self._history_dir(name)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        self._atomic_write(folder / f"{stamp}--{revision_of(data)}{SUFFIX}", data)
        versions = sorted(folder.glob(f"*{SUFFIX}"))
        for stale in versions[:-HISTORY_LIMIT]:
            stale.unlink(missing_ok=True)

    # ----------------------------------------------------------- low level I/O
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
                            detail="; ".join(str(p) for p in problems[:3])) from None
        return data

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        """An exclusive lock between processes (two kernels, the CLI) for one workbook."""
        folder = self.root / LOCK_DIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / f"{name}.lock", "a+")
        except OSError as exc:
            raise self._save_error(exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def _atomic_write(self, path: Path, data: bytes) -> None:
        """Write to a temporary file beside *path*, fsync, then rename over it.

        A crash or a full disk at any point leaves either the old file or the new
        one, never a half-written file.
        """
        temp_name = None
        try:
            fd, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=path.parent)
            # mkstemp makes the file private (0600); a workbook keeps its mode, a new one gets
            # the usual umask, so a team's shared folder stays readable by the team.
            os.fchmod(fd, _file_mode(path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, path)
            temp_name = None
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise self._save_error(exc) from None
        finally:
            if temp_name is not None:
                try:
                    os.unlink(temp_name)
                except OSError:
                    pass

    def _save_error(self, exc: OSError) -> SaveError:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):  # EFBIG: a file size limit
            return SaveError("Enregistrement impossible : le disque est plein. La dernière version enregistrée est intacte ; "
                             "vos saisies restent dans la page.")
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return SaveError("Enregistrement impossible : le dossier de travail est en lecture seule. La dernière version "
                             "enregistrée est intacte ; vos saisies restent dans la page.")
        return SaveError("Enregistrement impossible : {detail}. La dernière version enregistrée est intacte.",
                         detail=exc.strerror or str(exc))


def copy_into(workspace: Workspace, source: Path, territory: str | None = None) -> OpenWorkbook:
    """Add a copy of the workbook file *source* (e.g. the example) to *workspace*."""
    workbook = load_workbook_text(Path(source).read_bytes(), source=Path(source).name)
    if territory:
        workbook.identity.territory = territory
    return workspace.add(workbook)


