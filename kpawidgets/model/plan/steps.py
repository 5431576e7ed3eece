"""The steps of a timeline, and KPA-Cité's standard launch path around a launch date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from kpawidgets.i18n import N_

__all__ = ["StepKind", "STEP_KINDS", "Step", "PlanWarning", "Timeline", "add_weeks", "add_months", "standard_steps"]

StepKind = Literal["venue", "equipment", "group", "team", "host", "partners", "funding", "training",
                   "launch", "review", "report", "action", "custom"]

#: Kind → label (French msgid), in the order of the legend.
STEP_KINDS: dict[str, str] = {
    "venue": N_("Lieu"),
    "equipment": N_("Équipement"),
    "group": N_("Groupe"),
    "team": N_("Équipe"),
    "host": N_("Portage (CAE)"),
    "partners": N_("Partenaires"),
    "funding": N_("Financements"),
    "training": N_("Formation KPA-Cité"),
    "launch": N_("Lancement"),
    "review": N_("Bilan"),
    "report": N_("Compte rendu financier"),
    "action": N_("Action de la check-list"),
    "custom": N_("Étape ajoutée"),
}


# ---------------------------------------------------------------- computed
@dataclass
class Step:
    """One step of the timeline as shown (generated or custom, overrides applied)."""

    key: str
    title: str
    kind: str
    start: dt.date
    end: dt.date
    source: Literal["standard", "checklist", "budget", "custom"] = "standard"
    owner: str = ""
    done: bool = False
    moved: bool = False
    milestone: bool = False
    #: key of the step this one prepares (it must end before that one starts)
    prepares: str | None = None
    #: placeholders of a generated title (its msgid has ``{funder}``…)
    params: dict[str, str] = field(default_factory=dict)
    #: what to do next (from the checklist), in the current language
    detail: str = ""
    #: steps sharing a lane share a row of the Gantt chart (a funder's deadline, answer, payments)
    lane: str | None = None
    #: for funding steps: ``deadline``, ``answer``, ``advance``, ``balance``
    mark: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class PlanWarning:
    """A reason the calendar cannot work, in the current language."""

    code: str
    message: str
    step_key: str | None = None


@dataclass
class Timeline:
    steps: list[Step] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    removed: list[Step] = field(default_factory=list)

    @property
    def start(self) -> dt.date | None:
        return min((s.start for s in self.steps), default=None)

    @property
    def end(self) -> dt.date | None:
        return max((s.end for s in self.steps), default=None)

    def get(self, key: str) -> Step | None:
        for step in self.steps:
            if step.key == key:
                return step
        return None


def add_weeks(day: dt.date, weeks: float) -> dt.date:
    """*day* moved by *weeks* (rounded to the day; negative: earlier)."""
    return day + dt.timedelta(days=round(weeks * 7))


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* moved by *months*, kept at the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _training_days(start: dt.date) -> tuple[dt.date, dt.date]:
    """A 3-day session starting on *start* moved to the next Tuesday (Tue–Thu)."""
    start = start + dt.timedelta(days=(1 - start.weekday()) % 7)
    return start, start + dt.timedelta(days=2)


def standard_steps(launch: dt.date, year_start: dt.date | None = None) -> list[Step]:
    """KPA-Cité's standard launch path around *launch* (not translated titles: msgids)."""
    year_start = year_start or launch
    year_end = add_months(year_start, 12) - dt.timedelta(days=1)
    micro = _training_days(add_weeks(launch, -7))
    first = _training_days(add_weeks(launch, -2))
    second = _training_days(add_weeks(launch, 8))
    return [
        Step("venue", N_("Trouver et aménager le lieu"), "venue", add_weeks(launch, -16), add_weeks(launch, -3)),
        Step("equipment", N_("Réunir l'équipement de base"), "equipment", add_weeks(launch, -8), add_weeks(launch, -1)),
        Step("host", N_("Convention avec la CAE (structure de portage)"), "host", add_weeks(launch, -12), add_weeks(launch, -6),
             prepares="cape"),
        Step("info", N_("Réunions d'information et recrutement des coopérant·es"), "group",
             add_weeks(launch, -10), add_weeks(launch, -1), prepares="launch"),
        Step("micro", N_("Micro-accompagnement KPA-Cité (3 jours)"), "training", micro[0], micro[1], prepares="launch"),
        Step("training1", N_("1re session de formation KPA-Cité (3 jours)"), "training", first[0], first[1],
             prepares="launch"),
        Step("cape", N_("Signature des CAPE et comptes sur la plateforme de facturation"), "host",
             add_weeks(launch, -1), launch, prepares=None),
        Step("launch", N_("Lancement du KPA"), "launch", launch, launch, milestone=True),
        Step("training2", N_("2e session de formation KPA-Cité (3 jours)"), "training", second[0], second[1]),
        Step("review", N_("Bilan de mi-parcours"), "review", add_months(launch, 6), add_months(launch, 6),
             milestone=True),
        Step("year_end", N_("Fin de la première année"), "review", year_end, year_end, milestone=True),
        Step("report", N_("Compte rendu financier aux financeurs"), "report", year_end + dt.timedelta(days=1),
             add_months(year_end, 6), prepares=None),
    ]
