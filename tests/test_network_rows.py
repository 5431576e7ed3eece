"""Issue 25, the network's page as data: rows, colours by written rules, totals, the folder read bounded."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kpawidgets.cli.main import main
from kpawidgets.i18n import use_language
from kpawidgets.model.network.rows import (FUNDING_DAYS, HOST_VENUE_DAYS, RULES, deck_totals, filter_rows,
                                           network_totals, row_from_document, sort_rows)
from kpawidgets.model.network.shared import SHARE_FORMAT, read_share_document, share_bytes
from kpawidgets.model.workbook import dump_workbook, load_workbook_text
from kpawidgets.storage.network_folder import MAX_FILES, FolderReader, scan_folder
from kpawidgets.storage.spreadsheets.network import network_csv, network_xlsx
from kpawidgets.tools.network_seed import seed_folder

TODAY = dt.date(2026, 12, 7)


def _document(**figures: Any) -> Any:
    """A shared-figures document: a territory that is ready, funded, on time, unless *figures* say otherwise."""
    base: dict[str, Any] = {
        "territory": "KPA du Pont-Neuf", "town": "Tourcoing", "readiness_pct": 90, "readiness_light": "green",
        "ingredients": {"venue": "done", "host": "done", "group": "done", "team": "done", "equipment": "done",
                        "partners": "done"},
        "group_size": 12, "team_fte": "1.5", "charges": 40000, "secured": 36000, "requested": 4000, "gap": 0,
        "secured_pct": 90, "launch_date": (TODAY + dt.timedelta(days=90)).isoformat(), "slip_days": 0,
    }
    base.update(figures)
    return read_share_document({"kind": "kpa-shared-figures", "format": 1, "source": "pont-neuf",
                                "date": TODAY.isoformat(), "figures": base}, "pont-neuf.json")


def _row(**figures: Any) -> Any:
    return row_from_document(_document(**figures), TODAY)


def _launch_in(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def test_a_ready_territory_is_green_and_each_rule_gives_its_colour_with_its_reason() -> None:
    assert _row().light == "green" and _row().reasons == ()
    venue_open = {"ingredients": {"venue": "in_progress", "host": "done"}}
    assert _row(launch_date=_launch_in(HOST_VENUE_DAYS), **venue_open).light == "red"
    assert _row(launch_date=_launch_in(HOST_VENUE_DAYS + 1), **venue_open).light == "green"  # not yet 30 days
    red = _row(launch_date=_launch_in(12), ingredients={"venue": "done", "host": "todo"})
    with use_language("fr"):
        assert [reason.text() for reason in red.reasons] == ["Structure de portage : pas réglé à 12 jours du lancement"]
    with use_language("en"):
        assert red.reasons[0].text() == "Host structure: not settled 12 days before the launch"
    underfunded = {"secured": 20000, "secured_pct": 50, "gap": 16000}
    assert _row(launch_date=_launch_in(FUNDING_DAYS), **underfunded).light == "red"
    assert _row(launch_date=_launch_in(FUNDING_DAYS + 1), **underfunded).light == "green"
    assert _row(launch_date=_launch_in(10), secured_pct=60).light == "green"  # 60 % is enough
    assert _row(slip_days=12).light == "orange"
    assert _row(team_fte="1.2").light == "orange"
    assert _row(blocking=["group"]).light == "orange"
    assert _row(launch_date=None).light == "orange"
    # past the launch date, the venue still open: red, with the days past
    late = _row(launch_date=_launch_in(-5), ingredients={"venue": "todo", "host": "done"})
    assert late.light == "red"
    with use_language("fr"):
        assert "dépassé de 5 jours" in late.reasons[0].text()
    assert {rule.light for rule in RULES} == {"red", "orange"} and len({rule.code for rule in RULES}) == len(RULES)
    assert {reason.rule for reason in _row(slip_days=3, team_fte="1", launch_date=None).reasons} == \
        {"slip", "team", "no_date"}


def test_sort_filter_and_totals_against_the_deck() -> None:
    rows = [_row(territory="B", gap=5000, launch_date=_launch_in(100)), _row(territory="a", slip_days=4),
            _row(territory="C", launch_date=_launch_in(5), ingredients={"venue": "todo", "host": "done"},
                 group_size="small")]
    assert [r.territory for r in sort_rows(rows)] == ["C", "a", "B"]  # red, orange, green
    assert [r.territory for r in sort_rows(rows, "territory")] == ["a", "B", "C"]
    assert [r.territory for r in sort_rows(rows, "gap")][0] == "B"
    assert [r.territory for r in sort_rows(rows, "launch")][0] == "C"
    assert [r.territory for r in filter_rows(rows, "orange")] == ["a"]
    assert [r.territory for r in filter_rows(rows, text="tourc")] == ["B", "a", "C"]  # the town
    assert filter_rows(rows, text="nowhere") == []
    totals = network_totals(rows, TODAY)
    assert (totals.territories, totals.members, totals.small_groups) == (3, 24, 1)  # a masked size is not added
    assert totals.team_fte == Decimal("4.5") and totals.charges == 120000 and totals.gap == 5000
    assert totals.lights == {"red": 1, "orange": 1, "green": 1, "problem": 0}
    deck = deck_totals()  # the 2019 deck: La Cape, Illicoop, KPA Moulins, Les Coopains à bord
    assert (deck.kpas, deck.members, deck.team_fte) == (4, 46, Decimal("4.8"))


def test_the_folder_names_every_file_it_does_not_read_and_touches_none(tmp_path: Path, example_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 3, TODAY)
    (folder / "abime.json").write_bytes(b'{"kind": "kpa-shared-figures", "format": ')
    (folder / "autre.json").write_text('{"hello": "world"}', encoding="utf-8")
    newer = json.loads((folder / "territoire-0000.json").read_text(encoding="utf-8"))
    (folder / "futur.json").write_text(json.dumps(dict(newer, format=SHARE_FORMAT + 1)), encoding="utf-8")
    (folder / "faux.json").write_text(json.dumps({**newer, "figures": {**newer["figures"], "readiness_pct": 400}}))
    (folder / "gros.json").write_bytes(b" " * (3 * 1024 * 1024))
    secret = tmp_path / "secret.json"
    secret.write_bytes((folder / "territoire-0001.json").read_bytes())
    os.symlink(secret, folder / "lien.json")
    os.mkfifo(folder / "tube.json")  # never waited on
    (folder / "sous-dossier.json").mkdir()
    (folder / ".cache.json").write_text("{", encoding="utf-8")
    (folder / "notes.txt").write_text("pas du JSON", encoding="utf-8")
    sharing = load_workbook_text(example_path.read_bytes())
    sharing.network.share = True
    (folder / "carnet-qui-partage.json").write_text(dump_workbook(sharing), encoding="utf-8")
    (folder / "carnet-prive.json").write_bytes(example_path.read_bytes())  # does not share
    before = {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in folder.iterdir()}
    with use_language("fr"):
        scan = scan_folder(folder, TODAY)
    problems = {row.source: row.problem for row in scan.rows if not row.readable}
    assert problems == {
        "abime.json": "fichier abîmé (pas du JSON) : pas lu",
        "autre.json": "ni chiffres partagés ni carnet : pas lu",
        "futur.json": "Le fichier futur.json a été écrit par une version plus récente de Carnet KPA "
                      "(chiffres partagés, format 2).",
        "faux.json": "Le fichier de chiffres partagés faux.json contient des valeurs invalides (figures.readiness_pct).",
        "gros.json": "fichier trop gros (2048 Ko) : pas lu",
        "lien.json": "lien symbolique : pas suivi",
        "tube.json": "pas un fichier ordinaire : pas lu",
        "sous-dossier.json": "pas un fichier ordinaire : pas lu",
    }
    readable = sorted(row.source for row in scan.rows if row.readable)
    assert readable == ["carnet-qui-partage.json", "territoire-0000.json", "territoire-0001.json",
                        "territoire-0002.json"]
    assert scan.not_sharing == 1
    assert {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in folder.iterdir()} == before
    assert sort_rows(scan.rows)[-1].light == "problem"  # files not read come last


def test_the_folder_is_bounded_and_only_changed_files_are_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 12, TODAY)
    bounded = scan_folder(folder, TODAY, max_files=5)
    assert len(bounded.rows) == 5 and bounded.left_out == 7
    out_of_time = scan_folder(folder, TODAY, max_seconds=0)
    assert out_of_time.timed_out == 12 and out_of_time.rows == []
    reader = FolderReader(folder)
    first = reader.scan(TODAY)
    assert first.read == 12
    again = reader.scan(TODAY)
    assert again.read == 0 and [r.figures for r in again.rows] == [r.figures for r in first.rows]
    changed = folder / "territoire-0003.json"
    data = json.loads(changed.read_text(encoding="utf-8"))
    data["figures"]["territory"] = "KPA renommé"
    changed.write_text(json.dumps(data), encoding="utf-8")
    (folder / "territoire-0004.json").unlink()
    third = reader.scan(TODAY)
    assert third.read == 1 and len(third.rows) == 11
    assert "KPA renommé" in {row.territory for row in third.rows}
    assert reader.scan(TODAY + dt.timedelta(days=1)).read == 11  # a new day: the colours are computed again
    missing = scan_folder(tmp_path / "nulle-part", TODAY)
    assert missing.missing is not None and "n'existe pas" in missing.missing.message("fr")


def test_a_folder_of_10000_files_is_bounded_with_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    folder.mkdir()
    for index in range(10_000):
        (folder / f"f{index:05d}.json").write_bytes(b"{}")
    scan = scan_folder(folder, TODAY)
    assert len(scan.rows) == MAX_FILES and scan.left_out == 10_000 - MAX_FILES
    assert scan.rows[-1].source == f"f{MAX_FILES - 1:05d}.json"  # the first ones by name


def test_the_table_exports_as_csv_and_xlsx_with_text_kept_as_text(tmp_path: Path) -> None:
    rows = [_row(territory="=HYPERLINK(\"x\")", slip_days=3), _row(territory="KPA Fives")]
    with use_language("fr"):
        text = network_csv(rows)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Fichier;Territoire;Commune;Couleur;Pourquoi")
    assert ';"\'=HYPERLINK' in lines[1] and ";orange;3 jours de retard sur le plan;" in lines[1]
    with use_language("en"):
        assert network_csv(rows).lstrip("\ufeff").startswith("File;Territory;Town;Colour;Why")
        sheet = openpyxl.load_workbook(io.BytesIO(network_xlsx(rows))).active
    assert sheet.title == "Network" and sheet.cell(row=1, column=2).value == "Territory"
    assert sheet.cell(row=2, column=2).value == '=HYPERLINK("x")' and sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.cell(row=3, column=11).value == 40000  # charges stay a number


def test_kpa_reseau_prints_the_table_and_writes_its_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           example_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 4, dt.date.today())
    (folder / "abime.json").write_text("{", encoding="utf-8")
    assert main(["reseau", str(folder), "--csv", str(tmp_path / "r.csv"), "--xlsx", str(tmp_path / "r.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "La Cape" in out and "Les Coopains à bord" in out and "abime.json" in out
    assert "4 territoires partagent leurs chiffres" in out
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").count("\n") == 6  # header, 4 territories, 1 file
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert main(["--lang", "en", "reseau", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["rows"]) == 5 and data["rows"][-1]["light_code"] == "problem"
    assert main(["reseau", str(tmp_path / "absent")]) == 1
    assert "n'existe pas" in capsys.readouterr().err
    # a workbook that shares, in a workspace: « kpa reseau » reads the workspace when no folder is given
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    sharing = load_workbook_text(example_path.read_bytes())
    sharing.network.share = True
    (workspace / "tisserands.json").write_text(dump_workbook(sharing), encoding="utf-8")
    env = {k: os.environ.pop(k) for k in ("KPA_NETWORK_DIR", "KPA_SHARE_DIR") if k in os.environ}
    try:
        assert main(["reseau", "--workspace", str(workspace)]) == 0
    finally:
        os.environ.update(env)
    assert "KPA des Tisserands" in capsys.readouterr().out


def test_share_bytes_read_back_as_a_row(example_path: Path) -> None:
    workbook = load_workbook_text(example_path.read_bytes())
    document = read_share_document(json.loads(share_bytes(workbook, "tisserands", TODAY)), "tisserands.json")
    row = row_from_document(document, TODAY)
    assert row.territory == workbook.identity.territory and row.figures == document.figures
    assert row.days_to_launch == (workbook.identity.launch_date - TODAY).days  # type: ignore[operator]
