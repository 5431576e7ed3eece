"""Budget lines from an import file: each row validated by the budget line's own model.

Import format (one row per line; column names are case- and accent-insensitive)::

    compte ; libelle ; montant [; financeur ; statut ; avance_pct ; avance_mois ; solde_mois ; sous_ligne ; mois ; origine ; id]

``mois`` is the month a charge or a non-grant resource is paid (empty: spread over the year);
funder lines use ``avance_mois`` / ``solde_mois``. Rows whose ``origine`` is filled were
calculated by the carnet (staff, activities…) and are not imported. ``id`` is the line's own
identifier, written by the export, so that a file exported, edited and imported back updates
the lines it came from (see :mod:`.apply`). ``financeur`` is a name: the import finds the
partner of that name (case, accents and spaces aside) or adds one to the checklist's partners. Every bad row is reported
with its line number and the reason; nothing is imported until the file is clean, unless the
person accepts to skip the bad rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, translate
from kpawidgets.model import budget as b
from kpawidgets.model.base import SingleLine
from kpawidgets.model.checklist import suggest_kind
from kpawidgets.model.money import decimal_convention, parse_amount
from kpawidgets.model.problems import PROBLEMS
from kpawidgets.storage.spreadsheets.cells import SpreadsheetError, column_key, fold
from kpawidgets.storage.spreadsheets.limits import MAX_FILE_ROWS, MAX_ROWS
from kpawidgets.storage.spreadsheets.read import read_file, read_table

__all__ = ["IMPORT_COLUMNS", "REQUIRED_COLUMNS", "FIELD_OF_COLUMN", "RowProblem", "ImportResult", "ImportRow",
           "guess_subline", "parse_import", "read_lines"]

IMPORT_COLUMNS = ("compte", "libelle", "montant", "financeur", "statut", "avance_pct", "avance_mois",
                  "solde_mois", "sous_ligne", "mois", "origine", "id")
REQUIRED_COLUMNS = ("compte", "libelle", "montant")
FUNDER_COLUMNS = ("financeur", "statut", "avance_pct", "avance_mois", "solde_mois", "sous_ligne")
#: Import column → the budget line's field it fills.
FIELD_OF_COLUMN = {"compte": "account", "libelle": "label", "montant": "amount", "financeur": "funder",
                   "statut": "status", "avance_pct": "advance_pct", "avance_mois": "advance_month",
                   "solde_mois": "balance_month", "sous_ligne": "subline", "mois": "month", "id": "id"}
COLUMN_OF_FIELD = {name: column for column, name in FIELD_OF_COLUMN.items()}
_MONTH_FIELDS = ("month", "advance_month", "balance_month")


@dataclass(frozen=True)
class RowProblem:
    """One bad row: its line number in the file and the reason (French template + params).

    A parameter that is itself a :class:`KpaError` (the budget's own message) is translated too.
    """

    line: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        params = {key: value.message(lang) if isinstance(value, KpaError) else value for key, value in self.params.items()}
        reason = translate(self.template, lang).format(**params)
        return translate(N_("ligne {line} : {reason}"), lang).format(line=self.line, reason=reason)


@dataclass
class ImportResult:
    """What a file holds: the good lines, the bad rows, the calculated rows left aside.

    ``numbers`` gives each good line's line number in the file, ``funders`` its funder's name
    as typed ("" for none), ``given_ids`` the ids the file itself carried (the others are new),
    ``fields`` the budget line's fields the file's columns fill (``funder`` for the name).
    """

    lines: list[b.BudgetLine]
    problems: list[RowProblem]
    calculated: int = 0
    numbers: list[int] = field(default_factory=list)
    funders: list[str] = field(default_factory=list)
    given_ids: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)

    @property
    def clean(self) -> bool:
        return not self.problems


# ----------------------------------------------------------------------------- one row
_STATUS_WORDS = {
    "envisage": "envisage", "considered": "envisage", "a demander": "envisage",
    "demande": "demande", "requested": "demande", "en attente": "demande",
    "vote": "vote", "notifie": "vote", "vote / notifie": "vote", "vote/notifie": "vote", "voted": "vote",
    "accorde": "vote", "voted / notified": "vote", "notified": "vote",
    "verse": "verse", "paid": "verse", "recu": "verse",
    "refuse": "refuse", "refused": "refuse",
}

def guess_subline(*texts: str) -> str:
    """The Cerfa 74 sub-line a funder's name suggests (the partners' rules, ``model.checklist.suggest_kind``;
    default: other public bodies). The line's partner's kind, when said, is what the budget uses."""
    return suggest_kind(*texts) or "public_other"


def _budget_rule(parse: Callable[[str], Any], value: object) -> Any:
    """Apply one of the budget's parsers; its KpaError becomes a pydantic error that keeps the message."""
    try:
        return parse(str(value))
    except KpaError as exc:
        raise PydanticCustomError("kpa_error", "kpa_error", {"error": exc}) from None


def _plain_percent(text: str) -> Decimal:
    value = b.parse_percent(text)
    return Decimal(f"{value:f}")  # 100, not 1E+2, in the saved file


