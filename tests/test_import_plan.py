"""Issue 19: an import that says what it will do — dry run, real counts, no cost counted twice,
a file imported twice named — through the ``kpa`` command as a treasurer runs it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook as open_xlsx

from kpawidgets.cli import main
from kpawidgets.model import budget as b
from kpawidgets.model.workbook import load_workbook_text

OTHER = (
    "compte;libelle;montant\r\n"
    "606;Matériel de sérigraphie;1 250,50\r\n"
    "623;Affiches de lancement;1 498,50\r\n"
)
SALARIES = OTHER + "641;Coordinatrice (paie du cabinet comptable);16 920\r\n645;Charges sociales;5 076\r\n"


@pytest.fixture()
def workspace(tmp_path: Path, example_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copy(example_path, folder / example_path.name)
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit:  # argparse refusing an option
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out.replace("\u202f", " ").replace("\xa0", " "), err.replace("\u202f", " ").replace("\xa0", " ")


def test_a_dry_run_says_what_the_import_would_do_and_writes_nothing(capsys, workspace: Path, example_path: Path,
                                                                    tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = workspace / example_path.name
    before = target.read_bytes()
    lines = tmp_path / "lignes.csv"
    lines.write_text(OTHER, encoding="utf-8")
    code, out, err = run(capsys, "import", example_path.stem, str(lines), "--add", "--dry-run", "--workspace", str(workspace))
    assert code == 0, err
    assert target.read_bytes() == before  # nothing written
    assert "si l'import était fait" in out and "Rien n'a été écrit" in out
    assert "lignes ajoutées : 2 ; mises à jour : 0 ; inchangées : 0 ; retirées : 0 ; gardées : 19" in out
    computed = sum(1 for e in b.entries(load_workbook_text(before)) if e.origin != "line")
    assert f"gardées : {computed}." in out and computed > 0
    # totals before → after in whole euros, as the page prints them: 39 924,50 + 2 749,00 = 42 673,50 → 42 674
    assert "Charges : 39 925 € → 42 674 €" in out and "reste à trouver : 1 440 € → 4 189 €" in out


def test_replace_never_counts_the_teams_salaries_twice(capsys, workspace: Path, example_path: Path,
                                                       tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = workspace / example_path.name
    before = target.read_bytes()
    lines = tmp_path / "paie.csv"
    lines.write_text(SALARIES, encoding="utf-8")
    for extra in ((), ("--dry-run",)):
        code, out, err = run(capsys, "import", example_path.stem, str(lines), "--replace", *extra, "--workspace", str(workspace))
        assert code == 1 and target.read_bytes() == before
        assert "Ligne 4" in err and "641 Coordinatrice" in err and "compterait deux fois" in err and "onglet Équipe" in err


def test_a_round_trip_counts_only_the_lines_that_changed(capsys, workspace: Path, example_path: Path,
                                                         tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exported = tmp_path / "budget.xlsx"
    assert run(capsys, "export", example_path.stem, "--xlsx", str(exported), "--workspace", str(workspace))[0] == 0
    book = open_xlsx(exported)
    sheet = book.worksheets[-1]  # the lines, in the import format
    changed = 0
    for row in sheet.iter_rows(min_row=2):
        if row[11].value and changed < 2:  # an entered line (it has an id): two amounts edited in the spreadsheet
            row[2].value = float(row[2].value) + 10
            changed += 1
    book.save(exported)
    code, out, err = run(capsys, "import", example_path.stem, str(exported), "--workspace", str(workspace))
    assert code == 0, err
    total = len(load_workbook_text((workspace / example_path.name).read_bytes()).budget.lines)
    assert f"mises à jour : 2 ; inchangées : {total - 2} ; retirées : 0" in out  # was « mises à jour : 19 »


def test_adding_a_file_twice_warns(capsys, workspace: Path, example_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = tmp_path / "lignes.csv"
    lines.write_text(OTHER, encoding="utf-8")
    args = ("import", example_path.stem, str(lines), "--add", "--workspace", str(workspace))
    first = run(capsys, *args)
    assert first[0] == 0 and "déjà au budget" not in first[1]
    second = run(capsys, *args)
    assert second[0] == 0
    assert "Attention : 2 lignes du fichier sont déjà au budget" in second[1] and "déjà été importé" in second[1]


def test_a_dry_run_stops_where_the_import_would_and_says_would(capsys, workspace: Path, example_path: Path,
                                                               tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A dry run promised « 1 ligne invalide ignorée » where the import stopped, and « 3 financeurs ajoutés »
    when nothing was written."""
    target = workspace / example_path.name
    before = target.read_bytes()
    bad = tmp_path / "ambigu.csv"
    bad.write_text("compte;libelle;montant\r\n606;Matériel;1,234\r\n623;Affiches;200\r\n", encoding="utf-8")
    code, out, err = run(capsys, "import", example_path.stem, str(bad), "--add", "--dry-run", "--workspace", str(workspace))
    assert code == 1 and "rien n'a été importé" in err and "1,23 € ou 1 234 €" in err and "ignorée" not in out
    code, out, err = run(capsys, "import", example_path.stem, str(bad), "--add", "--dry-run", "--skip-bad-rows",
                         "--workspace", str(workspace))
    assert code == 0 and "1 ligne invalide serait ignorée" in out and "lignes ajoutées : 1 ;" in out
    funders = tmp_path / "financeurs.csv"
    funders.write_text("compte;libelle;montant;financeur;statut\r\n74;Politique de la ville;15000;ANCT;demande\r\n",
                       encoding="utf-8")
    code, out, err = run(capsys, "import", example_path.stem, str(funders), "--add", "--dry-run", "--workspace", str(workspace))
    assert code == 0 and "1 financeur serait ajouté aux partenaires" in out and "financeur ajouté" not in out
    assert target.read_bytes() == before  # nothing written
