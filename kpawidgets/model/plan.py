"""The launch plan: a timeline generated from the workbook, adjusted by the person.

The steps a launch needs are *generated* each time from the launch date (KPA-Cité's
standard path), from the checklist (what is not acquired yet becomes an action) and
from the budget (funding applications, expected answers, payments). The workbook
stores only what the person changed:

* :class:`StepOverride` — a generated step moved (new dates), re-assigned, marked
  done or removed, keyed by the step's stable ``key``;
* :class:`CustomStep` — a step the person added.

So a new launch date moves every step nobody touched, while a step someone moved
stays where they put it (and a warning says when the calendar no longer works).

:func:`build_timeline` returns the steps in order and the warnings; it takes an
injectable ``today`` so rules are testable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from kpawidgets.i18n import N_, format_date, format_month, get_language, translate, use_language
from kpawidgets.model.base import KpaModel

__all__ = [
    "Plan",
    "StepOverride",
    "CustomStep",
    "Step",
    "PlanWarning",
    "Timeline",
    "STEP_KINDS",
    "build_timeline",
    "months_of",
    "standard_steps",
    "set_step_dates",
    "set_step_done",
    "set_step_owner",
    "remove_step",
    "restore_step",
    "add_custom_step",
    "check_fields",
]

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

_DATE_RANGE = (2000, 2100)


def _plausible(value: dt.date | None) -> dt.date | None:
    if value is not None and not (_DATE_RANGE[0] <= value.year <= _DATE_RANGE[1]):
        raise ValueError("date hors de la période 2000–2100")
    return value


class StepOverride(KpaModel):
    """What the person changed on a generated step (``None`` = keep the generated value)."""

    key: str = Field(min_length=1, max_length=120, description="Clé de l'étape générée")
    start: dt.date | None = Field(default=None, description="Nouvelle date de début")
    end: dt.date | None = Field(default=None, description="Nouvelle date de fin")
    done: bool | None = Field(default=None, description="Marquée faite")
    owner: str | None = Field(default=None, max_length=200, description="Qui s'en charge")
    removed: bool = Field(default=False, description="Retirée du plan")

    @field_validator("start", "end")
    @classmethod
    def _plausible_dates(cls, value: dt.date | None) -> dt.date | None:
        return _plausible(value)


class CustomStep(KpaModel):
    """A step the person added to the plan."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200, description="Intitulé")
    start: dt.date
    end: dt.date | None = Field(default=None, description="Fin (vide : une journée)")
    owner: str = Field(default="", max_length=200)
    done: bool = False

    @field_validator("start", "end")
    @classmethod
    def _plausible_dates(cls, value: dt.date | None) -> dt.date | None:
        return _plausible(value)

    @model_validator(mode="after")
    def _end_after_start(self) -> CustomStep:
        if self.end is not None and self.end < self.start:
            raise ValueError("la fin est avant le début")
        return self


class Plan(KpaModel):
    """The launch plan of one territory: the person's changes to the generated timeline."""

    overrides: list[StepOverride] = Field(default_factory=list)
    custom_steps: list[CustomStep] = Field(default_factory=list)
    asks: list[str] = Field(default_factory=list, max_length=8,
                            description="Ce que le territoire demande à ses partenaires (3 à 5)")
    document_date: dt.date | None = Field(default=None, description="Date du document (vide : le jour de l'export)")

    @field_validator("asks")
    @classmethod
    def _asks_not_empty(cls, value: list[str]) -> list[str]:
        cleaned = [ask.strip()[:300] for ask in value if ask and ask.strip()]
        return cleaned

    def override(self, key: str) -> StepOverride | None:
        for item in self.overrides:
            if item.key == key:
                return item
        return None


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


def _weeks(day: dt.date, weeks: float) -> dt.date:
    return day + dt.timedelta(days=round(weeks * 7))


