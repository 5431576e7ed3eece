"""Changes the person makes to the timeline: move, re-assign, mark done, remove, restore, add."""

from __future__ import annotations

import datetime as dt

from kpawidgets.errors import KpaError
from kpawidgets.model.base import plausible_date
from kpawidgets.model.records.plan import CustomStep, Plan, StepOverride

__all__ = ["set_step_dates", "set_step_done", "set_step_owner", "remove_step", "restore_step", "add_custom_step"]

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
    plausible_date(start)
    plausible_date(end)
    if end is not None and end < start:
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
