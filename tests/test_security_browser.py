"""No traceback and no file path reaches a visitor (issue 6), in Chromium against ``kpa serve``.

A corrupt workbook, a missing one, hostile ``workbook=`` values: every page says what is
wrong in words, names the file (never its full path), and shows no traceback.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["00_accueil.ipynb", "01_checklist.ipynb", "02_budget.ipynb", "03_plan.ipynb"]
LEAKS = ("Traceback", "Error:", "File \"", "site-packages", "kpawidgets/", ".py\", line", "Exception")


@pytest.fixture(scope="module")
def broken(voila_server: Any) -> Any:
    (voila_server.workspace / "carnet-abime.json").write_text('{"schema_version": 1, "identity": {"territ',
                                                                encoding="utf-8")
    (voila_server.workspace / "carnet-futur.json").write_text('{"schema_version": 99, "identity": {}}', encoding="utf-8")
    return voila_server


def _page_text(page: Any) -> str:
    return str(page.evaluate("document.body.innerText"))


def _assert_no_leak(text: str, server: Any) -> None:
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} shown to a visitor: …{text[max(0, text.find(leak) - 200):text.find(leak) + 200]}…"
    for path in (str(server.workspace), str(server.workspace.parent), "/tmp/", "/root", "/home/"):
        assert path not in text, f"a server path is shown to a visitor: {path}"


@pytest.mark.parametrize("notebook", PAGES)
def test_corrupt_workbook_names_the_file_without_its_path(broken: Any, page: Any, notebook: str) -> None:
    page.goto(broken.url(notebook, "workbook=carnet-abime"))
    wait_rendered(page)
    text = _page_text(page)
    _assert_no_leak(text, broken)
    assert "carnet-abime.json" in text
    assert "n'est pas un carnet lisible" in text


def test_newer_workbook_and_english(broken: Any, page: Any) -> None:
    page.goto(broken.url("00_accueil.ipynb", "workbook=carnet-futur&lang=en"))
    wait_rendered(page)
    text = _page_text(page)
    _assert_no_leak(text, broken)
    assert "newer version" in text.lower()


@pytest.mark.parametrize("query", [
    "workbook=carnet-absent", "workbook=..%2F..%2Fetc%2Fpasswd", "workbook=%2Fetc%2Fpasswd",
    "workbook=%00", "workbook=%7E%2F.bashrc", "workbook=" + "x" * 3000, "workbook=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "lang=%3Cimg%20src%3Dx%3E&workbook=carnet-absent",
])
def test_hostile_or_missing_workbook_in_the_url(broken: Any, page: Any, query: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(broken.url("01_checklist.ipynb", query))
    wait_rendered(page)
    text = _page_text(page)
    _assert_no_leak(text, broken)
    assert "root:" not in text  # /etc/passwd never read
    assert dialogs == []  # no script ran
    assert page.locator(".kpa-banner-error, .kpa-banner-warning").count() >= 1
