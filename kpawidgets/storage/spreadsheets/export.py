"""The budget as spreadsheets: an .xlsx (Cerfa budget, funders, monthly cash, lines) and a CSV of the lines.

The tabular sheets and the CSV are pandas DataFrames; the Cerfa sheet is laid out cell by cell
(blocks, indents, totals as formulas). Text a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` first) is written as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kpawidgets.i18n import N_, _, format_month
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import funder_name, line_funder_text, partners_by_id
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.spreadsheets.cells import FORMULA_START, safe_text, xlsx_text
from kpawidgets.storage.spreadsheets.rows import IMPORT_COLUMNS

__all__ = ["MONEY_FORMAT", "budget_xlsx", "budget_csv", "export_xlsx", "export_csv", "lines_frame"]

MONEY_FORMAT = '#,##0.00\\ "€"'
_HEAD_FILL = PatternFill("solid", fgColor="0B5D54")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_BLOCK_FILL = PatternFill("solid", fgColor="E3F2EF")
_BOLD = Font(bold=True)
_ORIGINS = {"staff": N_("calculé : équipe"), "equipment": N_("calculé : équipement"),
            "venue": N_("calculé : lieu"),
            "activity": N_("calculé : activités"), "cae": N_("calculé : contribution CAE"),
            "volunteer": N_("calculé : bénévolat du groupe")}


def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def lines_frame(workbook: Workbook) -> pd.DataFrame:
    """The budget in the import format: entered lines first (with their ``id``), then the calculated ones (``origine`` set)."""
    rows: list[list[str]] = []
    known = partners_by_id(workbook)
    for line in workbook.budget.lines:
        funder = line.is_funder
        # The funder's name (matched back to its partner on import); "" for a partner no longer listed.
        partner = known.get(line.partner or "") if funder else None
        name = partner.name if partner is not None else ""
        rows.append([line.account, line.label, _amount_text(line.amount), name, line.status or ("envisage" if funder else ""),
                     (f"{line.advance_pct.normalize():f}".replace(".", ",") if funder else ""),
                     str(line.advance_month) if funder else "", str(line.balance_month or "") if funder else "",
                     (line.subline or "") if funder else "", str(line.month or "") if not funder else "", "", line.id])
    for entry in b.entries(workbook):
        if entry.origin == "line":
            continue
        label = _(entry.label) if entry.origin in b.NAMED_BY_THE_CARNET else entry.label
        rows.append([entry.account, label, _amount_text(entry.amount), "", "", "", "", "", "", "", _(_ORIGINS[entry.origin]), ""])
    return pd.DataFrame(rows, columns=list(IMPORT_COLUMNS), dtype=object)


def budget_csv(workbook: Workbook) -> str:
    """The budget lines as CSV (``;``, decimal comma; with a BOM so spreadsheets read UTF-8)."""
    text = lines_frame(workbook).map(safe_text).to_csv(sep=";", index=False, lineterminator="\r\n")
    return "\ufeff" + text


# ----------------------------------------------------------------------------- xlsx
def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = xlsx_text(value)
    _as_text(cell)
    return cell


def _as_text(cell: Any) -> None:
    """Keep text that looks like a formula as text (Excel shows it, never runs it)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _frame_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, title: str, *, formulas: Iterable[str] = ()) -> Worksheet:
    """Write *frame* as a sheet with a styled header; every text cell is text except in the *formulas* columns."""
    clean = frame.map(lambda value: xlsx_text(value) if isinstance(value, str) else value)
    clean.to_excel(writer, sheet_name=title, index=False)
    sheet: Worksheet = writer.sheets[title]
    keep = set(formulas)
    for column_cells in sheet.iter_cols(min_row=1, max_row=len(frame) + 1):
        if column_cells[0].column_letter in keep:
            continue
        for cell in column_cells:
            _as_text(cell)
    return sheet


