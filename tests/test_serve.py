"""`kpa serve` as a process: stopping it stops Voilà and its kernels."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, descendants, free_port, kernel_pids, wait_until_serving

pytestmark = pytest.mark.slow


def test_sigterm_stops_voila_too(workspace_dir: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kpawidgets.cli", "serve", "--no-browser", "--port", str(port), "--workspace", str(workspace_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        first_line = process.stdout.readline().decode()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/voila/render/00_accueil.ipynb" in first_line
        wait_until_serving(port)
        children = descendants(process.pid)
        assert children, "Voilà was not started"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in children), "Voilà outlived kpa serve"
    finally:
        if process.poll() is None:
            process.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.browser
def test_a_preheated_kernel_still_gets_the_visitors_workbook(workspace_dir: Path, example_path: Path, browser) -> None:
    import shutil

    from tests.conftest import wait_rendered

    shutil.copy(example_path, workspace_dir)
    second = workspace_dir / "deuxieme.json"
    second.write_text(example_path.read_text(encoding="utf-8").replace("KPA des Tisserands", "KPA Deuxième"), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kpawidgets.cli", "serve", "--no-browser", "--port", str(port),
         "--workspace", str(workspace_dir), "--preheat", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, process)
        # wait until the pool holds a started kernel for each page
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kernel_pids(process.pid)) < 4:
            time.sleep(0.5)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        tab = context.new_page()
        for name, territory in (("deuxieme", "KPA Deuxième"), ("exemple-quartier-des-tisserands", "KPA des Tisserands")):
            tab.goto(f"http://127.0.0.1:{port}/voila/render/01_checklist.ipynb?workbook={name}&lang=en")
            wait_rendered(tab)
            assert territory in tab.inner_text(".kpa-territory")
            assert "Launch checklist" in tab.inner_text(".kpa-nav")
        context.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
