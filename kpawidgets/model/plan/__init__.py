"""The launch plan: a timeline generated from the workbook, adjusted by the person.

The steps a launch needs are *generated* each time from the launch date (KPA-Cité's
standard path), from the checklist (what is not acquired yet becomes an action) and
from the budget (funding applications, expected answers, payments). The workbook
stores only what the person changed (records in :mod:`kpawidgets.model.records.plan`):

* :class:`StepOverride` — a generated step moved (new dates), re-assigned, marked
  done or removed, keyed by the step's stable ``key``;
* :class:`CustomStep` — a step the person added.

So a new launch date moves every step nobody touched, while a step someone moved
stays where they put it (and a warning says when the calendar no longer works).

:func:`build_timeline` returns the steps in order and the warnings; it takes an
injectable ``today`` so rules are testable.

Where it lives: ``steps`` (the step types, the standard path), ``sources`` (steps from the
checklist and the budget), ``timeline`` (the build and its warnings), ``editing`` (the
person's changes), ``fields`` (``kpa check``). Records and computations are re-exported here.
"""

from __future__ import annotations

from kpawidgets.model.records.plan import (
    StepOverride,
    CustomStep,
    Plan,
)
from kpawidgets.model.plan.steps import (
    StepKind,
    STEP_KINDS,
    Step,
    PlanWarning,
    Timeline,
    add_weeks,
    add_months,
    standard_steps,
)
from kpawidgets.model.plan.sources import (
    INGREDIENT_STEPS,
    SUPPORT_STEP_KEYS,
    FundingCheck,
    ingredient_steps,
    apply_checklist,
    budget_steps,
)
from kpawidgets.model.plan.timeline import (
    build_timeline,
    months_of,
)
from kpawidgets.model.plan.editing import (
    set_step_dates,
    set_step_done,
    set_step_owner,
    remove_step,
    restore_step,
    add_custom_step,
)
from kpawidgets.model.plan.fields import (
    PlanCheckFields,
    check_fields,
)

__all__ = [
    "StepOverride", "CustomStep", "Plan", "StepKind", "STEP_KINDS", "Step", "PlanWarning", "Timeline",
    "add_weeks", "add_months", "standard_steps", "INGREDIENT_STEPS", "SUPPORT_STEP_KEYS", "FundingCheck",
    "ingredient_steps", "apply_checklist", "budget_steps", "build_timeline", "months_of", "set_step_dates",
    "set_step_done", "set_step_owner", "remove_step", "restore_step", "add_custom_step", "PlanCheckFields",
    "check_fields",
]
