"""The workbook file format: read (migrate, validate), write, and its JSON Schema.

The records themselves are in :mod:`kpawidgets.model.records`; ``Identity``, ``Workbook``
and ``SCHEMA_VERSION`` are re-exported here.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, translate
from kpawidgets.model.checklist.partners import normalised_name
from kpawidgets.model.problems import problem_text
from kpawidgets.model.records.workbook import SCHEMA_VERSION, Identity, Workbook

__all__ = [
    "SCHEMA_VERSION",
    "Identity",
    "Workbook",
    "WorkbookError",
    "NewerVersionError",
    "InvalidWorkbookError",
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


_INVALID = N_("Le fichier {source} contient des valeurs invalides : {detail}")


class InvalidWorkbookError(WorkbookError):
    """A workbook whose content breaks the format's rules; its problems are told in any language.

    ``params["problems"]`` holds the lines in the language of the moment it was raised;
    :meth:`message` and :meth:`problems` give them in the language asked for.
    """

    def __init__(self, source: str, details: list[ErrorDetails]) -> None:
        self.details = details
        problems = _lines(details, None)
        super().__init__(_INVALID, source=source, detail="; ".join(problems[:5]), problems=problems)

    def problems(self, lang: str | None = None) -> list[str]:
        """One line per problem, in *lang* (default: the current language)."""
        return _lines(self.details, lang)

    def message(self, lang: str | None = None) -> str:
        detail = "; ".join(self.problems(lang)[:5])
        return translate(self.template, lang).format(source=self.params.get("source", ""), detail=detail)


def _from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (pre-release drafts) kept the identity fields at the top level."""
    identity_keys = ("territory", "town", "neighbourhood", "qpv", "launch_date", "language")
    identity = {key: data.pop(key) for key in identity_keys if key in data}
    data.setdefault("identity", identity)
    return data


#: Lists whose items gain an ``id`` in version 2, as paths from the workbook.
_LISTS_WITH_IDS: tuple[tuple[str, ...], ...] = (
    ("checklist", "equipment"), ("checklist", "group"), ("checklist", "team"), ("checklist", "partners"),
    ("plan", "custom_steps"), ("plan", "overrides"), ("budget", "scenarios"),
)
#: Lists of a budget, also found in each scenario's copy of it.
_BUDGET_LISTS_WITH_IDS: tuple[tuple[str, ...], ...] = (("lines",), ("staff",), ("activities",), ("sharing", "people"))


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had ids on budget lines, activities and added steps only: every list item gets one.

    The ids given are derived from the list and the item's place in it, so two devices that
    migrate the same file give the same ids (their saves then merge item by item). Overrides
    get their step's key as id. Containers on the way are copied, not changed in place (and
    never walked whole: a deeply nested file cannot exhaust the stack here).
    """
    paths: list[tuple[str | int, ...]] = [*_LISTS_WITH_IDS, *_budget_lists("budget")]
    scenarios = data.get("budget", {}).get("scenarios") if isinstance(data.get("budget"), dict) else None
    for index in range(len(scenarios) if isinstance(scenarios, list) else 0):
        paths += _budget_lists("budget", "scenarios", index, "plan")
    for path in paths:
        items = _copied_list(data, path)
        if items is not None:
            _give_ids(items, ".".join(str(part) for part in path))
    return data


def _budget_lists(*where: str | int) -> list[tuple[str | int, ...]]:
    """The paths of a budget's lists with ids, the budget being at *where*."""
    return [(*where, *path) for path in _BUDGET_LISTS_WITH_IDS]


def _copied_list(data: Any, path: tuple[str | int, ...]) -> list[Any] | None:
    """The list at *path* in *data*, every container on the way (and its dict items) replaced by a copy."""
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str) and isinstance(node.get(part), (dict, list)):
            node[part] = copy.copy(node[part])
        elif isinstance(node, list) and isinstance(part, int) and part < len(node) and isinstance(node[part], (dict, list)):
            node[part] = copy.copy(node[part])
        else:
            return None
        node = node[part]
    if not isinstance(node, list):
        return None
    node[:] = [dict(item) if isinstance(item, dict) else item for item in node]
    return node


