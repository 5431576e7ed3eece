"""Long fault loops (``make stress``): hundreds of SIGKILLs during saves, long writer races.

Figures of each run are written to ``out/reliability/*.json`` and printed.
Tune with ``KPA_STRESS_TRIALS`` (default 500 kills) and ``KPA_STRESS_RACE`` (updates per writer).
``kpa import`` races: 6 imports at once against a page writer, 3 seeds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kpawidgets.storage.workspace import Workspace, copy_into
from tests.stress.faults import EXAMPLE, race_imports, race_two_writers, run_crash_loop, write_counts

pytestmark = pytest.mark.stress

TRIALS = int(os.environ.get("KPA_STRESS_TRIALS", "500"))
#: Updates per writer; both lists end in one bounded list (checklist.equipment, 200 items).
RACE = min(int(os.environ.get("KPA_STRESS_RACE", "100")), 100)


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("max_delay", [0.01, 0.1])
def test_hundreds_of_kills_during_save(tmp_path: Path, max_delay: float) -> None:
    """SIGKILL a writer at a random moment, *TRIALS* times; every file stays complete and loads."""
    stats = run_crash_loop(tmp_path / "workspace", trials=TRIALS, seed=int(max_delay * 1000) + 2026,
                           max_delay=max_delay, workbooks=3)
    path = write_counts(f"crash-stress-{int(max_delay * 1000)}ms", {**stats.as_dict(), "max_delay_s": max_delay,
                                                                     "failure_samples": stats.failures[:10]})
    print(f"\ncrash loop (delay ≤ {max_delay * 1000:.0f} ms): {stats.as_dict()} → {path}")
    assert stats.trials == TRIALS
    assert stats.failures == []
    assert all(entry.error is None for entry in Workspace(tmp_path / "workspace").list())


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_long_race_between_two_writers(workspace_dir: Path, seed: int) -> None:
    """Two processes append *RACE* items each to one workbook: none lost, none doubled."""
    name = copy_into(Workspace(workspace_dir), EXAMPLE).name
    result = race_two_writers(workspace_dir, name, count=RACE, seed=seed)
    raced = [label for label in result["labels"] if label[:2] in ("A-", "B-")]
    expected = sorted(f"{tag}-{i}" for tag in "AB" for i in range(RACE))
    counts = {"writers": 2, "updates_each": RACE, "conflicts_refused_then_retried": result["conflicts"],
              "updates_on_disk": len(raced), "lost": len(set(expected) - set(raced)),
              "duplicated": len(raced) - len(set(raced))}
    path = write_counts(f"two-writers-stress-{seed}", counts)
    print(f"\ntwo writers (seed {seed}): {counts} → {path}")
    assert result["exitcodes"] == [0, 0]
    assert sorted(raced) == expected


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_imports_racing_each_other_and_a_page(workspace_dir: Path, seed: int) -> None:
    """Six ``kpa import`` at once while a page saves every ~10 ms: every line and every edit lands once."""
    name = copy_into(Workspace(workspace_dir), EXAMPLE).name
    result = race_imports(workspace_dir, name, imports=6, lines_each=10, seed=seed)
    expected = sorted(f"import-{i}-{line}" for i in range(6) for line in range(10))
    edits = result["page_edits"]
    counts = {"imports": 6, "lines_each": 10, "page_edits": edits, "imported_on_disk": len(result["imported"]),
              "lost_lines": len(set(expected) - set(result["imported"])),
              "lost_page_edits": edits - len(set(result["page_items"])), "page_conflicts": result["page_conflicts"]}
    path = write_counts(f"import-race-stress-{seed}", counts)
    print(f"\nimport race (seed {seed}): {counts} → {path}")
    assert result["exitcodes"] == [0] * 7, result["errors"]
    assert sorted(result["imported"]) == expected
    assert sorted(result["page_items"]) == sorted(f"P-{i}" for i in range(edits))
