"""Imported lines into a budget: by id, the lines a file came from are updated, never copied.

A file exported by the carnet carries each line's ``id``: imported back (after an edit in a
spreadsheet) it updates those lines. A line without an id is new. What happens to the
budget's other lines is the person's choice, asked when the file is not one of this budget's
exports (:meth:`asks_mode`): ``"add"`` keeps them, ``"replace"`` leaves only the file's lines
(the previous version stays in the workbook's history).

A row's ``financeur`` names a partner: the one of that name in the checklist's partners (case,
accents and spaces aside), else a new partner with the funder role. Exported and imported
back, a line keeps its partner, and no partner is made twice. An updated line whose
``financeur`` cell is empty keeps its partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from kpawidgets.model import budget as b
from kpawidgets.model.checklist import Partner, find_partner, tick_funder_roles
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.spreadsheets.cells import SpreadsheetError
from kpawidgets.storage.spreadsheets.limits import MAX_ROWS
from kpawidgets.storage.spreadsheets.rows import ImportResult

__all__ = ["ImportMode", "ImportOutcome", "asks_mode", "preview_import", "apply_import"]

ImportMode = Literal["add", "replace"]
#: The fields the import format does not carry: an update keeps them as they are.
_KEPT_FIELDS = ("id", "deadline", "answer_date", "assume_no")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import does to a budget: lines added, updated (by id) and removed (``replace``),
    and partners added (funders named by the file and not yet among the partners)."""

    added: int
    updated: int
    removed: int
    partners_added: int = 0

    @property
    def imported(self) -> int:
        return self.added + self.updated


def asks_mode(workbook: Workbook, result: ImportResult) -> bool:
    """Whether the person must choose to replace or add: the budget has lines and the file
    updates none of them (it is not an export of this budget)."""
    ids = {line.id for line in workbook.budget.lines}
    return bool(ids) and not (result.given_ids & ids)


class _Funders:
    """The partners a file's funder names refer to: those of the workbook, then those the import adds."""

    def __init__(self, workbook: Workbook) -> None:
        self.known = list(workbook.checklist.partners)
        self.added: list[Partner] = []

    def id_for(self, name: str) -> str | None:
        if not name.strip():
            return None
        partner = find_partner([*self.known, *self.added], name)
        if partner is None:
            partner = Partner(name=" ".join(name.split())[:200], roles=["funder"])
            self.added.append(partner)
        return partner.id


def _updated(old: b.BudgetLine, new: b.BudgetLine, fields: set[str], number: int) -> b.BudgetLine:
    """*old* with the fields the file's columns fill taken from *new* (validated together)."""
    data = old.model_dump()
    data.update({name: value for name, value in new.model_dump().items() if name in fields and name not in _KEPT_FIELDS})
    data["partner"] = new.partner or old.partner  # an empty funder cell keeps the line's partner
    if "account" in fields and not new.is_funder:  # a line moved off 74/75 is no longer a funder line
        data.update(partner=None, status=None, subline=None)
    try:
        return b.BudgetLine.model_validate(data)
    except ValidationError as exc:
        detail = "; ".join(str(error["msg"]) for error in exc.errors())[:200]
        raise SpreadsheetError("Ligne {line} : la mise à jour de la ligne « {label} » est refusée ({detail}).",
                               line=number, label=old.label[:50], detail=detail) from None


def _merged(workbook: Workbook, result: ImportResult,
            mode: ImportMode) -> tuple[list[b.BudgetLine], list[Partner], ImportOutcome]:
    current = list(workbook.budget.lines)
    position = {line.id: index for index, line in enumerate(current)}
    kept = list(current) if mode == "add" else []
    added = updated = 0
    funders = _Funders(workbook)
    names = result.funders or [""] * len(result.lines)
    for number, line, name in zip(result.numbers, result.lines, names):
        partner = funders.id_for(name) if line.is_funder else None
        if partner is not None:
            line = line.model_copy(update={"partner": partner})
        index = position.get(line.id) if line.id in result.given_ids else None
        if index is None:
            kept.append(line if line.id not in position else line.model_copy(update={"id": b.new_id()}))
            added += 1
            continue
        merged = _updated(current[index], line, result.fields, number)
        if mode == "add":
            kept[index] = merged
        else:
            kept.append(merged)
        updated += 1
    removed = len(current) - updated if mode == "replace" else 0
    return kept, funders.added, ImportOutcome(added, updated, removed, len(funders.added))


def preview_import(workbook: Workbook, result: ImportResult, mode: ImportMode = "add") -> ImportOutcome:
    """What :func:`apply_import` would do, without doing it (for the question asked first)."""
    return _merged(workbook, result, mode)[2]


def apply_import(workbook: Workbook, result: ImportResult, *, mode: ImportMode = "add",
                 skip_bad_rows: bool = False) -> int:
    """Put the imported lines in the budget: update the lines whose id the file carries, add the
    others, and with ``mode="replace"`` remove the lines the file does not hold.

    Refuses (nothing changed) if the file has bad rows and skipping was not accepted. Returns
    the number of lines added or updated.
    """
    if result.problems and not skip_bad_rows:
        raise SpreadsheetError("Le fichier contient {count} ligne invalide : rien n'a été importé.",
                               plural="Le fichier contient {count} lignes invalides : rien n'a été importé.",
                               count=len(result.problems))
    lines, partners, outcome = _merged(workbook, result, mode)
    if len(lines) > MAX_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.", count=len(lines), limit=MAX_ROWS)
    if partners:
        workbook.checklist.partners = [*workbook.checklist.partners, *partners]
    workbook.budget.lines = lines
    tick_funder_roles(workbook)
    return outcome.imported
