"""Issue 25, the « Réseau » page in Chromium at 1280×720: eleven territories and a damaged file, a filter, the
folder followed live, the link from the home page. Runs a real ``kpa serve`` with ``KPA_NETWORK_DIR`` set;
waits are bounded and nothing is timed."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpawidgets.tools.network_seed import seed_folder
from tests.conftest import EXAMPLE, VoilaServer, screenshot_dir, wait_or_explain, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "06_reseau.ipynb"


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VoilaServer, Path]]:
    """A ``kpa serve`` whose network folder holds 11 territories' shared figures and one damaged file."""
    root = tmp_path_factory.mktemp("network")
    workspace, folder = root / "workspace", root / "reseau"
    workspace.mkdir()
    shutil.copy(EXAMPLE, workspace / EXAMPLE.name)
    seed_folder(folder, 11, dt.date.today())
    (folder / "abime.json").write_text("{", encoding="utf-8")
    before = os.environ.get("KPA_NETWORK_DIR")
    os.environ["KPA_NETWORK_DIR"] = str(folder)
    try:
        server = VoilaServer(workspace, root / "voila.log")
    finally:
        if before is None:
            os.environ.pop("KPA_NETWORK_DIR", None)
        else:
            os.environ["KPA_NETWORK_DIR"] = before
    yield server, folder
    server.stop()


def test_the_network_page_at_1280x720(network_server: tuple[VoilaServer, Path], page: Any) -> None:
    server, folder = network_server
    page.goto(server.url("00_accueil.ipynb", f"workbook={EXAMPLE.stem}"))
    wait_rendered(page)
    link = page.locator("a.kpa-network-link")
    assert link.count() == 1 and page.locator(".kpa-nav a[href^='06_reseau']").count() == 0
    link.click()
    wait_or_explain(page, ".kpa-rs-table", 90_000, server_log=server.log)
    wait_rendered(page)
    assert page.url.split("?")[0].endswith(PAGE)
    rows = page.locator("tr.kpa-rs-row")
    assert rows.count() == 12
    assert "La Cape" in page.locator(".kpa-rs-table").inner_text()
    assert "fichier abîmé (pas du JSON) : pas lu" in page.locator(".kpa-rs-row-problem").inner_text()
    assert "en 2019 : 4 KPA" in page.locator(".kpa-rs-cards").inner_text()
    page.screenshot(path=str(screenshot_dir() / "network-page-1280x720.png"))
    # the first row fits the projector's width: nothing runs off the right edge
    box = page.locator(".kpa-rs-table tr").first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280

    # only the red ones
    reds = page.locator("tr.kpa-rs-row-red").count()
    assert 0 < reds < 12
    page.locator(".kpa-rs-filter select").select_option(label="Rouges")
    page.wait_for_function(f"document.querySelectorAll('tr.kpa-rs-row').length === {reds}", timeout=30_000)
    assert page.locator("tr.kpa-rs-row-green").count() == 0
    page.locator(".kpa-rs-rules").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "network-page-red-rules-1280x720.png"))
    page.locator(".kpa-rs-filter select").select_option(label="Tous les territoires")
    page.wait_for_function("document.querySelectorAll('tr.kpa-rs-row').length === 12", timeout=30_000)

    # another territory shares: its row appears without a reload
    data = json.loads((folder / "territoire-0000.json").read_text(encoding="utf-8"))
    data["figures"]["territory"] = "KPA Saint-Maurice"
    (folder / "saint-maurice.json").write_text(json.dumps(data), encoding="utf-8")
    page.wait_for_selector("text=KPA Saint-Maurice", timeout=30_000)
    assert page.locator("tr.kpa-rs-row").count() == 13
    assert page.outside_requests == []
