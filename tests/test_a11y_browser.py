"""Issue 23: the pages pass axe-core (axe-playwright-python, which ships axe.min.js) with no serious or critical
violation: the join page, the phone page (before and after a send, its notice, the sensitive question and
« Effacer mes réponses »), the projector and the facilitator's pages. A real ``kpa serve --atelier`` on
127.0.0.1. What axe finds is written to ``out/screenshots/axe-<page>.json``.

Every control has a name (``labelled`` in app/fields.py; ``tests/test_a11y_names.py`` checks the pages without a
browser).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import screenshot_dir, wait_rendered
from tests.test_room_browser import PHONE, AtelierServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtelierServer]:
    server = AtelierServer(tmp_path_factory.mktemp("a11y"))
    yield server
    server.stop()


def blocking(tab: Any, name: str) -> list[tuple[str, str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(tab).response["violations"]
    (Path(screenshot_dir()) / f"axe-{name}.json").write_text(json.dumps(
        [{"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
         for v in violations], ensure_ascii=False, indent=1), encoding="utf-8")
    return [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in BLOCKING]


def test_the_join_page(atelier: AtelierServer, browser: Any) -> None:
    context = browser.new_context(**PHONE)
    try:
        tab = context.new_page()
        tab.goto(f"{atelier.base}/atelier")
        assert "Rejoindre" in tab.content()
        assert blocking(tab, "join") == []
    finally:
        context.close()


def test_the_phone_page_before_and_after_a_send(atelier: AtelierServer, browser: Any) -> None:
    context = browser.new_context(**PHONE)
    try:
        tab = context.new_page()
        tab.goto(atelier.participant_url)
        tab.wait_for_selector("#privacy")
        assert blocking(tab, "phone") == []
        tab.fill("#kpa-alias", "Tournesol")
        tab.click("#me-situation summary")  # the situations and the sensitive question are folded (issue 18)
        tab.check("input[name=sensitive][value=no]")
        tab.click("#me button.kpa-primary")
        tab.wait_for_selector("#me-status .kpa-saved")
        assert blocking(tab, "phone-sent") == []
        tab.click("#forget button")  # « Effacer mes réponses », then asked again
        tab.wait_for_selector("#forget button[value=forget]")
        assert blocking(tab, "phone-forget-asked") == []
        tab.click("#forget button[value=forget]")
        tab.wait_for_selector("#forget-status .kpa-saved")
        assert "Tournesol" not in atelier.file.read_text(encoding="utf-8")
        assert blocking(tab, "phone-forgotten") == []
    finally:
        context.close()


def test_the_projector(atelier: AtelierServer, browser: Any) -> None:
    tab = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        tab.goto(atelier.facilitator_url)
        wait_rendered(tab)
        assert blocking(tab, "projector") == []
    finally:
        tab.close()


@pytest.mark.parametrize("notebook", ["00_accueil", "01_checklist", "02_budget", "03_plan"])
def test_the_facilitators_pages(atelier: AtelierServer, browser: Any, notebook: str) -> None:
    tab = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        tab.goto(atelier.facilitator_url)  # the facilitator's code opens the other pages too
        wait_rendered(tab)
        tab.goto(f"{atelier.base}/voila/render/{notebook}.ipynb?workbook={atelier.file.stem}")
        wait_rendered(tab)
        assert blocking(tab, notebook) == []
    finally:
        tab.close()
