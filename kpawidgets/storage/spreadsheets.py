"""Budget spreadsheets: export to ``.xlsx`` (Cerfa budget, funders, monthly cash) and CSV, and
import budget lines from CSV or ``.xlsx``.

Import format (one row per line; column names are case- and accent-insensitive)::

    compte ; libelle ; montant [; financeur ; statut ; avance_pct ; avance_mois ; solde_mois ; sous_ligne ; mois ; origine]

``mois`` is the month a charge or a non-grant resource is paid (empty: spread over the year);
funder lines use ``avance_mois`` / ``solde_mois``.

CSV files may use ``;`` or ``,``, UTF-8 with or without BOM, amounts typed the French way
(``1 234,56``). Every bad row is reported with its line number and the reason, and nothing is
imported until the file is clean, unless the person accepts to skip the bad rows. Rows whose
``origine`` is filled were calculated by the carnet (staff, activities…) and are not imported.
Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is written as text.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, format_month, translate, use_language
from kpawidgets.model import budget as b
from kpawidgets.model.money import AmountError, to_money
from kpawidgets.model.workbook import Workbook

__all__ = [
    "SpreadsheetError", "RowProblem", "ImportResult", "IMPORT_COLUMNS",
    "budget_xlsx", "budget_csv", "parse_import", "apply_import", "safe_text", "export_cli", "import_cli",
]

IMPORT_COLUMNS = ("compte", "libelle", "montant", "financeur", "statut", "avance_pct", "avance_mois",
                  "solde_mois", "sous_ligne", "mois", "origine")
REQUIRED_COLUMNS = ("compte", "libelle", "montant")
FUNDER_COLUMNS = ("financeur", "statut", "avance_pct", "avance_mois", "solde_mois", "sous_ligne")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '#,##0.00\\ "€"'


class SpreadsheetError(KpaError):
    """A file that cannot be imported or written (the message says why)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad row: its line number in the file and the reason (French template + params)."""

    line: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        reason = translate(self.template, lang).format(**self.params)
        return translate(N_("ligne {line} : {reason}"), lang).format(line=self.line, reason=reason)


@dataclass
class ImportResult:
    """What a file holds: the good lines, the bad rows, the calculated rows left aside."""

    lines: list[b.BudgetLine]
    problems: list[RowProblem]
    calculated: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems


# ----------------------------------------------------------------------------- helpers
def safe_text(text: str) -> str:
    """Text for a CSV cell: a leading ``'`` keeps a spreadsheet from running it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unsafe_prefix(text: str) -> str:
    """Undo :func:`safe_text` on import."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.lower().replace("\ufeff", "").split())


def _column_key(header: str) -> str:
    key = _fold(header).replace("(eur)", "").replace("(€)", "").strip().replace(" ", "_").replace("-", "_")
    return {"libelle": "libelle", "libelles": "libelle", "intitule": "libelle", "montant_eur": "montant",
            "avance": "avance_pct", "avance_%": "avance_pct", "sous_ligne_cerfa": "sous_ligne"}.get(key, key)


_STATUS_WORDS = {
    "envisage": "envisage", "considered": "envisage", "a demander": "envisage",
    "demande": "demande", "requested": "demande", "en attente": "demande",
    "vote": "vote", "notifie": "vote", "vote / notifie": "vote", "vote/notifie": "vote", "voted": "vote",
    "accorde": "vote", "voted / notified": "vote", "notified": "vote",
    "verse": "verse", "paid": "verse", "recu": "verse",
    "refuse": "refuse", "refused": "refuse",
}

_SUBLINE_HINTS = [
    ("europe", ("fse", "feder", "europ", "leader")), ("social", ("caf", "msa", "cpam", "carsat")),
    ("asp", ("asp", "emploi aide", "pec", "adulte-relais", "adultes-relais")),
    ("departement", ("departement", "conseil departemental")), ("region", ("region", "conseil regional")),
    ("interco", ("metropole", "agglomeration", "communaute", "epci", "interco")),
    ("commune", ("ville", "commune", "mairie", "municipal")),
    ("private", ("fondation", "fonds de dotation", "mecenat", "entreprise")),
    ("etat", ("etat", "prefecture", "anct", "ddets", "drajes", "politique de la ville", "fdva", "fonjep")),
]


def guess_subline(*texts: str) -> str:
    """The Cerfa 74 sub-line a funder's name suggests (default: other public bodies)."""
    folded = " ".join(_fold(t) for t in texts)
    for key, words in _SUBLINE_HINTS:
        if any(word in folded for word in words):
            return key
    return "public_other"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _month_value(text: str) -> int | None:
    cleaned = text.strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not (cleaned.isascii() and cleaned.isdigit()) or not 1 <= int(cleaned) <= b.MAX_MONTH:  # "²".isdigit() is True
        return None
    return int(cleaned)


