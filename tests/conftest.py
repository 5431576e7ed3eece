"""Shared fixtures: a workspace, a real Voilà server (``kpa serve``) and headless Chromium."""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar
from pathlib import Path

import pytest

from kpawidgets.tools.procs import descendants, free_port, kernel_pids, stop_process, wait_until_serving

__all__ = ["ROOT", "EXAMPLE", "CHROMIUM_FLAGS", "descendants", "free_port", "kernel_pids", "wait_until_serving",
           "VoilaServer", "chromium_path", "wait_rendered", "screenshot_dir"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sample_data" / "exemple-quartier-des-tisserands.json"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


class VoilaServer:
    """A ``kpa serve`` process on 127.0.0.1 and a free port."""

    def __init__(self, workspace: Path, log_path: Path) -> None:
        self.workspace = workspace
        self.log_path = log_path
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # Two test workers pick free ports at once: a port taken between free_port() and Voilà's
        # bind makes kpa serve stop (no retry on another port), and the server starts on a new one.
        for _attempt in range(3):
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
            self._log = open(log_path, "wb")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kpawidgets.cli", "serve", "--no-browser", "--port", str(self.port),
                 "--workspace", str(workspace)],
                stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
            )
            if wait_until_serving(self.port, self.process):
                return
            stop_process(self.process, timeout=20)
            if "already" not in self.log() and "utilisé" not in self.log():
                break
            self._log.close()
        raise RuntimeError(f"kpa serve did not start: {self.log()}")

    def url(self, notebook: str, query: str = "") -> str:
        return f"{self.base}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def kernels(self) -> list[int]:
        """Process ids of the kernels this server runs."""
        return kernel_pids(self.process.pid)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        stop_process(self.process, timeout=20)
        self._log.close()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """One Voilà server per test module, on its own workspace holding the example workbook."""
    folder = tmp_path_factory.mktemp("served")
    workspace = folder / "workspace"
    workspace.mkdir()
    shutil.copy(EXAMPLE, workspace / EXAMPLE.name)
    server = VoilaServer(workspace, folder / "voila.log")
    yield server
    server.stop()


