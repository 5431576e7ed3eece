"""Writers racing on one file through the three-way merge, many more cases (``make stress``).

Also the merge-save time on the example and on a 200-line budget (``out/reliability/merge-save-time.json``).
Tune with ``KPA_STRESS_MERGE_EXAMPLES`` (default 2000 races) and ``KPA_STRESS_MERGE_STEPS`` (actions per race).
"""

from __future__ import annotations

import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpawidgets.model.records.budget import BudgetLine
from kpawidgets.storage.workspace import Workspace, copy_into
from tests.stress.faults import EXAMPLE, write_counts
from tests.test_merge import run_race

pytestmark = pytest.mark.stress

EXAMPLES = int(os.environ.get("KPA_STRESS_MERGE_EXAMPLES", "2000"))
STEPS = int(os.environ.get("KPA_STRESS_MERGE_STEPS", "80"))
TOTALS = {"races": 0, "saves": 0, "conflicts_reported": 0, "kept_edits_reported": 0}


@pytest.mark.timeout(3600)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data(), st.integers(2, 8))
def test_many_writers_racing_lose_nothing_unsaid(data: st.DataObject, writers: int) -> None:
    race = run_race(data, writers, steps=STEPS)
    TOTALS["races"] += 1
    TOTALS["saves"] += race.saves
    TOTALS["conflicts_reported"] += race.conflicts
    TOTALS["kept_edits_reported"] += race.kept


def test_merge_race_figures() -> None:
    """Write the figures of the race above (runs after it; every race that lost a value failed)."""
    path = write_counts("merge-races", {**TOTALS, "steps_per_race": STEPS})
    print(f"\nmerge races: {TOTALS} → {path}")


def _merge_save_times(workspace: Workspace, name: str, rounds: int) -> dict[str, float]:
    """Median and max of a save that merges (another tab saved a line meanwhile), and of a plain save."""
    merging, plain = [], []
    for index in range(rounds):
        tab_a, tab_b = workspace.open(name), workspace.open(name)
        tab_a.workbook.budget.lines[index % 10].label = f"Modifiée par A {index}"
        workspace.save(tab_a)
        tab_b.workbook.budget.lines[-1 - index % 10].amount = Decimal(index)
        start = time.perf_counter()
        saved = workspace.save(tab_b)
        merging.append(time.perf_counter() - start)
        assert saved.merged and saved.workbook.budget.lines[index % 10].label == f"Modifiée par A {index}"
        tab_b.workbook.identity.town = f"ville {index}"
        start = time.perf_counter()
        workspace.save(tab_b)
        plain.append(time.perf_counter() - start)
    return {"merge_save_median_ms": round(statistics.median(merging) * 1000, 1),
            "merge_save_max_ms": round(max(merging) * 1000, 1),
            "plain_save_median_ms": round(statistics.median(plain) * 1000, 1)}


def test_merge_save_time(tmp_path: Path) -> None:
    """The figures of issue 10's bench line: merge-save time on the example and on a 200-line budget."""
    workspace = Workspace(tmp_path / "workspace")
    example = copy_into(workspace, EXAMPLE)
    big = copy_into(workspace, EXAMPLE, territory="Budget de 200 lignes")
    lines = big.workbook.budget.lines
    big.workbook.budget.lines = [*lines, *(BudgetLine(account="606", label=f"Ligne {i}", amount=Decimal(i) + Decimal("0.5"))
                                           for i in range(200 - len(lines)))]
    workspace.save(big)
    figures = {"example": _merge_save_times(workspace, example.name, 30),
               "budget_200_lines": _merge_save_times(workspace, big.name, 30),
               "rounds": 30, "cpus": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 1)}
    path = write_counts("merge-save-time", figures)
    print(f"\nmerge-save time: {figures} → {path}")
