"""The workbook a visitor works on, kept on disk as they type."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpawidgets.app.live import (Changes, FollowRefused, Path_, Replaced, apply_in_place, changed_leaves, leaves, put_back, running_loop,
                                 watcher)
from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, normalize_language, set_language, use_language
from kpawidgets.model.checklist.partners import partner_names
from kpawidgets.model.merge import MergeEvent, describe
from kpawidgets.model.workbook import Workbook, dump_workbook
from kpawidgets.resources import example_workbook_path
from kpawidgets.storage.merging import merge_with_file
from kpawidgets.storage.workspace import (
    ConflictError,
    OpenWorkbook,
    Workspace,
    copy_into,
    load_workbook_file,
    read_workbook_bytes,
    revision_of,
)

__all__ = ["SaveStatus", "WorkbookSession"]


@dataclass(frozen=True)
class SaveStatus:
    """What the page says about saving: ``kind`` is ``saved``, ``error`` or ``conflict``.

    ``events`` are what a save that merged others' changes replaced or kept (a value another
    device had put, an item it had removed): the page can offer them back.
    """

    kind: str
    message: str
    events: tuple[MergeEvent, ...] = ()


class WorkbookSession:
    """One visitor's workbook: open it, save every change, report problems.

    ``changed()`` is called by widgets after they updated ``workbook``; it saves at
    once (saves take milliseconds), so a closed tab or a crash loses nothing.
    A refused save keeps the edit in memory and in the page; the status says why.
    """

    def __init__(self, workspace: Workspace, lang: str = "fr") -> None:
        self.workspace = workspace
        self.lang = set_language(lang)
        self.opened: OpenWorkbook | None = None
        self.error: KpaError | None = None
        self._status_listeners: list[Callable[[SaveStatus], None]] = []
        self._workbook_listeners: list[Callable[[Workbook], None]] = []
        self._external_listeners: list[Callable[[Changes], None]] = []  # following others (app/live.py)
        self._stop_following: Callable[[], None] | None = None
        # The values this page saved (by id path, with their place in words), kept until another
        # device's save replaces them: then the page says so and offers them back.
        self._saved_values: dict[Path_, tuple[tuple[str, ...], object]] = {}
        self._file_unreadable = False  # the followed file last read as damaged: said until it reads again

    # ------------------------------------------------------------- opening
    @classmethod
    def from_request(cls, params: dict[str, str], workspace: Workspace | None = None) -> WorkbookSession:
        """The session a page's query parameters ask for (``workbook``, ``lang``)."""
        lang = params.get("lang") or os.environ.get("KPA_LANG") or "fr"
        session = cls(workspace or Workspace(), normalize_language(lang))
        name = params.get("workbook")
        if name:
            session.open(name)
        return session

    def open(self, name: str) -> bool:
        """Open workbook *name*; on failure keep the error (shown by the page) and return False."""
        try:
            self.opened = self.workspace.open(name)
            self.error = None
            self._saved_values = {}
        except KpaError as exc:
            self.opened, self.error = None, exc
            return False
        self._notify_workbook()
        return True

    def open_example(self) -> str:
        """Copy the example workbook into the workspace and open the copy; return its name."""
        opened = copy_into(self.workspace, example_workbook_path())
        self.opened, self.error = opened, None
        self._saved_values = {}
        self._notify_workbook()
        return opened.name

    @property
    def workbook(self) -> Workbook | None:
        return self.opened.workbook if self.opened else None

    @property
    def name(self) -> str | None:
        return self.opened.name if self.opened else None

    @property
    def path(self) -> Path | None:
        return self.opened.path if self.opened else None

    # -------------------------------------------------------------- saving
    def changed(self) -> bool:
        """Save the workbook after an edit; return True when it reached the disk."""
        if self.opened is None:
            return False
        held = self.opened.workbook
        before, saving = self.opened.base, held.model_dump(mode="json")
        try:
            opened = self.workspace.save(self.opened)
        except ConflictError as exc:
            self._status(SaveStatus("conflict", exc.message(self.lang)))
            return False
        except KpaError as exc:
            self._status(SaveStatus("error", exc.message(self.lang)))
            return False
        self._remember_saved(before, saving)
        if opened.merged:  # others' changes came in: into the page's own objects (app/live.py)
            self._merged_in_place(held)
        if opened.events:
            with use_language(self.lang):
                lines = [_("Enregistré, avec les changements d'un autre appareil.")]
                partners = partner_names(opened.workbook)
                lines += [describe(event, partners) for event in opened.events]
            self._status(SaveStatus("saved", " ".join(lines), opened.events))
        else:
            self._status(SaveStatus("saved", N_("Enregistré")))
        return True

    def reload(self) -> None:
        """Drop the edits in memory and read the file as it is on disk now."""
        if self.opened is not None:
            self.open(self.opened.name)

    def keep_copy(self) -> str | None:
        """Save the edits in memory as a new workbook (after a conflict); open it and return its name."""
        if self.opened is None:
            return None
        workbook = self.opened.workbook.model_copy(deep=True)
        workbook.identity.territory = f"{workbook.identity.territory} (copie)"
        try:
            self.opened = self.workspace.add(workbook)
        except KpaError as exc:
            self._status(SaveStatus("error", exc.message(self.lang)))
            return None
        self._status(SaveStatus("saved", N_("Copie enregistrée")))
        self._notify_workbook()
        return self.opened.name

    # ------------------------------------------------------------ listeners
    def on_status(self, callback: Callable[[SaveStatus], None]) -> None:
        """Call *callback* after each save attempt."""
        self._status_listeners.append(callback)

    def on_workbook(self, callback: Callable[[Workbook], None]) -> None:
        """Call *callback* when another workbook (or a reloaded one) replaces the current one."""
        self._workbook_listeners.append(callback)

    def _status(self, status: SaveStatus) -> None:
        for callback in self._status_listeners:
            callback(status)

    def _notify_workbook(self) -> None:
        if self.opened is not None:
            for callback in self._workbook_listeners:
                callback(self.opened.workbook)

    # ------------------------------------------------------- following others
    def on_external_change(self, callback: Callable[[Changes], None]) -> None:
        """Call ``callback(changes)`` after another device's save came into this workbook (in place)."""
        self._external_listeners.append(callback)

    def follow_file(self) -> bool:
        """Follow the open workbook's file from the kernel's event loop; False without a running loop."""
        loop = running_loop()
        if loop is None or self.opened is None:
            return False
        if self._stop_following is not None:
            self._stop_following()
        self._stop_following = None
        try:
            self._stop_following = watcher().add(self.opened.path, self.take_external_change, loop)
        except FollowRefused as refused:  # the page still works; it shows others' saves at its next save
            print(f"[kpa] {refused}", file=sys.__stderr__)
            return False
        return True

    def stop_following(self) -> None:
        if self._stop_following is not None:
            self._stop_following()
            self._stop_following = None

    def _merged_in_place(self, held: Workbook) -> None:
        """After a save that merged others' changes: put them into *held*, the workbook the page's
        widgets are bound to, rather than rebuilding the page."""
        assert self.opened is not None
        changes = apply_in_place(held, self.opened.workbook)
        self.opened.workbook = held
        with use_language(self.lang):
            for callback in self._external_listeners:
                callback(changes)

    def _remember_saved(self, before: bytes, saved: dict[str, object]) -> None:
        """Keep the values this save changed from *before* (told later if another device replaces them)."""
        try:
            old = json.loads(before) if before else {}
        except ValueError:
            return
        for path, place, value in changed_leaves(old, saved):
            self._saved_values[path] = (place, value)

    def _replaced_since_followed(self, current: bytes) -> list[Replaced]:
        """The values this page saved that *current* (another device's save) holds otherwise; each told once."""
        if not self._saved_values:
            return []
        try:
            now = {path: value for path, _place, value in leaves(json.loads(current))}
        except ValueError:
            return []
        found = [Replaced(path, place, mine, now[path]) for path, (place, mine) in self._saved_values.items()
                 if path in now and now[path] != mine]
        for replaced in found:
            del self._saved_values[replaced.path]
        return found

    def _file_reads_again(self) -> None:
        """The followed file reads again after it was damaged: the page's error line gives way."""
        if self._file_unreadable:
            self._file_unreadable = False
            self._status(SaveStatus("saved", N_("Le fichier se lit de nouveau : la page suit ses changements.")))

    def put_back(self, replaced: Replaced) -> bool:
        """Put this page's value back where another device replaced it, and save."""
        if self.workbook is None or not put_back(self.workbook, replaced):
            return False
        return self.changed()

    def take_external_change(self) -> Changes | None:
        """Bring what others saved in the file into the open workbook; None when nothing came.

        The file is merged with what this page holds (its unsaved edits win, as at a save) and
        the workbook is updated in place, so bound widgets stay bound. A file that no longer
        reads is left alone and the page says so; its edits stay in memory.
        """
        opened = self.opened
        if opened is None:
            return None
        try:
            current = read_workbook_bytes(opened.path)
        except KpaError:
            return None  # deleted or renamed: the next save says so
        if revision_of(current) == opened.revision:
            self._file_reads_again()  # e.g. the damaged file put back as it was
            return None  # this kernel's own save, or nothing new
        try:
            if dump_workbook(opened.workbook).encode("utf-8") == opened.base:  # nothing unsaved: no merge needed
                theirs = load_workbook_file(current, opened.path.name)
            else:
                theirs, _events = merge_with_file(opened.name, opened.path.name, opened.base, opened.workbook, current)
        except KpaError as exc:
            self._file_unreadable = True
            self._status(SaveStatus("error", exc.message(self.lang)))
            return None
        self._file_reads_again()
        replaced = self._replaced_since_followed(current)
        changes = apply_in_place(opened.workbook, theirs)
        changes.replaced.extend(replaced)
        opened.revision, opened.base = revision_of(current), current
        with use_language(self.lang):
            for callback in self._external_listeners:
                callback(changes)
        return changes