def _style_header(sheet: Worksheet, widths: Sequence[int]) -> None:
    for cell in sheet[1]:
        cell.fill, cell.font = _HEAD_FILL, _HEAD_FONT
        cell.alignment = Alignment(wrap_text=True)
        cell.border = None  # type: ignore[assignment]  # pandas draws one; our headers are filled instead
    for index, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width
    sheet.freeze_panes = "A2"


def _row_label(row: b.CerfaRow, funders: dict[str, str]) -> str:
    """The text of a Cerfa row; a grant line names its funder before its object (a partner reads who pays)."""
    if row.level == 1 or row.origin == "subline" or row.origin in b.NAMED_BY_THE_CARNET:
        return _(row.label)
    label = row.label or _(b.account_label(row.account))
    funder = funders.get(row.line_id or "", "")
    return f"{funder} — {label}" if funder and funder != label else label


def _cerfa_sheet(sheet: Worksheet, workbook: Workbook, table: b.CerfaTable, cash: b.Cash, year: int = 1) -> None:
    """The Cerfa budget of *year*: line amounts as values, every total as a formula over the rows it sums."""
    title = (_("Budget prévisionnel de l'année 1 : {territory}") if year == 1 else
             _("Budget prévisionnel de l'année {year} : {territory}"))
    _text_cell(sheet, 1, 1, title.format(year=year, territory=workbook.identity.territory)).font = Font(bold=True, size=14)
    first_month = b.month_date(cash.start, 12 * (year - 1) + 1)
    last_month = b.month_date(cash.start, 12 * year)
    _text_cell(sheet, 2, 1, _("Période : {start} à {end} (présentation du Cerfa n°12156)").format(
        start=format_month(first_month), end=format_month(last_month)))
    known = partners_by_id(workbook)
    funders = {line.id: funder_name(workbook, line, known) for line in workbook.budget.lines if line.is_funder}
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 16
    row_no = 4

    def header(title: str) -> None:
        nonlocal row_no
        for column, text in enumerate((_("Compte"), title, _("Montant")), start=1):
            cell = _text_cell(sheet, row_no, column, text)
            cell.fill, cell.font = _HEAD_FILL, _HEAD_FONT
        row_no += 1

    def write_block(rows: Sequence[b.CerfaRow]) -> list[int]:
        """Write rows; level-1 (and 74 sub-line) amounts are formulas over the rows below them."""
        nonlocal row_no
        tops: list[int] = []
        parent_children: dict[int, list[int]] = {}
        current_top: int | None = None
        current_sub: int | None = None
        for row in rows:
            _text_cell(sheet, row_no, 1, row.account if row.level != 2 or row.origin != "subline" else "")
            indent = "" if row.level == 1 else ("    " if row.level == 2 else "        ")
            _text_cell(sheet, row_no, 2, indent + _row_label(row, funders))
            amount_cell = sheet.cell(row=row_no, column=3)
            amount_cell.number_format = MONEY_FORMAT
            if row.level == 1:
                current_top, current_sub = row_no, None
                tops.append(row_no)
                parent_children[row_no] = []
                for column in (1, 2, 3):
                    sheet.cell(row=row_no, column=column).font = _BOLD
                    sheet.cell(row=row_no, column=column).fill = _BLOCK_FILL
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
        _text_cell(sheet, row_no, 2, label).font = _BOLD
        cell = sheet.cell(row=row_no, column=3, value=("=" + "+".join(f"C{t}" for t in tops)) if tops else 0)
        cell.font, cell.number_format = _BOLD, MONEY_FORMAT
        row_no += 2
        return row_no - 2

    header(_("Charges"))
    charges_total = total(_("TOTAL DES CHARGES"), write_block(table.charges))
    header(_("Produits"))
    produits_total = total(_("TOTAL DES PRODUITS"), write_block(table.produits))
    _text_cell(sheet, row_no, 2, _("Résultat (produits − charges) : négatif = ressources manquantes")).font = _BOLD
    cell = sheet.cell(row=row_no, column=3, value=f"=C{produits_total}-C{charges_total}")
    cell.font, cell.number_format = _BOLD, MONEY_FORMAT
    row_no += 2
    header(_("Contributions volontaires en nature"))
    uses_total = total(_("Total des emplois (86)"), write_block(table.uses))
    resources_total = total(_("Total des contributions (87)"), write_block(table.resources))
    _text_cell(sheet, row_no, 2, _("Total des charges avec contributions en nature")).font = _BOLD
    sheet.cell(row=row_no, column=3, value=f"=C{charges_total}+C{uses_total}").number_format = MONEY_FORMAT
    row_no += 1
    _text_cell(sheet, row_no, 2, _("Total des produits avec contributions en nature")).font = _BOLD
    sheet.cell(row=row_no, column=3, value=f"=C{produits_total}+C{resources_total}").number_format = MONEY_FORMAT
    sheet.freeze_panes = "A4"


