"""The workbook file format: read (migrate, validate), write, and its JSON Schema.

The records themselves are in :mod:`kpawidgets.model.records`; ``Identity``, ``Workbook``
and ``SCHEMA_VERSION`` are re-exported here.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from kpawidgets.errors import KpaError
from kpawidgets.model.records.workbook import SCHEMA_VERSION, Identity, Workbook

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


class WorkbookError(KpaError):
    """A workbook file that cannot be read (corrupt JSON, invalid content)."""


class NewerVersionError(WorkbookError):
    """A workbook written by a newer version of Carnet KPA: never overwritten."""


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
