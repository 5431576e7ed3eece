"""A history that reaches back (storage/history.py): the thinning rule, named snapshots, restore in words."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kpawidgets.storage.history import (
    STAMP,
    SnapshotError,
    differences,
    snapshot_workbook,
    snapshots,
    take_snapshot,
    thin,
    version_bytes,
    versions_to_drop,
)
from kpawidgets.storage.workspace import Workspace

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.timezone.utc)
NAME = "exemple-quartier-des-tisserands"


def test_rule_keeps_the_last_hour_then_ten_minutes_then_days() -> None:
    # one version every minute for three days, then look at what stays
    stamps = [NOW - dt.timedelta(minutes=m) for m in range(0, 3 * 24 * 60)]
    kept = [s for i, s in enumerate(stamps) if i not in versions_to_drop(stamps, NOW)]
    last_hour = [s for s in kept if NOW - s <= dt.timedelta(hours=1)]
    assert len(last_hour) == 61  # every version of the last hour (minutes 0 to 60)
    day = [s for s in kept if dt.timedelta(hours=1) < NOW - s <= dt.timedelta(days=1)]
    assert 138 <= len(day) <= 139  # one per 10-minute slot for the rest of the day
    older = [s for s in kept if NOW - s > dt.timedelta(days=1)]
    assert len({s.date() for s in older}) == len(older)  # one a day
    assert len(kept) < 220
    # newest of each slot stays; thinning again drops nothing
    assert versions_to_drop(kept, NOW) == set()


def test_more_than_a_year_goes() -> None:
    stamps = [NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=300)]
    assert versions_to_drop(stamps, NOW) == {0}


def test_thin_works_on_file_names(tmp_path: Path) -> None:
    for minutes in range(0, 300, 1):
        stamp = (NOW - dt.timedelta(minutes=minutes)).strftime(STAMP)
        (tmp_path / f"{stamp}--abcd.json").write_text("{}")
    (tmp_path / "notes.json").write_text("{}")  # not ours: left alone
    removed = thin(tmp_path, NOW)
    left = list(tmp_path.glob("*.json"))
    assert removed == 300 - (len(left) - 1) and (tmp_path / "notes.json").exists()
    assert len(left) - 1 == 61 + 24  # the last hour + one per 10 minutes for 4 more hours


def test_saves_thin_the_history_instead_of_keeping_200(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    workspace = Workspace(workspace_dir)
    folder = workspace_dir / ".historique" / NAME
    folder.mkdir(parents=True)
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    for minutes in range(300):  # 300 versions from two days ago, one a minute: one survives
        (folder / f"{(old - dt.timedelta(minutes=minutes)).strftime(STAMP)}--x.json").write_bytes(example_path.read_bytes())
    opened = workspace.open(NAME)
    opened.workbook.identity.town = "Roubaix"
    workspace.save(opened)
    versions = workspace.history(NAME)
    assert len(versions) <= 3  # the days-old burst thinned to its day's newest, plus the one just kept


def test_named_snapshot_kept_and_restored_undoably(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    workspace = Workspace(workspace_dir)
    opened = workspace.open(NAME)
    snap = take_snapshot(workspace.root, NAME, opened.base, "  avant l'atelier\n du 12 mars ")
    assert snap.label == "avant l'atelier du 12 mars"
    opened.workbook.identity.town = "Tourcoing"
    opened.workbook.budget.lines[0].amount = opened.workbook.budget.lines[0].amount + 100
    workspace.save(opened)
    [found] = snapshots(workspace.root, NAME)
    assert found.label == snap.label
    old = snapshot_workbook(found)
    words = [str(d) for d in differences(workspace.open(NAME).workbook, old)]
    assert any(w.startswith("Identité › Commune : « Tourcoing » → « Lys-lez") for w in words), words
    assert any("Matières des ateliers" in w and "(montant)" in w and "→" in w for w in words), words
    assert not any("updated_at" in w for w in words)
    before = len(workspace.history(NAME))
    restored = workspace.save(workspace.open(NAME), old)
    assert restored.workbook.identity.town.startswith("Lys-lez")
    assert len(workspace.history(NAME)) == before + 1  # the state before the restore is a version: undoable
    undone = workspace.history(NAME)[-1]
    assert json.loads(version_bytes(undone.path))["identity"]["town"] == "Tourcoing"
    # snapshots are never thinned
    thin(workspace_dir / ".historique" / NAME, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=800))
    assert len(snapshots(workspace.root, NAME)) == 1


def test_a_snapshot_needs_a_name(workspace_dir: Path, example_path: Path) -> None:
    with pytest.raises(SnapshotError) as caught:
        take_snapshot(workspace_dir, NAME, example_path.read_bytes(), " \n ")
    assert "nom" in caught.value.message("fr")


def test_kpa_snapshot_command(workspace_dir: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kpawidgets.cli import main

    shutil.copy(example_path, workspace_dir)
    assert main(["snapshot", "--workspace", str(workspace_dir), NAME, "avant l'atelier du 12 mars"]) == 0
    assert "avant l'atelier du 12 mars" in capsys.readouterr().out
    assert [s.label for s in snapshots(workspace_dir, NAME)] == ["avant l'atelier du 12 mars"]
    assert main(["snapshot", "--workspace", str(workspace_dir), NAME, " "]) == 1
    assert capsys.readouterr().err.startswith("Erreur : ")
