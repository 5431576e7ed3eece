"""`kpa serve` as a process: stopping it stops Voilà and its kernels."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, descendants, free_port, kernel_pids, stop_process, wait_until_serving

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
        # wait until the pool holds a started kernel for each page (every notebook of the folder)
        from kpawidgets.resources import notebooks_dir

        pages = len(list(notebooks_dir().glob("*.ipynb")))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(kernel_pids(process.pid)) < pages:
            time.sleep(0.5)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        tab = context.new_page()
        for name, territory in (("deuxieme", "KPA Deuxième"), ("exemple-quartier-des-tisserands", "KPA des Tisserands")):
            # (the pools' kernels draw their pages all at once: on a loaded machine that takes a while)
            tab.goto(f"http://127.0.0.1:{port}/voila/render/01_checklist.ipynb?workbook={name}&lang=en", timeout=180_000)
            wait_rendered(tab)
            assert territory in tab.inner_text(".kpa-territory")
            assert "Launch checklist" in tab.inner_text(".kpa-nav")
        context.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


# ------------------------------------------------------------ the one voila.json (issue 9)
def _notebook(source: str) -> Any:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    return nbformat.from_dict(new_notebook(cells=[new_code_cell(source)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}))


@pytest.fixture(scope="module")
def served_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """Voilà as ``kpa serve`` starts it (its command, its environment) on a folder of test notebooks."""
    import nbformat

    from kpawidgets.cli.serve import serve_environment, voila_command

    folder = tmp_path_factory.mktemp("config")
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    nbformat.write(_notebook("raise ValueError('KPA-SECRET-DETAIL')"),
                   notebooks / "boom.ipynb")
    nbformat.write(_notebook("print('KPA-OK')"), notebooks / "ok.ipynb")
    (notebooks / "style.css").write_text("/* KPA-CSS */")
    (notebooks / "secret.txt").write_text("KPA-SECRET-FILE")
    workspace = folder / "workspace"
    workspace.mkdir()
    port = free_port()
    log = folder / "voila.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(voila_command(notebooks, port), env=serve_environment(workspace, "fr"),
                                   stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    try:
        assert wait_until_serving(port, process, timeout=120), log.read_text(errors="replace")[-3000:]
        yield port, process, log
    finally:
        stop_process(process, timeout=30)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_voila_json_is_what_a_served_page_gets(served_folder: tuple[int, subprocess.Popen[bytes], Path]) -> None:
    """The settings of kpawidgets/config/voila.json take effect on a served page."""
    from kpawidgets.config import voila_settings

    port, process, log = served_folder
    base = f"http://127.0.0.1:{port}"
    settings = voila_settings()
    # the kpa template
    status, page = _get(base + "/voila/render/ok.ipynb")
    assert status == 200 and "KPA-OK" in page and "kpa/static/kpa.css" in page
    # show_tracebacks: false — the cell's error and its detail never reach the visitor
    assert settings["VoilaConfiguration"]["show_tracebacks"] is False
    status, page = _get(base + "/voila/render/boom.ipynb")
    assert "KPA-SECRET-DETAIL" not in page and "Traceback" not in page and "ValueError" not in page
    # file_allowlist: CSS is served (Voilà's default list refuses it), anything else is refused
    assert _get(base + "/voila/files/style.css") == (200, "/* KPA-CSS */")
    status, body = _get(base + "/voila/files/secret.txt")
    assert status == 403 and "KPA-SECRET-FILE" not in body
    # the culling of idle kernels, as the server itself reports it once a kernel runs
    culling = settings["MappingKernelManager"]
    expected = (f"Culling kernels with idle durations > {culling['cull_idle_timeout']} seconds "
                f"at {culling['cull_interval']} second intervals")
    deadline = time.monotonic() + 60
    while expected not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert expected in log.read_text(errors="replace")
    # kpa serve's kernels talk over IPC (loopback/voila.json): no "running over TCP" warning
    assert "without encryption" not in log.read_text(errors="replace")
    # No traitlets warning about how the settings are passed (issue 9: `make workshop` printed two).
    assert "DeprecationWarning" not in log.read_text(errors="replace")


def test_hub_and_binder_read_the_same_voila_json() -> None:
    """The Jupyter server config of the config dir (hub's user servers, Binder) loads voila.json itself."""
    from traitlets.config import Config, PyFileConfigLoader

    from kpawidgets.config import config_dir, voila_settings

    loaded = PyFileConfigLoader("jupyter_server_config.py", path=str(config_dir())).load_config()
    assert loaded == Config(voila_settings())
    start = (ROOT / "binder" / "start").read_text()
    assert "config_dir()" in start and "JUPYTER_CONFIG_PATH" in start
    assert "VoilaConfiguration" not in (ROOT / "binder" / "postBuild").read_text()  # no second copy


def test_workshop_mode_with_a_pool_starts_with_no_warning(workspace_dir: Path, example_path: Path) -> None:
    """``kpa serve --atelier --preheat 1`` (on every address: the settings not only a loopback server has)
    passes its Voilà settings in a ``voila.json`` of its own, not as ``={...}`` on Voilà's command line."""
    import shutil

    shutil.copy(example_path, workspace_dir)
    port = free_port()
    log = workspace_dir.parent / "atelier.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "0.0.0.0", "--no-browser", "--port", str(port),
             "--workspace", str(workspace_dir), "--workbook", example_path.stem, "--preheat", "1"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        assert wait_until_serving(port, process, timeout=120), log.read_text(errors="replace")[-3000:]
        children = descendants(process.pid)
        voila = next(pid for pid in children if b"voila" in Path(f"/proc/{pid}/cmdline").read_bytes())
        arguments = Path(f"/proc/{voila}/cmdline").read_bytes().decode().split("\0")
        assert not [a for a in arguments if "={" in a or "=[" in a or "identity_provider" in a], arguments
        run_dir = Path(next(line for line in Path(f"/proc/{voila}/environ").read_bytes().decode().split("\0")
                            if line.startswith("JUPYTER_CONFIG_PATH=")).split("=", 1)[1].split(os.pathsep)[0])
        assert run_dir.name.startswith("kpa-serve-") and (run_dir / "voila.json").is_file()
        deadline = time.monotonic() + 120  # the settings took effect: the home page's pool fills
        while "Kernel pool of 00_accueil.ipynb is filled with 1 kernel" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=60).status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "DeprecationWarning" not in text and "deprecated" not in text.lower(), text[-3000:]
    assert not run_dir.exists()  # the run's settings go with the run


def test_a_sigterm_before_the_server_listens_ends_it_at_once() -> None:
    """Voilà's SIGTERM handler used the loop it makes only once listening: a SIGTERM in between
    raised an AttributeError inside start-up (which start-up code may swallow) instead of stopping."""
    code = ("from kpawidgets.config.server import KpaVoila\n"
            "KpaVoila()._handle_signal_stop(15, None)\n"
            "print('still running')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 128 + 15, (done.returncode, done.stderr[-2000:])
    assert "still running" not in done.stdout and "Traceback" not in done.stderr
