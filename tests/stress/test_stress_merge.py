"""Writers racing on one file through the three-way merge, many more cases (``make stress``).

Tune with ``KPA_STRESS_MERGE_EXAMPLES`` (default 2000 races) and ``KPA_STRESS_MERGE_STEPS`` (actions per race).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stress.faults import write_counts
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
