"""The workbook record: everything about one territory (identity, checklist, budget, plan, the room)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from kpawidgets.model.base import KpaModel, PlausibleDate, PlausibleMoment, SingleLine
from kpawidgets.model.records.budget import Budget
from kpawidgets.model.records.checklist import Checklist
from kpawidgets.model.records.plan import Plan
from kpawidgets.model.room.records import Room

__all__ = ["SCHEMA_VERSION", "Identity", "Workbook"]

#: Version of the file format written by this code; files say which one wrote them.
SCHEMA_VERSION = 2


class Identity(KpaModel):
    """Who the workbook is about."""

    territory: SingleLine = Field(min_length=1, max_length=200, description="Nom du territoire / du projet de KPA")
    town: SingleLine = Field(default="", max_length=200, description="Commune")
    neighbourhood: SingleLine = Field(default="", max_length=200, description="Quartier")
    qpv: bool = Field(default=False, description="Quartier prioritaire de la politique de la ville")
    launch_date: PlausibleDate = Field(default=None, description="Date de lancement prévue")
    language: Literal["fr", "en"] = Field(default="fr", description="Langue du carnet et du plan")


class Workbook(KpaModel):
    """One territory's launch workbook."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="Version du format de fichier")
    identity: Identity
    checklist: Checklist = Field(default_factory=Checklist)
    budget: Budget = Field(default_factory=Budget)
    plan: Plan = Field(default_factory=Plan)
    room: Room = Field(default_factory=Room, description="Contributions du groupe en atelier (téléphones, animation)")
    created_at: PlausibleMoment = None
    updated_at: PlausibleMoment = None

    @classmethod
    def new(cls, territory: str, **identity: Any) -> Workbook:
        """A fresh workbook for *territory*."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return cls(identity=Identity(territory=territory, **identity), created_at=now, updated_at=now)

    @property
    def title(self) -> str:
        """The territory's name, as shown to people."""
        return self.identity.territory
