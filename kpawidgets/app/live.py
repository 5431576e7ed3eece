"""Pages follow each other live: watch the workbook files, bring others' saves into the open page.

Every Voilà visitor has its own kernel, so a change saved by another device reaches this page
through the file. One :class:`Watcher` per kernel watches the workspace folders of the open
workbooks (watchfiles: inotify on Linux, no polling), in a daemon thread that only waits; each
change is handed to the kernel's event loop (``call_soon_threadsafe``), where the session reads
the file, merges it with what the page holds and updates the model **in place**
(:func:`apply_in_place`): the widgets stay bound to the same objects, so the page then only has
to show the new values (:func:`follow_widgets`) and redraw what is computed from them.

What is never touched: a field that holds typed text the model refused (it keeps it, see
:meth:`kpawidgets.app.fields.Field.follow_model`), a field the person is typing in (the browser
keeps its typing, ``static/kpa.js``), and the page's own state (projector step, open tab,
scroll position) which lives in the page, not in the workbook.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel

from kpawidgets.model.tree import BOOKKEEPING_KEYS, is_items, item_id
from kpawidgets.storage.history import item_label

__all__ = ["FollowRefused", "Replaced", "replaced_values", "put_back", "leaves", "changed_leaves", "Changes", "Watcher", "apply_in_place", "follow_widgets", "watcher", "MAX_FOLLOWED"]

#: At most this many files followed by one kernel (a page follows one workbook).
MAX_FOLLOWED = 64
#: watchfiles groups the events of one save (temporary file, rename) for this long at most (ms);
#: it hands them over after ``STEP_MS`` of quiet.
DEBOUNCE_MS = 300
STEP_MS = 30
#: How often the watching thread wakes to see whether it should stop (ms).
WAKE_MS = 1000

Path_ = tuple[Any, ...]


@dataclass
class Changes:
    """What an external change changed in the model: field paths, and lists whose items came or went."""

    fields: set[Path_] = field(default_factory=set)
    lists: set[Path_] = field(default_factory=set)
    #: Values this page had saved that the other device's save replaced (the page offers them back).
    replaced: list[Replaced] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.lists)

    def touches(self, *prefix: Any) -> bool:
        """True when something under *prefix* (``"budget"``, ``"checklist"``…) changed."""
        return any(path[:len(prefix)] == prefix for path in self.fields | self.lists)


# ------------------------------------------------------------------ the model, in place
def apply_in_place(target: BaseModel, source: BaseModel, changes: Changes | None = None,
                   path: Path_ = ()) -> Changes:
    """Make *target* equal to *source* while keeping *target*'s objects where they match.

    Nested models are updated field by field; items of lists are matched by ``id`` (the same
    object stays, edited), and the list object itself is kept (slice assignment). Values are
    taken from *source*, which the loader validated: they are stored without re-validation.
    """
    changes = changes if changes is not None else Changes()
    for name in type(target).model_fields:
        old, new = getattr(target, name), getattr(source, name)
        where = (*path, name)
        if isinstance(old, BaseModel) and type(old) is type(new):
            apply_in_place(old, new, changes, where)
        elif isinstance(old, list) and isinstance(new, list) and _id_list(old) and _id_list(new):
            _apply_list(old, new, changes, where)
        elif isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys() and all(
                isinstance(v, BaseModel) and type(v) is type(new[k]) for k, v in old.items()):
            for key, value in old.items():
                apply_in_place(value, new[key], changes, (*where, key))
        elif old != new:
            target.__dict__[name] = new
            changes.fields.add(where)
    return changes


def _id_list(items: list[Any]) -> bool:
    """An item list (:func:`kpawidgets.model.tree.is_items`) of models, which are updated in place."""
    return all(isinstance(item, BaseModel) for item in items) and is_items(items)


def _apply_list(old: list[Any], new: list[Any], changes: Changes, path: Path_) -> None:
    kept = {item_id(item): item for item in old}
    result = []
    for item in new:
        mine = kept.get(item_id(item))
        if mine is not None and type(mine) is type(item):
            apply_in_place(mine, item, changes, (*path, item_id(item)))
            result.append(mine)
        else:
            result.append(item)
    if [id(x) for x in result] != [id(x) for x in old]:
        changes.lists.add(path)
    old[:] = result


# ------------------------------------------------------------------ the page's widgets
def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    if hasattr(widget, "follow_model"):
        return  # a bound field (or a list editor) follows the model itself
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def follow_widgets(root: widgets.Widget) -> int:
    """Ask every widget under *root* that follows the model (``follow_model()``) to show it again.

    Returns how many did. Fields holding refused typing keep it; list editors redraw their rows
    only when items came or went.
    """
    count = 0
    for widget in list(_walk(root)):
        follow = getattr(widget, "follow_model", None)
        if callable(follow):
            follow()
            count += 1
    return count


# ------------------------------------------------------------------ watching the files
class FollowRefused(RuntimeError):
    """The kernel already follows :data:`MAX_FOLLOWED` files (a message for the server's log)."""


class Watcher:
    """The kernel's one watcher of workbook files: calls back on the event loop when one changes.

    :meth:`add` registers a file and a callback with the loop it must run on. A daemon thread
    runs ``watchfiles.watch`` over the folders of the registered files (not recursive: the
    history folder does not wake it), filtered to those files; it stops when nothing is
    followed any more, at :meth:`stop`, or when the kernel exits.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._followers: dict[str, list[tuple[Callable[[], object], asyncio.AbstractEventLoop]]] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._restart = threading.Event()

    @property
    def files(self) -> list[str]:
        with self._lock:
            return list(self._followers)

    def add(self, path: os.PathLike[str] | str, callback: Callable[[], object],
            loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
        """Call ``callback()`` on *loop* after each change of file *path*; return how to stop.

        *path* may be a folder (the network's page): then any change of a file directly in it calls
        back, and the folder counts as one followed entry (not one per file)."""
        key = str(Path(path).absolute())
        entry = (callback, loop)
        with self._lock:
            if key not in self._followers and len(self._followers) >= MAX_FOLLOWED:
                raise FollowRefused(f"not following {key}: this kernel already follows {MAX_FOLLOWED} files")
            self._followers.setdefault(key, []).append(entry)
        self._restart.set()  # the folders to watch may have changed
        self._ensure_thread()

        def remove() -> None:
            with self._lock:
                entries = self._followers.get(key, [])
                if entry in entries:
                    entries.remove(entry)
                if not entries:
                    self._followers.pop(key, None)
            self._restart.set()

        return remove

    def stop(self) -> None:
        """Stop watching (the thread ends within about a second)."""
        self._stop.set()
        self._restart.set()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="kpa-live-watcher", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            self._restart.clear()
            files = set(self.files)
            if not files:
                return
            folders = sorted({f if os.path.isdir(f) else os.path.dirname(f) for f in files
                              if os.path.isdir(f) or os.path.isdir(os.path.dirname(f))})
            if not folders:
                self._stop.wait(WAKE_MS / 1000)
                continue
            caught_up = False
            try:
                for batch in watch(*folders, watch_filter=lambda _c, p: p in files or os.path.dirname(p) in files, debounce=DEBOUNCE_MS,
                                   step=STEP_MS, rust_timeout=WAKE_MS, yield_on_timeout=True,
                                   stop_event=self._restart, recursive=False, raise_interrupt=False):
                    if not batch and not caught_up:
                        # The first quiet tick comes once the watch is in place: a save that
                        # landed while it was being set up is caught here (a cheap revision check).
                        caught_up = True
                        for path in files:
                            self._dispatch(path)
                    for path in {p for _change, p in batch} | {os.path.dirname(p) for _change, p in batch}:
                        self._dispatch(path)
            except Exception:  # noqa: BLE001 - a watcher failure must not reach a page
                traceback.print_exc(file=sys.__stderr__)
                self._stop.wait(WAKE_MS / 1000)

    def _dispatch(self, path: str) -> None:
        with self._lock:
            entries = list(self._followers.get(path, ()))
        for callback, loop in entries:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_safely, callback)


def _safely(callback: Callable[[], object]) -> None:
    try:
        callback()
    except Exception:  # noqa: BLE001 - the page must never see a traceback
        traceback.print_exc(file=sys.__stderr__)


_WATCHER: Watcher | None = None


def watcher() -> Watcher:
    """This kernel's watcher (made on first use, stopped at exit)."""
    global _WATCHER
    if _WATCHER is None:
        _WATCHER = Watcher()
        atexit.register(_WATCHER.stop)
    return _WATCHER


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's running event loop, or None (a test, nbclient without a loop)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    return loop if loop.is_running() else None


# ------------------------------------------------------------------ values another device replaced
@dataclass(frozen=True)
class Replaced:
    """A value this page saved that another device's save replaced: where, and both values (file form)."""

    path: Path_
    place: tuple[str, ...]
    mine: Any
    theirs: Any


def leaves(data: Any, path: Path_ = (), place: tuple[str, ...] = ()) -> Iterator[tuple[Path_, tuple[str, ...], Any]]:
    """Every leaf value of a workbook's JSON, by id path (items of item lists by their id) and in words.

    An empty list is a leaf (« emptied » is a value a page can show); the bookkeeping keys are passed over.
    """
    if _shape(data) == "keys":
        for key, value in data.items():
            if key not in BOOKKEEPING_KEYS:
                yield from leaves(value, (*path, key), (*place, key))
    elif _shape(data) == "items":
        for item in data:
            yield from leaves(item, (*path, item["id"]), (*place, f"« {item_label(item)} »"))
    else:
        yield path, place, data


def _shape(data: Any) -> str:
    """How :func:`leaves` walks *data*: by key, by item id, or as one leaf."""
    if isinstance(data, dict):
        return "keys"
    if isinstance(data, list) and data and is_items(data):
        return "items"
    return "leaf"


def changed_leaves(old: Any, new: Any, path: Path_ = (),
                   place: tuple[str, ...] = ()) -> Iterator[tuple[Path_, tuple[str, ...], Any]]:
    """The leaves of *new* that *old* has at the same path with another value, as :func:`leaves` pairs them.

    The two are walked side by side and every equal part is passed over whole (one comparison in C):
    a save changes a field or two of thousands, and walking every leaf of a big budget twice cost
    about 200 ms an edit.
    """
    if old == new:
        return
    shape = _shape(new)
    if _shape(old) != shape:
        return  # one is a leaf where the other has parts: no path is in both
    if shape == "keys":
        for key, value in new.items():
            if key in old and key not in BOOKKEEPING_KEYS:
                yield from changed_leaves(old[key], value, (*path, key), (*place, key))
    elif shape == "items":
        before = {item["id"]: item for item in old}
        for item in new:
            if item["id"] in before:
                yield from changed_leaves(before[item["id"]], item, (*path, item["id"]),
                                          (*place, f"« {item_label(item)} »"))
    else:
        yield path, place, new


def replaced_values(before: dict[str, Any], saved: dict[str, Any], theirs: dict[str, Any]) -> list[Replaced]:
    """The values this page changed from *before* to *saved* that *theirs* (the file now) holds otherwise."""
    old = {path: value for path, _place, value in leaves(before)}
    now = {path: value for path, _place, value in leaves(theirs)}
    found = []
    for path, place, value in leaves(saved):
        if path in old and old[path] != value and path in now and now[path] != value:
            found.append(Replaced(path, place, value, now[path]))
    return found


def put_back(workbook: BaseModel, replaced: Replaced) -> bool:
    """Set the value at *replaced*'s path back to this page's (validated); False if the item is gone."""
    target: Any = workbook
    for step in replaced.path[:-1]:
        if isinstance(target, list):
            target = next((item for item in target if item_id(item) == step), None)
        elif isinstance(target, dict):
            target = target.get(step)
        else:
            target = getattr(target, str(step), None)
        if target is None:
            return False
    if not isinstance(target, BaseModel):
        return False
    setattr(target, str(replaced.path[-1]), replaced.mine)
    return True
