"""The home page's widgets, driven without a browser."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from kpawidgets.app.home import HomeApp, build_home, network_dashboard_html
from kpawidgets.app.session import WorkbookSession
from kpawidgets.i18n import use_language
from kpawidgets.model.network import load_network
from kpawidgets.storage.logo import save_logo
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


# ---------------------------------------------------------------- the PDF cover's fields (issue 12)
def _upload(app: HomeApp, name: str, data: bytes, kind: str = "image/png") -> None:
    """What the browser sends when a file is chosen in the upload button."""
    app.cover.upload.value = ({"name": name, "type": kind, "size": len(data), "content": memoryview(data),
                               "last_modified": dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)},)


def test_summary_and_contact_are_typed_on_the_home_page(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    _session, app = _home(workspace_dir, {"workbook": example_path.stem})
    cover = app.cover
    assert cover in app.current.children
    on_disk = lambda: Workspace(workspace_dir).open(example_path.stem).workbook.identity  # noqa: E731
    cover.summary.value = "Dix habitant·es lancent leur coopérative.\nPremier marché en mars."
    assert on_disk().summary == "Dix habitant·es lancent leur coopérative.\nPremier marché en mars."
    assert "65 caractères sur 800" in cover.summary_count.value
    before = on_disk()
    cover.summary.value = "x" * 801
    assert "800 caractères au plus" in cover.summary.message.value  # beside the field, in French
    assert cover.summary.value == "x" * 801 and "kpa-field-error" in cover.summary_count.value
    assert on_disk().summary == before.summary  # nothing lost, nothing half-written
    cover.role.value = "Cheffe de projet KPA"
    cover.email.value = "kpa.tisserands"
    assert "n&#x27;est pas une adresse e-mail" in cover.email.message.value
    cover.email.value = "kpa@tisserands.example.org"
    cover.phone.value = "03 20 00 00 00"
    assert not cover.email.message.value
    contact = on_disk().contact
    assert (contact.role, contact.email, contact.phone) == ("Cheffe de projet KPA", "kpa@tisserands.example.org",
                                                           "03 20 00 00 00")


def test_a_logo_is_uploaded_shown_refused_and_removed(workspace_dir: Path, example_path: Path) -> None:
    from tests.test_cover import HOSTILE_SVGS, PLAIN_SVG, png

    shutil.copy(example_path, workspace_dir)
    _session, app = _home(workspace_dir, {"workbook": example_path.stem})
    cover = app.cover
    on_disk = lambda: Workspace(workspace_dir).open(example_path.stem).workbook.identity  # noqa: E731
    assert "Pas de logo" in cover.preview.value and cover.remove_button.layout.display == "none"
    _upload(app, "logo.png", png())
    name = f"{example_path.stem}.logo.png"
    assert on_disk().logo == name and (workspace_dir / name).read_bytes() == png()
    assert '<img src="data:image/png;base64,' in cover.preview.value and cover.remove_button.layout.display != "none"
    assert cover.upload.value == ()  # the bytes do not stay in the page
    # A wrong file: its reason beside the field, in French; the previous logo stays, on disk and in the page.
    _upload(app, "logo.svg", HOSTILE_SVGS["script"], "image/svg+xml")
    assert "« script »" in cover.logo.message.value and cover.logo.invalid
    assert on_disk().logo == name and (workspace_dir / name).read_bytes() == png()
    assert '<img src="data:image/png;base64,' in cover.preview.value
    _upload(app, "photo.gif", b"GIF89a" + b"\0" * 20, "image/gif")
    assert "PNG ou SVG" in cover.logo.message.value and on_disk().logo == name
    _upload(app, "big.png", png() + b"\0" * (1024 * 1024), "image/png")
    assert "Le logo pèse 1 025 Ko : 1 024 Ko au plus" in cover.logo.message.value.replace("\u202f", " ")
    assert on_disk().logo == name
    # A plain SVG replaces it and is shown as drawn.
    _upload(app, "logo.svg", PLAIN_SVG, "image/svg+xml")
    assert on_disk().logo == f"{example_path.stem}.logo.svg" and not cover.logo.invalid
    assert '<img src="data:image/svg+xml;base64,' in cover.preview.value and "SVG" in cover.preview.value
    cover.remove_button.click()
    assert on_disk().logo == "" and "Pas de logo" in cover.preview.value
    assert cover.remove_button.layout.display == "none"


def test_the_logo_refusal_is_said_in_english(workspace_dir: Path, example_path: Path) -> None:
    from tests.test_cover import HOSTILE_SVGS

    shutil.copy(example_path, workspace_dir)
    _session, app = _home(workspace_dir, {"workbook": example_path.stem, "lang": "en"})
    assert "For the plan&#x27;s cover" in app.cover.children[0].value and "1,024 KB at most" in app.cover.children[0].value
    _upload(app, "logo.svg", HOSTILE_SVGS["onload"], "image/svg+xml")
    assert "“onload” attribute" in app.cover.logo.message.value
    assert Workspace(workspace_dir).open(example_path.stem).workbook.identity.logo == ""


def test_the_cover_fields_follow_another_device(workspace_dir: Path, example_path: Path) -> None:
    from tests.test_cover import png

    shutil.copy(example_path, workspace_dir)
    b_session, b_app = _home(workspace_dir, {"workbook": example_path.stem})
    assert "Pas de logo" in b_app.cover.preview.value
    a = WorkbookSession(Workspace(workspace_dir))  # another device, on the same file
    assert a.open(example_path.stem) and a.opened is not None and a.workbook is not None
    a.workbook.identity.logo = save_logo(a.opened.path, png())
    a.workbook.identity.summary = "Un résumé écrit ailleurs."
    assert a.changed()
    assert b_session.take_external_change()
    assert '<img src="data:image/png;base64,' in b_app.cover.preview.value
    assert b_app.cover.remove_button.layout.display != "none"
    assert b_app.cover.summary.value == "Un résumé écrit ailleurs."
    assert "25 caractères sur 800" in b_app.cover.summary_count.value
