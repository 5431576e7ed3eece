"""Issue 20, item 2: the history keeps its promise whatever the rate of saves, at a bounded cost.

The 2 000-version cap deleted the oldest files after the thinning: versions from yesterday, a
week, a month and six months ago were gone after 2 275 quick saves. Now the bound (far above the
rule at any human rate) thins the recent past first, and versions are kept as their changes
from a full copy (zstd against that copy), so a busy room costs its changes, not full copies.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kpawidgets.storage.history import DELTA, STAMP, iter_files, thin, version_bytes, versions_to_drop
from kpawidgets.storage.workspace import Workspace

NAME = "exemple-quartier-des-tisserands"


def test_old_versions_survive_thousands_of_quick_saves(workspace_dir: Path) -> None:
    workspace = Workspace(workspace_dir)
    opened = workspace.create("Atelier chargé")
    folder = workspace.root / ".historique" / opened.name
    folder.mkdir(parents=True)
    now = dt.datetime.now(dt.timezone.utc)
    seeded = []
    for age in (dt.timedelta(days=1, hours=2), dt.timedelta(days=7), dt.timedelta(days=30), dt.timedelta(days=182)):
        path = folder / f"{(now - age).strftime(STAMP)}--{len(seeded):04d}.json"
        path.write_bytes(opened.base)
        seeded.append(path)
    for index in range(2300):
        opened.workbook.identity.neighbourhood = f"envoi {index}"
        workspace.save(opened)
    assert [p for p in seeded if not p.exists()] == [], "older kept versions were erased"
    versions = workspace.history(opened.name)
    assert len(versions) == 4 + 2300  # and every version of the last hour is there
    # each reads back as what the file was before that save
    for index in (0, 1, 1000, 2299):
        data = version_bytes(versions[4 + index].path)
        expected = "" if index == 0 else f'"envoi {index - 1}"'
        assert expected in data.decode("utf-8")


def test_the_bound_thins_the_last_hour_first_never_the_older_slots() -> None:
    now = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.timezone.utc)
    older = [now - dt.timedelta(days=d) for d in (1.5, 7, 30, 182)]
    burst = [now - dt.timedelta(milliseconds=50 * i) for i in range(3000)]  # 150 s of 20 saves a second
    stamps = older + burst
    dropped = versions_to_drop(stamps, now, limit=500)
    kept = [s for i, s in enumerate(stamps) if i not in dropped]
    assert all(s in kept for s in older)
    assert 100 <= len(kept) <= 500  # one per second of the burst (151 slots) + the four
    assert versions_to_drop(stamps, now) == set()  # without the bound: every version of the last hour


def test_versions_cost_their_changes_and_read_back_exactly(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    workspace = Workspace(workspace_dir)
    opened = workspace.open(NAME)
    before = []
    for index in range(60):
        before.append(opened.path.read_bytes())
        opened.workbook.identity.neighbourhood = f"quartier {index}"
        workspace.save(opened)
    versions = workspace.history(NAME)
    assert [version_bytes(v.path) for v in versions] == before
    files = list(iter_files(workspace_dir / ".historique" / NAME))
    assert sum(p.suffix == DELTA for p in files) >= 55
    used = sum(p.stat().st_size for p in files)
    assert used < 60 * len(before[0]) / 10, f"{used} bytes for 60 versions of {len(before[0])} bytes"
    # a restore reads a version kept as changes
    restored = workspace.restore_version(NAME, versions[30])
    assert restored.workbook.identity.neighbourhood == "quartier 29"


def test_a_full_copy_stays_while_changes_need_it(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    workspace = Workspace(workspace_dir)
    opened = workspace.open(NAME)
    for index in range(5):
        opened.workbook.identity.neighbourhood = f"quartier {index}"
        workspace.save(opened)
    folder = workspace_dir / ".historique" / NAME
    files = list(iter_files(folder))
    full, changes = files[0], files[1:]
    assert full.suffix == ".json" and all(p.suffix == DELTA for p in changes)
    # two hours later: all five are in one 10-minute slot, the newest (a change file) stays
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    thin(folder, later)
    left = list(iter_files(folder))
    assert left == [full, changes[-1]]
    assert b'"quartier 3"' in version_bytes(changes[-1])


def test_a_busy_room_lists_its_history_now_and_then_not_at_every_save(workspace_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """36 000 names (an hour at 600 saves a minute) took 0.15 s to thin: at every save, that was a core."""
    from kpawidgets.storage import history

    calls = []
    real = history._thin
    monkeypatch.setattr(history, "_thin", lambda *a: calls.append(a) or real(*a))
    workspace = Workspace(workspace_dir)
    opened = workspace.create("Atelier très chargé")
    for index in range(200):
        opened.workbook.identity.neighbourhood = f"envoi {index}"
        workspace.save(opened)
    assert len(calls) == 1  # the first save thinned; the next ones within THIN_EVERY did not
    assert len(workspace.history(opened.name)) == 200
    monkeypatch.setattr(history, "THIN_EVERY", 0.0)
    opened.workbook.identity.neighbourhood = "encore"
    workspace.save(opened)
    assert len(calls) == 2