def chromium_path() -> str | None:
    candidate = os.environ.get("KPA_CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium driven by Playwright (the system's browser, never a download)."""
    executable = chromium_path()
    if executable is None or not Path(executable).exists():
        if os.environ.get("KPA_REQUIRE_BROWSER") == "1":
            pytest.fail("KPA_REQUIRE_BROWSER=1 but no Chromium at /usr/bin/chromium or $KPA_CHROMIUM")
        pytest.skip("no Chromium found (install Debian's chromium or set KPA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("KPA_REQUIRE_BROWSER") == "1":
            raise
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield instance
        instance.close()


class OutsideRequests(list):
    """URLs the page tried to load from anywhere but 127.0.0.1 (they are blocked)."""


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A 1280×720 page that blocks and records every request leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")  # type: ignore[attr-defined]
    outside = OutsideRequests()

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    tab = context.new_page()
    tab.outside_requests = outside  # type: ignore[attr-defined]
    yield tab
    context.close()


T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
    """``asyncio.run(coroutine)`` in a thread of its own.

    Once the session's Playwright browser has started, the main thread already runs
    Playwright's event loop, so ``asyncio.run`` there raises « cannot be called from a
    running event loop »; a test's own loop goes in its own thread.
    """
    import asyncio

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="test-event-loop", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"coroutine still running after {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def wait_rendered(tab: object, timeout: float = 60_000) -> None:
    """Wait until Voilà has run the notebook and the page's widgets are on screen."""
    tab.wait_for_selector(".kpa-page", state="visible", timeout=timeout)  # type: ignore[attr-defined]
    tab.wait_for_load_state("networkidle", timeout=timeout)  # type: ignore[attr-defined]


def wait_or_explain(tab: Any, selector: str, timeout: float, *, state: str = "visible",
                    server_log: Callable[[], str] | None = None) -> None:
    """``tab.wait_for_selector``; when it times out, fail with what the page showed (its address, the
    step, the stage's text, the kernel-lost banner, how many elements matched and how many of them
    were shown), the server log's end, and a screenshot: a CI log then says why."""
    try:
        tab.wait_for_selector(selector, state=state, timeout=timeout)
        return
    except Exception as exc:  # Playwright's TimeoutError
        waited = exc
    shown = tab.evaluate("""(selector) => {
        const all = [...document.querySelectorAll(selector)];
        const stage = document.querySelector('.kpa-cl-stage');
        const banner = document.getElementById('kpa-kernel-lost');
        return {matched: all.length, visible: all.filter(e => e.getClientRects().length > 0).length,
                step: (document.querySelector('.kpa-cl-dot-current') || {}).textContent || null,
                kernelLost: banner ? !banner.hidden : null,
                stage: stage ? stage.innerText.slice(0, 600) : document.body.innerText.slice(0, 600)};
    }""", selector)
    picture = screenshot_dir() / f"failed-{re.sub(r'[^a-z0-9]+', '-', selector.lower()).strip('-')[:60]}.png"
    with contextlib.suppress(Exception):
        tab.screenshot(path=str(picture))
    log = server_log()[-2000:] if server_log is not None else ""
    raise AssertionError(f"{selector!r} not {state} after {timeout / 1000:.0f} s at {tab.url}: {shown}; "
                         f"screenshot {picture}; server log's end:\n{log}") from waited


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("KPA_SCREENSHOTS", ROOT / "out" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _own_file_watcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test's pages follow their files with a watcher of their own, stopped at its end.

    A kernel has one watcher for its page; the test process builds hundreds of pages, and
    once Playwright's loop runs they all register with it: past the watcher's bound (64
    files) the later pages' live following was refused.
    """
    from kpawidgets.app import live

    monkeypatch.setattr(live, "_WATCHER", None)
    yield
    if live._WATCHER is not None:
        live._WATCHER.stop()


@pytest.fixture(autouse=True)
def _french_by_default() -> Iterator[None]:
    """Each test starts in French: a page built in English sets the kernel's language (by design)."""
    from kpawidgets.i18n import set_language

    set_language("fr")
    yield
    set_language("fr")


# --- tiers (DEVELOPING.md « Tests by tier »): a test's tier is the heaviest real thing it runs.
#: What in a test's source (or one of its fixtures') renders a PDF with WeasyPrint.
_PDF_WORK = re.compile(r"render_pdf\(|html_to_pdf\(|export_plan\(|export_workbook\(|\bpdf=|[\"']--pdf[\"']|kpa_pdf|PdfReader")
#: What starts a kernel of its own (nbclient, jupyter_client).
_KERNEL_WORK = re.compile(r"NotebookClient|start_new_kernel|nbclient|KernelManager\(")


def _sources(item: pytest.Item) -> str:
    """The source of a test function and of the fixtures it asks for (empty where there is none)."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info else ()):
        functions.extend(definition.func for definition in definitions if not definition.func.__module__.startswith("_pytest"))
    texts = []
    for function in functions:
        if function is None:
            continue
        try:
            texts.append(inspect.getsource(function))
        except (OSError, TypeError):
            continue
    return "\n".join(texts)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its tier, so that ``make check`` can leave the heavy ones out.

    ``browser`` (a Chromium page), ``server`` (a real ``kpa serve``), ``kernel`` (a kernel of its
    own), ``pdf`` (a WeasyPrint render): found from the fixtures a test asks for and what its
    source calls, so a new test lands in its tier without anyone remembering to mark it.
    """
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"page", "browser"}:
            item.add_marker(pytest.mark.browser)
        if "voila_server" in names:
            item.add_marker(pytest.mark.server)
        source = _sources(item)
        if _PDF_WORK.search(source):
            item.add_marker(pytest.mark.pdf)
        if _KERNEL_WORK.search(source):
            item.add_marker(pytest.mark.kernel)
    _heavy_files_first(config, items)


# --- two workers (pytest-xdist, ``make test``): each file runs whole on one worker
# (``--dist loadfile``: a module's server is started once), the heaviest files first, so that no
# long file starts last while the other worker sits idle.
#: Seconds a test of each tier costs, roughly, on a loaded two-core machine (a first run's guess;
#: later runs use the seconds measured last time, kept in pytest's cache).
_TIER_SECONDS = {"browser": 6.0, "kernel": 6.0, "server": 1.0, "pdf": 3.0, "slow": 3.0}
#: A module's own Voilà server (``voila_server``) takes about this long to start and stop.
_SERVER_SECONDS = 12.0
_CACHE_KEY = "kpa/file-seconds"


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _guessed_seconds(items: list[pytest.Item]) -> float:
    seconds = _SERVER_SECONDS if any("voila_server" in getattr(item, "fixturenames", ()) for item in items) else 0.0
    for item in items:
        tiers = [_TIER_SECONDS[mark.name] for mark in item.iter_markers() if mark.name in _TIER_SECONDS]
        seconds += max(tiers, default=0.05)
    return seconds


def _heavy_files_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the files by what they cost (last run's seconds, or a guess from their tiers), heaviest first.

    Tests keep their order inside a file. The order is the same in every worker (xdist checks
    that the workers collected the same list), and ``make test`` passes ``--no-loadscope-reorder``
    so that xdist keeps it.
    """
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    measured: dict[str, float] = cache.get(_CACHE_KEY, {}) if cache is not None else {}
    by_file: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_file.setdefault(_file_of(item.nodeid), []).append(item)
    cost = {name: measured.get(name, _guessed_seconds(group)) for name, group in by_file.items()}
    items[:] = [item for name in sorted(by_file, key=lambda name: -cost[name]) for item in by_file[name]]


_SECONDS_THIS_RUN: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each file's seconds (setup, call, teardown); under xdist the controller hears every worker's."""
    _SECONDS_THIS_RUN[_file_of(report.nodeid)] = _SECONDS_THIS_RUN.get(_file_of(report.nodeid), 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep the files' seconds for the next run's order (in the controller, or a run without workers)."""
    config = session.config
    cache = getattr(config, "cache", None)
    if hasattr(config, "workerinput") or cache is None or not _SECONDS_THIS_RUN:
        return
    kept = dict(cache.get(_CACHE_KEY, {}))
    kept.update({name: round(seconds, 1) for name, seconds in _SECONDS_THIS_RUN.items()})
    cache.set(_CACHE_KEY, kept)
