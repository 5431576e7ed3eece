"""The workbook record: everything about one territory (identity, checklist, budget, plan, the room)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from kpawidgets.model.base import KpaModel, MultiLine, PlausibleDate, PlausibleMoment, ShortText, SingleLine
from kpawidgets.model.records.budget import Budget
from kpawidgets.model.records.checklist import Checklist
from kpawidgets.model.records.plan import Plan
from kpawidgets.model.problems import problem
from kpawidgets.model.room.records import Room

__all__ = ["SCHEMA_VERSION", "SUMMARY_MAX", "Contact", "Identity", "NetworkChoice", "Workbook"]

#: Version of the file format written by this code; files say which one wrote them.
SCHEMA_VERSION = 7


#: Longest summary the lead may write for the partners' PDF cover (characters).
SUMMARY_MAX = 800
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9 .()\-]{6,30}")
_LOGO = re.compile(r"[\w][\w.\-]{0,150}\.(png|svg)")


def _email(value: str) -> str:
    if value and not _EMAIL.fullmatch(value):
        raise problem("kpa_email", value=value[:80])
    return value


def _phone(value: str) -> str:
    if value and not (_PHONE.fullmatch(value) and sum(ch.isdigit() for ch in value) >= 6):
        raise problem("kpa_phone", value=value[:80])
    return value


def _logo(value: str) -> str:
    if value and not _LOGO.fullmatch(value):
        raise problem("kpa_logo_name", value=value[:80])
    return value


class Contact(KpaModel):
    """Whom a partner writes to: typed by the lead for the PDF's cover (all optional, checked lightly)."""

    role: ShortText = Field(default="", description="Fonction (ex. : cheffe de projet KPA)")
    email: Annotated[ShortText, AfterValidator(_email)] = Field(default="", description="Adresse e-mail")
    phone: Annotated[ShortText, AfterValidator(_phone)] = Field(default="", description="Téléphone")


class Identity(KpaModel):
    """Who the workbook is about, and what its PDF's cover says to partners."""

    territory: SingleLine = Field(min_length=1, max_length=200, description="Nom du territoire / du projet de KPA")
    town: SingleLine = Field(default="", max_length=200, description="Commune")
    neighbourhood: SingleLine = Field(default="", max_length=200, description="Quartier")
    qpv: bool = Field(default=False, description="Quartier prioritaire de la politique de la ville")
    launch_date: PlausibleDate = Field(default=None, description="Date de lancement prévue")
    language: Literal["fr", "en"] = Field(default="fr", description="Langue du carnet et du plan")
    summary: MultiLine = Field(default="", max_length=SUMMARY_MAX,
                               description="Résumé court écrit par la ou le chef de projet (couverture du plan)")
    contact: Contact = Field(default_factory=Contact)
    logo: Annotated[SingleLine, AfterValidator(_logo)] = Field(
        default="", description="Logo du territoire : un fichier PNG ou SVG à côté du carnet (<nom>.logo.png ou .svg)")


class NetworkChoice(KpaModel):
    """What the territory chose to give the network (file format 6): off until someone ticks it.

    ``share`` on: each save also writes the territory's shared figures (no names, nothing personal:
    :mod:`kpawidgets.model.network.shared`) where the network reads them (``KPA_SHARE_DIR``).
    """

    share: bool = Field(default=False, description="Le territoire partage ses chiffres avec le réseau")


class Workbook(KpaModel):
    """One territory's launch workbook."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="Version du format de fichier")
    identity: Identity
    checklist: Checklist = Field(default_factory=Checklist)
    budget: Budget = Field(default_factory=Budget)
    plan: Plan = Field(default_factory=Plan)
    room: Room = Field(default_factory=Room, description="Contributions du groupe en atelier (téléphones, animation)")
    network: NetworkChoice = Field(default_factory=NetworkChoice, description="Partage avec le réseau KPA-Cité")
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
