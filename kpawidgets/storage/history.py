"""A history that reaches back: thinned versions, named snapshots, and what a restore would change.

Layout, beside the workbook ``<root>/<name>.json``::

    <root>/.historique/<name>/<stamp>--<revision>.json         previous versions kept whole (thinned at each save)
    <root>/.historique/<name>/<stamp>--<revision>.<base>.zst   previous versions kept as their changes from
                                                               the whole one stamped <base> (zstd, that file
                                                               as a raw dictionary): a busy room costs its
                                                               changes, not a copy per save
    <root>/.instantanes/<name>/<stamp>--<revision>.json        named snapshots, kept forever

Thinning (:func:`versions_to_drop`): every version of the last hour, then the newest of each
10-minute slot for a day, then the newest of each day for a year; older ones go. A workshop of
two hours with a save every few seconds keeps its last hour whole and about six versions per
hour before it, instead of the last 200 saves (14 minutes of editing in the issue's walk-through).
The promise holds whatever the rate: the safety bound on the count (``limit``) thins the last
hour first and never the older slots (issue 20: a 2 000-version cap used to delete the oldest).

The history's clock (:func:`save_time`, :func:`steady_time`): a save is refused, and says why, when the
computer's clock is outside the years a workbook accepts (2000–2100); a clock set back does not make
the versions written meanwhile look older than those before them (they would be thinned as old ones
once the clock is right again): a version is never stamped before the last one this process kept,
plus the time gone by since.

A snapshot is the workbook's bytes wrapped with its name (« avant l'atelier du 12 mars »):
``{"snapshot": {"label": …, "taken_at": …}, "workbook": {…}}``, one atomic file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard

from kpawidgets.i18n import N_, _
from kpawidgets.model.base import DATE_RANGE
from kpawidgets.model.checklist.partners import partner_names
from kpawidgets.model.merge import item_label as merged_item_label
from kpawidgets.model.merge import value_text
from kpawidgets.model.tree import BOOKKEEPING_KEYS, is_items
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.files import (
    MAX_WORKBOOK_BYTES,
    SaveError,
    WorkspaceError,
    load_workbook_file,
    read_workbook_bytes,
    revision_of,
)

__all__ = [
    "HISTORY_DIR", "SNAPSHOT_DIR", "STAMP", "Snapshot", "SnapshotError", "versions_to_drop", "thin", "stamp_of",
    "take_snapshot", "snapshots", "place_text", "item_label", "snapshot_workbook", "differences", "Difference", "MAX_LABEL",
    "keep_version", "version_bytes", "iter_files", "forget_bases", "thin_now_and_then", "ClockError", "wall_clock",
    "save_time", "steady_time",
]

HISTORY_DIR = ".historique"
SNAPSHOT_DIR = ".instantanes"
STAMP = "%Y%m%dT%H%M%S%fZ"
SUFFIX = ".json"
#: The rule: (age up to, slot length); None keeps every version of that age.
RULE: tuple[tuple[dt.timedelta, dt.timedelta | None], ...] = (
    (dt.timedelta(hours=1), None),
    (dt.timedelta(days=1), dt.timedelta(minutes=10)),
    (dt.timedelta(days=365), dt.timedelta(days=1)),
)
MAX_LABEL = 120
#: Snapshots kept at most per workbook (each is a whole workbook; a safety bound, not a rule).
MAX_SNAPSHOTS = 500


class SnapshotError(WorkspaceError):
    """A snapshot that cannot be taken or read."""


def stamp_of(path: Path) -> dt.datetime | None:
    """When a history or snapshot file was written, from its name (None if not one of ours)."""
    try:
        return dt.datetime.strptime(path.stem.partition("--")[0], STAMP).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


# ------------------------------------------------------------------------- the clock
class ClockError(SaveError):
    """The computer's clock is outside the years a workbook accepts: nothing is saved."""


def wall_clock() -> dt.datetime:
    """The computer's clock, in UTC: the one place the history and the saves ask the time."""
    return dt.datetime.now(dt.timezone.utc)


def save_time(*, exact: bool = False) -> dt.datetime:
    """Now, to the second (*exact*: to the microsecond), for a save or a snapshot; :class:`ClockError` when
    the clock says a year outside 2000–2100."""
    now = wall_clock()
    first, last = DATE_RANGE
    if not first <= now.year <= last:
        raise ClockError("L'horloge de l'ordinateur qui enregistre le carnet indique l'année {year} : rien ne peut "
                         "être enregistré avant qu'elle soit remise à l'heure (réglages de la date et de l'heure). "
                         "La dernière version enregistrée est intacte.", year=now.year)
    return now if exact else now.replace(microsecond=0)


