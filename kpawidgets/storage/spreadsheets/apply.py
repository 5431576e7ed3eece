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

from kpawidgets.i18n import N_, _, format_money_rounded, ngettext
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import Partner, find_partner, suggest_kind, tick_funder_roles
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.spreadsheets.cells import SpreadsheetError
from kpawidgets.storage.spreadsheets.limits import MAX_ROWS
from kpawidgets.storage.spreadsheets.rows import ImportResult

__all__ = ["ImportMode", "ImportOutcome", "ImportPreview", "asks_mode", "preview_import", "plan_import", "apply_import",
           "check_not_twice", "totals_sentence", "duplicates_sentence", "kinds_sentence"]

ImportMode = Literal["add", "replace"]
#: The fields the import format does not carry: an update keeps them as they are.
_KEPT_FIELDS = ("id", "deadline", "answer_date", "assume_no")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import does to a budget: lines added, updated (by id, a field changed), unchanged (by
    id, nothing changed), removed (``replace``), kept (``add``: the budget's lines the file does not
    name), the lines the carnet computes (team, equipment, venue, CAE: they stay, whatever the
    mode), partners added (funders named by the file and not yet among the partners), and the
    file's new lines already in the budget (same account, label and amount: imported twice?)."""

    added: int
    updated: int
    removed: int
    partners_added: int = 0
    unchanged: int = 0
    kept: int = 0
    computed: int = 0
    duplicates: int = 0
    #: the funders the import adds, with the kind their name suggests ("" when nothing in it says)
    suggested: tuple[tuple[str, str], ...] = ()

    @property
    def imported(self) -> int:
        """The file's lines now in the budget: added, updated or found unchanged."""
        return self.added + self.updated + self.unchanged


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
            partner = Partner(name=" ".join(name.split())[:200], roles=["funder"], kind=suggest_kind(name))
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
    added = updated = unchanged = 0
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
        if merged == current[index]:
            unchanged += 1
        else:
            updated += 1
    named = updated + unchanged
    removed = len(current) - named if mode == "replace" else 0
    untouched = len(current) - named if mode == "add" else 0
    computed = sum(1 for entry in b.entries(workbook) if entry.origin != "line")
    outcome = ImportOutcome(added, updated, removed, len(funders.added), unchanged, untouched, computed,
                            _duplicates(current, result) if mode == "add" else 0,
                            tuple((p.name, p.kind or "") for p in funders.added))
    return kept, funders.added, outcome


def _key(line: b.BudgetLine) -> tuple[str, str, object]:
    return line.account, " ".join(line.label.casefold().split()), line.amount


def _duplicates(current: list[b.BudgetLine], result: ImportResult) -> int:
    """The file's new lines (no id of this budget) equal to a line already in the budget."""
    there = {_key(line) for line in current}
    ids = {line.id for line in current}
    return sum(1 for line in result.lines if not (line.id in result.given_ids and line.id in ids) and _key(line) in there)


#: What the carnet computes, as named in the message that stops an import counting it twice.
_COMPUTED = {"staff": N_("les salaires de l'équipe (onglet Équipe)"), "equipment": N_("l'équipement de la check-list"),
             "venue": N_("le lieu de la check-list"), "cae": N_("la contribution à la CAE (onglet Activités)"),
             "volunteer": N_("le bénévolat du groupe (onglet Équipe)")}