# ----------------------------------------------------------------------------- reading files
def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError("Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » et recommencez.") from None
    if "\x00" in text:
        raise SpreadsheetError("Ce fichier n'est pas un CSV lisible (caractères binaires).")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise SpreadsheetError("CSV illisible à la ligne {line} : {detail}", line=reader.line_num, detail=str(exc)) from None
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SpreadsheetError("Ce fichier n'est pas un classeur .xlsx lisible.") from None
    try:
        sheets = list(book.worksheets)
        chosen = None
        for sheet in sheets:  # the first sheet whose first row names the import columns
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            if {"compte", "montant"} <= {_column_key(_cell_text(v)) for v in first}:
                chosen = sheet
                break
        if chosen is None:
            if not sheets:
                raise SpreadsheetError("Le classeur ne contient aucune feuille.")
            chosen = sheets[0]
        rows = []
        for number, values in enumerate(chosen.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell_text(v) for v in values]))
            if number > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def read_table(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row of a CSV or xlsx file, header first."""
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError("Le fichier est trop gros (plus de 5 Mo) pour des lignes de budget.")
    if not data.strip():
        raise SpreadsheetError("Le fichier est vide.")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:2] == b"PK":
        return _read_xlsx(data)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(data)
    raise SpreadsheetError("Format non reconnu : « {name} ». Importez un fichier .csv ou .xlsx.", name=filename)


# ----------------------------------------------------------------------------- import
def _parse_row(number: int, cells: dict[str, str]) -> tuple[b.BudgetLine | None, list[RowProblem], bool]:
    """One row → a budget line, or the problems found (all of them), or a calculated row."""
    if cells.get("origine", "").strip():
        return None, [], True
    problems: list[RowProblem] = []

    def bad(template: str, **params: Any) -> None:
        problems.append(RowProblem(number, template, params))

    account = cells.get("compte", "").strip()
    if account.endswith(".0"):
        account = account[:-2]
    label = "".join(ch for ch in _unsafe_prefix(cells.get("libelle", "")) if ch >= " " or ch == "\t").strip()
    funder = "".join(ch for ch in _unsafe_prefix(cells.get("financeur", "")) if ch >= " ").strip()
    if not account:
        bad(N_("le compte est vide."))
    elif account.startswith("87"):
        bad(N_("compte {account} : les contributions 87 se déduisent des lignes 86 ; importez la ligne 86."), account=account)
    elif account not in b.ACCOUNTS or account == "86":
        bad(N_("compte « {account} » inconnu du plan Cerfa (60 à 68, 70 à 78, 860 à 864)."), account=account)
    if not label and not funder:
        bad(N_("le libellé est vide."))
    elif len(label) > 200:
        bad(N_("le libellé dépasse 200 caractères."))
    amount: Decimal | None = None
    raw_amount = cells.get("montant", "")
    try:
        amount = b.parse_money_field(raw_amount)
    except AmountError as exc:
        bad(N_("montant : {detail}"), detail=exc.message())
    except Exception:  # noqa: BLE001 - a strange cell is a bad row, never a crash
        bad(N_("montant : {detail}"), detail=raw_amount[:50])
    funder_given = any(cells.get(name, "").strip() for name in FUNDER_COLUMNS)
    is_funder_account = account.startswith("74") or account.startswith("75")
    if funder_given and account and not is_funder_account:
        bad(N_("financeur, statut et échéancier ne valent que pour les comptes 74 et 75 (compte {account})."), account=account)
    status = None
    if cells.get("statut", "").strip():
        status = _STATUS_WORDS.get(_fold(cells["statut"]))
        if status is None:
            bad(N_("statut « {value} » inconnu (envisagé, demandé, voté, versé ou refusé)."), value=cells["statut"][:50])
    advance_pct = Decimal(100)
    if cells.get("avance_pct", "").strip():
        try:
            advance_pct = b.parse_percent(cells["avance_pct"])
        except KpaError:
            bad(N_("avance_pct « {value} » : un pourcentage entre 0 et 100 est attendu."), value=cells["avance_pct"][:50])
    months: dict[str, int | None] = {}
    for name in ("avance_mois", "solde_mois", "mois"):
        text = cells.get(name, "").strip()
        months[name] = None
        if text:
            months[name] = _month_value(text)
            if months[name] is None:
                bad(N_("{column} « {value} » : un numéro de mois entre 1 et 36 est attendu."), column=name, value=text[:50])
    advance_month = months["avance_mois"] or 1
    if months["solde_mois"] is not None and months["solde_mois"] < advance_month:
        bad(N_("le solde (mois {balance}) ne peut pas arriver avant l'avance (mois {advance})."),
            balance=months["solde_mois"], advance=advance_month)
    subline = None
    if cells.get("sous_ligne", "").strip():
        subline = _fold(cells["sous_ligne"]).replace(" ", "_")
        if subline not in b.SUBLINES:
            bad(N_("sous-ligne « {value} » inconnue."), value=cells["sous_ligne"][:50])
    if problems or amount is None:
        return None, problems, False
    data: dict[str, Any] = {"account": account, "label": label or funder, "amount": amount, "month": months["mois"]}
    if account.startswith("74") or (account.startswith("75") and (funder or status)):
        data.update(funder=funder or label, status=status or "envisage", advance_pct=advance_pct,
                    advance_month=advance_month, balance_month=months["solde_mois"])
        if account.startswith("74"):
            data["subline"] = subline or guess_subline(funder, label)
    try:
        return b.BudgetLine(**data), [], False
    except ValueError as exc:
        return None, [RowProblem(number, N_("valeur refusée : {detail}"), {"detail": str(exc).splitlines()[-1][:200]})], False


def parse_import(filename: str, data: bytes) -> ImportResult:
    """Read budget lines from a CSV or xlsx file; raise SpreadsheetError if the file itself is unusable."""
    rows = [(n, r) for n, r in read_table(filename, data) if any(c.strip() for c in r)]
    if not rows:
        raise SpreadsheetError("Le fichier est vide.")
    header_line, header = rows[0]
    keys = [_column_key(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise SpreadsheetError(
            "Colonnes manquantes : {missing}. La première ligne doit nommer au moins les colonnes compte, libelle, montant.",
            missing=", ".join(missing))
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.", count=len(rows) - 1, limit=MAX_ROWS)
    result = ImportResult([], [])
    for number, row in rows[1:]:
        if len(row) > len(keys) and any(c.strip() for c in row[len(keys):]):
            result.problems.append(RowProblem(number, N_("{count} colonnes au lieu de {expected} (un séparateur de trop ?)."),
                                              {"count": len(row), "expected": len(keys)}))
            continue
        cells = {key: (row[i] if i < len(row) else "") for i, key in enumerate(keys) if key in IMPORT_COLUMNS}
        line, problems, calculated = _parse_row(number, cells)
        if calculated:
            result.calculated += 1
        elif line is not None:
            result.lines.append(line)
        result.problems.extend(problems)
    return result


def apply_import(workbook: Workbook, result: ImportResult, *, skip_bad_rows: bool = False) -> int:
    """Append the imported lines to the budget; refuse (nothing changed) if there are bad rows
    and skipping was not accepted. Returns the number of lines added."""
    if result.problems and not skip_bad_rows:
        raise SpreadsheetError("Le fichier contient {count} ligne(s) invalide(s) : rien n'a été importé.",
                               count=len(result.problems))
    if len(workbook.budget.lines) + len(result.lines) > MAX_ROWS:
        raise SpreadsheetError("Trop de lignes ({count}) : {limit} au plus.",
                               count=len(workbook.budget.lines) + len(result.lines), limit=MAX_ROWS)
    workbook.budget.lines = [*workbook.budget.lines, *result.lines]
    return len(result.lines)


# ----------------------------------------------------------------------------- export
_ORIGINS = {"staff": N_("calculé : équipe"), "equipment": N_("calculé : équipement"),
            "activity": N_("calculé : activités"), "cae": N_("calculé : contribution CAE")}


def _row_label(row: b.CerfaRow) -> str:
    if row.level == 1 or row.origin in ("subline", "cae"):
        return _(row.label)
    return row.label or _(b.account_label(row.account))


def _export_rows(workbook: Workbook) -> list[list[str]]:
    """Rows in the import format: entered lines first, then the calculated ones (``origine`` set)."""
    rows: list[list[str]] = []

    def amount_text(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",")

    for line in workbook.budget.lines:
        funder = line.is_funder
        rows.append([line.account, line.label, amount_text(line.amount),
                     line.funder if funder else "", line.status or ("envisage" if funder else ""),
                     (f"{line.advance_pct.normalize():f}".replace(".", ",") if funder else ""),
                     str(line.advance_month) if funder else "", str(line.balance_month or "") if funder else "",
                     (line.subline or "") if funder else "", str(line.month or "") if not funder else "", ""])
    for entry in b.entries(workbook):
        if entry.origin == "line":
            continue
        label = _(entry.label) if entry.origin == "cae" else entry.label
        rows.append([entry.account, label, amount_text(entry.amount), "", "", "", "", "", "", "", _(_ORIGINS[entry.origin])])
    return rows


def budget_csv(workbook: Workbook) -> str:
    """The budget lines as CSV (``;``, decimal comma; with a BOM so spreadsheets read UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    for row in _export_rows(workbook):
        writer.writerow([safe_text(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def _text_cell(sheet: Any, row: int, column: int, value: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def budget_xlsx(workbook: Workbook) -> bytes:
    """The budget as an Excel workbook, in the current language.

    Sheets: the Cerfa budget (line amounts as values, every total as a formula), the funders,
    the monthly cash (balances as formulas from the starting cash), and the lines in the import
    format. Amounts are exact to the cent.
    """
    from openpyxl import Workbook as XlsxBook
    from openpyxl.styles import Alignment, Font, PatternFill

    items = b.entries(workbook)
    table = b.cerfa_table(workbook, computed=items)
    cash = b.monthly_cash(workbook, computed=items)
    book = XlsxBook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="0B5D54")
    head_font = Font(bold=True, color="FFFFFF")
    block_fill = PatternFill("solid", fgColor="E3F2EF")

    # ---- Cerfa budget
    sheet = book.active
    sheet.title = _("Budget Cerfa")[:31]
    _text_cell(sheet, 1, 1, _("Budget prévisionnel de l'année 1 : {territory}").format(territory=workbook.identity.territory)).font = Font(bold=True, size=14)
    last_month = b.month_date(cash.start, 12)
    _text_cell(sheet, 2, 1, _("Période : {start} à {end} (présentation du Cerfa n°12156)").format(
        start=format_month(cash.start), end=format_month(last_month)))
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 16
    row_no = 4

    def header(title: str) -> None:
        nonlocal row_no
        for column, text in enumerate((_("Compte"), title, _("Montant")), start=1):
            cell = _text_cell(sheet, row_no, column, text)
            cell.fill, cell.font = head_fill, head_font
        row_no += 1

    def write_block(rows: Sequence[b.CerfaRow]) -> list[int]:
        """Write rows; level-1 (and 74 sub-line) amounts are formulas over the rows below them."""
        nonlocal row_no
        tops: list[int] = []
        parent_children: dict[int, list[int]] = {}
        current_top: int | None = None
        current_sub: int | None = None
        for row in rows:
            sheet.cell(row=row_no, column=1, value=row.account if row.level != 2 or row.origin != "subline" else "")
            indent = "" if row.level == 1 else ("    " if row.level == 2 else "        ")
            _text_cell(sheet, row_no, 2, indent + _row_label(row))
            amount_cell = sheet.cell(row=row_no, column=3)
            amount_cell.number_format = MONEY_FORMAT
            if row.level == 1:
                current_top, current_sub = row_no, None
                tops.append(row_no)
                parent_children[row_no] = []
                for column in (1, 2, 3):
                    sheet.cell(row=row_no, column=column).font = bold
                    sheet.cell(row=row_no, column=column).fill = block_fill
            elif row.origin == "subline":
                current_sub = row_no
                parent_children[row_no] = []
                if current_top is not None:
                    parent_children[current_top].append(row_no)
            elif row.level == 3 and current_sub is not None:
                parent_children[current_sub].append(row_no)
                amount_cell.value = row.amount
            else:
                if current_top is not None:
                    parent_children[current_top].append(row_no)
                amount_cell.value = row.amount
            row_no += 1
        for parent, children in parent_children.items():
            sheet.cell(row=parent, column=3).value = ("=" + "+".join(f"C{c}" for c in children)) if children else 0
        return tops

    def total(label: str, tops: Sequence[int]) -> int:
        nonlocal row_no
        _text_cell(sheet, row_no, 2, label).font = bold
        cell = sheet.cell(row=row_no, column=3, value=("=" + "+".join(f"C{t}" for t in tops)) if tops else 0)
        cell.font, cell.number_format = bold, MONEY_FORMAT
        row_no += 2
        return row_no - 2

    header(_("Charges"))
    charges_total = total(_("TOTAL DES CHARGES"), write_block(table.charges))
    header(_("Produits"))
    produits_total = total(_("TOTAL DES PRODUITS"), write_block(table.produits))
    _text_cell(sheet, row_no, 2, _("Résultat (produits − charges) : négatif = ressources manquantes")).font = bold
    cell = sheet.cell(row=row_no, column=3, value=f"=C{produits_total}-C{charges_total}")
    cell.font, cell.number_format = bold, MONEY_FORMAT
    row_no += 2
    header(_("Contributions volontaires en nature"))
    uses_total = total(_("Total des emplois (86)"), write_block(table.uses))
    resources_total = total(_("Total des contributions (87)"), write_block(table.resources))
    _text_cell(sheet, row_no, 2, _("Total des charges avec contributions en nature")).font = bold
    sheet.cell(row=row_no, column=3, value=f"=C{charges_total}+C{uses_total}").number_format = MONEY_FORMAT
    row_no += 1
    _text_cell(sheet, row_no, 2, _("Total des produits avec contributions en nature")).font = bold
    sheet.cell(row=row_no, column=3, value=f"=C{produits_total}+C{resources_total}").number_format = MONEY_FORMAT
    sheet.freeze_panes = "A4"

    # ---- funders
    funders = book.create_sheet(_("Financeurs")[:31])
    titles = [_("Financeur"), _("Sous-ligne Cerfa"), _("Libellé"), _("Statut"), _("Montant"), _("Avance (%)"),
              _("Mois de l'avance"), _("Mois du solde"), _("Date limite de dépôt"), _("Réponse attendue"),
              _("Et s'il dit non ?")]
    for column, text in enumerate(titles, start=1):
        cell = _text_cell(funders, 1, column, text)
        cell.fill, cell.font = head_fill, head_font
        cell.alignment = Alignment(wrap_text=True)
    for letter, width in zip("ABCDEFGHIJK", (34, 28, 50, 16, 14, 10, 12, 12, 16, 16, 12)):
        funders.column_dimensions[letter].width = width
    row_no = 2
    for line in workbook.budget.lines:
        if not line.is_funder:
            continue
        values: list[Any] = [line.funder or line.label, _(b.SUBLINES[line.effective_subline]) if line.account.startswith("74") else _(b.account_label(line.account)),
                             line.label, _(b.STATUSES[line.status or "envisage"]), line.amount, line.advance_pct,
                             line.advance_month, line.balance_month or (line.advance_month if line.advance_pct == 100 else max(line.advance_month, 12)),
                             line.deadline, line.answer_date, _("oui") if line.assume_no else ""]
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                _text_cell(funders, row_no, column, value)
            else:
                funders.cell(row=row_no, column=column, value=value)
        funders.cell(row=row_no, column=5).number_format = MONEY_FORMAT
        for column in (9, 10):
            funders.cell(row=row_no, column=column).number_format = "DD/MM/YYYY"
        row_no += 1
    _text_cell(funders, row_no, 1, _("Total (refusés compris)")).font = bold
    cell = funders.cell(row=row_no, column=5, value=f"=SUM(E2:E{row_no - 1})" if row_no > 2 else 0)
    cell.font, cell.number_format = bold, MONEY_FORMAT
    funders.freeze_panes = "A2"

    # ---- monthly cash
    sheet_cash = book.create_sheet(_("Trésorerie")[:31])
    titles = [_("Mois"), _("Subventions reçues"), _("Ventes et autres recettes"), _("Salaires et charges"),
              _("Autres dépenses"), _("Solde en fin de mois")]
    for column, text in enumerate(titles, start=1):
        cell = _text_cell(sheet_cash, 1, column, text)
        cell.fill, cell.font = head_fill, head_font
        cell.alignment = Alignment(wrap_text=True)
    for letter, width in zip("ABCDEF", (18, 16, 16, 16, 16, 18)):
        sheet_cash.column_dimensions[letter].width = width
    _text_cell(sheet_cash, 2, 1, _("Départ"))
    sheet_cash.cell(row=2, column=6, value=cash.starting_cash).number_format = MONEY_FORMAT
    for index, month in enumerate(cash.months, start=3):
        _text_cell(sheet_cash, index, 1, format_month(month.date))
        for column, value in enumerate((month.grants_in, month.revenue_in, month.staff_out, month.other_out), start=2):
            sheet_cash.cell(row=index, column=column, value=value).number_format = MONEY_FORMAT
        cell = sheet_cash.cell(row=index, column=6, value=f"=F{index - 1}+B{index}+C{index}-D{index}-E{index}")
        cell.number_format = MONEY_FORMAT
    last_row = 2 + len(cash.months)
    _text_cell(sheet_cash, last_row + 2, 1, _("Point le plus bas"))
    cell = sheet_cash.cell(row=last_row + 2, column=6, value=f"=MIN(F3:F{last_row})")
    cell.number_format, cell.font = MONEY_FORMAT, bold
    sheet_cash.freeze_panes = "A2"

    # ---- lines in the import format
    lines_sheet = book.create_sheet(_("Lignes")[:31])
    for column, text in enumerate(IMPORT_COLUMNS, start=1):
        lines_sheet.cell(row=1, column=column, value=text).font = bold
    for row_index, row in enumerate(_export_rows(workbook), start=2):
        for column, text in enumerate(row, start=1):
            if column == 3:
                lines_sheet.cell(row=row_index, column=3, value=Decimal(text.replace(",", "."))).number_format = MONEY_FORMAT
            elif text:
                _text_cell(lines_sheet, row_index, column, text)
    lines_sheet.column_dimensions["B"].width = 60

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- CLI
def _write(path: str, data: bytes) -> None:
    target = Path(path).expanduser()
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise SpreadsheetError("Impossible d'écrire {path} : {detail}", path=str(target), detail=exc.strerror or str(exc)) from None


def export_cli(args: argparse.Namespace) -> int:
    """``kpa export WORKBOOK --xlsx OUT.xlsx --csv OUT.csv``."""
    from kpawidgets.cli.commands import _load_reference

    workbook, _path, _workspace = _load_reference(args, args.workbook)
    lang = getattr(args, "doc_lang", None) or workbook.identity.language
    with use_language(lang):
        if getattr(args, "xlsx", None):
            _write(args.xlsx, budget_xlsx(workbook))
            print(_("Budget exporté : {path}").format(path=args.xlsx))
        if getattr(args, "csv", None):
            _write(args.csv, budget_csv(workbook).encode("utf-8"))
            print(_("Lignes de budget exportées : {path}").format(path=args.csv))
    return 0


def _save_reference(args: argparse.Namespace, workbook: Workbook, path: Path) -> None:
    """Save *workbook* back where it was read (through the workspace, with its history)."""
    import os
    import tempfile

    from kpawidgets.model.workbook import dump_workbook
    from kpawidgets.storage.workspace import Workspace, WorkspaceError

    workspace = Workspace(path.parent)
    try:
        opened = workspace.open(path.stem)
    except WorkspaceError:
        opened = None
    if opened is not None and opened.path.resolve() == path.resolve():
        workspace.save(opened, workbook)
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dump_workbook(workbook))
    os.replace(temporary, path)


def import_cli(args: argparse.Namespace) -> int:
    """``kpa import WORKBOOK FILE [--skip-bad-rows]``: add budget lines from a CSV or xlsx file."""
    from kpawidgets.cli.commands import _load_reference

    workbook, path, _workspace = _load_reference(args, args.workbook)
    source = Path(args.file).expanduser()
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise SpreadsheetError("Le fichier {path} ne peut pas être lu : {detail}", path=str(source), detail=exc.strerror or str(exc)) from None
    result = parse_import(source.name, data)
    for problem in result.problems:
        print(problem.message(), file=sys.stderr)
    if result.problems and not args.skip_bad_rows:
        raise SpreadsheetError(
            "Le fichier contient {count} ligne(s) invalide(s) : rien n'a été importé. Corrigez-les, ou relancez avec --skip-bad-rows pour importer les autres.",
            count=len(result.problems))
    added = apply_import(workbook, result, skip_bad_rows=bool(args.skip_bad_rows))
    _save_reference(args, workbook, path)
    print(_("{count} ligne(s) importée(s) dans « {territory} ».").format(count=added, territory=workbook.identity.territory))
    if result.problems:
        print(_("{count} ligne(s) invalide(s) ignorée(s).").format(count=len(result.problems)))
    if result.calculated:
        print(_("{count} ligne(s) calculée(s) par le carnet laissée(s) de côté.").format(count=result.calculated))
    return 0


def iter_problems(result: ImportResult, lang: str | None = None) -> Iterable[str]:
    return (p.message(lang) for p in result.problems)