def _no_control_characters(text: object) -> object:
    """Text without invisible characters; a line break inside a cell becomes a space."""
    if not isinstance(text, str):
        return text
    return "".join(ch for ch in " ".join(text.splitlines()) if ch >= " " or ch == "\t").strip()


class ImportRow(b.BudgetLine):
    """A budget line read from text cells: the line's own fields and rules, plus the file's.

    Text is turned into values by the budget's own parsers (``parse_money_field``, ``parse_percent``)
    before :class:`BudgetLine`'s validators run, so the rules exist once. ``funder`` is the
    funder's name as typed; the line refers to a partner by id once imported (:mod:`.apply`).
    """

    funder: SingleLine = Field(default="", max_length=200)

    @field_validator("account", mode="before")
    @classmethod
    def _account_text(cls, value: object) -> object:
        text = str(value).strip()
        return text[:-2] if text.endswith(".0") else text

    @field_validator("label", "funder", mode="before")
    @classmethod
    def _visible_text(cls, value: object) -> object:
        return _no_control_characters(value)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount_text(cls, value: object, info: ValidationInfo) -> object:
        # « 1,234 » / « 1.234 »: read by the file's own decimal separator when its other amounts settle it,
        # else refused with both readings (model.money.parse_amount, the page's and the CLI's one parser)
        decimal = (info.context or {}).get("decimal")
        return _budget_rule(lambda text: parse_amount(text, allow_negative=False, ask_if_ambiguous=True, decimal=decimal),
                            value)

    @field_validator("advance_pct", mode="before")
    @classmethod
    def _percent_text(cls, value: object) -> object:
        return _budget_rule(_plain_percent, value)

    @field_validator(*_MONTH_FIELDS, mode="before")
    @classmethod
    def _month_text(cls, value: object) -> object:
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()):  # "²".isdigit() is True
            raise PydanticCustomError("month", "month")
        return int(text)  # the range is BudgetLine's

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, value: object) -> object:
        return _STATUS_WORDS.get(fold(str(value)), value)

    @field_validator("subline", mode="before")
    @classmethod
    def _subline_word(cls, value: object) -> object:
        return fold(str(value)).replace(" ", "_")

    @model_validator(mode="after")
    def _balance_after_advance(self) -> ImportRow:
        if self.balance_month is not None and self.balance_month < self.advance_month:
            raise PydanticCustomError("balance_before_advance", "balance_before_advance")
        return self

    def line(self) -> b.BudgetLine:
        return b.BudgetLine.model_validate(self.model_dump(exclude={"funder"}))


def _bounds(name: str) -> tuple[Any, Any]:
    """The range the budget line accepts for a numeric field (from its own definition)."""
    metadata = b.BudgetLine.model_fields[name].metadata
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    return low, high


def _problem(line: int, error: Any, cells: dict[str, str]) -> RowProblem:
    """The message for one pydantic error, in the words of the import columns."""
    name = str(error["loc"][0]) if error["loc"] else ""
    column = COLUMN_OF_FIELD.get(name, name)
    value = cells.get(column, "")[:50]
    kind = error["type"]
    if kind == "balance_before_advance":
        return RowProblem(line, N_("le solde (mois {balance}) ne peut pas arriver avant l'avance (mois {advance})."),
                          {"balance": cells.get("solde_mois"), "advance": cells.get("avance_mois") or 1})
    if kind == "kpa_error":
        return RowProblem(line, N_("{column} : {detail}"), {"column": column, "detail": error["ctx"]["error"]})
    if name == "account":
        if value.startswith("87"):
            return RowProblem(line, N_("compte {account} : les contributions 87 se déduisent des lignes 86 ; importez la ligne 86."),
                              {"account": value})
        if value.startswith("86"):
            return RowProblem(line, N_("compte {account} : une contribution en nature va sur 860, 861, 862 ou 864 (ou un de leurs sous-comptes)."),
                              {"account": value})
        return RowProblem(line, N_("compte « {account} » : il n'appartient à aucun bloc du Cerfa (60 à 68, 70 à 78, 860 à 864, et leurs sous-comptes)."),
                          {"account": value})
    if name in _MONTH_FIELDS:
        low, high = _bounds(name)
        return RowProblem(line, N_("{column} « {value} » : un numéro de mois entre {low} et {high} est attendu."),
                          {"column": column, "value": value, "low": low, "high": high})
    if name == "status":
        return RowProblem(line, N_("statut « {value} » inconnu (envisagé, demandé, voté, versé ou refusé)."), {"value": value})
    if name == "subline":
        return RowProblem(line, N_("sous-ligne « {value} » inconnue."), {"value": value})
    if kind == "string_too_long":
        return RowProblem(line, N_("{column} dépasse {limit} caractères."), {"column": column, "limit": error["ctx"]["max_length"]})
    if name == "id":
        return RowProblem(line, N_("identifiant « {value} » invalide : des lettres, des chiffres, - ou _ (32 au plus)."),
                          {"value": value})
    if kind in PROBLEMS:  # the record's own problem, translated by its type
        return RowProblem(line, N_("{column} : {detail}"), {"column": column, "detail": KpaError(PROBLEMS[kind], **error.get("ctx", {}))})
    return RowProblem(line, N_("{column} « {value} » refusé."), {"column": column, "value": value})


