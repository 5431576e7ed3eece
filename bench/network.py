"""The Réseau page's cost with 150 and 1 000 shared-figures files (issue 25).

``python bench/network.py [--sizes 150 1000] [--runs 3] [--browser]`` seeds a folder per size
(:mod:`kpawidgets.tools.network_seed`) and measures, in this process:

- building the page (read the folder, every row, the totals, the table's HTML): the page's own work;
- one changed file: re-read the folder (only that file is parsed) and redraw, i.e. what the watcher's
  callback does before the row is on screen;
- the « État du réseau » PDF, and the table as CSV and .xlsx.

With ``--browser``, also in Chromium at 1280×720 against ``kpa serve`` (``KPA_NETWORK_DIR`` = the folder): time
to interactive of ``06_reseau.ipynb`` next to an empty notebook on the same server (the floor), and from writing
one changed file to its row on screen (watchfiles' grouping of a save, 300 ms, included).

Prints a JSON object (seconds, medians with every run) and writes it to ``out/bench-network.json``.
Not part of ``make test``: timings on a shared machine are for people to read. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpawidgets.app.network import build_network  # noqa: E402
from kpawidgets.app.session import WorkbookSession  # noqa: E402
from kpawidgets.storage.workspace import Workspace  # noqa: E402
from kpawidgets.tools.network_seed import seed_folder  # noqa: E402

TODAY = dt.date.today()


def _summary(values: list[float]) -> dict[str, Any]:
    return {"median_s": round(statistics.median(values), 4), "runs_s": [round(v, 4) for v in values]}


def _change(path: Path, mark: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["figures"]["territory"] = mark
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def in_process(folder: Path, workspace: Path, runs: int) -> dict[str, Any]:
    session = WorkbookSession(Workspace(workspace), "fr")
    builds = []
    for _ in range(runs):
        start = time.perf_counter()
        shell = build_network(session, folder, today=lambda: TODAY)
        builds.append(time.perf_counter() - start)
    body = shell.body.children[0]
    changes = []
    target = sorted(folder.glob("*.json"))[0]
    for index in range(runs * 2):
        _change(target, f"KPA changée {index}")
        os.utime(target, ns=(time.time_ns(), time.time_ns() + index))  # a new mtime even within one tick
        start = time.perf_counter()
        scan = body.reload()
        changes.append(time.perf_counter() - start)
        assert scan is not None and scan.read == 1 and f"KPA changée {index}" in body.table.value
    outputs: dict[str, Any] = {}
    for kind in ("pdf", "csv", "xlsx"):
        times = []
        for _ in range(max(1, runs - 1)):
            start = time.perf_counter()
            data = body.export(kind)
            times.append(time.perf_counter() - start)
        outputs[kind] = {**_summary(times), "bytes": len(data)}
    return {"build": _summary(builds), "one_changed_file": _summary(changes), "outputs": outputs,
            "rows": len(body.scan.rows) if body.scan else 0, "table_html_chars": len(body.table.value)}


async def in_browser(folders: dict[int, Path], runs: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from bench.run import CHROMIUM, FLAGS, KERNEL_FLOOR, Server, _rendered

    results: dict[str, Any] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for size, folder in folders.items():
            os.environ["KPA_NETWORK_DIR"] = str(folder)
            with tempfile.TemporaryDirectory(prefix="kpa-bench-network-") as tmp:
                server = Server(Path(tmp), [])
                try:
                    figures: dict[str, Any] = {}
                    for page in (KERNEL_FLOOR, "06_reseau.ipynb"):
                        times = []
                        for _ in range(runs):
                            context = await browser.new_context(viewport={"width": 1280, "height": 720})
                            tab = await context.new_page()
                            start = time.perf_counter()
                            await tab.goto(server.url(page))
                            await _rendered(tab, page)
                            if page != KERNEL_FLOOR:
                                await tab.wait_for_selector(".kpa-rs-table", timeout=120_000)
                            times.append(time.perf_counter() - start)
                            await context.close()
                            await asyncio.sleep(1.0)
                        figures["floor" if page == KERNEL_FLOOR else "page"] = _summary(times)
                    context = await browser.new_context(viewport={"width": 1280, "height": 720})
                    tab = await context.new_page()
                    await tab.goto(server.url("06_reseau.ipynb"))
                    await _rendered(tab, "06_reseau.ipynb")
                    await tab.wait_for_selector(".kpa-rs-table", timeout=120_000)
                    await asyncio.sleep(1.0)  # the folder's watch is set up
                    target = sorted(folder.glob("*.json"))[1]
                    follows = []
                    for index in range(runs * 2):
                        mark = f"KPA suivie {size}-{index}"
                        start = time.perf_counter()
                        _change(target, mark)
                        await tab.wait_for_selector(f"text={mark}", timeout=30_000)
                        follows.append(time.perf_counter() - start)
                        await asyncio.sleep(0.5)
                    figures["one_changed_file_to_screen"] = _summary(follows)
                    await context.close()
                    results[str(size)] = figures
                finally:
                    server.stop()
        await browser.close()
    os.environ.pop("KPA_NETWORK_DIR", None)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium against kpa serve")
    parser.add_argument("--output", default=str(ROOT / "out" / "bench-network.json"))  # out/ is not committed
    args = parser.parse_args()
    runs = max(1, min(args.runs, 10))
    results: dict[str, Any] = {"date": TODAY.isoformat(), "cpus": os.cpu_count(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="kpa-bench-network-") as tmp:
        folders = {}
        for size in args.sizes[:4]:
            folder = Path(tmp) / f"reseau-{size}"
            start = time.perf_counter()
            seed_folder(folder, size, TODAY)
            seeded = time.perf_counter() - start
            workspace = Path(tmp) / f"workspace-{size}"
            workspace.mkdir()
            results["sizes"][str(size)] = {"seed_s": round(seeded, 3), **in_process(folder, workspace, runs)}
            folders[size] = folder
        if args.browser:
            results["browser"] = asyncio.run(in_browser(folders, runs))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
