"""The checklist's keys of ``kpa check --json``."""

from __future__ import annotations

from typing import TypedDict

from kpawidgets.model.checklist.actions import next_actions
from kpawidgets.model.checklist.partners import partner_counts, unknown_partner_lines
from kpawidgets.model.checklist.readiness import readiness, team_total_fte
from kpawidgets.model.records.checklist import INGREDIENTS, Checklist
from kpawidgets.model.records.workbook import Workbook

__all__ = ["ChecklistCheckFields", "check_fields"]


class ChecklistCheckFields(TypedDict):
    """The checklist's keys of ``kpa check --json``."""

    readiness_pct: int
    ingredients: dict[str, str]
    group_size: int
    team_fte: str
    next_actions: int
    funders_total: int
    funders_engaged: int
    unknown_funder_lines: int

def check_fields(workbook: Workbook) -> ChecklistCheckFields:
    """Keys this section adds to ``kpa check --json``.

    ``readiness_pct`` (int 0–100), ``ingredients`` (id → status ``todo`` /
    ``in_progress`` / ``done``), ``group_size`` (int), ``team_fte`` (a decimal number
    as a string, e.g. ``"1.3"``, exact like amounts), ``next_actions`` (int), ``funders_total``
    and ``funders_engaged`` (the partners with the funder role, and those with a voted or paid
    line: the PDF's « N sur M financeurs engagés »), ``unknown_funder_lines`` (lines of the budget
    or a scenario whose partner is no longer listed: « financeur inconnu »).
    """
    checklist: Checklist = workbook.checklist
    ready = readiness(workbook)
    fte = team_total_fte(checklist)
    funders = partner_counts(workbook)["funder"]
    return ChecklistCheckFields(
        readiness_pct=ready.pct,
        ingredients={name: checklist.ingredients.get(name).status for name in INGREDIENTS},
        group_size=len(checklist.group),
        team_fte=format(fte.normalize(), "f") if fte else "0",
        next_actions=len(next_actions(workbook, workbook.identity.launch_date)),
        funders_total=funders["total"],
        funders_engaged=funders["committed"],
        unknown_funder_lines=len(unknown_partner_lines(workbook)),
    )
