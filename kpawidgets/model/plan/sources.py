"""Steps the timeline takes from the checklist (ingredients, support path) and the budget (funder lines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpawidgets.i18n import N_, ngettext
from kpawidgets.model.budget.funding import funding_calendar
from kpawidgets.model.checklist.actions import Action, next_actions
from kpawidgets.model.plan.steps import STEP_KINDS, Step, add_weeks
from kpawidgets.model.records.workbook import Workbook

__all__ = ["INGREDIENT_STEPS", "SUPPORT_STEP_KEYS", "FundingCheck", "ingredient_steps", "apply_checklist",
           "budget_steps"]

#: Ingredient of the checklist → key of the standard step that carries it.
INGREDIENT_STEPS = {"venue": "venue", "equipment": "equipment", "group": "info", "host": "host",
                    "team": "team", "partners": "partners"}
#: Support-path session of the checklist → key of the standard step it dates.
SUPPORT_STEP_KEYS = {"micro": "micro", "training_1": "training1", "training_2": "training2"}

_INGREDIENT_TITLES = {"team": N_("Réunir l'équipe d'accompagnement (1,5 ETP)"),
                      "partners": N_("Mobiliser les partenaires : clients, financeurs, relais")}
_SUPPORT_TITLES = {"micro": N_("Micro-accompagnement KPA-Cité (3 jours)"),
                   "training1": N_("1re session de formation KPA-Cité (3 jours)"),
                   "training2": N_("2e session de formation KPA-Cité (3 jours)")}


def ingredient_steps(launch: dt.date) -> list[Step]:
    """Standard steps for the two ingredients that have no natural calendar step."""
    return [
        Step("team", _INGREDIENT_TITLES["team"], "team", add_weeks(launch, -14), add_weeks(launch, -6),
             prepares="launch"),
        Step("partners", _INGREDIENT_TITLES["partners"], "partners", add_weeks(launch, -20), add_weeks(launch, -4),
             prepares="launch"),
    ]


def apply_checklist(steps: list[Step], workbook: Workbook, launch: dt.date | None) -> list[Step]:
    """Owners, due dates and « acquis » from the checklist's ingredients; dates of the support path.

    An ingredient not acquired yet is an action: its step ends on the ingredient's due date
    and says what to do next (the first of the checklist's next actions, and how many remain).
    """
    checklist = workbook.checklist
    by_key = {step.key: step for step in steps}
    extra: list[Step] = []
    actions_by_section: dict[str, list[Action]] = {}
    for action in next_actions(workbook, launch):
        actions_by_section.setdefault(action.section, []).append(action)
    for name, key in INGREDIENT_STEPS.items():
        state = checklist.ingredients.get(name)
        step = by_key.get(key)
        due = state.due
        if step is None:
            if due is None:
                continue
            step = Step(key, _INGREDIENT_TITLES.get(key, key), key if key in STEP_KINDS else "action", due, due)
            extra.append(step)
        step.source = "standard"
        step.owner = state.owner
        step.done = state.status == "done"
        if due is not None:
            step.end = due
            step.start = min(step.start, due)
        remaining = actions_by_section.get(name, [])
        if remaining and not step.done:
            first = remaining[0].text()
            others = len(remaining) - 1
            step.detail = first if not others else ngettext(
                "{action} (et {count} autre action)", "{action} (et {count} autres actions)", others,
            ).format(action=first, count=others)
    support = checklist.support
    for session_name, key in SUPPORT_STEP_KEYS.items():
        session = support.get(session_name)
        if session.start is None:
            continue
        end = session.start + dt.timedelta(days=max(session.days, 1) - 1)
        step = by_key.get(key)
        if step is None:
            step = Step(key, _SUPPORT_TITLES[key], "training", session.start, end,
                        prepares="launch" if key != "training2" else None)
            extra.append(step)
        step.start, step.end, step.done = session.start, end, session.done
    custom = support.custom
    if custom.start is not None:
        extra.append(Step("support_custom", N_("Début de l'accompagnement sur mesure KPA-Cité"), "training",
                          custom.start, custom.start + dt.timedelta(days=max(custom.days, 1) - 1),
                          done=custom.done, milestone=not custom.days or custom.days <= 1))
    return steps + extra


_FUNDING_TITLES = {
    "deadline": N_("Dépôt de la demande : {funder}"),
    "answer": N_("Réponse attendue : {funder}"),
    "advance": N_("Versement attendu : {funder}"),
    "balance": N_("Solde attendu : {funder}"),
}
_APPLIED = ("demande", "vote", "verse", "refuse")
_ANSWERED = ("vote", "verse", "refuse")


@dataclass(frozen=True)
class FundingCheck:
    """What the warnings check for one funder line: its answer and deadline steps, when money is needed."""

    answer_key: str | None
    deadline_key: str | None
    funder: str
    needed: dt.date | None
    status: str


def budget_steps(workbook: Workbook) -> tuple[list[Step], list[FundingCheck]]:
    """Funding steps from the budget's funder lines (deadlines, expected answers, payments).

    Uses :func:`kpawidgets.model.budget.funding_calendar`; a funder's events share one
    row of the Gantt chart (``lane``). Payments are « done » once the line is « versé »,
    deadlines once applied, answers once voted.
    """
    steps: list[Step] = []
    firsts: dict[str, dict[str, str]] = {}
    needed: dict[str, dt.date] = {}
    for event in funding_calendar(workbook):
        line_id, kind, status = event.line_id, event.kind, event.status
        lane = f"funder:{line_id}"
        index = sum(1 for s in steps if s.lane == lane and s.key.endswith(kind))
        key = f"budget:{line_id}:{kind}" + (f"{index}" if index else "")
        done = (status in _APPLIED if kind == "deadline" else status in _ANSWERED if kind == "answer"
                else status == "verse")
        steps.append(Step(key, _FUNDING_TITLES.get(kind, _FUNDING_TITLES["answer"]), "funding", event.date,
                          event.date, source="budget", milestone=True, done=done, params={"funder": event.funder},
                          lane=lane, mark=kind))
        info = firsts.setdefault(line_id, {"funder": event.funder, "status": status})
        info.setdefault(kind, key)
        if kind in ("advance", "balance"):
            needed[line_id] = min(needed.get(line_id, event.date), event.date)
    checks = [FundingCheck(info.get("answer"), info.get("deadline"), info["funder"], needed.get(line_id),
                           info["status"]) for line_id, info in firsts.items()]
    return steps, checks