def _line_data(line: int, cells: dict[str, str]) -> tuple[dict[str, Any], list[RowProblem]]:
    """The budget line's fields from a row's cells, and the file's own rules broken by the row."""
    problems: list[RowProblem] = []
    given = {name: text for name, text in cells.items() if text.strip()}
    account = given.get("compte", "").strip().removesuffix(".0")
    if not account:
        problems.append(RowProblem(line, N_("le compte est vide."), {}))
    if not _no_control_characters(given.get("libelle", "")) and not _no_control_characters(given.get("financeur", "")):
        problems.append(RowProblem(line, N_("le libellé est vide."), {}))
    funder_account = b.account_group(account) in ("74", "75")
    if account and not funder_account and any(name in given for name in FUNDER_COLUMNS):
        problems.append(RowProblem(line, N_("financeur, statut et échéancier ne valent que pour les comptes 74 et 75 (compte {account})."),
                                   {"account": account}))
    data: dict[str, Any] = {FIELD_OF_COLUMN[name]: text for name, text in given.items() if name in FIELD_OF_COLUMN}
    data.setdefault("account", account)
    data.setdefault("amount", "")
    label = _no_control_characters(given.get("libelle", ""))
    funder = _no_control_characters(given.get("financeur", ""))
    data["label"] = label or funder
    if b.account_group(account) == "74" or (b.account_group(account) == "75" and ("financeur" in given or "statut" in given)):
        data["funder"] = funder
        data.setdefault("status", "envisage")
        if b.account_group(account) == "74":
            data.setdefault("subline", guess_subline(str(funder), str(label)))
    else:
        for name in ("funder", "status", "advance_pct", "advance_month", "balance_month", "subline"):
            data.pop(name, None)
    return data, problems


def _parse_row(line: int, cells: dict[str, str], decimal: str | None = None) -> tuple[ImportRow | None, list[RowProblem]]:
    data, problems = _line_data(line, cells)
    try:
        row = ImportRow.model_validate(data, context={"decimal": decimal})
    except ValidationError as exc:
        for error in exc.errors():
            if error["loc"] == ("account",) and not data["account"]:
                continue  # already said: the account is empty
            problems.append(_problem(line, error, cells))
        return None, problems
    return (None, problems) if problems else (row, [])


# ----------------------------------------------------------------------------- a file
def parse_import(filename: str, data: bytes) -> ImportResult:
    """Read budget lines from a CSV or xlsx file; raise SpreadsheetError if the file itself is unusable."""
    frame = read_table(filename, data)
    header = [str(cell) for cell in frame.iloc[0]]
    while header and not header[-1].strip():
        header.pop()
    keys = [column_key(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise SpreadsheetError(
            "Colonnes manquantes : {missing}. La première ligne doit nommer au moins les colonnes compte, libelle, montant.",
            missing=", ".join(missing))
    if len(frame) - 1 > MAX_FILE_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.", count=len(frame) - 1, limit=MAX_FILE_ROWS)
    known = set(IMPORT_COLUMNS)
    result = ImportResult([], [], fields={FIELD_OF_COLUMN[key] for key in keys if key in FIELD_OF_COLUMN})
    first_line_of: dict[str, int] = {}
    amounts = keys.index("montant")
    decimal = decimal_convention(str(row[amounts]) for row in frame.iloc[1:].itertuples(index=False, name=None)
                                 if amounts < len(row))
    for line, *row in frame.iloc[1:].itertuples(name=None):
        used = max((i for i, cell in enumerate(row) if cell.strip()), default=-1) + 1
        if used > len(keys):
            result.problems.append(RowProblem(int(line), N_("{count} colonnes au lieu de {expected} (un séparateur de trop ?)."),
                                              {"count": used, "expected": len(keys)}))
            continue
        cells = {key: str(row[i]) for i, key in enumerate(keys) if key in known}
        if cells.get("origine", "").strip():
            result.calculated += 1
            continue
        row, problems = _parse_row(int(line), cells, decimal)
        given_id = cells.get("id", "").strip()
        if row is not None and given_id in first_line_of:
            row, problems = None, [RowProblem(int(line), N_("identifiant « {value} » déjà donné à la ligne {other}."),
                                              {"value": given_id[:50], "other": first_line_of[given_id]})]
        if row is not None:
            parsed = row.line()
            result.lines.append(parsed)
            result.funders.append(row.funder)
            result.numbers.append(int(line))
            if given_id:
                result.given_ids.add(parsed.id)
                first_line_of[given_id] = int(line)
        result.problems.extend(problems)
    if len(result.lines) > MAX_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.", count=len(result.lines), limit=MAX_ROWS)
    return result


def read_lines(path: str | Path) -> ImportResult:
    """Read budget lines from the CSV or xlsx file at *path* (refused by its size before reading)."""
    name, data = read_file(path)
    return parse_import(name, data)