def _give_ids(items: list[Any], where: str) -> None:
    """Give every dict of *items* without an ``id`` one derived from *where* and its index (none reused)."""
    if where == "plan.overrides":
        for item in items:
            if isinstance(item, dict) and "key" in item:
                item.setdefault("id", item["key"])
        return
    # Only text ids can clash with a new one; any other (a list, a number) is left for the
    # validation to refuse with its message.
    taken = {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}
    for index, item in enumerate(items):
        if isinstance(item, dict) and "id" not in item:
            salt = 0
            while True:
                candidate = hashlib.sha256(f"{where}:{index}:{salt}".encode()).hexdigest()[:12]
                if candidate not in taken:
                    break
                salt += 1
            item["id"] = candidate
            taken.add(candidate)


_SECURED = ("vote", "verse")


def _from_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 named a line's funder in free text (``funder``), apart from the checklist's partners:
    every funder name becomes a partner, and the line refers to it by id (``partner``).

    A name is matched to a partner already in the checklist, or to one made earlier in this
    migration, by :func:`~kpawidgets.model.checklist.partners.normalised_name` (case, accents,
    apostrophes, spaces); else a partner is made with the funder role, its id derived from the
    name (two devices migrating the same file agree), its status from the budget's lines
    (voté or versé: engagé; demandé: rencontré; else à contacter). A partner matched gets the
    funder role. Lines of the budget come first, then each scenario's, so names are met in the
    file's order. A line without a funder name keeps no partner; nothing else changes.
    """
    checklist = data.get("checklist")
    if checklist is not None and not isinstance(checklist, dict):
        return data  # the loader will say what is wrong
    checklist = dict(checklist or {})
    partners_path = ("checklist", "partners")
    data["checklist"] = checklist
    if not isinstance(checklist.get("partners", []), list):
        return data
    checklist.setdefault("partners", [])
    partners = _copied_list(data, partners_path)
    assert partners is not None
    taken = {item.get("id") for item in partners if isinstance(item, dict)}
    by_name: dict[str, dict[str, Any]] = {}
    for item in partners:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            by_name.setdefault(normalised_name(item["name"]), item)
    paths: list[tuple[str | int, ...]] = [("budget", "lines")]
    scenarios = data.get("budget", {}).get("scenarios") if isinstance(data.get("budget"), dict) else None
    paths += [("budget", "scenarios", index, "plan", "lines") for index in range(len(scenarios) if isinstance(scenarios, list) else 0)]
    made: set[str] = set()
    for depth, path in enumerate(paths):
        for line in _copied_list(data, path) or []:
            if not isinstance(line, dict) or not isinstance(line.get("funder"), str):
                continue  # a funder that is not a text stays: the loader will refuse it by name
            name = line.pop("funder").strip()
            key = normalised_name(name)
            if not key:
                continue
            partner = by_name.get(key)
            if partner is None:
                partner = {"id": _partner_id(key, taken), "name": name, "roles": ["funder"], "status": "to_contact",
                           "brings": ""}
                taken.add(partner["id"])
                made.add(partner["id"])
                by_name[key] = partner
                partners.append(partner)
            elif isinstance(partner.get("roles"), list) and "funder" not in partner["roles"]:
                partner["roles"] = [*partner["roles"], "funder"]
            line["partner"] = partner.get("id")
            if depth == 0 and partner["id"] in made:
                _raise_status(partner, line.get("status"))
    return data


def _partner_id(key: str, taken: set[Any]) -> str:
    """The id of the partner made for funder name *key*: from the name, never one already taken."""
    salt = 0
    while True:
        candidate = hashlib.sha256(f"partner:{key}:{salt}".encode()).hexdigest()[:12]
        if candidate not in taken:
            return candidate
        salt += 1


def _raise_status(partner: dict[str, Any], line_status: Any) -> None:
    """A partner made from a funder name: engagé for a voted or paid line, rencontré for a request."""
    rank = {"to_contact": 0, "met": 1, "committed": 2}
    wanted = "committed" if line_status in _SECURED else "met" if line_status == "demande" else "to_contact"
    if rank[wanted] > rank.get(partner["status"], 0):
        partner["status"] = wanted


def _from_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 4 gives a partner a ``kind`` (its Cerfa 74 sub-line, issue 19) and the room a
    ``retention_months`` (issue 23). A version-3 partner has no kind: it reads « type pas encore dit »
    (a warning) and its lines keep their own sub-line; the retention's default says it; nothing else
    changes (same ids, same lines, on every device)."""
    return data


