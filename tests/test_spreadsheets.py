"""Budget spreadsheets: xlsx/CSV export read back, import of good and bad files (issue 4)."""

from __future__ import annotations

import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import ipywidgets as widgets
import pytest
from openpyxl import Workbook as XlsxBook
from openpyxl import load_workbook

from kpawidgets.model.checklist import funder_name, funder_partner
from kpawidgets.storage import spreadsheets as sp
from kpawidgets.cli import main
from kpawidgets.i18n import use_language
from kpawidgets.model import budget as b
from kpawidgets.model.workbook import load_workbook_text
from tests.pagekit import flat, walk
from tests.test_budget_model import hand_workbook

D = Decimal


# ------------------------------------------------------------------ a tiny formula evaluator
def evaluate(sheet, ref: str, seen: tuple[str, ...] = ()) -> Decimal:
    """The value of a cell, computing the formulas the export writes (+, -, SUM, MIN)."""
    value = sheet[ref].value
    if value is None:
        return D(0)
    if isinstance(value, (int, float)):
        return D(repr(value)).quantize(D("0.01"))
    if isinstance(value, str) and value.startswith("="):
        assert ref not in seen, f"cycle at {ref}"
        expr = value[1:]

        def cells(range_text: str) -> list[Decimal]:
            first, last = range_text.split(":")
            col = first[0]
            return [evaluate(sheet, f"{col}{n}", seen + (ref,)) for n in range(int(first[1:]), int(last[1:]) + 1)]

        match = re.fullmatch(r"(SUM|MIN)\(([A-Z]+\d+:[A-Z]+\d+)\)", expr)
        if match:
            values = cells(match.group(2))
            return sum(values, D(0)) if match.group(1) == "SUM" else min(values)
        total = D(0)
        for sign, cell in re.findall(r"([+-]?)([A-Z]+\d+)", expr):
            total += -evaluate(sheet, cell, seen + (ref,)) if sign == "-" else evaluate(sheet, cell, seen + (ref,))
        assert re.fullmatch(r"[A-Z]+\d+([+-][A-Z]+\d+)*", expr), expr
        return total
    raise AssertionError(f"{ref} holds text {value!r}")


def find_row(sheet, label: str, column: str = "B") -> int:
    for row in range(1, sheet.max_row + 1):
        if str(sheet[f"{column}{row}"].value or "").strip() == label:
            return row
    raise AssertionError(f"no row {label!r}")


# ------------------------------------------------------------------ export
def test_xlsx_export_matches_the_page_to_the_cent() -> None:
    wb = hand_workbook()
    totals = b.budget_totals(wb)
    cash = b.monthly_cash(wb)
    with use_language("fr"):
        book = load_workbook(io.BytesIO(sp.budget_xlsx(wb)))
    assert book.sheetnames == ["Budget Cerfa", "Financeurs", "Trésorerie", "Budget année 2", "Budget année 3", "Trois ans", "Lignes"]
    sheet = book["Budget Cerfa"]
    assert evaluate(sheet, f"C{find_row(sheet, 'TOTAL DES CHARGES')}") == totals.charges == D("19447.51")
    assert evaluate(sheet, f"C{find_row(sheet, 'TOTAL DES PRODUITS')}") == totals.produits == D("19150.00")
    result_row = find_row(sheet, "Résultat (produits − charges) : négatif = ressources manquantes")
    assert evaluate(sheet, f"C{result_row}") == totals.balance == D("-297.51")
    assert evaluate(sheet, f"C{find_row(sheet, 'Total des emplois (86)')}") == totals.in_kind
    assert evaluate(sheet, f"C{find_row(sheet, 'Total des contributions (87)')}") == totals.in_kind
    for group in ("62", "64", "74"):
        row = find_row(sheet, group, column="A")
        assert evaluate(sheet, f"C{row}") == totals.by_account[group]
    commune = find_row(sheet, "Commune(s)")
    assert evaluate(sheet, f"C{commune}") == D("5000")

    funders = book["Financeurs"]
    names = [funders[f"A{r}"].value for r in range(2, 8)]
    assert names == ["Ville", "Département", "CAF", "FSE+", "Fondation", "Région"]
    assert funders["D7"].value == "refusé" and funders["H5"].value == 18

    cash_sheet = book["Trésorerie"]
    assert cash_sheet["A3"].value == "mars 2027"
    balances = [evaluate(cash_sheet, f"F{r}") for r in range(3, 3 + len(cash.months))]
    assert balances == [m.balance for m in cash.months]
    assert evaluate(cash_sheet, f"F{find_row(cash_sheet, 'Point le plus bas', 'A')}") == cash.lowest == D("-4284.86")


def test_xlsx_in_english() -> None:
    with use_language("en"):
        book = load_workbook(io.BytesIO(sp.budget_xlsx(hand_workbook())))
    assert book.sheetnames[:3] == ["Cerfa budget", "Funders", "Cash flow"]
    assert book["Funders"]["D2"].value == "voted / notified"