def _funders_frame(workbook: Workbook) -> pd.DataFrame:
    titles = [_("Financeur"), _("Sous-ligne Cerfa"), _("Libellé"), _("Statut"), _("Montant"), _("Avance (%)"),
              _("Mois de l'avance"), _("Mois du solde"), _("Date limite de dépôt"), _("Réponse attendue"),
              _("Et s'il dit non ?")]
    rows = []
    known = partners_by_id(workbook)
    for line in workbook.budget.lines:
        if not line.is_funder:
            continue
        subline = _(b.SUBLINES[line.effective_subline]) if line.account.startswith("74") else _(b.account_label(line.account))
        balance = line.balance_month or (line.advance_month if line.advance_pct == 100 else max(line.advance_month, 12))
        rows.append([line_funder_text(workbook, line, known), subline, line.label, _(b.STATUSES[line.status or "envisage"]), line.amount,
                     Decimal(f"{line.advance_pct:f}"), line.advance_month, balance, line.deadline, line.answer_date,
                     _("oui") if line.assume_no else ""])
    return pd.DataFrame(rows, columns=titles, dtype=object)


def _cash_frame(cash: b.Cash) -> pd.DataFrame:
    titles = [_("Mois"), _("Subventions reçues"), _("Ventes et autres recettes"), _("Salaires et charges"),
              _("Autres dépenses"), _("Solde en fin de mois")]
    rows: list[list[Any]] = [[_("Départ"), None, None, None, None, cash.starting_cash]]
    for index, month in enumerate(cash.months, start=3):
        rows.append([format_month(month.date), month.grants_in, month.revenue_in, month.staff_out, month.other_out,
                     f"=F{index - 1}+B{index}+C{index}-D{index}-E{index}"])
    return pd.DataFrame(rows, columns=titles, dtype=object)


def _years_frame(years: b.YearsFigures) -> pd.DataFrame:
    """Years 1 to 3 in whole euros as every view prints them (:mod:`kpawidgets.model.budget.years`)."""
    titles = [_("Année"), _("Charges"), _("Acquis (voté, versé)"), _("Demandé"), _("Envisagé"),
              _("Ventes et recettes propres"), _("Total des ressources"), _("Ressources propres"),
              _("Part des ressources propres (%)"), _("Repère (%)"), _("Reste à trouver"), _("Excédent"),
              _("Contributions volontaires en nature (86 = 87)")]
    rows = [[y.year, y.charges, *(y.resources[k] for k in b.BUCKETS), y.produits, y.own, y.own_share,
             years.own_share_mark, y.gap, y.surplus, y.in_kind] for y in years.years]
    return pd.DataFrame(rows, columns=titles, dtype=object)


