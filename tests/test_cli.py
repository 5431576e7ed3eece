"""The ``kpa`` command, through its entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpawidgets.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_prints_the_path_last_and_list_shows_it(capsys, workspace_dir: Path) -> None:
    code, out, _ = run(capsys, "new", "Quartier de l'Épeule", "--workspace", str(workspace_dir))
    assert code == 0
    path = Path(out.strip().splitlines()[-1])
    assert path.exists() and path.parent == workspace_dir
    code, out, _ = run(capsys, "list", "--workspace", str(workspace_dir))
    assert "Quartier de l'Épeule" in out


def test_check_json_has_the_core_keys(capsys, example_path: Path) -> None:
    code, out, _ = run(capsys, "check", str(example_path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["territory"] == "KPA des Tisserands"
    assert report["launch_date"] == "2027-03-15"
    assert report["schema_version"] == 7
    assert report["errors"] == []


def test_check_by_name_in_workspace(capsys, workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    code, out, _ = run(capsys, "check", example_path.stem, "--workspace", str(workspace_dir), "--json")
    assert code == 0 and json.loads(out)["territory"] == "KPA des Tisserands"


def test_check_corrupt_file_lists_errors_and_fails(capsys, workspace_dir: Path) -> None:
    bad = workspace_dir / "bad.json"
    bad.write_text('{"schema_version": 1, "identity": {"territory": ""}}')
    code, out, _ = run(capsys, "check", str(bad), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["errors"] and report["territory"] is None
    assert bad.read_text() == '{"schema_version": 1, "identity": {"territory": ""}}'


def test_errors_are_one_line_without_traceback(capsys, workspace_dir: Path) -> None:
    code, out, err = run(capsys, "check", "nowhere", "--workspace", str(workspace_dir))
    assert code != 0
    assert err.startswith("Erreur : ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    code, out, err = run(capsys, "--lang", "en", "check", "nowhere", "--workspace", str(workspace_dir))
    assert err.startswith("Error: ")


def test_usage_errors_are_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and len(err.strip().splitlines()) == 1


def test_schema_is_json(capsys) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out)["properties"]["identity"]


@pytest.mark.parametrize("command", ["serve", "new", "list", "check", "schema", "import", "export"])
def test_every_command_has_help(capsys, command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "--workspace" in capsys.readouterr().out or command == "schema"


def test_installed_entry_point_runs() -> None:
    kpa = Path(sys.executable).with_name("kpa")
    result = subprocess.run([str(kpa), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_serve_refuses_a_busy_port(capsys, workspace_dir: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, _, err = run(capsys, "serve", "--no-browser", "--port", str(port), "--workspace", str(workspace_dir))
    assert code == 1
    assert str(port) in err


# ------------------------------------------------- every save goes through the workspace
LINES_CSV = "compte;libelle;montant\n606;Fournitures de l'atelier;120,50\n623;Affiches;80\n"


@pytest.fixture
def loose_workbook(tmp_path: Path, example_path: Path) -> Path:
    """A workbook whose file stem is not a workspace name (capitals, underscore), shared with the team."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    target = folder / "Mon_Carnet.json"
    shutil.copy(example_path, target)
    target.chmod(0o664)
    return target


@pytest.fixture
def lines_csv(tmp_path: Path) -> Path:
    path = tmp_path / "lignes.csv"
    path.write_text(LINES_CSV, encoding="utf-8")
    return path


def _labels(path: Path) -> list[str]:
    return [line["label"] for line in json.loads(path.read_text())["budget"]["lines"]]


def test_import_into_a_file_by_path_keeps_its_mode_and_history(capsys, loose_workbook: Path, lines_csv: Path) -> None:
    before = loose_workbook.read_bytes()
    code, out, err = run(capsys, "import", str(loose_workbook), str(lines_csv), "--add")
    assert code == 0, err
    assert "lignes ajoutées : 2" in out
    assert _labels(loose_workbook)[-2:] == ["Fournitures de l'atelier", "Affiches"]
    assert oct(loose_workbook.stat().st_mode & 0o777) == oct(0o664)
    history = list((loose_workbook.parent / ".historique" / "Mon_Carnet").glob("*.json"))
    assert [p.read_bytes() for p in history] == [before]