def test_formula_like_text_is_written_as_text() -> None:
    wb = hand_workbook()
    wb.budget.lines[0].label = "=HYPERLINK(\"http://x\";\"clic\")"
    wb.budget.lines[1].label = "@SUM(A1)"
    data = sp.budget_xlsx(wb)
    book = load_workbook(io.BytesIO(data))
    lines = book["Lignes"]
    assert lines["B2"].value == wb.budget.lines[0].label and lines["B2"].data_type == "s"
    assert lines["B2"].quotePrefix
    cerfa = book["Budget Cerfa"]
    assert all(not str(c.value).startswith("=HYPERLINK") for row in cerfa.iter_rows() for c in row if c.data_type == "f")
    text = sp.budget_csv(wb)
    assert text.startswith("\ufeff") and "'=HYPERLINK" in text and "'@SUM(A1)" in text
    again = sp.parse_import("x.csv", text.encode("utf-8"))
    assert again.lines[0].label == wb.budget.lines[0].label and again.lines[1].label == "@SUM(A1)"


def test_csv_export_round_trips() -> None:
    wb = hand_workbook()
    result = sp.parse_import("budget.csv", sp.budget_csv(wb).encode("utf-8"))
    assert result.clean
    # 641, 645, the partner's and the volunteer's time in kind, laptop, barnum, sales, CAE.
    assert result.calculated == 8
    # (the import format has no column for a funder's delay: a replace keeps each line's, test_years)
    strip = lambda line: line.model_dump(exclude={"id", "deadline", "answer_date", "assume_no", "partner", "delay_months"})  # noqa: E731
    assert [strip(x) for x in result.lines] == [strip(x) for x in wb.budget.lines]
    # The funder is written by its name (the partner's), found again on import.
    assert result.funders == [funder_name(wb, x) if x.is_funder else "" for x in wb.budget.lines]


def test_xlsx_export_round_trips_through_import() -> None:
    wb = hand_workbook()
    result = sp.parse_import("budget.xlsx", sp.budget_xlsx(wb))
    assert result.clean and len(result.lines) == len(wb.budget.lines)
    assert sum(x.amount for x in result.lines) == sum(x.amount for x in wb.budget.lines)


# ------------------------------------------------------------------ import: good files
GOOD_SEMICOLON = (
    "\ufeffCompte;Libellé;Montant;Financeur;Statut;avance_pct;avance_mois;solde_mois\r\n"
    "606;Matières premières;1 234,56;;;;;\r\n"
    "613;Location salle;\"2 400,00 €\";;;;;\r\n"
    "74;Subvention ville;12 000;Ville de Lys;voté;50;2;11\r\n"
    "74;Fonds social européen;4 000;FSE+;Demandé;30;6;20\r\n"
    "\r\n"
    "758;Mécénat local;500;;;;;\r\n"
)


def test_import_semicolon_bom_decimal_comma() -> None:
    result = sp.parse_import("lignes.csv", GOOD_SEMICOLON.encode("utf-8"))
    assert result.clean, [p.message("fr") for p in result.problems]
    first, rent, city, fse, gift = result.lines
    assert (first.account, first.amount) == ("606", D("1234.56"))
    assert rent.amount == D("2400.00")
    assert (result.funders[2], city.status, city.subline, city.advance_pct, city.advance_month, city.balance_month) == (
        "Ville de Lys", "vote", "commune", D("50"), 2, 11)
    assert (fse.subline, fse.status, fse.balance_month) == ("europe", "demande", 20)
    assert not gift.is_funder


def test_import_comma_separated_without_bom() -> None:
    text = "compte,libelle,montant\n606,Fournitures,\"1,234.50\"\n622,\"Formation, 3 jours\",900\n"
    result = sp.parse_import("l.csv", text.encode("utf-8"))
    assert result.clean
    assert [(x.label, x.amount) for x in result.lines] == [("Fournitures", D("1234.50")), ("Formation, 3 jours", D("900"))]