#: How far back a clock may go and versions still be stamped after the last one (a clock set back by
#: more than this was wrong before, ahead of time: versions follow it again).
STEADY_AT_MOST = dt.timedelta(days=1)
#: Per history folder, the time this process last stamped a version there, and when (monotonic).
_STAMPED: dict[Path, tuple[dt.datetime, float]] = {}


def steady_time(folder: Path, wall: dt.datetime) -> dt.datetime:
    """The time to stamp a new version of *folder* with: *wall*, or, when the clock went back since
    this process's last version there (or the folder's newest, read once), that version's time
    plus the time gone by since — versions never look older than those before them (for a clock set back
    by up to :data:`STEADY_AT_MOST`)."""
    moment = time.monotonic()
    last = _STAMPED.get(folder)
    if last is None:
        kept = [s for s in (stamp_of(p) for p in list(iter_files(folder))[-1:]) if s is not None]  # names sort by time
        last = (kept[0], moment) if kept else None
    stamp = wall
    if last is not None:
        steady = last[0] + dt.timedelta(seconds=moment - last[1], microseconds=1)
        if wall < steady <= wall + STEADY_AT_MOST:  # further back, the clock was wrong before: follow it now
            stamp = steady
    _STAMPED[folder] = (stamp, moment)
    return stamp


