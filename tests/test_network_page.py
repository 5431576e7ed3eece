"""Issue 25, the « Réseau » page without a browser: rows, sort and filter, follow the folder, the outputs."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json
import re
import shutil
import time
from pathlib import Path

import pypdf

from kpawidgets.app.home import build_home
from kpawidgets.app.live import watcher
from kpawidgets.app.network import build_network
from kpawidgets.app.network.page import SHOWN_ROWS, NetworkBody
from kpawidgets.app.session import WorkbookSession
from kpawidgets.i18n import use_language
from kpawidgets.report.network import PDF_ROWS
from kpawidgets.storage.workspace import Workspace
from kpawidgets.tools.network_seed import seed_folder
from tests.conftest import run_coroutine
from tests.pagekit import flat, open_page

TODAY = dt.date(2026, 12, 7)


def _page(workspace_dir: Path, folder: Path | None, lang: str = "fr") -> NetworkBody:
    session = WorkbookSession(Workspace(workspace_dir), lang)
    with use_language(lang):
        shell = build_network(session, folder, today=lambda: TODAY)
    body = shell.body.children[0]
    assert isinstance(body, NetworkBody)
    return body


def _territories(html: str) -> list[str]:
    return re.findall(r'<td><span class="kpa-rs-dot[^"]*" aria-hidden="true"></span><strong>([^<]+)</strong>', html)


def test_the_page_shows_one_row_a_territory_sorted_and_filtered(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 11, TODAY)
    (folder / "abime.json").write_text("{", encoding="utf-8")
    body = _page(workspace_dir, folder)
    names = _territories(body.table.value)
    assert len(names) == 12 and names[-1] == "abime.json"  # 11 territories, then the file not read
    assert "La Cape" in names and "Les Coopains à bord" in names
    totals = flat(body.totals.value)
    assert "11</span><span class=\"kpa-big-label\">territoires partagent leurs chiffres" in totals
    assert "en 2019 : 4 KPA" in totals and "en 2019 : 46 membres" in totals and "en 2019 : 4,8 ETP" in totals
    assert "fichier non lu : 1" in totals
    assert "Dossier lu : " + str(folder) in body.where.value
    rules = flat(body.children[6].value)
    assert "Rouge : le lieu ou la structure de portage n'est pas réglé à 30 jours du lancement ou moins." in \
        rules.replace("&#x27;", "'")
    # filter, search and sort change the rows drawn
    body.light.value = "red"
    red = _territories(body.table.value)
    assert red and all(f'kpa-rs-row-red" data-source' in body.table.value for _ in red)
    assert "kpa-rs-row-green" not in body.table.value and "abime.json" not in red
    body.light.value = "all"
    body.search.value = "roubaix"
    assert sorted(_territories(body.table.value)) == ["KPA des Trois-Ponts", "La Cape"]
    body.search.value = ""
    body.sort.value = "territory"
    names = _territories(body.table.value)
    assert names[:-1] == sorted(names[:-1], key=str.casefold)
    body.light.value = "problem"
    assert _territories(body.table.value) == ["abime.json"]
    assert "fichier abîmé (pas du JSON) : pas lu" in body.table.value


def test_a_big_network_draws_the_most_urgent_rows_and_counts_the_others(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, SHOWN_ROWS + 20, TODAY)
    body = _page(workspace_dir, folder)
    assert len(_territories(body.table.value)) == SHOWN_ROWS
    assert "… et 20 autres lignes : filtrez, ou exportez le tableau." in body.table.value
    assert f"{SHOWN_ROWS + 20}</span>" in body.totals.value  # the totals count every territory
    body.search.value = "Lyon"  # a filter brings the others within reach
    assert 0 < len(_territories(body.table.value)) < SHOWN_ROWS and "autres lignes" not in body.table.value


def test_the_page_speaks_english_and_says_when_there_is_no_folder(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 2, TODAY)
    body = _page(workspace_dir, folder, "en")
    assert "The network: every territory" in body.children[0].value
    assert "territories share their figures" in body.totals.value and "Why this colour" in body.table.value
    session = WorkbookSession(Workspace(workspace_dir), "fr")
    shell = build_network(session, None)  # no KPA_NETWORK_DIR: the workspace, empty here
    assert "Aucun territoire ne correspond." in shell.body.children[0].table.value
    bare = NetworkBody(session, shell, None)
    assert "KPA_NETWORK_DIR" in bare.where.value


def test_the_home_page_links_to_the_network_page(workspace_dir: Path, example_path: Path) -> None:
    home = open_page(build_home, workspace_dir, example_path)
    bottom = home.shell.body.children[0].children[2].value
    assert 'href="06_reseau.ipynb?workbook=exemple-quartier-des-tisserands"' in bottom
    assert "06_reseau" not in home.shell.header.value  # not in the navigation bar


def test_the_page_follows_its_folder(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 3, TODAY)
    body = _page(workspace_dir, folder)
    assert len(_territories(body.table.value)) == 3

    async def scenario() -> bool:
        assert body.follow()
        assert str(folder.absolute()) in watcher().files  # the folder is one entry, not one per file
        await asyncio.sleep(0.5)  # the watch is set up
        data = json.loads((folder / "territoire-0000.json").read_text(encoding="utf-8"))
        data["figures"]["territory"] = "KPA Nouvelle"
        (folder / "nouveau.json").write_text(json.dumps(data), encoding="utf-8")
        deadline = time.monotonic() + 15
        while "KPA Nouvelle" not in body.table.value and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return "KPA Nouvelle" in body.table.value

    try:
        assert run_coroutine(scenario())
    finally:
        if body.stop_following is not None:
            body.stop_following()
    assert str(folder.absolute()) not in watcher().files
    assert len(_territories(body.table.value)) == 4


def test_the_table_downloads_as_csv_and_xlsx(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 5, TODAY)
    body = _page(workspace_dir, folder)
    body.light.value = "green"
    shown = len(_territories(body.table.value))
    csv = body.export("csv").decode("utf-8-sig")
    assert csv.count("\r\n") == shown + 1  # what the page shows, as filtered
    assert 'download="reseau-2026-12-07.csv"' in body.export_status.value
    assert body.export("xlsx")[:2] == b"PK"
    assert 'download="reseau-2026-12-07.xlsx"' in body.export_status.value


def test_the_state_of_the_network_pdf_is_one_page_read_back(workspace_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reseau"
    seed_folder(folder, 30, TODAY)
    (folder / "abime.json").write_text("{", encoding="utf-8")
    body = _page(workspace_dir, folder)
    pdf = body.export("pdf")
    match = re.search(r'href="data:application/pdf;base64,([^"]+)"', body.export_status.value)
    assert match and base64.b64decode(match.group(1)) == pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "État du réseau" in text and "Au 7 décembre 2026" in text
    assert re.search(r"\b30 ?territoires qui partagent", text) and "4 KPA dans la présentation (avril 2019)" in text
    assert "46 membres dans la présentation" in text
    assert f"et {31 - PDF_ROWS} autres lignes" in text  # 30 territories and one file, PDF_ROWS on the page
    assert "Rouge : le lieu ou la structure de portage" in text
    assert reader.metadata is not None and reader.metadata.title == "État du réseau"
    assert "Premier export : la tendance sera donnée au prochain." in text
    kept = sorted((workspace_dir / ".reseau").glob("etat-*.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8"))["figures"]["territories"] == 30
    # a territory more: the next export says the trend since this one (and keeps its own state)
    seed_folder(tmp_path / "plus", 31, TODAY)
    shutil.copy(tmp_path / "plus" / "territoire-0030.json", folder / "territoire-0030.json")
    body.reload()
    time.sleep(1.1)  # another second: another state's name
    again = " ".join(pypdf.PdfReader(io.BytesIO(body.export("pdf"))).pages[0].extract_text().split())
    assert "Depuis l'export du 7 déc. 2026 : territoires 30 → 31" in again, again[:400]
    assert len(list((workspace_dir / ".reseau").glob("etat-*.json"))) == 2
    assert list(folder.glob(".reseau*")) == []  # the network's folder is never written