def check_not_twice(workbook: Workbook, result: ImportResult) -> None:
    """Stop (nothing imported) when a line of the file is a cost the carnet already computes: a 641/645
    line while the team has project-paid members, or a line of the account and label of a computed
    line (equipment, venue, the CAE's contribution). Imported, it would count twice."""
    computed = [entry for entry in b.entries(workbook) if entry.origin != "line"]
    staff = any(entry.origin == "staff" and entry.side == "charge" for entry in computed)
    labels = {(entry.account, " ".join(entry.label.casefold().split())): entry.origin for entry in computed}
    for number, line in zip(result.numbers or range(1, len(result.lines) + 1), result.lines):
        origin = "staff" if staff and line.account[:3] in ("641", "645") else labels.get(
            (line.account, " ".join(line.label.casefold().split())))
        if origin is not None:
            raise SpreadsheetError(
                "Ligne {line} : « {account} {label} » est déjà dans le budget, calculé par le carnet ({what}) : importée, "
                "elle compterait deux fois. Rien n'a été importé. Retirez cette ligne du fichier, ou retirez ce coût du "
                "carnet avant d'importer.", line=number, account=line.account, label=line.label[:60], what=_(_COMPUTED[origin]))


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do, before anything is written: the counts and the totals before → after
    (whole euros, as the page and the PDF print them)."""

    outcome: ImportOutcome
    before: b.WholeEuros
    after: b.WholeEuros


def totals_sentence(preview: ImportPreview) -> str:
    """``Charges : 39 925 € → 53 391 € ; ressources : … → … ; reste à trouver : … → ….`` (CLI and page)."""
    before, after = preview.before, preview.after
    return _("Charges : {c0} → {c1} ; ressources : {p0} → {p1} ; reste à trouver : {g0} → {g1}.").format(
        c0=format_money_rounded(before.charges), c1=format_money_rounded(after.charges),
        p0=format_money_rounded(before.produits), p1=format_money_rounded(after.produits),
        g0=format_money_rounded(before.gap), g1=format_money_rounded(after.gap))


def counts_sentence(outcome: ImportOutcome) -> str:
    """What the import does to the lines, computed lines included (CLI and page, before and after)."""
    return _("lignes ajoutées : {added} ; mises à jour : {updated} ; inchangées : {unchanged} ; retirées : {removed} ; "
             "gardées : {kept} ; lignes calculées par le carnet (équipe, équipement, lieu, CAE), gardées : {computed}.").format(
        added=outcome.added, updated=outcome.updated, unchanged=outcome.unchanged, removed=outcome.removed,
        kept=outcome.kept, computed=outcome.computed)


def kinds_sentence(outcome: ImportOutcome) -> str:
    """The kinds suggested for the funders an import adds (« Toulouse Métropole » → EPCI), to check on the page."""
    if not outcome.suggested:
        return ""
    said = "; ".join(_("« {name} » : {kind}").format(name=name, kind=_(b.SUBLINES[kind]) if kind else _("type à choisir"))
                     for name, kind in outcome.suggested)
    return _("Type de financeur suggéré d'après le nom (à vérifier dans l'onglet Financeurs) : {said}.").format(said=said)


def duplicates_sentence(outcome: ImportOutcome) -> str:
    """The warning of a file whose new lines are already in the budget (CLI and page)."""
    return ngettext(
        "{count} ligne du fichier est déjà au budget (même compte, libellé et montant) : ce fichier a-t-il déjà été importé ?",
        "{count} lignes du fichier sont déjà au budget (même compte, libellé et montant) : ce fichier a-t-il déjà été importé ?",
        outcome.duplicates).format(count=outcome.duplicates)


def plan_import(workbook: Workbook, result: ImportResult, mode: ImportMode = "add") -> ImportPreview:
    """The import of *result* tried on a copy of *workbook* (which is left as it is); raises as
    :func:`apply_import` would (a cost counted twice, too many lines)."""
    trial = workbook.model_copy(deep=True)
    outcome = preview_import(trial, result, mode)
    apply_import(trial, result, mode=mode, skip_bad_rows=True)
    return ImportPreview(outcome, b.budget_figures(workbook).euros, b.budget_figures(trial).euros)


def preview_import(workbook: Workbook, result: ImportResult, mode: ImportMode = "add") -> ImportOutcome:
    """What :func:`apply_import` would do, without doing it (for the question asked first)."""
    check_not_twice(workbook, result)
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
    check_not_twice(workbook, result)
    lines, partners, outcome = _merged(workbook, result, mode)
    if len(lines) > MAX_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.", count=len(lines), limit=MAX_ROWS)
    if partners:
        workbook.checklist.partners = [*workbook.checklist.partners, *partners]
    workbook.budget.lines = lines
    tick_funder_roles(workbook)
    return outcome.imported