def test_import_xlsx_file() -> None:
    book = XlsxBook()
    sheet = book.active
    sheet.append(["compte", "libelle", "montant", "financeur", "statut"])
    sheet.append([606, "Matériel", 1234.56, None, None])
    sheet.append(["74", "CAF", "2 000,00", "CAF du Nord", "envisagé"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = sp.parse_import("l.xlsx", buffer.getvalue())
    assert result.clean
    assert [(x.account, x.amount) for x in result.lines] == [("606", D("1234.56")), ("74", D("2000.00"))]
    assert result.lines[1].subline == "social"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_import_reads_the_encodings_spreadsheets_write(encoding: str) -> None:
    """Excel on Windows writes cp1252 (the euro sign is 0x80), older tools Latin-1; both used to be refused."""
    label = "Électricité, œuvre € 2" if encoding != "latin-1" else "Électricité, crème brûlée"
    text = f"compte;libelle;montant\r\n606;{label};1 234,50\r\n"
    result = sp.parse_import("x.csv", text.encode(encoding))
    assert result.clean, [p.message("fr") for p in result.problems]
    assert [(x.label, x.amount) for x in result.lines] == [(label, D("1234.50"))]


def test_import_sniffs_the_separator_and_numbers_lines_across_quoted_breaks() -> None:
    text = "compte\tlibelle\tmontant\n606\t\"deux\nlignes\"\t10\n\n606\tBon\tdix\n"
    result = sp.parse_import("x.csv", text.encode())
    assert [x.label for x in result.lines] == ["deux lignes"]
    assert [p.line for p in result.problems] == [5]


# ------------------------------------------------------------------ import: bad files
BAD = (
    "compte;libelle;montant;financeur;statut;avance_pct;avance_mois;solde_mois;sous_ligne\n"
    "606;Bon;100;;;;;;\n"                         # 2 ok
    ";Sans compte;100;;;;;;\n"                    # 3 empty account
    "999;Compte inconnu;100;;;;;;\n"              # 4 unknown account
    "871;Contrepartie;100;;;;;;\n"                # 5 87 is derived
    "606;;100;;;;;;\n"                            # 6 empty label
    "606;" + "x" * 201 + ";100;;;;;;\n"           # 7 label too long
    "606;Abrégé;12k;;;;;;\n"                      # 8 12k
    "606;Négatif;-50;;;;;;\n"                     # 9 negative
    "606;Vide;;;;;;;\n"                           # 10 empty amount
    "606;Avec financeur;100;Ville;voté;;;;\n"     # 11 funder columns on a charge
    "74;Statut;100;Ville;peut-être;;;;\n"         # 12 unknown status
    "74;Avance;100;Ville;demandé;150;;;\n"        # 13 advance % out of range
    "74;Mois;100;Ville;demandé;50;0;40\n"         # 14 months out of range (twice)
    "74;Ordre;100;Ville;demandé;50;8;3\n"         # 15 balance before advance
    "74;Sous-ligne;100;Ville;demandé;;;;planète\n"  # 16 unknown sub-line
    "606;Trop;100;;;;;;;;en plus\n"               # 17 too many columns
    "606;Montant texte;douze euros;;;;;;\n"       # 18 not a number
)


def test_every_rejection_reason_with_its_line_number() -> None:
    result = sp.parse_import("bad.csv", BAD.encode("utf-8"))
    messages: dict[int, str] = {}
    for problem in result.problems:
        messages[problem.line] = (messages.get(problem.line, "") + " " + problem.message("fr")).strip()
    assert len(result.lines) == 1
    expected = {
        3: "le compte est vide", 4: "compte « 999 » : il n'appartient à aucun bloc du Cerfa", 5: "les contributions 87 se déduisent",
        6: "le libellé est vide", 7: "dépasse 200 caractères", 8: "12 000 au lieu de 12k",
        9: "ne peut pas être négatif", 10: "le montant est vide", 11: "ne valent que pour les comptes 74 et 75",
        12: "statut « peut-être » inconnu", 13: "avance_pct : « 150 » n'est pas un pourcentage", 14: "avance_mois « 0 »",
        15: "le solde (mois 3) ne peut pas arriver avant l'avance (mois 8)", 16: "sous-ligne « planète » inconnue",
        17: "11 colonnes au lieu de 9", 18: "n'est pas un montant",
    }
    for line, words in expected.items():
        assert line in messages, f"line {line} not reported"
        assert words.lower() in messages[line].lower(), messages[line]
        assert messages[line].startswith(f"ligne {line} : ")
    assert "solde_mois « 40 »" in " ".join(p.message("fr") for p in result.problems if p.line == 14)
    assert set(messages) == set(expected)
    english = [p.message("en") for p in result.problems]
    assert all(m.startswith("line ") for m in english)


def test_nothing_imported_until_clean_unless_skipping() -> None:
    wb = hand_workbook()
    before = list(wb.budget.lines)
    result = sp.parse_import("bad.csv", BAD.encode("utf-8"))
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.apply_import(wb, result)
    assert info.value.message("fr") == "Le fichier contient 17 lignes invalides : rien n'a été importé."
    assert wb.budget.lines == before
    one = sp.parse_import("un.csv", "compte;libelle;montant\n606;x;douze\n".encode())
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.apply_import(wb, one)
    assert info.value.message("en") == "The file has 1 invalid line: nothing was imported."
    assert sp.apply_import(wb, result, skip_bad_rows=True) == 1
    assert wb.budget.lines[-1].label == "Bon"


@pytest.mark.parametrize("name, data, words", [
    ("x.csv", "compte;montant\n606;100\n".encode(), "Colonnes manquantes : libelle"),
    ("x.csv", b"", "vide"),
    ("x.csv", b"   \n", "vide"),
    ("x.ods", b"whatever", "Format non reconnu"),
    ("x.xlsx", b"PK\x03\x04 not a real zip", ".xlsx lisible"),
    ("x.csv", b"compte;libelle;montant\n\x00\x01", "binaires"),
    ("x.csv", b"compte;libelle;montant\n606;x;1\n" + b";".join([b"1"] * 300) + b"\n", "Ligne 3 : plus de 256 colonnes"),
    ("x.csv", b"compte;libelle;montant\n606;\"x;1\n607;y;2\n", "CSV illisible à la ligne 2"),
])
def test_unusable_files(name: str, data: bytes, words: str) -> None:
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import(name, data)
    assert words in info.value.message("fr")


# ------------------------------------------------------------------ CLI
def test_cli_import_and_export(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    shutil.copy(example_path, workspace / example_path.name)
    name = example_path.stem
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    before = (workspace / example_path.name).read_bytes()
    assert main(["import", name, str(bad), "--workspace", str(workspace)]) == 1
    err = capsys.readouterr().err
    assert "ligne 3 : le compte est vide." in err and "rien n'a été importé" in err
    assert (workspace / example_path.name).read_bytes() == before
    assert main(["import", name, str(bad), "--skip-bad-rows", "--add", "--workspace", str(workspace)]) == 0
    saved = load_workbook_text((workspace / example_path.name).read_bytes())
    assert saved.budget.lines[-1].label == "Bon"
    good = tmp_path / "good.csv"
    good.write_text(GOOD_SEMICOLON, encoding="utf-8")
    assert main(["import", str(workspace / example_path.name), str(good), "--add"]) == 0
    saved = load_workbook_text((workspace / example_path.name).read_bytes())
    assert saved.budget.lines[-1].label == "Mécénat local"

    out_xlsx, out_csv = tmp_path / "b.xlsx", tmp_path / "b.csv"
    assert main(["export", name, "--xlsx", str(out_xlsx), "--csv", str(out_csv), "--workspace", str(workspace)]) == 0
    sheet = load_workbook(out_xlsx)["Budget Cerfa"]
    assert evaluate(sheet, f"C{find_row(sheet, 'TOTAL DES CHARGES')}") == b.budget_totals(saved).charges
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbfcompte;libelle;montant")


def test_cli_check_json_has_budget_keys(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(example_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["charges_total"] == "39924.50" and report["funding_gap"] == "1439.50"
    assert report["cash_min_month"] == "2027-06" and isinstance(report["coverage_secured_pct"], float)


# ------------------------------------------------------------------ hostile xlsx (issue 13)
def _unpacks_at_least(data: bytes, part: str, enough: int) -> int:
    """Bytes the part really unpacks to, up to *enough* (proof that the bomb is real, not a lying header)."""
    import zipfile
    import zlib

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode())
    stream, unpacked = zlib.decompressobj(-15), 0
    raw = data[start:start + info.compress_size]
    for offset in range(0, len(raw), 65536):
        unpacked += len(stream.decompress(raw[offset:offset + 65536]))
        if unpacked >= enough:
            break
    return unpacked


def test_a_1_mb_xlsx_whose_shared_string_unpacks_to_1_gib_is_refused_before_reading() -> None:
    from tests.stress.inputs import shared_string_bomb

    data = shared_string_bomb()
    assert len(data) < 1_200_000 <= sp.MAX_FILE_BYTES
    assert _unpacks_at_least(data, "xl/sharedStrings.xml", 40 << 20) >= 40 << 20
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import("bombe.xlsx", data)
    assert info.value.message("fr") == "Ce classeur se décompresse en plus de 30 Mo : trop pour des lignes de budget."
    assert info.value.message("en") == "This workbook unpacks to more than 30 MB: too much for budget lines."


def test_a_small_xlsx_with_one_5_million_cell_row_is_refused_before_reading() -> None:
    from tests.stress.inputs import wide_row_bomb

    data = wide_row_bomb(5_000_000)
    assert len(data) < 200_000
    assert _unpacks_at_least(data, "xl/worksheets/sheet1.xml", 20_000_000) >= 20_000_000
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import("ligne.xlsx", data)
    assert "au-delà de 256 colonnes" in info.value.message("fr")
    assert "beyond 256 columns" in info.value.message("en")


def test_too_many_cells_and_too_long_a_text_are_refused() -> None:
    from tests.stress.inputs import sheet_xml, xlsx_with

    many = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(3, 100_003))
    data = xlsx_with({"xl/worksheets/sheet1.xml": sheet_xml("").replace(b"</sheetData>", many.encode() + b"</sheetData>")})
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import("cellules.xlsx", data)
    assert "plus de 100000 cellules" in info.value.message("fr")
    long_text = sheet_xml('<c r="B2" t="inlineStr"><is><t>' + "x" * 40_000 + "</t></is></c>")
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import("texte.xlsx", xlsx_with({"xl/worksheets/sheet1.xml": long_text}))
    assert "plus de 32767 caractères" in info.value.message("fr")


@pytest.mark.parametrize("cells", [
    '<c r="A2"><v>606</v>',                                   # malformed XML (a cell never closed)
    '<c r="A2" t="s"><v>99</v></c>',                          # a shared-string index out of range
    '<c r="A2"><v>606</v></c><c r="C2"><v>abc</v></c>',       # a number cell holding text
    '<c r="A2"><v>606</v></c><c r="C2" t="d"><v>hier</v></c>',  # a date cell that is no date
])
def test_damaged_xlsx_cells_are_one_clear_message_not_a_traceback(cells: str) -> None:
    from tests.stress.inputs import sheet_xml, xlsx_with

    data = xlsx_with({"xl/worksheets/sheet1.xml": sheet_xml(cells)})
    with pytest.raises(sp.SpreadsheetError) as info:
        sp.parse_import("abime.xlsx", data)
    assert info.value.message("fr") == "Ce fichier n'est pas un classeur .xlsx lisible."


def test_a_document_type_declaration_is_refused() -> None:
    from tests.stress.inputs import sheet_xml, xlsx_with

    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    data = xlsx_with({"xl/worksheets/sheet1.xml": laughs + sheet_xml('<c r="A2" t="inlineStr"><is><t>&b;</t></is></c>')})
    with pytest.raises(sp.SpreadsheetError):
        sp.parse_import("entites.xlsx", data)


def test_excel_cached_floats_are_read_as_the_amount_they_display() -> None:
    """Excel writes the 17-digit float of a computed cell (=1234.5+0.06) in the file; it shows 1 234,56 €."""
    from tests.stress.inputs import sheet_xml, xlsx_with

    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>606</v></c><c r="B{r}" t="inlineStr"><is><t>x</t></is></c>'
                   f'<c r="C{r}"><v>{value}</v></c></row>'
                   for r, value in enumerate(("1234.5600000000002", "299.96999999999997", "0.30000000000000004", "12.345"), start=3))
    sheet = sheet_xml('<c r="A2"><v>606</v></c><c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="C2"><v>1E+3</v></c>')
    data = xlsx_with({"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", rows.encode() + b"</sheetData>")})
    result = sp.parse_import("cache.xlsx", data)
    assert [x.amount for x in result.lines] == [D("1000"), D("1234.56"), D("299.97"), D("0.30")]
    assert [p.line for p in result.problems] == [6]  # 12.345 has three decimals: not a rounding error, not 12 345
    assert "pas plus de deux chiffres" in result.problems[0].message("fr")


def test_labels_starting_with_a_quote_come_back_as_typed() -> None:
    wb = hand_workbook()
    typed = ["'=lit", "'abc", "''", "=x", "-5 €", "'"]
    for line, label in zip(wb.budget.lines, typed):
        line.label = label
    from_csv = sp.parse_import("b.csv", sp.budget_csv(wb).encode("utf-8"))
    from_xlsx = sp.parse_import("b.xlsx", sp.budget_xlsx(wb))
    for result in (from_csv, from_xlsx):
        assert result.clean, [p.message("fr") for p in result.problems]
        assert [x.label for x in result.lines[:len(typed)]] == typed


def test_advance_percentages_are_saved_as_plain_numbers() -> None:
    from kpawidgets.model.workbook import dump_workbook

    wb = hand_workbook()
    result = sp.parse_import("f.csv", "compte;libelle;montant;financeur;avance_pct\n74;Ville;100;Ville;100\n74;R;5;R;12,50\n".encode())
    sp.apply_import(wb, result)
    saved = json.loads(dump_workbook(wb))["budget"]["lines"][-2:]
    assert [x["advance_pct"] for x in saved] == ["100", "12.50"]
    again = sp.parse_import("b.csv", sp.budget_csv(wb).encode("utf-8"))
    assert [x.advance_pct for x in again.lines[-2:]] == [D("100"), D("12.5")]
    assert "1E+2" not in sp.budget_csv(wb)


def test_control_characters_never_break_the_xlsx_export() -> None:
    wb = hand_workbook()
    lines = wb.budget.lines
    lines[0] = lines[0].model_copy(update={"label": "nul\x00 ici\x1f"})  # as a file the model refuses would hold
    lines[2] = lines[2].model_copy(update={"funder": "Ville\x0b"})
    book = load_workbook(io.BytesIO(sp.budget_xlsx(wb)))
    assert book["Lignes"]["B2"].value == "nul ici"


# ------------------------------------------------------------------ round trip by id (issue 12)
def _edited_csv(wb, edit) -> bytes:
    """The budget's CSV export, each entered row passed through *edit* (a treasurer in a spreadsheet)."""
    text = sp.budget_csv(wb).lstrip("\ufeff")
    rows = [row.split(";") for row in text.split("\r\n") if row]
    return ("\r\n".join(";".join(edit(row) if row[-1] and i else row) for i, row in enumerate(rows)) + "\r\n").encode()


def test_an_export_imported_back_updates_its_lines_instead_of_copying_them() -> None:
    wb = hand_workbook()
    wb.budget.lines[2] = wb.budget.lines[2].model_copy(update={"assume_no": True})
    before = [line.model_copy() for line in wb.budget.lines]
    for _ in range(5):  # 100 imports of one file used to leave 976 lines
        result = sp.parse_import("b.csv", sp.budget_csv(wb).encode("utf-8"))
        assert not sp.asks_mode(wb, result)
        assert sp.apply_import(wb, result) == len(before)
    assert wb.budget.lines == before

    def raise_amount(row: list[str]) -> list[str]:
        row[2] = "1 000,10"
        return row
    result = sp.parse_import("b.csv", _edited_csv(wb, raise_amount))
    outcome = sp.preview_import(wb, result)
    assert (outcome.added, outcome.updated, outcome.unchanged, outcome.removed) == (0, len(before), 0, 0)
    sp.apply_import(wb, result)
    assert [x.id for x in wb.budget.lines] == [x.id for x in before]
    assert {x.amount for x in wb.budget.lines} == {D("1000.10")}
    assert wb.budget.lines[2].assume_no  # a field the file does not carry is kept


def test_an_xlsx_export_imported_back_updates_its_lines() -> None:
    wb = hand_workbook()
    count = len(wb.budget.lines)
    for _ in range(3):
        result = sp.parse_import("b.xlsx", sp.budget_xlsx(wb))
        assert result.clean and result.given_ids == {x.id for x in wb.budget.lines}
        sp.apply_import(wb, result)
    assert len(wb.budget.lines) == count


def test_a_file_from_elsewhere_asks_to_replace_or_add() -> None:
    wb = hand_workbook()
    count = len(wb.budget.lines)
    result = sp.parse_import("autre.csv", GOOD_SEMICOLON.encode())
    assert sp.asks_mode(wb, result)
    # « FSE+ » is a partner of the workbook already; « Ville de Lys » is added.
    outcome = sp.preview_import(wb, result, "replace")
    assert (outcome.added, outcome.updated, outcome.removed, outcome.partners_added) == (5, 0, count, 1)
    added = wb.model_copy(deep=True)
    sp.apply_import(added, result, mode="add")
    assert len(added.budget.lines) == count + 5
    sp.apply_import(wb, result, mode="replace")
    assert [x.label for x in wb.budget.lines] == ["Matières premières", "Location salle", "Subvention ville",
                                                  "Fonds social européen", "Mécénat local"]
    assert not sp.asks_mode(hand_workbook().model_copy(update={"budget": b.Budget()}), result)  # an empty budget: nothing to ask


def test_a_new_row_added_to_an_export_is_added_and_ids_are_unique() -> None:
    wb = hand_workbook()
    text = sp.budget_csv(wb) + "606;Nouvelle ligne;50;;;;;;;;;\r\n" + f"606;Copie;10;;;;;;;;;{wb.budget.lines[0].id}\r\n"
    result = sp.parse_import("b.csv", text.encode())
    assert [p.message("fr") for p in result.problems] == [
        f"ligne {len(text.splitlines())} : identifiant « {wb.budget.lines[0].id} » déjà donné à la ligne 2."]
    assert sp.apply_import(wb, result, skip_bad_rows=True) == len(hand_workbook().budget.lines) + 1
    assert wb.budget.lines[-1].label == "Nouvelle ligne"
    assert len({x.id for x in wb.budget.lines}) == len(wb.budget.lines)


def test_cli_import_asks_replace_or_add_and_a_replace_is_in_the_history(
        tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kpawidgets.storage.workspace import Workspace

    workspace = tmp_path / "ws"
    workspace.mkdir()
    target = workspace / example_path.name
    shutil.copy(example_path, target)
    before = target.read_bytes()
    good = tmp_path / "good.csv"
    good.write_text(GOOD_SEMICOLON, encoding="utf-8")
    args = ["import", example_path.stem, str(good), "--workspace", str(workspace)]
    assert main(args) == 1
    assert "--replace" in capsys.readouterr().err and target.read_bytes() == before
    assert main([*args, "--replace"]) == 0
    assert "lignes ajoutées : 5" in capsys.readouterr().out
    assert [x.label for x in load_workbook_text(target.read_bytes()).budget.lines][0] == "Matières premières"
    history = Workspace(workspace).history(example_path.stem)
    assert any(load_workbook_text(entry.path.read_bytes()).budget.lines == load_workbook_text(before).budget.lines
               for entry in history)
    exported = tmp_path / "export.csv"
    assert main(["export", example_path.stem, "--csv", str(exported), "--workspace", str(workspace)]) == 0
    assert main(["import", example_path.stem, str(exported), "--workspace", str(workspace)]) == 0  # its own export: no question
    assert "mises à jour : 0 ; inchangées : 5" in capsys.readouterr().out  # issue 19: nothing changed, none « updated »
    assert len(load_workbook_text(target.read_bytes()).budget.lines) == 5


# ------------------------------------------------------------------ a treasurer's sub-accounts (issue 12)
TREASURER = (
    "compte;libelle;montant;financeur;statut\r\n"
    "6061;Eau et électricité;420,50;;\r\n"
    "6132;Loyer du local;3 600;;\r\n"
    "6411;Salaire animatrice;18 000;;\r\n"
    "64111;Prime de fin d'année;300;;\r\n"
    "706;Prestations de services;2 500,25;;\r\n"
    "7061;Buffets;800;;\r\n"
    "7411;DRAJES FDVA;3 000;État;voté\r\n"
    "7588;Produits divers;12,34;;\r\n"
    "8611;Salle prêtée par la mairie;1 200;;\r\n"
    "8641;Bénévoles du samedi;900;;\r\n"
)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_treasurers_accounts_import_into_their_cerfa_blocks_and_export_back(kind: str) -> None:
    if kind == "csv":
        name, data = "compta.csv", TREASURER.encode("cp1252")
    else:
        book = XlsxBook()
        for row in TREASURER.strip().split("\r\n"):
            book.active.append([int(c) if i == 0 and c.isdigit() else c for i, c in enumerate(row.split(";"))])
        buffer = io.BytesIO()
        book.save(buffer)
        name, data = "compta.xlsx", buffer.getvalue()
    import datetime as dt

    from kpawidgets.model.workbook import Workbook

    wb = Workbook.new("Compta", launch_date=dt.date(2027, 1, 1))  # nothing derived: only the file's lines
    result = sp.parse_import(name, data)
    assert result.clean, [p.message("fr") for p in result.problems]
    sp.apply_import(wb, result)
    accounts = [x.account for x in wb.budget.lines]
    assert accounts == ["6061", "6132", "6411", "64111", "706", "7061", "7411", "7588", "8611", "8641"]
    assert wb.budget.lines[2].label == "Salaire animatrice"
    totals = b.budget_totals(wb)
    assert totals.by_account["60"] == D("420.50") and totals.by_account["61"] == D("3600")
    assert totals.by_account["64"] == D("18300") and totals.by_account["70"] == D("3300.25")
    assert totals.by_account["74"] == D("3000") and totals.by_account["75"] == D("12.34")
    assert totals.in_kind == D("2100") and totals.by_subline == {"etat": D("3000")}
    table = b.cerfa_table(wb)
    block, placed = "", []
    for row in [*table.charges, *table.produits]:  # every line sits below its own block
        if row.level == 1:
            block = row.account
        elif row.origin == "line":
            assert row.account.startswith(block), (row.account, block)
            placed.append(row.account)
    assert sorted(placed) == sorted(accounts[:8])
    assert [row.account for row in table.uses[1:]] == ["861", "864"]
    assert [row.account for row in table.resources[1:]] == ["870", "871"]
    again = sp.parse_import("retour.csv", sp.budget_csv(wb).encode("utf-8"))
    assert [(x.account, x.amount) for x in again.lines] == [(x.account, x.amount) for x in wb.budget.lines]
    back = sp.parse_import("retour.xlsx", sp.budget_xlsx(wb))
    assert [(x.account, x.label, x.amount) for x in back.lines] == [(x.account, x.label, x.amount) for x in wb.budget.lines]


def test_only_accounts_of_no_cerfa_block_are_refused_by_line_number() -> None:
    text = "compte;libelle;montant\n69;Impôt sur les bénéfices;10\n999;x;1\n6a1;x;1\n869;x;1\n8712;x;1\n6;x;1\n6411;Bon;1\n"
    result = sp.parse_import("x.csv", text.encode())
    assert [x.account for x in result.lines] == ["6411"]
    messages = {p.line: p.message("fr") for p in result.problems}
    assert set(messages) == {2, 3, 4, 5, 6, 7}
    assert "« 69 » : il n'appartient à aucun bloc du Cerfa" in messages[2]
    assert "869 : une contribution en nature va sur 860" in messages[5]
    assert "les contributions 87 se déduisent" in messages[6]
    assert all(p.message("en").startswith(f"line {p.line}: account") for p in result.problems)


def test_a_treasurers_file_opens_in_the_budget_page(workspace_dir: Path, example_path: Path) -> None:
    """Every block of the lines tab and the funders tab show the imported sub-accounts (7588 was a KeyError)."""
    from tests.test_budget_page import open_page

    page, _session = open_page(workspace_dir, example_path)
    files = page.select("files")
    files.on_upload({"new": [{"name": "compta.csv", "content": memoryview(TREASURER.encode("cp1252"))}]})
    # issue 19: the file's own 6411 salary would count twice beside the team's computed one: refused, said why
    assert "6411 Salaire animatrice" in files.import_report.value and "deux fois" in files.import_report.value
    assert not any(line.label == "Loyer du local" for line in page.plan.lines)
    page.workbook.checklist.team = []  # no team computed by the carnet: the treasurer's salary lines are the only ones
    page.changed()
    files.on_upload({"new": [{"name": "compta.csv", "content": memoryview(TREASURER.encode("cp1252"))}]})
    files.add_button.click()  # a file from elsewhere: the page asks add or replace
    assert "10 lignes ajoutées" in files.import_report.value
    lines = page.select("lines")
    for group, expected in (("60", "6061"), ("61", "6132"), ("64", "64111"), ("70", "7061"), ("75", "7588"), ("86", "8641")):
        lines.group_picker.value = group
        shown = [w.value for row in lines.line_rows.children for w in walk(row) if isinstance(w, widgets.Dropdown)]
        assert expected in shown, (group, shown)
    funders = page.select("funders")
    assert "DRAJES FDVA" in flat(" ".join(str(getattr(w, "value", "")) for w in walk(funders.funder_rows)))


def test_the_largest_budget_stays_within_the_limits() -> None:
    """A budget of 2 000 lines (the most a budget holds) exports and imports back whole, in both formats."""
    wb = hand_workbook()
    ville = funder_partner(wb, "Ville").id
    wb.budget.lines = [b.BudgetLine(account=("606", "6132", "7061", "74")[n % 4], label=f"Ligne {n} " + "é" * 150,
                                    amount=D(f"{n}.{n % 100:02d}"), partner=ville if n % 4 == 3 else None,
                                    status="demande" if n % 4 == 3 else None) for n in range(2000)]
    for name, data in (("b.xlsx", sp.budget_xlsx(wb)), ("b.csv", sp.budget_csv(wb).encode("utf-8"))):
        result = sp.parse_import(name, data)
        assert result.clean and len(result.lines) == 2000, [p.message("fr") for p in result.problems[:3]]
        assert sum(x.amount for x in result.lines) == sum(x.amount for x in wb.budget.lines)


def test_the_cerfa_sheet_names_each_grants_funder() -> None:
    wb = hand_workbook()
    wb.budget.lines.append(b.BudgetLine(account="74", label="Atelier cuisine", amount=D("800"),
                                        partner=funder_partner(wb, "CAF du Nord").id,
                                        status="demande", subline="social"))
    sheet = load_workbook(io.BytesIO(sp.budget_xlsx(wb)))["Budget Cerfa"]
    labels = [str(sheet[f"B{r}"].value or "").strip() for r in range(1, sheet.max_row + 1)]
    assert "CAF du Nord — Atelier cuisine" in labels
    assert "Ville" in labels  # a line whose label is its funder's name is not repeated


# ------------------------------------------------------------------ funders are partners (issue 12)
def _example() -> object:
    return load_workbook_text((Path(__file__).parent.parent / "sample_data" / "exemple-quartier-des-tisserands.json").read_bytes())


def test_the_round_trip_keeps_each_lines_partner_and_makes_no_partner_twice() -> None:
    wb = _example()
    partners = [(p.id, p.name) for p in wb.checklist.partners]
    funded = {line.id: line.partner for line in wb.budget.lines}
    for name, export in (("b.xlsx", sp.budget_xlsx), ("b.csv", lambda w: sp.budget_csv(w).encode("utf-8"))):
        for _ in range(2):
            result = sp.parse_import(name, export(wb))
            assert result.clean and sp.preview_import(wb, result).partners_added == 0
            sp.apply_import(wb, result)
    assert [(p.id, p.name) for p in wb.checklist.partners] == partners
    assert {line.id: line.partner for line in wb.budget.lines} == funded


def test_an_imported_funder_name_finds_its_partner_or_adds_one() -> None:
    wb = _example()
    rows = list(csv_rows(sp.budget_csv(wb)))
    head = rows[0]
    at = {name: head.index(name) for name in ("libelle", "financeur", "id")}
    caf = next(row for row in rows if row[at["financeur"]] == "CAF")
    caf[at["financeur"]] = "  caf "  # case and spaces aside, the same partner
    ville = next(row for row in rows if row[at["financeur"]] == "Ville de Lys-lez-Tisserands")
    ville[at["financeur"]] = "Ville de Lys (services jeunesse)"  # another name: another partner
    new = [cell for cell in ville]
    new[at["id"]], new[at["libelle"]] = "", "Fonds jeunesse"
    rows.append(new)
    text = "\n".join(";".join(row) for row in rows)
    result = sp.parse_import("b.csv", text.encode("utf-8"))
    assert result.clean and sp.preview_import(wb, result).partners_added == 1
    count = len(wb.checklist.partners)
    sp.apply_import(wb, result)
    added = wb.checklist.partners[count:]
    assert [(p.name, p.roles) for p in added] == [("Ville de Lys (services jeunesse)", ["funder"])]
    lines = {line.id: line for line in wb.budget.lines}
    assert funder_name(wb, lines[caf[at["id"]]]) == "CAF"
    assert lines[ville[at["id"]]].partner == added[0].id
    assert wb.budget.lines[-1].partner == added[0].id  # the new row: the same new partner, not a copy
    sp.apply_import(wb, sp.parse_import("b.csv", text.encode("utf-8")))
    assert len(wb.checklist.partners) == count + 1  # imported again: nothing made twice


def test_an_export_names_a_funder_by_its_partners_current_name() -> None:
    wb = _example()
    caf = next(p for p in wb.checklist.partners if p.name == "CAF")
    caf.name = "CAF du Nord"
    book = load_workbook(io.BytesIO(sp.budget_xlsx(wb)))
    assert "CAF du Nord" in [row[0].value for row in book["Financeurs"].iter_rows()]
    assert "CAF du Nord" in [str(c.value) for row in book["Lignes"].iter_rows() for c in row]
    gone = next(p for p in wb.checklist.partners if p.name == "Département")
    wb.checklist.partners.remove(gone)  # removed on another device: the line stays, named « financeur inconnu »
    book = load_workbook(io.BytesIO(sp.budget_xlsx(wb)))
    assert "financeur inconnu" in [row[0].value for row in book["Financeurs"].iter_rows()]
    lines = [[str(c.value or "") for c in row] for row in book["Lignes"].iter_rows()]
    department = next(row for row in lines if row[1] == "Département : appel à projets ESS")
    assert department[3] == ""  # not a name to match back on import


def csv_rows(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
