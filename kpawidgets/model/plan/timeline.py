"""The workbook's timeline: generated steps with the person's changes, sorted, and warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kpawidgets.i18n import N_, format_date, format_month, get_language, translate, use_language
from kpawidgets.model.plan.sources import FundingCheck, apply_checklist, budget_steps, ingredient_steps
from kpawidgets.model.plan.steps import PlanWarning, Step, Timeline, add_weeks, standard_steps
from kpawidgets.model.records.plan import Plan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["build_timeline", "months_of"]


def _title(step: Step, lang: str | None) -> str:
    """The step's title in *lang*: generated titles are msgids (with placeholders), others are user text."""
    if step.source in ("standard", "budget"):
        text = translate(step.title, lang)
        return text.format(**step.params) if step.params else text
    return step.title


# ------------------------------------------------------------- the build
def build_timeline(workbook: Workbook, today: dt.date | None = None, lang: str | None = None) -> Timeline:
    """The workbook's timeline: generated steps with the person's changes, sorted, and warnings.

    Titles and warnings are in *lang* (default: the current language); *today* decides
    whether the launch date is in the past.
    """
    with use_language(lang or get_language()) as code:
        return _build_timeline(workbook, today or dt.date.today(), code)


def _build_timeline(workbook: Workbook, today: dt.date, lang: str) -> Timeline:
    launch: dt.date | None = workbook.identity.launch_date
    plan: Plan = workbook.plan
    generated: list[Step] = []
    if launch is not None:
        generated.extend(standard_steps(launch, workbook.budget.start_month))
        generated.extend(ingredient_steps(launch))
    generated = apply_checklist(generated, workbook, launch)
    funding_steps, funding_checks = budget_steps(workbook)
    if launch is not None and not any(s.mark == "deadline" for s in funding_steps):
        generated.append(Step("funding", N_("Déposer les demandes de financement"), "funding",
                              add_weeks(launch, -24), add_weeks(launch, -14), prepares="launch"))
    generated.extend(funding_steps)

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
              funding_checks: list[FundingCheck], lang: str | None) -> list[PlanWarning]:
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