def _add_months(day: dt.date, months: int) -> dt.date:
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
    year_end = _add_months(year_start, 12) - dt.timedelta(days=1)
    micro = _training_days(_weeks(launch, -7))
    first = _training_days(_weeks(launch, -2))
    second = _training_days(_weeks(launch, 8))
    return [
        Step("venue", N_("Trouver et aménager le lieu"), "venue", _weeks(launch, -16), _weeks(launch, -3)),
        Step("equipment", N_("Réunir l'équipement de base"), "equipment", _weeks(launch, -8), _weeks(launch, -1)),
        Step("host", N_("Convention avec la CAE (structure de portage)"), "host", _weeks(launch, -12), _weeks(launch, -6),
             prepares="cape"),
        Step("info", N_("Réunions d'information et recrutement des coopérant·es"), "group",
             _weeks(launch, -10), _weeks(launch, -1), prepares="launch"),
        Step("micro", N_("Micro-accompagnement KPA-Cité (3 jours)"), "training", micro[0], micro[1], prepares="launch"),
        Step("training1", N_("1re session de formation KPA-Cité (3 jours)"), "training", first[0], first[1],
             prepares="launch"),
        Step("cape", N_("Signature des CAPE et comptes sur la plateforme de facturation"), "host",
             _weeks(launch, -1), launch, prepares=None),
        Step("launch", N_("Lancement du KPA"), "launch", launch, launch, milestone=True),
        Step("training2", N_("2e session de formation KPA-Cité (3 jours)"), "training", second[0], second[1]),
        Step("review", N_("Bilan de mi-parcours"), "review", _add_months(launch, 6), _add_months(launch, 6),
             milestone=True),
        Step("year_end", N_("Fin de la première année"), "review", year_end, year_end, milestone=True),
        Step("report", N_("Compte rendu financier aux financeurs"), "report", year_end + dt.timedelta(days=1),
             _add_months(year_end, 6), prepares=None),
    ]


# ------------------------------------------------- checklist and budget
#: Ingredient of the checklist → key of the standard step that carries it.
INGREDIENT_STEPS = {"venue": "venue", "equipment": "equipment", "group": "info", "host": "host",
                    "team": "team", "partners": "partners"}
#: Support-path session of the checklist → key of the standard step it dates.
SUPPORT_STEP_KEYS = {"micro": "micro", "training_1": "training1", "training_2": "training2"}


def _ingredient_steps(launch: dt.date) -> list[Step]:
    """Standard steps for the two ingredients that have no natural calendar step."""
    return [
        Step("team", N_("Réunir l'équipe d'accompagnement (1,5 ETP)"), "team", _weeks(launch, -14), _weeks(launch, -6),
             prepares="launch"),
        Step("partners", N_("Mobiliser les partenaires : clients, financeurs, relais"), "partners",
             _weeks(launch, -20), _weeks(launch, -4), prepares="launch"),
    ]


