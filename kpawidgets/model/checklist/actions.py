"""What to do next (from what is missing) and the support path's dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kpawidgets.i18n import N_
from kpawidgets.model.checklist.messages import Message
from kpawidgets.model.checklist.mix import MIN_GROUP_SIZE, workbook_mix
from kpawidgets.model.checklist.partners import partner_funding
from kpawidgets.model.checklist.readiness import INGREDIENT_WEIGHTS, TEAM_FTE_TARGET, check_results, team_total_fte
from kpawidgets.model.records.checklist import COMMITMENTS, INGREDIENTS, SUPPORT_STEPS, Checklist
from kpawidgets.model.records.workbook import Workbook

__all__ = ["Action", "next_actions", "Priorities", "prioritized_actions", "TOP_ACTIONS", "SupportDate", "support_dates", "support_warnings"]

@dataclass(frozen=True)
class Action:
    """Something to do next, generated from what is missing."""

    section: str  #: an ingredient id, ``philosophy`` or ``support``
    message: Message
    owner: str = ""
    due: dt.date | None = None
    key: str = ""  #: stable identifier, e.g. ``venue:available`` or ``partners:contact:<partner id>``

    def text(self, lang: str | None = None) -> str:
        """The action in *lang* (default: the current language)."""
        return self.message.text(lang)

    @property
    def title(self) -> str:
        """The action in the current language (what the plan's timeline shows)."""
        return self.text()

    @property
    def ingredient(self) -> str:
        return self.section


def next_actions(workbook: Workbook, launch_date: dt.date | None = None) -> list[Action]:
    """What to do next, from the unmet checks, partners to contact, commitments and support dates.

    Each action carries the owner and due date of its ingredient when they are known.
    Sorted by due date (undated last), then in the workshop's order.
    """
    checklist = workbook.checklist
    actions: list[Action] = []
    for name in INGREDIENTS:
        state = checklist.ingredients.get(name)
        owner, due = state.owner, state.due
        for check, ok in check_results(workbook, name):
            if ok:
                continue
            params: dict[str, Any] = {}
            if name == "team" and check.id == "fte":
                missing = TEAM_FTE_TARGET - team_total_fte(checklist)
                actions.append(Action(name, Message(
                    N_("Trouver {missing} ETP d'accompagnement de plus (objectif 1,5 ETP)"), {"missing": missing}),
                    owner, due, f"{name}:{check.id}"))
                continue
            if name == "group" and check.id == "size":
                missing_people = MIN_GROUP_SIZE - workbook_mix(workbook).size
                actions.append(Action(name, Message(
                    N_("Recruter au moins {count} personne de plus (au moins 6 en tout)"), {"count": missing_people},
                    N_("Recruter au moins {count} personnes de plus (au moins 6 en tout)")),
                    owner, due, f"{name}:{check.id}"))
                continue
            if name == "group" and check.id == "mixed":
                for warning in workbook_mix(workbook).warnings:
                    if warning.level == "warning" and warning.code not in ("small", "empty"):
                        actions.append(Action(name, Message(N_("Élargir le recrutement : {detail}"),
                                                            {"detail": warning.message}), owner, due,
                                              f"{name}:mix:{warning.code}"))
                continue
            if name == "equipment" and check.id == "costed":
                for item in checklist.equipment:
                    if item.status == "buy" and item.cost <= 0:
                        actions.append(Action(name, Message(N_("Estimer le coût de : {item}"),
                                                            {"item": item.label or "?"}), owner, due,
                                              f"{name}:cost:{item.id}"))
                continue
            actions.append(Action(name, Message(check.action, params), owner, due, f"{name}:{check.id}"))
        if name == "partners":
            for view in partner_funding(workbook):  # the status shown: a request made means « met »
                if view.status == "to_contact" and view.partner.name:
                    actions.append(Action(name, Message(N_("Contacter {partner}"), {"partner": view.partner.name}),
                                          owner, due, f"{name}:contact:{view.partner.id}"))
    for commitment_id, msgid in COMMITMENTS.items():
        if not checklist.philosophy.get(commitment_id).adopted:
            actions.append(Action("philosophy", Message(N_("Discuter en groupe : {commitment_label}"),
                                                        {"commitment_label": msgid}), key=f"philosophy:{commitment_id}"))
    support = checklist.support
    for step in ("micro", "training_1", "training_2"):
        if support.get(step).start is None:
            actions.append(Action("support", Message(N_("Fixer avec KPA-Cité la date : {step_label}"),
                                                     {"step_label": SUPPORT_STEPS[step]}), key=f"support:{step}"))
    if launch_date is not None and support.micro.start is not None and support.micro.start >= launch_date:
        actions.append(Action("support", Message(
            N_("Avancer le micro-accompagnement avant le lancement du {launch_date}"), {"launch_date": launch_date}),
            key="support:micro_after_launch"))
    order = {name: index for index, name in enumerate((*INGREDIENTS, "philosophy", "support"))}
    return sorted(actions, key=lambda a: (a.due is None, a.due or dt.date.max, order[a.section]))


#: How many actions a page or the PDF shows first; the rest is folded.
TOP_ACTIONS = 5


@dataclass(frozen=True)
class Priorities:
    """The next actions split: ``top`` (those that matter most, in order) and ``rest`` (folded)."""

    top: tuple[Action, ...]
    rest: tuple[Action, ...]


def prioritized_actions(workbook: Workbook, launch_date: dt.date | None = None, count: int = TOP_ACTIONS) -> Priorities:
    """The *count* actions that matter most first: by their ingredient's weight, then by due date.

    The philosophy and the support path weigh 1, like equipment; among equals the earlier due
    date comes first, then undated ones in the workshop's order. The rest keeps the date order.
    """
    actions = next_actions(workbook, launch_date)
    ranked = sorted(range(len(actions)), key=lambda i: (-INGREDIENT_WEIGHTS.get(actions[i].section, 1),
                                                         actions[i].due is None, actions[i].due or dt.date.max, i))
    chosen = set(ranked[:count])
    return Priorities(tuple(actions[i] for i in ranked[:count]),
                      tuple(a for i, a in enumerate(actions) if i not in chosen))


# ------------------------------------------------------------------------------ support dates
@dataclass(frozen=True)
class SupportDate:
    """A dated step of the support path, for the plan's timeline."""

    id: str
    label: str  #: French message id
    start: dt.date
    end: dt.date
    done: bool


def support_dates(checklist: Checklist) -> list[SupportDate]:
    """The support path's dated steps (undated ones left out), in date order."""
    dates = []
    for step, label in SUPPORT_STEPS.items():
        session = checklist.support.get(step)
        if session.start is not None:
            end = session.start + dt.timedelta(days=max(session.days, 1) - 1)
            dates.append(SupportDate(step, label, session.start, end, session.done))
    return sorted(dates, key=lambda d: d.start)


def support_warnings(checklist: Checklist, launch_date: dt.date | None) -> list[Message]:
    """Problems with the support path's dates (micro-accompagnement after the launch, trainings out of order)."""
    support = checklist.support
    problems: list[Message] = []
    if launch_date and support.micro.start and support.micro.start >= launch_date:
        problems.append(Message(N_("Le micro-accompagnement doit avoir lieu avant le lancement du {launch_date}."),
                                {"launch_date": launch_date}))
    if support.training_1.start and support.training_2.start and support.training_2.start < support.training_1.start:
        problems.append(Message(N_("La session de formation n° 2 est datée avant la n° 1.")))
    if support.micro.start and support.training_1.start and support.training_1.start < support.micro.start:
        problems.append(Message(N_("La première formation est datée avant le micro-accompagnement.")))
    return problems
