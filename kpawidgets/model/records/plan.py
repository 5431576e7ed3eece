"""What the plan stores (``workbook.plan``): only what the person changed on the generated timeline.

* :class:`StepOverride` — a generated step moved (new dates), re-assigned, marked
  done or removed, keyed by the step's stable ``key``;
* :class:`CustomStep` — a step the person added.

The timeline itself is computed by :mod:`kpawidgets.model.plan`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, computed_field, field_validator, model_validator

from kpawidgets.i18n import N_
from kpawidgets.model.base import KpaModel, PlausibleDate, PlausibleDay, SingleLine, id_field, unique_ids
from kpawidgets.model.problems import problem

__all__ = ["StepOverride", "CustomStep", "Plan", "MAX_STEPS", "MAX_ASKS", "MAX_ASK_LENGTH"]


#: Most steps a plan may change or add: a real launch plan has a few dozen.
MAX_STEPS = 500
#: Most asks the plan shows to partners, and the longest one.
MAX_ASKS = 8
MAX_ASK_LENGTH = 300

Owner = Annotated[SingleLine, Field(max_length=200)]


class StepOverride(KpaModel):
    """What the person changed on a generated step (``None`` = keep the generated value).

    Its ``id`` is its step's ``key`` (written to the file, so that every list item has an id):
    two devices changing the same step change one item.
    """

    key: SingleLine = Field(min_length=1, max_length=120, description="Clé de l'étape générée")
    start: PlausibleDate = Field(default=None, description="Nouvelle date de début")
    end: PlausibleDate = Field(default=None, description="Nouvelle date de fin")
    done: bool | None = Field(default=None, description="Marquée faite")
    owner: Owner | None = Field(default=None, description="Qui s'en charge")
    removed: bool = Field(default=False, description="Retirée du plan")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """The item's id: its step's key."""
        return self.key

    @model_validator(mode="before")
    @classmethod
    def _id_is_the_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" in data:
            data = dict(data)
            if data.pop("id") != data.get("key"):
                raise problem("kpa_override_id")
        return data


class CustomStep(KpaModel):
    """A step the person added to the plan."""

    id: str = id_field()
    title: SingleLine = Field(min_length=1, max_length=200, description="Intitulé")
    start: PlausibleDay
    end: PlausibleDate = Field(default=None, description="Fin (vide : une journée)")
    owner: Owner = ""
    done: bool = False

    @model_validator(mode="after")
    def _end_after_start(self) -> CustomStep:
        if self.end is not None and self.end < self.start:
            raise problem("kpa_end_before_start")
        return self


class Plan(KpaModel):
    """The launch plan of one territory: the person's changes to the generated timeline."""

    overrides: list[StepOverride] = Field(default_factory=list, max_length=MAX_STEPS)
    custom_steps: list[CustomStep] = Field(default_factory=list, max_length=MAX_STEPS)
    asks: list[SingleLine] = Field(default_factory=list, max_length=MAX_ASKS,
                                   description="Ce que le territoire demande à ses partenaires (3 à 5)")
    document_date: PlausibleDate = Field(default=None, description="Date du document (vide : le jour de l'export)")

    @field_validator("overrides")
    @classmethod
    def _one_override_per_step(cls, value: list[StepOverride]) -> list[StepOverride]:
        return unique_ids(value, N_("les étapes modifiées du plan"), key="key")

    @field_validator("custom_steps")
    @classmethod
    def _unique_custom_steps(cls, value: list[CustomStep]) -> list[CustomStep]:
        return unique_ids(value, N_("les étapes ajoutées au plan"))

    @field_validator("asks")
    @classmethod
    def _asks_not_empty(cls, value: list[str]) -> list[str]:
        cleaned = [ask.strip()[:MAX_ASK_LENGTH] for ask in value if ask and ask.strip()]
        return cleaned

    def override(self, key: str) -> StepOverride | None:
        for item in self.overrides:
            if item.key == key:
                return item
        return None