def _apply_checklist(steps: list[Step], workbook: Any, launch: dt.date | None) -> list[Step]:
    """Owners, due dates and « acquis » from the checklist's ingredients; dates of the support path.

    An ingredient not acquired yet is an action: its step ends on the ingredient's due date
    and says what to do next (the first of the checklist's next actions, and how many remain).
    """
    checklist = getattr(workbook, "checklist", None)
    ingredients = getattr(checklist, "ingredients", None)
    by_key = {step.key: step for step in steps}
    extra: list[Step] = []
    if ingredients is not None and hasattr(ingredients, "get"):
        actions_by_section: dict[str, list[Any]] = {}
        try:
            from kpawidgets.model.checklist import next_actions

            for action in next_actions(checklist, launch):  # type: ignore[arg-type]
                actions_by_section.setdefault(str(action.section), []).append(action)
        except Exception:  # noqa: BLE001 - a checklist problem must not break the plan
            actions_by_section = {}
        for name, key in INGREDIENT_STEPS.items():
            try:
                state = ingredients.get(name)
            except (AttributeError, KeyError):
                continue
            step = by_key.get(key)
            due = getattr(state, "due", None)
            if step is None:
                if not isinstance(due, dt.date):
                    continue
                step = Step(key, {"team": N_("Réunir l'équipe d'accompagnement (1,5 ETP)"),
                                  "partners": N_("Mobiliser les partenaires : clients, financeurs, relais")}.get(
                                      key, key), key if key in STEP_KINDS else "action", due, due)
                extra.append(step)
            step.source = "standard"
            step.owner = str(getattr(state, "owner", "") or "")
            step.done = getattr(state, "status", "") == "done"
            if isinstance(due, dt.date):
                step.end = due
                step.start = min(step.start, due)
            remaining = actions_by_section.get(name, [])
            if remaining and not step.done:
                first = remaining[0].text()
                step.detail = first if len(remaining) == 1 else translate(
                    N_("{action} (et {count} autre(s) action(s))")).format(action=first, count=len(remaining) - 1)
    support = getattr(checklist, "support", None)
    if support is not None and hasattr(support, "get"):
        for session_name, key in SUPPORT_STEP_KEYS.items():
            session = support.get(session_name)
            step = by_key.get(key)
            if session is None or session.start is None:
                continue
            end = session.start + dt.timedelta(days=max(int(session.days), 1) - 1)
            if step is None:
                step = Step(key, {"micro": N_("Micro-accompagnement KPA-Cité (3 jours)"),
                                  "training1": N_("1re session de formation KPA-Cité (3 jours)"),
                                  "training2": N_("2e session de formation KPA-Cité (3 jours)")}[key],
                            "training", session.start, end, prepares="launch" if key != "training2" else None)
                extra.append(step)
            step.start, step.end, step.done = session.start, end, bool(session.done)
        custom = support.get("custom")
        if custom is not None and custom.start is not None:
            extra.append(Step("support_custom", N_("Début de l'accompagnement sur mesure KPA-Cité"), "training",
                              custom.start, custom.start + dt.timedelta(days=max(int(custom.days), 1) - 1),
                              done=bool(custom.done), milestone=not custom.days or custom.days <= 1))
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
class _FundingCheck:
    answer_key: str | None
    deadline_key: str | None
    funder: str
    needed: dt.date | None
    status: str


def _budget_steps(workbook: Any) -> tuple[list[Step], list[_FundingCheck]]:
    """Funding steps from the budget's funder lines (deadlines, expected answers, payments).

    Uses :func:`kpawidgets.model.budget.funding_calendar`; a funder's events share one
    row of the Gantt chart (``lane``). Payments are « done » once the line is « versé »,
    deadlines once applied, answers once voted.
    """
    try:
        from kpawidgets.model import budget as budget_module

        calendar = getattr(budget_module, "funding_calendar")(workbook)
    except Exception:  # noqa: BLE001 - no budget (or a half-written one) gives no funding steps
        return [], []
    steps: list[Step] = []
    firsts: dict[str, dict[str, Any]] = {}
    for event in calendar:
        line_id = str(event.line_id)
        kind = str(event.kind)
        status = str(event.status)
        index = sum(1 for s in steps if s.lane == f"funder:{line_id}" and s.key.endswith(kind))
        key = f"budget:{line_id}:{kind}" + (f"{index}" if index else "")
        done = (status in _APPLIED if kind == "deadline" else status in _ANSWERED if kind == "answer"
                else status == "verse")
        step = Step(key, _FUNDING_TITLES.get(kind, _FUNDING_TITLES["answer"]), "funding", event.date, event.date,
                    source="budget", milestone=True, done=done, params={"funder": str(event.funder)},
                    lane=f"funder:{line_id}", mark=kind)
        steps.append(step)
        info = firsts.setdefault(line_id, {"funder": str(event.funder), "status": status})
        info.setdefault(kind, key)
        if kind in ("advance", "balance"):
            info["needed"] = min(info.get("needed", event.date), event.date)
    checks = [
        _FundingCheck(info.get("answer"), info.get("deadline"), info["funder"], info.get("needed"), info["status"])
        for info in firsts.values()
    ]
    return steps, checks


def _title(step: Step, lang: str | None) -> str:
    """The step's title in *lang*: generated titles are msgids (with placeholders), others are user text."""
    if step.source in ("standard", "budget"):
        text = translate(step.title, lang)
        return text.format(**step.params) if step.params else text
    return step.title


