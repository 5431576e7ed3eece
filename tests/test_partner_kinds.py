"""Issue 19: a funder's Cerfa 74 sub-line comes from its partner's kind (file format 4).

« Politique de la ville » (the State's ANCT money) was printed under « Commune(s) », and so was
« Toulouse Métropole »; nothing said the sub-line was guessed. Now a partner has a kind, a line's
sub-line is its partner's, a partner without a kind is a warning (page, ``kpa check``, the PDF's
notes), and an import suggests kinds from names."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kpawidgets.app.budget import build_budget
from kpawidgets.cli import main
from kpawidgets.model import budget as b
from kpawidgets.model import checklist as c
from kpawidgets.model.records.workbook import SCHEMA_VERSION
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text
from kpawidgets.report.render import render_html
from kpawidgets.resources import example_workbook_path
from tests.pagekit import find_all, open_page

D = Decimal
FORMAT_3 = Path(__file__).parent / "data" / "format-3-example.json"


def test_format_3_migrates_losing_nothing_with_the_same_ids() -> None:
    original = json.loads(FORMAT_3.read_text(encoding="utf-8"))
    assert original["schema_version"] == 3 and SCHEMA_VERSION == 7
    first = load_workbook_text(FORMAT_3.read_bytes())
    again = load_workbook_text(FORMAT_3.read_bytes())  # another device reading the same file
    migrated = json.loads(dump_workbook(first))
    assert migrated == json.loads(dump_workbook(again))
    assert all(p["kind"] is None for p in migrated["checklist"]["partners"])  # not said: a warning, no guess
    # the same workbook written in format 4 (the shipped example: its funders' kinds said) differs by the kinds only
    native = json.loads(dump_workbook(load_workbook_text(example_workbook_path().read_bytes())))
    for data in (migrated, native):
        for partner in data["checklist"]["partners"]:
            del partner["kind"]
        for line in data["budget"]["lines"]:  # format 5 (issue 24): the example's lines say their years
            line.pop("years", None)
    assert migrated == native
    kept = json.loads(dump_workbook(first))
    assert [p["id"] for p in kept["checklist"]["partners"]] == [p["id"] for p in original["checklist"]["partners"]]
    assert [x["id"] for x in kept["budget"]["lines"]] == [x["id"] for x in original["budget"]["lines"]]
    assert [x["subline"] for x in kept["budget"]["lines"]] == [x.get("subline") for x in original["budget"]["lines"]]
    # the migrated file's funders are named as warnings until their kind is said
    assert len(c.kindless_funder_warnings(first)) == 7


def toulouse() -> Workbook:
    wb = Workbook.new("Toulouse", launch_date=dt.date(2027, 3, 1))
    wb.budget.lines = [b.BudgetLine(account="623", label="Affiches", amount=D("30000"))]
    for name, amount in (("Politique de la ville", "15000"), ("Toulouse Métropole", "5000")):
        wb.budget.lines.append(b.BudgetLine(account="74", label=name, partner=c.funder_partner(wb, name).id, status="demande",
                                            subline="commune", amount=D(amount)))  # the old guess: both « Commune(s) »
    return wb


def test_a_lines_subline_is_its_partners_kind() -> None:
    wb = toulouse()
    kinds = {p.name: p.kind for p in wb.checklist.partners}
    assert kinds == {"Politique de la ville": "etat", "Toulouse Métropole": "interco"}  # suggested from the names
    figures = b.budget_figures(wb)
    sublines = {row.account: row.euros for row in figures.cerfa.produits if row.origin == "subline"}
    assert sublines == {"etat": D("15000"), "interco": D("5000")}
    assert "commune" not in sublines


def test_a_funder_without_a_kind_is_said_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   workspace_dir: Path) -> None:
    wb = toulouse()
    wb.checklist.partners[1].kind = None  # Toulouse Métropole: kind not said
    warning = "« Toulouse Métropole » n'a pas de type de financeur"
    assert any(warning in w for w in c.kindless_funder_warnings(wb))
    path = tmp_path / "toulouse.json"
    path.write_text(dump_workbook(wb), encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any(warning in w and "Commune(s)" in w for w in report["warnings"])
    assert warning in html.unescape(render_html(wb, "fr"))  # the PDF's notes
    shutil.copy(path, workspace_dir / "toulouse.json")
    page = open_page(build_budget, workspace_dir, None, "fr", name="toulouse").body
    funders = page.select("funders")
    assert warning in html.unescape(funders.coverage.value)
    # chosen on the page: the line moves to the EPCI's sub-line, the warning goes
    kind = next(w for card in find_all(funders, "kpa-funder-card") for w in find_all(card, "kpa-funder-kind")
                if w.value == "")
    kind.value = "interco"
    saved = load_workbook_text((workspace_dir / "toulouse.json").read_bytes())
    assert next(p for p in saved.checklist.partners if p.name == "Toulouse Métropole").kind == "interco"
    assert warning not in html.unescape(funders.coverage.value)
    rows = {row.account for row in page.figures.cerfa.produits if row.origin == "subline"}
    assert "interco" in rows and "commune" not in rows


def test_an_import_suggests_kinds_from_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], example_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    shutil.copy(example_path, workspace / example_path.name)
    file = tmp_path / "financeurs.csv"
    file.write_text("compte;libelle;montant;financeur;statut\r\n"
                    "74;Contrat de ville;15 000;ANCT;demandé\r\n74;Quartiers;5 000;Toulouse Métropole;envisagé\r\n"
                    "74;Soutien;2 000;Les Amis du Quartier;envisagé\r\n", encoding="utf-8")
    assert main(["import", example_path.stem, str(file), "--add", "--workspace", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "« ANCT » : État" in out and "« Toulouse Métropole » : Intercommunalité(s) – EPCI" in out
    assert "« Les Amis du Quartier » : type à choisir" in out
    saved = load_workbook_text((workspace / example_path.name).read_bytes())
    kinds = {p.name: p.kind for p in saved.checklist.partners}
    assert (kinds["ANCT"], kinds["Toulouse Métropole"], kinds["Les Amis du Quartier"]) == ("etat", "interco", None)
