"""Readiness of the territory: checks met, a score per ingredient and overall, traffic lights."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kpawidgets.model.checklist.mix import MIN_GROUP_SIZE, workbook_mix
from kpawidgets.model.checklist.partners import partner_counts
from kpawidgets.model.records.checklist import CHECKS, INGREDIENT_TITLES, INGREDIENTS, PARTNER_ROLES, Check, Checklist
from kpawidgets.model.records.workbook import Workbook

__all__ = ["INGREDIENT_WEIGHTS", "STATUS_VALUE", "STATUS_WEIGHT", "CHECKS_WEIGHT", "GREEN_FROM", "ORANGE_FROM",
           "TEAM_FTE_TARGET", "IngredientScore", "Readiness", "readiness", "check_results", "team_total_fte",
           "partner_counts"]

#: Weights of the overall readiness (see :mod:`kpawidgets.model.checklist`).
INGREDIENT_WEIGHTS: dict[str, int] = {"venue": 2, "equipment": 1, "group": 2, "team": 2, "host": 2, "partners": 1}
STATUS_VALUE: dict[str, Decimal] = {"todo": Decimal(0), "in_progress": Decimal("0.5"), "done": Decimal(1)}
STATUS_WEIGHT = 40
CHECKS_WEIGHT = 60
#: Traffic light thresholds (scores 0–100).
GREEN_FROM = 75
ORANGE_FROM = 40
TEAM_FTE_TARGET = Decimal("1.5")


def team_total_fte(checklist: Checklist) -> Decimal:
    """Total FTE of the support team (exact Decimal, e.g. ``Decimal("1.30")``)."""
    return sum((member.fte for member in checklist.team), Decimal(0))


def _auto_checks(workbook: Workbook, ingredient: str) -> dict[str, bool]:
    checklist = workbook.checklist
    if ingredient == "venue":
        return {"named": bool(checklist.venue.name and checklist.venue.address)}
    if ingredient == "equipment":
        return {"listed": bool(checklist.equipment),
                "costed": bool(checklist.equipment) and all(item.cost > 0 for item in checklist.equipment if item.status == "buy")}
    if ingredient == "group":
        mix = workbook_mix(workbook)
        return {"size": mix.size >= MIN_GROUP_SIZE, "mixed": mix.ok}
    if ingredient == "team":
        return {"fte": team_total_fte(checklist) >= TEAM_FTE_TARGET,
                "shared": sum(1 for m in checklist.team if m.fte > 0) >= 2}
    if ingredient == "host":
        return {"named": bool(checklist.host.name)}
    if ingredient == "partners":
        counts = partner_counts(workbook)  # a funder is engaged by its budget lines
        return {role: counts[role]["committed"] > 0 for role in PARTNER_ROLES}
    raise KeyError(ingredient)


def check_results(workbook: Workbook, ingredient: str) -> list[tuple[Check, bool]]:
    """Every check of *ingredient* with whether it is met (the partners' read the budget's funder lines)."""
    state = workbook.checklist.ingredients.get(ingredient)
    auto = _auto_checks(workbook, ingredient)
    return [(check, auto[check.id] if check.auto else check.id in state.criteria) for check in CHECKS[ingredient]]


# ------------------------------------------------------------------------------ readiness
def _light(score: int) -> str:
    return "green" if score >= GREEN_FROM else "orange" if score >= ORANGE_FROM else "red"


@dataclass(frozen=True)
class IngredientScore:
    """The score of one ingredient (0–100) and how it was reached."""

    name: str
    status: str
    checks_met: int
    checks_total: int
    score: int
    light: str  #: ``green`` / ``orange`` / ``red``

    @property
    def open_checks(self) -> int:
        """Checks not met yet (for an ingredient « Acquis »: what is left to confirm)."""
        return self.checks_total - self.checks_met

    @property
    def title(self) -> str:
        """French message id of the ingredient's title."""
        return INGREDIENT_TITLES[self.name]


@dataclass(frozen=True)
class Readiness:
    """Readiness of the territory: one score per ingredient and the overall one."""

    ingredients: tuple[IngredientScore, ...]
    pct: int  #: overall score, 0–100
    light: str

    def get(self, name: str) -> IngredientScore:
        return next(score for score in self.ingredients if score.name == name)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def readiness(workbook: Workbook) -> Readiness:
    """Scores per ingredient and overall, with traffic lights (rule in the module docstring)."""
    scores = []
    for name in INGREDIENTS:
        state = workbook.checklist.ingredients.get(name)
        results = check_results(workbook, name)
        met = sum(1 for _check, ok in results if ok)
        value = STATUS_WEIGHT * STATUS_VALUE[state.status] + CHECKS_WEIGHT * Decimal(met) / Decimal(len(results))
        # « Acquis » is the group's word: the light and the score follow it (issue 12); the checks
        # still unanswered are told beside it (``open_checks``), not hidden in a lower score.
        score = 100 if state.status == "done" else _round(value)
        scores.append(IngredientScore(name, state.status, met, len(results), score, _light(score)))
    total_weight = sum(INGREDIENT_WEIGHTS.values())
    overall = _round(sum((Decimal(INGREDIENT_WEIGHTS[s.name] * s.score) for s in scores), Decimal(0)) / total_weight)
    light = _light(overall)
    if light == "green" and any(s.light == "red" for s in scores):
        light = "orange"
    return Readiness(tuple(scores), overall, light)