# ------------------------------------------------------------- the build
def build_timeline(workbook: Any, today: dt.date | None = None, lang: str | None = None) -> Timeline:
    """The workbook's timeline: generated steps with the person's changes, sorted, and warnings.

    Titles and warnings are in *lang* (default: the current language); *today* decides
    whether the launch date is in the past.
    """
    with use_language(lang or get_language()) as code:
        return _build_timeline(workbook, today or dt.date.today(), code)


def _build_timeline(workbook: Any, today: dt.date, lang: str) -> Timeline:
    launch: dt.date | None = workbook.identity.launch_date
    plan: Plan = workbook.plan
    generated: list[Step] = []
    if launch is not None:
        year_start = getattr(workbook.budget, "start_month", None)
        generated.extend(standard_steps(launch, year_start if isinstance(year_start, dt.date) else None))
        generated.extend(_ingredient_steps(launch))
    generated = _apply_checklist(generated, workbook, launch)
    budget_steps, funding_checks = _budget_steps(workbook)
    if launch is not None and not any(s.mark == "deadline" for s in budget_steps):
        generated.append(Step("funding", N_("Déposer les demandes de financement"), "funding",
                              _weeks(launch, -24), _weeks(launch, -14), prepares="launch"))
    generated.extend(budget_steps)

    timeline = Timeline()
    for step in generated:
        step.title = _title(step, lang)
        change = plan.override(step.key)
        if change is not None:
            if change.start is not None or change.end is not None:
                duration = step.end - step.start
                new_start = change.start or step.start
                new_end = change.end or (new_start + duration)
                if new_end < new_start:
                    new_end = new_start
                step.moved = (new_start, new_end) != (step.start, step.end)
                step.start, step.end = new_start, new_end
            if change.done is not None:
                step.done = change.done
            if change.owner is not None:
                step.owner = change.owner
            if change.removed:
                timeline.removed.append(step)
                continue
        timeline.steps.append(step)
    for custom in plan.custom_steps:
        timeline.steps.append(Step(
            key=f"custom:{custom.id}", title=custom.title, kind="custom", start=custom.start,
            end=custom.end or custom.start, source="custom", owner=custom.owner, done=custom.done,
            milestone=custom.end is None or custom.end == custom.start,
        ))
    timeline.steps.sort(key=lambda s: (s.start, s.end, s.key))
    timeline.warnings = _warnings(timeline, launch, today, funding_checks, lang)
    return timeline


def _warnings(timeline: Timeline, launch: dt.date | None, today: dt.date,
              funding_checks: list[_FundingCheck], lang: str | None) -> list[PlanWarning]:
    warnings: list[PlanWarning] = []
    launch_step = timeline.get("launch")
    if launch is None:
        warnings.append(PlanWarning("no_launch_date", translate(
            N_("Pas de date de lancement : indiquez-la dans le carnet pour placer les étapes."), lang)))
    elif launch < today and not (launch_step and launch_step.done):
        warnings.append(PlanWarning("launch_in_past", translate(
            N_("La date de lancement ({date}) est passée : choisissez une nouvelle date ou marquez le lancement comme fait."),
            lang).format(date=format_date(launch, lang)), "launch"))
    for step in timeline.steps:
        if step.prepares is None:
            continue
        target = timeline.get(step.prepares)
        if target is None or step.done:
            continue
        if step.kind == "training" and step.end >= target.start:
            warnings.append(PlanWarning("training_after_launch", translate(
                N_("« {step} » finit le {end}, après « {target} » ({start}) qu'elle prépare."), lang).format(
                    step=step.title, end=format_date(step.end, lang), target=target.title,
                    start=format_date(target.start, lang)), step.key))
        elif step.kind != "training" and step.end > target.start:
            warnings.append(PlanWarning("step_after_target", translate(
                N_("« {step} » finit le {end}, après « {target} » ({start})."), lang).format(
                    step=step.title, end=format_date(step.end, lang), target=target.title,
                    start=format_date(target.start, lang)), step.key))
    for check in funding_checks:
        answer = timeline.get(check.answer_key) if check.answer_key else None
        if answer is None or answer.done or check.needed is None:
            continue
        if answer.start > check.needed:
            warnings.append(PlanWarning("answer_after_need", translate(
                N_("La réponse de « {funder} » est attendue le {answer}, après le versement prévu en {needed} : "
                   "la trésorerie compte sur un argent pas encore accordé."),
                lang).format(funder=check.funder, answer=format_date(answer.start, lang),
                             needed=format_month(check.needed, lang)), answer.key))
    for check in funding_checks:
        deadline = timeline.get(check.deadline_key) if check.deadline_key else None
        if deadline is not None and not deadline.done and deadline.start < today:
            warnings.append(PlanWarning("deadline_passed", translate(
                N_("La date limite de dépôt pour « {funder} » ({date}) est passée et la demande n'est pas marquée comme déposée."),
                lang).format(funder=check.funder, date=format_date(deadline.start, lang)), deadline.key))
    return warnings