def budget_xlsx(workbook: Workbook) -> bytes:
    """The budget as an Excel workbook, in the current language.

    Sheets: the Cerfa budget (line amounts as values, every total as a formula), the funders,
    the monthly cash (balances as formulas from the starting cash), the Cerfa budget of years 2 and 3,
    the three years side by side (whole euros, as printed everywhere), and the lines in the import
    format. Amounts are exact to the cent but in the three years' summary.
    """
    figures = b.budget_figures(workbook)  # the one computation the page, the PDF and kpa check print
    table, cash = figures.cerfa, figures.cash
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="DD/MM/YYYY") as writer:
        _cerfa_sheet(writer.book.create_sheet(_("Budget Cerfa")[:31]), workbook, table, cash)

        funders_frame = _funders_frame(workbook)
        funders = _frame_sheet(writer, funders_frame, _("Financeurs")[:31])
        _style_header(funders, (34, 28, 50, 16, 14, 10, 12, 12, 16, 16, 12))
        last = len(funders_frame) + 1
        for row in range(2, last + 1):
            funders.cell(row=row, column=5).number_format = MONEY_FORMAT
            for column in (9, 10):
                funders.cell(row=row, column=column).number_format = "DD/MM/YYYY"
        _text_cell(funders, last + 1, 1, _("Total (refusés compris)")).font = _BOLD
        cell = funders.cell(row=last + 1, column=5, value=f"=SUM(E2:E{last})" if last > 1 else 0)
        cell.font, cell.number_format = _BOLD, MONEY_FORMAT

        cash_frame = _cash_frame(cash)
        sheet_cash = _frame_sheet(writer, cash_frame, _("Trésorerie")[:31], formulas="F")
        _style_header(sheet_cash, (18, 16, 16, 16, 16, 18))
        for row in sheet_cash.iter_rows(min_row=2, max_row=len(cash_frame) + 1, min_col=2, max_col=6):
            for cell in row:
                cell.number_format = MONEY_FORMAT
        last_row = 1 + len(cash_frame)
        _text_cell(sheet_cash, last_row + 2, 1, _("Point le plus bas"))
        cell = sheet_cash.cell(row=last_row + 2, column=6, value=f"=MIN(F3:F{last_row})")
        cell.number_format, cell.font = MONEY_FORMAT, _BOLD

        # years 2 and 3 (issue 24): a Cerfa sheet each, then the three years side by side
        for year in figures.years.years[1:]:
            _cerfa_sheet(writer.book.create_sheet(_("Budget année {year}").format(year=year.year)[:31]), workbook,
                         year.table, cash, year.year)
        years_frame = _years_frame(figures.years)
        years_sheet = _frame_sheet(writer, years_frame, _("Trois ans")[:31])
        _style_header(years_sheet, (8, 14, 14, 14, 14, 16, 16, 16, 14, 10, 14, 14, 18))
        for row in years_sheet.iter_rows(min_row=2, max_row=len(years_frame) + 1, min_col=2, max_col=13):
            for cell in row:
                if cell.column not in (9, 10):
                    cell.number_format = MONEY_FORMAT

        lines = lines_frame(workbook)
        lines["montant"] = [Decimal(text.replace(",", ".")) for text in lines["montant"]]
        lines = lines.map(lambda value: None if value == "" else value)
        lines_sheet = _frame_sheet(writer, lines, _("Lignes")[:31])
        for cell in lines_sheet[1]:
            cell.font, cell.border, cell.alignment = _BOLD, None, Alignment()  # type: ignore[assignment]
        for row in range(2, len(lines) + 2):
            lines_sheet.cell(row=row, column=3).number_format = MONEY_FORMAT
        lines_sheet.column_dimensions["B"].width = 60
    return buffer.getvalue()


# ----------------------------------------------------------------------------- files
def _write(path: str | Path, data: bytes) -> Path:
    target = Path(path).expanduser()
    write_atomic(target, data, make_parents=True)  # whole or not at all; raises WriteError
    return target


def export_xlsx(workbook: Workbook, path: str | Path) -> Path:
    """Write the budget as an .xlsx file at *path*, in the current language."""
    return _write(path, budget_xlsx(workbook))


def export_csv(workbook: Workbook, path: str | Path) -> Path:
    """Write the budget lines as a CSV file at *path*, in the current language."""
    return _write(path, budget_csv(workbook).encode("utf-8"))