def _from_v4(data: dict[str, Any]) -> dict[str, Any]:
    """Version 5 gives a budget line its rule for years 2 and 3 (``years``) and the budget its own-resources
    mark (``own_share_mark``). A version-4 line has no rule: a charge, a sale or an in-kind line is carried
    on unchanged, a funder line is one-off (grants one-off unless marked); the mark is 50 %. Nothing is
    added to the file, so nothing changes for year 1 and every device reads the same ids and lines."""
    return data


def _from_v5(data: dict[str, Any]) -> dict[str, Any]:
    """Version 6 gives the workbook its choice to share its figures with the network (``network.share``,
    issue 25). A version-5 file has made no such choice: it does not share (the default, nothing added to
    the file), and everything else is read as it was: the same ids and lines on every device."""
    return data


def _from_v6(data: dict[str, Any]) -> dict[str, Any]:
    """Version 7 gives a team member's salary settings their FTE in years 2 and 3 (``fte_years``, issue 24).
    A version-6 member has none: years 2 and 3 count their year-1 FTE, twelve months a year (nothing is
    added to the file: the same ids and lines on every device, and year 1 unchanged)."""
    return data


#: version N → function that turns a version-N dict into version N+1.
MIGRATIONS = {0: _from_v0, 1: _from_v1, 2: _from_v2, 3: _from_v3, 4: _from_v4, 5: _from_v5, 6: _from_v6}


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


def validation_messages(error: ValidationError, lang: str | None = None) -> list[str]:
    """One readable line per problem, in *lang* (default: the current language): ``identity.territory : …``."""
    return _lines(error.errors(include_url=False), lang)


def _lines(details: list[ErrorDetails], lang: str | None) -> list[str]:
    lines = []
    for problem in details:
        where = ".".join(str(part) for part in problem["loc"]) or translate(N_("racine"), lang)
        lines.append(f"{where} : {problem_text(problem, lang)}")
    return lines


def load_workbook_text(text: str | bytes, source: str = "") -> Workbook:
    """Parse, migrate and validate a workbook file's text; raise WorkbookError on any problem."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible (JSON invalide ligne {line}, colonne {column}).",
                            source=source, line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible (le texte n'est pas en UTF-8).",
                            source=source) from None
    except RecursionError:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible (JSON imbriqué trop profondément).",
                            source=source) from None
    except _ConstantError as exc:
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible ({constant} n'est pas une valeur permise).",
                            source=source, constant=exc.constant) from None
    except ValueError:  # an integer of thousands of digits
        raise WorkbookError("Le fichier {source} n'est pas un carnet lisible (nombre trop long).",
                            source=source) from None
    if not isinstance(data, dict):
        raise WorkbookError("Le fichier {source} n'est pas un carnet (un objet JSON est attendu).", source=source)
    data = migrate(data)
    try:
        return Workbook.model_validate(data)
    except ValidationError as exc:
        details = exc.errors(include_url=False, include_input=False)
        raise InvalidWorkbookError(source, details) from None


class _ConstantError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a file: JSON has no such numbers."""

    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _reject_constant(name: str) -> None:
    raise _ConstantError(name)


def dump_workbook(workbook: Workbook) -> str:
    """The file text of *workbook*: indented, UTF-8 friendly, stable key order."""
    return workbook.model_dump_json(indent=2) + "\n"


def workbook_json_schema() -> dict[str, Any]:
    """The JSON Schema of a workbook file (as written, amounts as strings)."""
    schema = Workbook.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Carnet KPA — workbook"
    return schema
