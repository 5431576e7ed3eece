"""The workbook: everything about one territory, in one validated file."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from kpawidgets.errors import KpaError
from kpawidgets.model.base import KpaModel
from kpawidgets.model.budget import Budget
from kpawidgets.model.checklist import Checklist
from kpawidgets.model.plan import Plan

__all__ = [
    "SCHEMA_VERSION",
    "Identity",
    "Workbook",
    "WorkbookError",
    "NewerVersionError",
    "load_workbook_text",
    "dump_workbook",
    "migrate",
    "validation_messages",
    "workbook_json_schema",
]

#: Version of the file format written by this code; files say which one wrote them.
SCHEMA_VERSION = 1


class WorkbookError(KpaError):
    """A workbook file that cannot be read (corrupt JSON, invalid content)."""


class NewerVersionError(WorkbookError):
    """A workbook written by a newer version of Carnet KPA: never overwritten."""


class Identity(KpaModel):
    """Who the workbook is about."""

    territory: str = Field(min_length=1, max_length=200, description="Nom du territoire / du projet de KPA")
    town: str = Field(default="", max_length=200, description="Commune")
    neighbourhood: str = Field(default="", max_length=200, description="Quartier")
    qpv: bool = Field(default=False, description="Quartier prioritaire de la politique de la ville")
    launch_date: dt.date | None = Field(default=None, description="Date de lancement prévue")
    language: Literal["fr", "en"] = Field(default="fr", description="Langue du carnet et du plan")

    @field_validator("territory")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        if any(ord(ch) < 32 for ch in value):
            raise ValueError("le nom ne doit pas contenir de caractères de contrôle")
        return value

    @field_validator("launch_date")
    @classmethod
    def _plausible_date(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not (2000 <= value.year <= 2100):
            raise ValueError("date hors de la période 2000–2100")
        return value


class Workbook(KpaModel):
    """One territory's launch workbook."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="Version du format de fichier")
    identity: Identity
    checklist: Checklist = Field(default_factory=Checklist)
    budget: Budget = Field(default_factory=Budget)
    plan: Plan = Field(default_factory=Plan)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def new(cls, territory: str, **identity: Any) -> Workbook:
        """A fresh workbook for *territory*."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return cls(identity=Identity(territory=territory, **identity), created_at=now, updated_at=now)

    @property
    def title(self) -> str:
        """The territory's name, as shown to people."""
        return self.identity.territory


def _from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (pre-release drafts) kept the identity fields at the top level."""
    identity_keys = ("territory", "town", "neighbourhood", "qpv", "launch_date", "language")
    identity = {key: data.pop(key) for key in identity_keys if key in data}
    data.setdefault("identity", identity)
    return data


#: version N → function that turns a version-N dict into version N+1.
MIGRATIONS = {0: _from_v0}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a workbook dict written by an older version up to :data:`SCHEMA_VERSION`."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise WorkbookError("Version de format illisible : « {version} ».", version=version)
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            "Ce carnet a été écrit par une version plus récente de Carnet KPA (format {version}, "
            "celle-ci lit jusqu'au format {supported}). Il n'est pas modifié.",
            version=version,
            supported=SCHEMA_VERSION,
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def validation_messages(error: ValidationError) -> list[str]:
    """One readable line per problem: ``identity.territory : …``."""
    lines = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(part) for part in problem["loc"]) or "racine"
        lines.append(f"{where} : {problem['msg']}")
    return lines


def load_workbook_text(text: str | bytes, source: str = "") -> Workbook:
    """Parse, migrate and validate a workbook file's text; raise WorkbookError on any problem."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible (JSON invalide : {detail}).",
                            source=source, detail=str(exc)[:200]) from None
    if not isinstance(data, dict):
        raise WorkbookError("Le fichier {source} n'est pas un carnet (un objet JSON est attendu).", source=source)
    data = migrate(data)
    try:
        return Workbook.model_validate(data)
    except ValidationError as exc:
        problems = validation_messages(exc)
        raise WorkbookError("Le fichier {source} contient des valeurs invalides : {detail}",
                            source=source, detail="; ".join(problems[:5]), problems=problems) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} n'est pas une valeur permise")


def dump_workbook(workbook: Workbook) -> str:
    """The file text of *workbook*: indented, UTF-8 friendly, stable key order."""
    return workbook.model_dump_json(indent=2) + "\n"


def workbook_json_schema() -> dict[str, Any]:
    """The JSON Schema of a workbook file (as written, amounts as strings)."""
    schema = Workbook.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Carnet KPA — workbook"
    return schema