def months_of(steps: Iterable[Step]) -> list[tuple[dt.date, list[Step]]]:
    """Steps grouped by the month they start in (first day of month, steps), in order."""
    groups: dict[dt.date, list[Step]] = {}
    for step in sorted(steps, key=lambda s: (s.start, s.end, s.key)):
        groups.setdefault(step.start.replace(day=1), []).append(step)
    return sorted(groups.items())


# ------------------------------------------------------------- editing
def _override_for(plan: Plan, key: str) -> StepOverride:
    existing = plan.override(key)
    if existing is not None:
        return existing
    created = StepOverride(key=key)
    plan.overrides = [*plan.overrides, created]
    return plan.overrides[-1]


def _custom(plan: Plan, key: str) -> CustomStep | None:
    if key.startswith("custom:"):
        wanted = key.split(":", 1)[1]
        for custom in plan.custom_steps:
            if custom.id == wanted:
                return custom
    return None


def set_step_dates(plan: Plan, key: str, start: dt.date, end: dt.date | None = None) -> None:
    """Move step *key* to *start* (and *end*; ``None`` keeps its length)."""
    _plausible(start)
    _plausible(end)
    if end is not None and end < start:
        from kpawidgets.errors import KpaError

        raise KpaError("La fin de l'étape est avant son début.")
    custom = _custom(plan, key)
    if custom is not None:
        length = (custom.end - custom.start) if custom.end else None
        custom.start = start
        custom.end = end if end is not None else (start + length if length is not None else None)
        return
    change = _override_for(plan, key)
    change.start = start
    change.end = end


def set_step_done(plan: Plan, key: str, done: bool = True) -> None:
    custom = _custom(plan, key)
    if custom is not None:
        custom.done = done
        return
    _override_for(plan, key).done = done


def set_step_owner(plan: Plan, key: str, owner: str) -> None:
    custom = _custom(plan, key)
    if custom is not None:
        custom.owner = owner
        return
    _override_for(plan, key).owner = owner


def remove_step(plan: Plan, key: str) -> None:
    """Remove a step: custom steps are deleted, generated ones hidden (restorable)."""
    custom = _custom(plan, key)
    if custom is not None:
        plan.custom_steps = [c for c in plan.custom_steps if c is not custom]
        return
    _override_for(plan, key).removed = True


def restore_step(plan: Plan, key: str) -> None:
    """Bring back a generated step as generated (drops every change made to it)."""
    plan.overrides = [o for o in plan.overrides if o.key != key]


def add_custom_step(plan: Plan, title: str, start: dt.date, end: dt.date | None = None, owner: str = "") -> CustomStep:
    step = CustomStep(title=title, start=start, end=end, owner=owner)
    plan.custom_steps = [*plan.custom_steps, step]
    return step


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``."""
    timeline = build_timeline(workbook, lang="fr")
    return {
        "timeline_steps": len(timeline.steps),
        "timeline_done": sum(1 for s in timeline.steps if s.done),
        "timeline_warnings": len(timeline.warnings),
    }