# ------------------------------------------------------------------------- thinning
def _kept_by_rule(stamps: Sequence[dt.datetime], now: dt.datetime, recent_slot: float | None) -> set[int]:
    keep: set[int] = set()
    seen_slots: set[tuple[int, int]] = set()
    order = sorted(range(len(stamps)), key=lambda i: stamps[i], reverse=True)  # newest first
    for index in order:
        age = now - stamps[index]
        for level, (limit, slot) in enumerate(RULE):
            if age <= limit:
                seconds = recent_slot if slot is None else slot.total_seconds()
                if seconds is None:
                    keep.add(index)
                else:
                    key = (level, int(stamps[index].timestamp() // seconds))
                    if key not in seen_slots:
                        seen_slots.add(key)
                        keep.add(index)
                break
    return keep


def versions_to_drop(stamps: Sequence[dt.datetime], now: dt.datetime, limit: int | None = None) -> set[int]:
    """Indexes of the versions the rule lets go (the newest of each slot stays), given their times.

    *limit* (a safety bound on the count, far above what the rule keeps at any human rate) thins
    the recent past first: the last hour goes from every version to one per second, then per
    10 s, per minute… until the count fits; the older slots (10 minutes, a day) are never touched.
    """
    keep = _kept_by_rule(stamps, now, None)
    for recent_slot in _RECENT_SLOTS:
        if limit is None or len(keep) <= limit:
            break
        keep = _kept_by_rule(stamps, now, recent_slot)
    return set(range(len(stamps))) - keep


#: How the last hour is thinned when the safety bound is reached (seconds per slot).
_RECENT_SLOTS = (1.0, 10.0, 60.0, 600.0)


#: A busy room saves ten times a second and its last hour is kept whole (36 000 names at 600 saves a
#: minute: listing them takes 0.15 s): a process thins one folder at most this often (seconds), or
#: sooner when what it wrote since could pass the bound. The rule then runs at most this late.
THIN_EVERY = 30.0
_THINNED: dict[Path, tuple[float, int]] = {}


def thin_now_and_then(folder: Path, limit: int) -> int:
    """:func:`thin` *folder* if this process has not in the last :data:`THIN_EVERY` seconds (or the count
    kept then, plus the versions written since, could pass *limit*); how many versions went."""
    moment = time.monotonic()
    last = _THINNED.get(folder)
    if last is not None and moment - last[0] < THIN_EVERY and last[1] < limit:
        _THINNED[folder] = (last[0], last[1] + 1)  # one more version written since
        return 0
    gone, kept = _thin(folder, None, limit)
    _THINNED[folder] = (moment, kept)
    return gone


def thin(folder: Path, now: dt.datetime | None = None, limit: int | None = None) -> int:
    """Remove the versions of *folder* the rule lets go; return how many went. Cheap: names only.

    A full copy that changes (``.zst``) still need is kept while one of them is (the ones kept
    need it to be read back); it goes with the last of them.
    """
    return _thin(folder, now, limit)[0]


def _thin(folder: Path, now: dt.datetime | None, limit: int | None) -> tuple[int, int]:
    """:func:`thin`, and how many versions are left."""
    if not folder.is_dir():
        return 0, 0
    now = now or wall_clock()
    files = list(iter_files(folder))
    total = len(files)
    if limit is None or len(files) <= limit:  # the last hour is kept whole: its names are not even parsed
        cutoff = (now - RULE[0][0]).strftime(STAMP)
        recent = [p for p in files if p.name[:len(cutoff)] > cutoff]
        files = [p for p in files if p.name[:len(cutoff)] <= cutoff]
    else:
        recent = []
    dated = [(p, stamp_of(p)) for p in files]
    known = [(p, s) for p, s in dated if s is not None]
    drop = versions_to_drop([s for _p, s in known], now, limit)
    kept = [p for i, (p, _s) in enumerate(known) if i not in drop] + recent
    needed = {_base_stamp(p) for p in kept if p.suffix == DELTA}
    gone = 0
    for index in drop:
        path = known[index][0]
        if path.suffix == SUFFIX and path.stem.partition("--")[0] in needed:
            continue
        path.unlink(missing_ok=True)
        gone += 1
    return gone, total - gone


# ------------------------------------------------------------------------- versions stored as changes
DELTA = ".zst"
#: A full copy is written again once the changes since the last one would weigh more than this
#: share of a full copy: each version then costs its changes, and reading one back reads two files.
FULL_COPY_SHARE = 8
#: The full copy changes are written against, per history folder, with its compressor (one process).
_BASES: dict[Path, tuple[Path, Any]] = {}


def _base_stamp(delta: Path) -> str:
    """The stamp of the full copy a change file is written against (``<stamp>--<rev>.<base>.zst``)."""
    return delta.stem.rpartition(".")[2]


def _raw_dictionary(data: bytes) -> Any:
    return zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def keep_version(folder: Path, data: bytes, now: dt.datetime) -> Path:
    """Write *data* as the newest version in *folder*: as its changes from the last full copy
    (zstd with that copy as a raw dictionary) when they are small, else as a full copy."""
    stamp = now.strftime(STAMP)
    base = _BASES.get(folder)
    if base is not None and base[0].is_file():
        delta = base[1].compress(data)
        if len(delta) * FULL_COPY_SHARE < len(data):
            path = folder / f"{stamp}--{revision_of(data)}.{base[0].stem.partition('--')[0]}{DELTA}"
            write_atomic(path, delta)
            return path
    path = folder / f"{stamp}--{revision_of(data)}{SUFFIX}"
    write_atomic(path, data)
    dictionary = _raw_dictionary(data)
    dictionary.precompute_compress(level=3)
    _BASES[folder] = (path, zstandard.ZstdCompressor(level=3, dict_data=dictionary))
    return path


def version_bytes(path: Path) -> bytes:
    """The workbook file bytes of one kept version (a full copy, or changes from one)."""
    if path.suffix != DELTA:
        return read_workbook_bytes(path)
    matches = sorted(path.parent.glob(f"{_base_stamp(path)}--*{SUFFIX}"))
    if not matches:
        raise WorkspaceError("La version {name} de l'historique ne se lit plus.", name=path.name)
    base = read_workbook_bytes(matches[0])
    try:
        data = zstandard.ZstdDecompressor(dict_data=_raw_dictionary(base)).decompress(
            read_workbook_bytes(path), max_output_size=MAX_WORKBOOK_BYTES)
    except zstandard.ZstdError:
        raise WorkspaceError("La version {name} de l'historique ne se lit plus.", name=path.name) from None
    return bytes(data)


def forget_bases(folder: Path) -> None:
    """Forget what this process knows of *folder* (its files were rewritten or moved)."""
    _BASES.pop(folder, None)
    _THINNED.pop(folder, None)
    _STAMPED.pop(folder, None)


# ------------------------------------------------------------------------- snapshots
@dataclass(frozen=True)
class Snapshot:
    """A named snapshot of a workbook."""

    path: Path
    label: str
    taken_at: dt.datetime


def _clean_label(label: str) -> str:
    text = " ".join("".join(ch for ch in str(label or "") if ch >= " ").split())[:MAX_LABEL]
    if not text:
        raise SnapshotError("Donnez un nom à l'instantané, par exemple « avant l'atelier du 12 mars ».")
    return text


def take_snapshot(root: Path, name: str, data: bytes, label: str) -> Snapshot:
    """Keep the workbook file bytes *data* of *name* as a snapshot called *label*."""
    text = _clean_label(label)
    folder = root / SNAPSHOT_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in folder.glob(f"*{SUFFIX}")) >= MAX_SNAPSHOTS:
        raise SnapshotError("Ce carnet a déjà {count} instantanés : supprimez-en avant d'en prendre un autre.",
                            count=MAX_SNAPSHOTS)
    now = save_time(exact=True)
    wrapped = {"snapshot": {"label": text, "taken_at": now.isoformat(timespec="seconds")},
               "workbook": json.loads(data)}
    path = folder / f"{now.strftime(STAMP)}--{revision_of(data)}{SUFFIX}"
    write_atomic(path, json.dumps(wrapped, ensure_ascii=False, indent=1).encode("utf-8"))
    return Snapshot(path, text, now.replace(microsecond=0))


def snapshots(root: Path, name: str) -> list[Snapshot]:
    """The snapshots of *name*, oldest first (unreadable files are skipped)."""
    folder = root / SNAPSHOT_DIR / name
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
        taken = stamp_of(path)
        try:
            label = str(json.loads(read_workbook_bytes(path))["snapshot"]["label"])
        except (KeyError, TypeError, ValueError, WorkspaceError):
            continue
        if taken is not None:
            found.append(Snapshot(path, label, taken))
    return found


def snapshot_workbook(snapshot: Snapshot) -> Workbook:
    """The workbook kept in *snapshot* (through the loader: a damaged file is refused, named)."""
    try:
        data = json.loads(read_workbook_bytes(snapshot.path))["workbook"]
    except (KeyError, TypeError, ValueError):
        raise SnapshotError("L'instantané « {label} » ne se lit plus.", label=snapshot.label) from None
    return load_workbook_file(json.dumps(data, ensure_ascii=False).encode("utf-8"), snapshot.path.name)


# ------------------------------------------------------------------------- what a restore changes
@dataclass(frozen=True)
class Difference:
    """One field that a restore would change: where (in words), the value now, the value after."""

    place: str
    now: str
    after: str

    def __str__(self) -> str:
        return f"{self.place} : {self.now} → {self.after}"


#: Readable names of the workbook's parts and of the fields people change most.
_NAMES = {
    "identity": N_("Identité"), "checklist": N_("Check-list"), "budget": N_("Budget"), "plan": N_("Plan"),
    "room": N_("Atelier"), "lines": N_("lignes"), "town": N_("Commune"), "territory": N_("Territoire"),
    "neighbourhood": N_("Quartier"), "launch_date": N_("Date de lancement"), "amount": N_("montant"),
    "label": N_("libellé"), "owner": N_("qui s'en charge"), "notes": N_("notes"), "status": N_("statut"),
    "criteria": N_("critères"), "due": N_("échéance"), "month": N_("mois"), "ingredients": N_("ingrédients"),
}
def item_label(item: Mapping[str, Any]) -> str:
    """An item's name for people (:func:`kpawidgets.model.merge.item_label`), else its id."""
    return merged_item_label(item) or str(item.get("id"))


def place_text(where: tuple[str, ...]) -> str:
    """« Budget › lignes › « Matières » (montant) »: the last field in brackets after an item."""
    words = [_(_NAMES[step]) if step in _NAMES else step for step in where]
    if len(words) > 1 and where[-2].startswith("«"):
        return " › ".join(words[:-1]) + f" ({words[-1]})"
    return " › ".join(words)


def _walk(now: Any, after: Any, where: tuple[str, ...], partners: Mapping[str, str]) -> Iterator[Difference]:
    if isinstance(now, dict) and isinstance(after, dict):
        for key in list(now) + [k for k in after if k not in now]:
            if key in BOOKKEEPING_KEYS:
                continue
            yield from _walk(now.get(key), after.get(key), (*where, key), partners)
    elif is_items(now) and is_items(after):
        before_items, after_items = {x["id"]: x for x in now}, {x["id"]: x for x in after}
        for item_id, item in before_items.items():
            label = f"« {item_label(item)} »"
            if item_id not in after_items:
                yield Difference(place_text((*where, label)), _("présent"), _("retiré"))
            else:
                yield from _walk(item, after_items[item_id], (*where, label), partners)
        for item_id, item in after_items.items():
            if item_id not in before_items:
                yield Difference(place_text((*where, f"« {item_label(item)} »")), _("absent"), _("remis"))
    elif now != after:
        key = where[-1] if where else None
        yield Difference(place_text(where), value_text(now, key, partners), value_text(after, key, partners))


def differences(now: Workbook, after: Workbook, limit: int = 200) -> list[Difference]:
    """What making *after* current would change in *now*, field by field, in plain words."""
    found: list[Difference] = []
    partners = partner_names(now, after)
    for difference in _walk(now.model_dump(mode="json"), after.model_dump(mode="json"), (), partners):
        found.append(difference)
        if len(found) >= limit:
            break
    return found


def iter_files(folder: Path) -> Iterable[Path]:
    """The kept versions of one history folder (full copies and changes), oldest first."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        names = [e.name for e in entries if not e.name.startswith(".") and e.name.endswith((SUFFIX, DELTA))]
    return [folder / n for n in sorted(names)]
