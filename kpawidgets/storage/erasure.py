"""A rule applied to a workbook everywhere the workspace keeps it: the file, its history, its snapshots, the trash.

« Effacer mes réponses » on a phone and the facilitator's anonymisation
(:mod:`kpawidgets.model.room.privacy`) must not leave the person in the versions kept beside
the workbook. :func:`apply_everywhere` changes the file through
:func:`~kpawidgets.storage.room.apply_now` (the way every room change is saved: its previous
state goes to the history, like any save), then rewrites:

- the history folder: every version read back (:func:`~kpawidgets.storage.history.version_bytes`),
  changed by the rule, and written again under its own date into a new folder, which then takes
  the old one's place (the versions saved meanwhile are added under the workbook's lock first);
  a version the rule leaves as it was is written back as it was;
- each snapshot (its label and date stay), and each copy of this workbook in the trash.

A file the rule cannot read (not JSON) is removed rather than kept with the person in it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.model.room import privacy
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.files import read_workbook_bytes
from kpawidgets.storage.history import HISTORY_DIR, SNAPSHOT_DIR, forget_bases, iter_files, keep_version, stamp_of, version_bytes
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import SUFFIX, TRASH_DIR, Workspace

__all__ = ["apply_everywhere", "kept_files", "forget_everywhere", "anonymise_everywhere"]

Rule = Callable[[dict[str, Any]], bool]


def _text(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _changed(raw: bytes, rule: Rule) -> bytes | None:
    """*raw* after *rule*, or None when the rule found nothing to change; raises ValueError if unreadable."""
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("not a workbook")
    return _text(data) if rule(data) else None


def _copy_version(source: Path, target: Path, rule: Rule) -> None:
    stamp = stamp_of(source)
    if stamp is None:
        return
    try:
        raw = version_bytes(source)
        data = _changed(raw, rule) or raw
    except (KpaError, ValueError):
        return  # unreadable: not carried over
    keep_version(target, data, stamp)


def _rewrite_history(workspace: Workspace, name: str, rule: Rule) -> None:
    folder = workspace.root / HISTORY_DIR / name
    if not folder.is_dir():
        return
    fresh = workspace.root / HISTORY_DIR / f".reecriture-{name}"
    old = workspace.root / HISTORY_DIR / f".ancien-{name}"
    for leftover in (fresh, old):  # an earlier rewrite stopped half-way: it still held the person
        shutil.rmtree(leftover, ignore_errors=True)
    fresh.mkdir()
    try:
        done = set()
        for path in iter_files(folder):  # the long part, while the room goes on saving
            _copy_version(path, fresh, rule)
            done.add(path.name)
        with workspace.locked(name):
            for path in iter_files(folder):
                if path.name not in done:
                    _copy_version(path, fresh, rule)
            os.replace(folder, old)
            os.replace(fresh, folder)
    finally:
        forget_bases(folder)
        forget_bases(fresh)
        shutil.rmtree(fresh, ignore_errors=True)  # gone already unless the rewrite failed: the history stays as it was
    shutil.rmtree(old, ignore_errors=True)


def _rewrite_file(path: Path, rule: Rule, inside: str | None = None) -> None:
    try:
        raw = path.read_bytes()
        wrapper = json.loads(raw)
        data = wrapper[inside] if inside else wrapper
        if not isinstance(data, dict):
            raise ValueError("not a workbook")
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return
    if rule(data):
        write_atomic(path, json.dumps(wrapper, ensure_ascii=False, indent=1 if inside else 2).encode("utf-8"))


def kept_files(workspace: Workspace, name: str) -> list[Path]:
    """Every file of the workspace that holds a state of workbook *name*: itself, its history, its snapshots, the trash."""
    files = [workspace.path_for(name)] if workspace.path_for(name).is_file() else []
    files += list(iter_files(workspace.root / HISTORY_DIR / name))
    snapshots = workspace.root / SNAPSHOT_DIR / name
    files += sorted(snapshots.glob(f"*{SUFFIX}")) if snapshots.is_dir() else []
    trash = workspace.root / TRASH_DIR
    files += sorted(trash.glob(f"{name}--*{SUFFIX}")) if trash.is_dir() else []
    return files


def apply_everywhere(workspace: Workspace, name: str, change: Callable[[Workbook], bool], rule: Rule) -> bool:
    """Apply *change* to workbook *name* (saved as a room change) and *rule* to every state of it the
    workspace keeps; True if the workbook itself changed."""
    changed, _saved = apply_now(workspace, name, change)
    _rewrite_history(workspace, name, rule)
    snapshots = workspace.root / SNAPSHOT_DIR / name
    for path in sorted(snapshots.glob(f"*{SUFFIX}")) if snapshots.is_dir() else []:
        _rewrite_file(path, rule, inside="workbook")
    trash = workspace.root / TRASH_DIR
    for path in sorted(trash.glob(f"{name}--*{SUFFIX}")) if trash.is_dir() else []:
        _rewrite_file(path, rule)
    return bool(changed)


def forget_everywhere(workspace: Workspace, name: str, owner: str, keep_ideas: bool = False) -> bool:
    """« Effacer mes réponses »: phone *owner*'s person leaves workbook *name* and every state of it kept."""
    ids = frozenset(privacy.member_ids_of(json.loads(read_workbook_bytes(workspace.path_for(name))), owner))
    return apply_everywhere(workspace, name, lambda workbook: privacy.forget_in(workbook, owner, keep_ideas),
                            lambda data: privacy.forget_person(data, owner, keep_ideas, ids))


def anonymise_everywhere(workspace: Workspace, name: str) -> bool:
    """The group of workbook *name* anonymised (:func:`~kpawidgets.model.room.privacy.anonymise_group`), history included."""
    return apply_everywhere(workspace, name, privacy.anonymise_in, privacy.anonymise_group)
