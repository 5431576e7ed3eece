"""The home page's widgets, driven without a browser."""

from __future__ import annotations

import shutil
from pathlib import Path

from kpawidgets.app.home import HomeApp, build_home, network_dashboard_html
from kpawidgets.app.session import WorkbookSession
from kpawidgets.i18n import use_language
from kpawidgets.model.network import load_network
from kpawidgets.storage.workspace import Workspace


def _home(workspace_dir: Path, params: dict[str, str]) -> tuple[WorkbookSession, HomeApp]:
    session = WorkbookSession.from_request(params, Workspace(workspace_dir))
    shell = build_home(session)
    app = next(child for child in shell.body.children[0].children if isinstance(child, HomeApp))
    return session, app


def test_network_has_the_four_kpas_with_the_deck_figures() -> None:
    kpas = {kpa.name: kpa for kpa in load_network()}
    assert set(kpas) == {"La Cape", "Illicoop", "KPA Moulins", "Les Coopains à bord"}
    assert kpas["La Cape"].members == 13 and str(kpas["La Cape"].revenue) == "35000"
    assert str(kpas["Illicoop"].revenue) == "3886.08" and kpas["Illicoop"].revenue_basis == "HT"
    assert str(kpas["KPA Moulins"].support_fte) == "2.3" and kpas["KPA Moulins"].support_people == 4
    assert kpas["La Cape"].qpv is True
    assert str(kpas["KPA Moulins"].revenue_per_month) == "4400.00"
    assert kpas["Les Coopains à bord"].revenue is None


def test_dashboard_shows_each_kpa_in_both_languages() -> None:
    with use_language("fr"):
        html = network_dashboard_html()
    assert all(name in html for name in ("La Cape", "Illicoop", "KPA Moulins", "Les Coopains à bord"))
    assert "4\u202f400\u00a0€" in html
    with use_language("en"):
        english = network_dashboard_html()
    assert "The KPA-Cité network" in english and "€4,400" in english


def test_create_from_the_page_writes_a_file(workspace_dir: Path) -> None:
    session, app = _home(workspace_dir, {})
    app.new_name.value = "KPA de la Gare"
    app.create_button.click()
    assert (workspace_dir / "kpa-de-la-gare.json").exists()
    assert session.name == "kpa-de-la-gare"
    assert "workbook=kpa-de-la-gare" in app.picker_message.value


def test_empty_name_is_refused_in_the_page(workspace_dir: Path) -> None:
    _session, app = _home(workspace_dir, {})
    app.new_name.value = "   "
    app.create_button.click()
    assert "kpa-banner-error" in app.picker_message.value
    assert list(workspace_dir.glob("*.json")) == []


def test_start_from_example_copies_it(workspace_dir: Path) -> None:
    session, app = _home(workspace_dir, {})
    app.example_button.click()
    assert session.workbook is not None and session.workbook.identity.territory == "KPA des Tisserands"
    assert len(list(workspace_dir.glob("*.json"))) == 1


def test_identity_edits_are_saved_and_bad_values_kept_out(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    session, app = _home(workspace_dir, {"workbook": example_path.stem})
    app.town.value = "Roubaix"
    app.qpv.value = False
    assert Workspace(workspace_dir).open(example_path.stem).workbook.identity.town == "Roubaix"
    app.territory.value = ""
    assert "ne peut pas être vide" in app.territory.message.value  # beside the field
    assert app.territory.value == ""  # what was typed stays
    assert Workspace(workspace_dir).open(example_path.stem).workbook.identity.territory == "KPA des Tisserands"
    assert len(Workspace(workspace_dir).history(example_path.stem)) == 2


def test_corrupt_workbook_is_listed_by_name(workspace_dir: Path) -> None:
    (workspace_dir / "casse.json").write_text("{")
    _session, app = _home(workspace_dir, {})
    assert "casse.json" in app.listing.value and "illisible" in app.listing.value
    assert (workspace_dir / "casse.json").read_text() == "{"


def test_missing_workbook_in_the_url_gives_a_message(workspace_dir: Path) -> None:
    session = WorkbookSession.from_request({"workbook": "../../etc/passwd"}, Workspace(workspace_dir))
    shell = build_home(session)
    assert "kpa-banner-error" in shell.status.value
    assert "Traceback" not in shell.status.value


def test_hostile_territory_name_is_escaped(workspace_dir: Path) -> None:
    session, app = _home(workspace_dir, {})
    app.new_name.value = '<b>Les "Coop\'ains" & Cie</b>'
    app.create_button.click()
    assert "<b>Les" not in app.listing.value
    assert "&lt;b&gt;Les &quot;Coop&#x27;ains&quot; &amp; Cie&lt;/b&gt;" in app.listing.value


def test_delete_and_restore_version(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    session, app = _home(workspace_dir, {"workbook": example_path.stem})
    app.town.value = "Ville 1"
    app.town.value = "Ville 2"
    app.history.value = app.history.options[0][1]  # newest previous version: "Ville 1"
    app.restore_button.click()  # issue 10: first says what would change, changes nothing
    assert "Commune : « Ville 2 » → « Ville 1 »" in app.actions_message.value
    assert Workspace(workspace_dir).open(example_path.stem).workbook.identity.town == "Ville 2"
    app.confirm_restore.click()
    assert Workspace(workspace_dir).open(example_path.stem).workbook.identity.town == "Ville 1"
    app.snapshot_name.value = "avant l'atelier du 12 mars"
    app.snapshot_button.click()
    assert app.history.options[0][0].startswith("★ avant l'atelier du 12 mars")
    app.delete_button.click()
    app.confirm_delete.click()
    assert not (workspace_dir / example_path.name).exists()
    assert len(Workspace(workspace_dir).trash()) == 1


def test_a_new_workbook_becomes_the_page_address(workspace_dir: Path, example_path: Path) -> None:
    """Issue 12: after « Créer » the address stayed on ?workbook=exemple-… (kpa.js follows .kpa-address)."""
    shutil.copy(example_path, workspace_dir)
    session, app = _home(workspace_dir, {"workbook": example_path.stem})
    assert f'data-kpa-workbook="{example_path.stem}"' in app.shell.address.value
    app.new_name.value = "KPA du Marché"
    app.create_button.click()
    assert session.name == "kpa-du-marche"
    assert 'data-kpa-workbook="kpa-du-marche"' in app.shell.address.value
