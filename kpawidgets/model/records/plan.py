"""What the plan stores (``workbook.plan``): only what the person changed on the generated timeline.

* :class:`StepOverride` — a generated step moved (new dates), re-assigned, marked
  done or removed, keyed by the step's stable ``key``;
* :class:`CustomStep` — a step the person added.

The timeline itself is computed by :mod:`kpawidgets.model.plan`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field, field_validator, model_validator

from kpawidgets.model.base import KpaModel, plausible_date

__all__ = ["StepOverride", "CustomStep", "Plan"]


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
        return plausible_date(value)


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
        return plausible_date(value)

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
