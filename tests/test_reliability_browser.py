"""Idle and reload (issue 6), in Chromium against a real ``kpa serve``.

* A visitor's kernel that dies (here: shut down through the server's REST API, as the
  idle culler does) makes the page say so and offer a reload; the reloaded page has
  a new kernel and finds the workbook as last saved.
* Ten tabs opened and closed leave no kernel behind.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from kpawidgets.storage.workspace import Workspace
from tests.conftest import wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLE_NAME = "exemple-quartier-des-tisserands"
LOST_FR = "La connexion avec le carnet est perdue"
LOST_EN = "The connection to the workbook was lost"


def _kernel_id(page: Any) -> str:
    return str(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


def _kill_kernel(server: Any, kernel_id: str) -> None:
    """Shut the kernel down as the culler would: DELETE /api/kernels/<id> on the server."""
    request = urllib.request.Request(f"{server.base}/api/kernels/{kernel_id}", method="DELETE")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204
    try:
        urllib.request.urlopen(f"{server.base}/api/kernels/{kernel_id}", timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404  # what the page's check will see
    else:
        raise AssertionError("the kernel still answers after DELETE")


def _wait_kernels(server: Any, at_most: int, timeout: float = 90) -> int:
    """Wait (bounded) until the server runs at most *at_most* kernel processes; return the count seen last."""
    deadline = time.monotonic() + timeout
    count = len(server.kernels())
    while count > at_most and time.monotonic() < deadline:
        time.sleep(0.5)
        count = len(server.kernels())
    return count


def _copy(server: Any, name: str) -> Path:
    target = server.workspace / f"{name}.json"
    shutil.copy(server.workspace / f"{EXAMPLE_NAME}.json", target)
    return target


def test_dead_kernel_shows_reload_banner_and_reload_finds_last_save(voila_server: Any, page: Any) -> None:
    name = "fiabilite-rechargement"
    _copy(voila_server, name)
    page.add_init_script("window.KPA_KERNEL_CHECK_MS = 2000")  # every 2 s instead of 15 s (still lets the network go idle)
    page.goto(voila_server.url("00_accueil.ipynb", f"workbook={name}"))
    wait_rendered(page)
    assert page.locator("#kpa-kernel-lost").is_hidden()
    first_kernel = _kernel_id(page)
    # The last save before the kernel dies (what a widget callback would have written).
    workspace = Workspace(voila_server.workspace)
    opened = workspace.open(name)
    opened.workbook.identity.territory = "KPA des Tisserands — dernière sauvegarde"
    workspace.save(opened)
    _kill_kernel(voila_server, first_kernel)
    banner = page.locator("#kpa-kernel-lost")
    banner.wait_for(state="visible", timeout=30_000)
    assert LOST_FR in banner.inner_text() and LOST_EN not in banner.inner_text()
    assert banner.get_attribute("data-reason") == "kernel-gone"
    assert "Recharger la page" in banner.locator("button").inner_text()
    page.screenshot(path=str(_shots() / "kernel-lost-fr.png"))
    banner.locator("button").click()
    wait_rendered(page)
    assert _kernel_id(page) != first_kernel
    assert page.locator("#kpa-kernel-lost").is_hidden()
    assert "KPA des Tisserands — dernière sauvegarde" in page.locator(".kpa-header").inner_text()
    page.close()


def test_first_click_on_a_dead_page_shows_the_banner_in_english(voila_server: Any, page: Any) -> None:
    """With the default 15 s poll, a click on a page whose kernel is gone shows the banner at once."""
    name = "fiabilite-clic"
    _copy(voila_server, name)
    page.goto(voila_server.url("00_accueil.ipynb", f"workbook={name}&lang=en"))
    wait_rendered(page)
    _kill_kernel(voila_server, _kernel_id(page))
    page.locator(".kpa-brand").click()  # not a link: the page stays
    banner = page.locator("#kpa-kernel-lost")
    banner.wait_for(state="visible", timeout=10_000)
    assert LOST_EN in banner.inner_text() and LOST_FR not in banner.inner_text()
    assert banner.locator("button").inner_text().strip() == "Reload the page"
    page.close()


def test_unreachable_server_shows_the_banner_and_recovers(voila_server: Any, page: Any) -> None:
    """Wifi down: the kernel endpoint cannot be reached → banner; back up → the banner goes away."""
    page.add_init_script("window.KPA_KERNEL_CHECK_MS = 2000")
    page.goto(voila_server.url("00_accueil.ipynb", f"workbook={EXAMPLE_NAME}"))
    wait_rendered(page)
    pattern = "**/api/kernels/*"
    page.route(pattern, lambda route: route.abort("internetdisconnected"))
    banner = page.locator("#kpa-kernel-lost")
    banner.wait_for(state="visible", timeout=30_000)
    assert banner.get_attribute("data-reason") == "server-unreachable"
    page.unroute(pattern)
    banner.wait_for(state="hidden", timeout=30_000)
    page.close()


def test_ten_tabs_opened_and_closed_leave_no_kernel(voila_server: Any, browser: Any) -> None:
    before = _wait_kernels(voila_server, at_most=0, timeout=30)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        for index in range(10):
            tab = context.new_page()
            tab.goto(voila_server.url("00_accueil.ipynb", f"workbook={EXAMPLE_NAME}"))
            wait_rendered(tab)
            assert len(voila_server.kernels()) >= 1
            tab.close(run_before_unload=True)
    finally:
        context.close()
    after = _wait_kernels(voila_server, at_most=before)
    assert after <= before, f"{after} kernels left after 10 tabs (started with {before}): {voila_server.log()[-1500:]}"


def _shots() -> Path:
    from tests.conftest import screenshot_dir

    return screenshot_dir()


def _kernel_pid(server: Any, kernel_id: str) -> int:
    """The process id of the kernel *kernel_id* (its connection file is named after it)."""
    for pid in server.kernels():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if kernel_id.encode() in cmdline:
            return pid
    raise AssertionError(f"no process for kernel {kernel_id}: {server.kernels()}")


def test_edits_after_a_kernel_crash_are_not_dropped_silently(voila_server: Any, page: Any) -> None:
    """Issue 13: kill -9 a page's kernel; Jupyter restarts a blank one under the same id. The next
    edit shows the banner (in the page's language), the file is unchanged, the typed text stays,
    and the reloaded page puts it back, so the new kernel saves it."""
    import os
    import signal

    name = "fiabilite-crash"
    path = _copy(voila_server, name)
    page.goto(voila_server.url("00_accueil.ipynb", f"workbook={name}"))
    wait_rendered(page)
    kernel_id = _kernel_id(page)
    field = page.locator(".kpa-f-identity-neighbourhood input")
    field.wait_for(state="visible")
    field.fill("Les Trois-Ponts")  # an edit the live kernel saves (and echoes)
    field.press("Enter")
    deadline = time.monotonic() + 30
    while "Les Trois-Ponts" not in path.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Les Trois-Ponts" in path.read_text(encoding="utf-8")
    old_pid = _kernel_pid(voila_server, kernel_id)
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 60  # wait (bounded) for the server to restart it under the same id
    new_pid = None
    while time.monotonic() < deadline:
        try:
            new_pid = _kernel_pid(voila_server, kernel_id)
        except AssertionError:
            new_pid = None
        if new_pid not in (None, old_pid):
            break
        time.sleep(0.5)
    assert new_pid not in (None, old_pid), "the server did not restart the kernel"
    before = path.read_bytes()
    banner = page.locator("#kpa-kernel-lost")
    assert banner.is_hidden()  # the server still says 200 for this kernel id

    field.fill("Quartier du Pile")
    field.press("Enter")
    banner.wait_for(state="visible", timeout=30_000)
    assert banner.get_attribute("data-reason") == "kernel-replaced"
    text = banner.inner_text()
    assert LOST_FR in text and "n'est pas enregistré" in text and LOST_EN not in text
    assert field.input_value() == "Quartier du Pile"  # what was typed stays
    assert path.read_bytes() == before  # nothing half-written
    button = banner.locator("button")
    assert button.inner_text().strip() == "Recharger en gardant ma saisie"
    page.screenshot(path=str(_shots() / "kernel-replaced-fr.png"))

    button.click()
    wait_rendered(page)
    assert _kernel_id(page) != kernel_id or _kernel_pid(voila_server, _kernel_id(page)) != new_pid
    page.wait_for_function("() => document.documentElement.dataset.kpaRestored === '1'", timeout=60_000)
    assert page.locator(".kpa-f-identity-neighbourhood input").input_value() == "Quartier du Pile"
    deadline = time.monotonic() + 30
    while "Quartier du Pile" not in path.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Workspace(voila_server.workspace).open(name).workbook.identity.neighbourhood == "Quartier du Pile"
    assert page.locator("#kpa-kernel-lost").is_hidden()
    page.close()