def test_import_applies_to_the_file_as_it_is_when_saving(capsys, loose_workbook: Path, lines_csv: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A page saves while the import runs: both the page's edit and the imported lines stay."""
    from kpawidgets.storage import spreadsheets
    from kpawidgets.storage.workspace import Workspace

    real_apply = spreadsheets.apply_import
    calls: list[int] = []

    def apply_while_a_page_saves(workbook, result, **kwargs):  # type: ignore[no-untyped-def]
        if not calls:
            page = Workspace(loose_workbook.parent).open_path(loose_workbook)
            page.workbook.identity.town = "Saisi sur la page pendant l'import"
            Workspace(loose_workbook.parent).save(page)
        calls.append(1)
        return real_apply(workbook, result, **kwargs)

    monkeypatch.setattr(spreadsheets, "apply_import", apply_while_a_page_saves)
    code, out, err = run(capsys, "import", str(loose_workbook), str(lines_csv), "--add")
    assert code == 0, err
    saved = json.loads(loose_workbook.read_text())
    assert saved["identity"]["town"] == "Saisi sur la page pendant l'import"
    assert _labels(loose_workbook)[-2:] == ["Fournitures de l'atelier", "Affiches"]
    assert len(calls) == 1  # the save merged with the page's (issue 10): applied once, nothing refused


@pytest.mark.parametrize(("code", "fr", "en"), [
    (28, "Enregistrement impossible : le disque est plein. Le fichier n'a pas été modifié.",
     "Could not save: the disk is full. The file was not changed."),
    (30, "Enregistrement impossible : le dossier est en lecture seule. Le fichier n'a pas été modifié.",
     "Could not save: the folder is read-only. The file was not changed."),
])
def test_refused_imports_speak_of_the_file_not_of_a_page(capsys, loose_workbook: Path, lines_csv: Path,
                                                         monkeypatch: pytest.MonkeyPatch, code: int, fr: str, en: str) -> None:
    import os

    before = loose_workbook.read_bytes()

    def refusing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", refusing_fsync)
    for lang, expected in (("fr", fr), ("en", en)):
        status, out, err = run(capsys, "--lang", lang, "import", str(loose_workbook), str(lines_csv), "--add")
        assert status == 1
        assert err.strip().splitlines() == [("Erreur : " if lang == "fr" else "Error: ") + expected]
        assert "page" not in err
    monkeypatch.undo()
    assert loose_workbook.read_bytes() == before
    assert not list(loose_workbook.parent.rglob(".historique/*/*")), "a refused save added a history entry"
    assert not list(loose_workbook.parent.glob(".tmp-*"))


def test_a_file_broken_by_hand_during_an_import_is_named_without_a_page(capsys, loose_workbook: Path,
                                                                          lines_csv: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from kpawidgets.storage import spreadsheets

    original, broken = loose_workbook.read_bytes(), '{"identity": '
    real_apply = spreadsheets.apply_import

    def apply_while_someone_breaks_the_file(workbook, result, **kwargs):  # type: ignore[no-untyped-def]
        loose_workbook.write_text(broken)
        return real_apply(workbook, result, **kwargs)

    monkeypatch.setattr(spreadsheets, "apply_import", apply_while_someone_breaks_the_file)
    for lang, expected in (("fr", "Erreur : Le carnet « Mon_Carnet » a été modifié en dehors de Carnet KPA et ne se "
                                  "lit plus : il est laissé tel quel, rien n'a été enregistré."),
                           ("en", "Error: The workbook “Mon_Carnet” was changed outside Carnet KPA and no longer "
                                  "reads: it is left as it is, nothing was saved.")):
        loose_workbook.write_bytes(original)
        code, _, err = run(capsys, "--lang", lang, "import", str(loose_workbook), str(lines_csv), "--add")
        assert code == 1 and err.strip() == expected and "page" not in err
        assert loose_workbook.read_text() == broken


def test_a_history_folder_that_is_a_file_is_one_clear_line(capsys, loose_workbook: Path, lines_csv: Path) -> None:
    (loose_workbook.parent / ".historique").mkdir()
    (loose_workbook.parent / ".historique" / "Mon_Carnet").write_text("")
    before = loose_workbook.read_bytes()
    code, _, err = run(capsys, "import", str(loose_workbook), str(lines_csv), "--add")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "« .historique/Mon_Carnet »" in err and "c'est un fichier" in err and "File exists" not in err
    assert loose_workbook.read_bytes() == before


# ------------------------------------------------------------------------------ kpa check
def test_check_names_the_file_on_every_problem(capsys, workspace_dir: Path) -> None:
    bad = workspace_dir / "deux-erreurs.json"
    bad.write_text(json.dumps({"schema_version": 1, "identity": {"territory": "", "launch_date": "9999-01-01"},
                               "budget": {"lines": "pas une liste"}}))
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("Erreur : deux-erreurs.json : ") for line in lines)
    assert "should" not in out and "Input" not in out and "String" not in out, "pydantic's English inside French"
    code, out, _ = run(capsys, "--lang", "en", "check", str(bad))
    assert all(line.startswith("Error: deux-erreurs.json : ") for line in out.strip().splitlines())
    assert "période" not in out and "attendue" not in out


def test_check_refuses_duplicate_keys(capsys, workspace_dir: Path, example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8").replace('"identity": {', '"identity": {"town": "Ailleurs", ', 1)
    doubled = workspace_dir / "doublon.json"
    doubled.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(doubled))
    assert code == 1
    assert out.strip() == ("Erreur : Le fichier doublon.json n'est pas un carnet lisible : la clé « town » y figure "
                           "deux fois dans un même objet.")


def test_check_refuses_links_and_special_files_typed_by_path(capsys, workspace_dir: Path) -> None:
    import os

    os.mkfifo(workspace_dir / "tube.json")
    code, _, err = run(capsys, "check", str(workspace_dir / "tube.json"))
    assert code == 1 and "n'est pas un fichier ordinaire" in err


def test_import_counts_lines_with_plurals(capsys, loose_workbook: Path, tmp_path: Path) -> None:
    bad = tmp_path / "mauvaises.csv"
    bad.write_text("compte;libelle;montant\n606;Une;abc\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(loose_workbook), str(bad), "--add")
    assert code == 1 and err.strip().splitlines()[-1].startswith("Erreur : Le fichier contient 1 ligne invalide : rien")
    bad.write_text("compte;libelle;montant\n606;Une;abc\n606;Deux;xyz\n606;Bonne;12\n", encoding="utf-8")
    code, _, err = run(capsys, "--lang", "en", "import", str(loose_workbook), str(bad), "--add")
    assert code == 1 and err.strip().splitlines()[-1].startswith("Error: The file has 2 invalid lines: nothing")
    code, out, _ = run(capsys, "import", str(loose_workbook), str(bad), "--add", "--skip-bad-rows")
    assert code == 0 and "2 lignes invalides ignorées." in out


def test_import_names_the_funders_it_adds_to_the_partners(capsys, loose_workbook: Path, tmp_path: Path) -> None:
    """Issue 12: a funder named by the file and not yet a partner is added once, and said."""
    from kpawidgets.model.checklist import find_partner
    from kpawidgets.model.workbook import load_workbook_text

    lines = tmp_path / "financeurs.csv"
    lines.write_text("compte;libelle;montant;financeur;statut\n74;Subvention;1000;Métropole de Lys;demandé\n"
                     "74;Fonds jeunesse;500;MÉTROPOLE de lys;envisagé\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(loose_workbook), str(lines), "--add")
    assert code == 0 and "1 financeur ajouté aux partenaires de la check-list." in out
    workbook = load_workbook_text(loose_workbook.read_bytes())
    partner = find_partner(workbook.checklist.partners, "Métropole de Lys")
    assert partner is not None and partner.roles == ["funder"]
    assert [line.partner for line in workbook.budget.lines[-2:]] == [partner.id, partner.id]
    code, out, _ = run(capsys, "import", str(loose_workbook), str(lines), "--add")
    assert code == 0 and "financeur ajouté" not in out  # the partner exists now: nothing added twice
