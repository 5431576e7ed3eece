"""The plan's keys of ``kpa check --json``."""

from __future__ import annotations

from typing import TypedDict

from kpawidgets.model.plan.timeline import build_timeline
from kpawidgets.model.records.workbook import Workbook

__all__ = ["PlanCheckFields", "check_fields"]


class PlanCheckFields(TypedDict):
    """The plan's keys of ``kpa check --json``: steps of the timeline, how many done, warnings."""

    timeline_steps: int
    timeline_done: int
    timeline_warnings: int

def check_fields(workbook: Workbook) -> PlanCheckFields:
    """Keys this section adds to ``kpa check --json``."""
    timeline = build_timeline(workbook, lang="fr")
    return PlanCheckFields(
        timeline_steps=len(timeline.steps),
        timeline_done=sum(1 for s in timeline.steps if s.done),
        timeline_warnings=len(timeline.warnings),
    )
