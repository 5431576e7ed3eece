"""``make bench``: how fast Carnet KPA is, each figure next to its floor, on this machine.

Prints a table and writes ``bench/results.json``. Not part of ``make test`` (timings on a
shared machine are for people to read, not for assertions).

Figures (issue 6):
- time to interactive of each page in Chromium (request → every widget and chart on screen),
  next to an empty notebook on the same server (Voilà's own kernel start: the floor);
- edit → updated chart on the budget page, next to a bare slider → matplotlib echo;
- ``kpa export --pdf`` of the example, next to ``jupyter nbconvert --execute --to html`` of an
  empty notebook;
- memory (RSS) of one visitor's kernel on each page, next to an empty notebook's kernel;
- a workshop: 20 visitors opening the checklist at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpawidgets.cli import serve_environment, voila_command  # noqa: E402
from kpawidgets.resources import example_workbook_path, notebooks_dir  # noqa: E402
from kpawidgets.tools.procs import free_port, kernel_pids, stop_process, wait_until_serving  # noqa: E402  (the tests' helpers too)
from bench.tabs import close_like_a_person  # noqa: E402

CHROMIUM = os.environ.get("KPA_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = ["00_accueil.ipynb", "01_checklist.ipynb", "02_budget.ipynb", "03_plan.ipynb"]
EXAMPLE = "exemple-quartier-des-tisserands"
KERNEL_FLOOR = "floor_empty.ipynb"
SLIDER_FLOOR = "floor_slider.ipynb"

_SLIDER_SOURCE = """\
import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display
get_ipython().run_line_magic("matplotlib", "inline")
slider = widgets.IntSlider(value=5, min=0, max=100, description="n")
out = widgets.Output()
shown = widgets.HTML(value="5")
shown.add_class("floor-value")
def draw(change=None):
    with out:
        out.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.bar([0, 1], [slider.value, 100 - slider.value])
        display(fig)
        plt.close(fig)
    shown.value = str(slider.value)
slider.observe(draw, names="value")
draw()
box = widgets.VBox([slider, shown, out])
box.add_class("kpa-page")
display(box)
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """Voilà as ``kpa serve`` runs it, on a copy of the notebooks plus the floor notebooks."""

    def __init__(self, workdir: Path, extra: list[str]) -> None:
        self.folder = workdir / "notebooks"
        shutil.copytree(notebooks_dir(), self.folder)
        nbformat.write(new_notebook(cells=[new_code_cell("")], metadata=_kernelspec()), self.folder / KERNEL_FLOOR)
        nbformat.write(new_notebook(cells=[new_code_cell(_SLIDER_SOURCE)], metadata=_kernelspec()),
                       self.folder / SLIDER_FLOOR)
        self.workspace = workdir / "workspace"
        self.workspace.mkdir()
        shutil.copy(example_workbook_path(), self.workspace / f"{EXAMPLE}.json")
        self.port = free_port()
        self.log = open(workdir / "voila.log", "wb")
        env = serve_environment(self.workspace, "fr")
        self.process = subprocess.Popen(voila_command(self.folder, self.port, extra=extra), env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        if not wait_until_serving(self.port, self.process, timeout=90):
            raise RuntimeError("Voilà did not start")

    def url(self, page: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{page}" + (f"?{query}" if query else "")

    def stop(self) -> None:
        stop_process(self.process, timeout=20)
        self.log.close()


def _kernelspec() -> dict[str, Any]:
    return {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


async def _rendered(tab: Any, page: str) -> None:
    """Wait until Voilà finished and every widget and chart is on screen."""
    await tab.wait_for_function("() => !document.querySelector('#loading') || "
                                "getComputedStyle(document.querySelector('#loading')).display === 'none'",
                                timeout=120_000)
    if page != KERNEL_FLOOR:
        await tab.wait_for_selector(".kpa-page", state="visible", timeout=120_000)
        # charts drawn as <img> (matplotlib) or inline SVG must be decoded
        await tab.wait_for_function(
            "() => [...document.querySelectorAll('.kpa-page img')].every(i => i.complete && i.naturalWidth > 0)",
            timeout=60_000)


async def time_to_interactive(browser: Any, server: Server, page: str, runs: int, pause: float = 1.0) -> list[float]:
    times = []
    for _ in range(runs):
        context = await browser.new_context(viewport={"width": 1280, "height": 720})
        tab = await context.new_page()
        start = time.perf_counter()
        await tab.goto(server.url(page, f"workbook={EXAMPLE}"))
        await _rendered(tab, page)
        times.append(time.perf_counter() - start)
        await close_like_a_person(context)
        await asyncio.sleep(pause)  # let the closed tab's kernel shut down (and a preheated pool refill)
    return times


async def kernel_memory(browser: Any, server: Server, page: str) -> float:
    before = set(kernel_pids(server.process.pid))
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    tab = await context.new_page()
    await tab.goto(server.url(page, f"workbook={EXAMPLE}"))
    await _rendered(tab, page)
    await asyncio.sleep(1.0)
    new = set(kernel_pids(server.process.pid)) - before
    rss = max((_rss_mb(pid) for pid in new), default=0.0)
    await close_like_a_person(context)
    await asyncio.sleep(1.0)
    return rss


async def slider_echo(browser: Any, server: Server, runs: int) -> list[float]:
    """Bare slider → matplotlib figure: the floor of a widget round trip with a chart."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    tab = await context.new_page()
    await tab.goto(server.url(SLIDER_FLOOR))
    await _rendered(tab, SLIDER_FLOOR)
    handle = tab.locator(".widget-slider .ui-slider-handle, .widget-slider .noUi-handle").first
    await handle.focus()
    times = []
    for index in range(runs):
        old_src = await tab.locator(".kpa-page img").first.get_attribute("src")
        start = time.perf_counter()
        await tab.keyboard.press("ArrowRight" if index % 2 == 0 else "ArrowLeft")
        await tab.wait_for_function(
            "(old) => { const i = document.querySelector('.kpa-page img'); return i && i.getAttribute('src') !== old; }",
            arg=old_src, timeout=30_000)
        times.append(time.perf_counter() - start)
    await close_like_a_person(context)
    return times


async def budget_edit(browser: Any, server: Server, runs: int) -> list[float]:
    """Type an amount on the budget page, wait for the coverage figure and chart to change."""
    from bench.budget_probe import measure_budget_edit  # kept beside the page's DOM knowledge

    return await measure_budget_edit(browser, server.url("02_budget.ipynb", f"workbook={EXAMPLE}"), runs, _rendered)


async def big_budget_edit(browser: Any, server: Server, runs: int) -> list[float]:
    """The same with 200 lines and 12 scenarios (issue 19: edit → every figure on the page)."""
    from bench.budget_probe import big_budget, measure_budget_edit

    big_budget(example_workbook_path(), server.workspace / "grand-budget.json")
    return await measure_budget_edit(browser, server.url("02_budget.ipynb", "workbook=grand-budget"), runs, _rendered)


async def workshop(browser: Any, server: Server, visitors: int, stagger: float = 0.25) -> dict[str, Any]:
    """*visitors* open the checklist, one every *stagger* seconds (an arrival order): when is each page usable?"""
    origin = time.perf_counter()

    async def one(index: int) -> dict[str, Any]:
        await asyncio.sleep(index * stagger)
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        tab = await context.new_page()
        start = time.perf_counter()
        try:
            await tab.goto(server.url("01_checklist.ipynb", f"workbook={EXAMPLE}"), timeout=400_000)
            await _rendered(tab, "01_checklist.ipynb")
            return {"arrived_s": start - origin, "usable_after_s": time.perf_counter() - start}
        except Exception as exc:  # noqa: BLE001 - a failure is a result here
            return {"arrived_s": start - origin, "error": f"{type(exc).__name__}: {exc}"[:200]}
        finally:
            await close_like_a_person(context)

    results = await asyncio.gather(*(one(i) for i in range(visitors)))
    served = [r for r in results if "usable_after_s" in r]
    times = [r["usable_after_s"] for r in served]
    done = [r["arrived_s"] + r["usable_after_s"] for r in served]
    # Pairs of visitors whose pages became usable in the order they arrived (1.0: first come, first served).
    pairs = [(i, j) for i in range(len(done)) for j in range(i + 1, len(done))]
    in_order = sum(done[i] <= done[j] for i, j in pairs) / len(pairs) if pairs else None
    return {"visitors": visitors, "stagger_s": stagger, "served": len(served), "failed": visitors - len(served),
            "failures": [r["error"] for r in results if "error" in r], "per_visitor": results,
            "first_usable_s": min(times) if times else None, "median_s": statistics.median(times) if times else None,
            "slowest_s": max(times) if times else None, "pairs_in_arrival_order": in_order}


def pdf_export(runs: int, workdir: Path) -> dict[str, list[float]]:
    kpa = Path(sys.executable).with_name("kpa")
    jupyter = Path(sys.executable).with_name("jupyter")
    empty = workdir / "empty.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("")], metadata=_kernelspec()), empty)
    export, floor = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(kpa), "export", str(example_workbook_path()), "--pdf", str(workdir / "plan.pdf")],
                       check=True, capture_output=True)
        export.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([str(jupyter), "nbconvert", "--execute", "--to", "html", str(empty), "--output-dir", str(workdir)],
                       check=True, capture_output=True)
        floor.append(time.perf_counter() - start)
    return {"export": export, "floor": floor}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    results: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
                               "voila_extra": args.voila_arg, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    with tempfile.TemporaryDirectory(prefix="kpa-bench-") as tmp:
        workdir = Path(tmp)
        server = Server(workdir, args.voila_arg)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                await time_to_interactive(browser, server, KERNEL_FLOOR, 1)  # warm the disk cache
                if "tti" not in args.skip:
                    results["tti_s"] = {page: await time_to_interactive(browser, server, page, args.runs, args.pause)
                                        for page in [KERNEL_FLOOR, *PAGES]}
                if "memory" not in args.skip:
                    results["memory_mb"] = {page: await kernel_memory(browser, server, page)
                                            for page in [KERNEL_FLOOR, *PAGES]}
                if "edit" not in args.skip:
                    results["slider_echo_s"] = await slider_echo(browser, server, args.edits)
                    try:
                        results["budget_edit_s"] = await budget_edit(browser, server, args.edits)
                        results["budget_edit_200_lines_12_scenarios_s"] = await big_budget_edit(browser, server, args.edits)
                    except Exception as exc:  # noqa: BLE001 - report, don't hide
                        results["budget_edit_error"] = f"{type(exc).__name__}: {exc}"[:300]
                if "workshop" not in args.skip:
                    results["workshop"] = await workshop(browser, server, args.visitors)
                if "live" not in args.skip:  # issue 10: pages following each other, the merging save
                    from bench.live import run_live

                    results["live"] = await run_live(browser, f"http://127.0.0.1:{server.port}", server.workspace,
                                                     _rendered, min(args.edits, 10))
                await browser.close()
        finally:
            server.stop()
            # keep Voilà's log for whoever reads a failed figure (out/ is not committed)
            (ROOT / "out").mkdir(exist_ok=True)
            shutil.copy(workdir / "voila.log", ROOT / "out" / "bench-voila.log")
        if "pdf" not in args.skip:
            results["pdf_s"] = pdf_export(args.pdf_runs, workdir)
    return results


def _commit() -> str:
    """The commit measured (``-dirty`` with uncommitted changes), for the history."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                               text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return f"{commit}-dirty" if dirty else commit or "?"


def previous_run(history: Path) -> dict[str, Any]:
    """The last run kept in *history* (one JSON line a run), or an empty one."""
    try:
        lines = [line for line in history.read_text(encoding="utf-8").splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else {}
    except (OSError, ValueError):
        return {}


def keep_run(history: Path, rows: list[tuple[str, ...]], when: str) -> None:
    """Add this run's figures (each row's median as printed) to *history*."""
    line = {"when": when, "commit": _commit(), "load": round(os.getloadavg()[0], 1),
            "figures": {row[0]: row[1] for row in rows[1:]}}
    with history.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def table_rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("figure", "median", "floor", "ratio", "target", "ok")]
    floor_tti = _median(results["tti_s"][KERNEL_FLOOR]) if "tti_s" in results else float("nan")
    for page in PAGES if "tti_s" in results else []:
        value = _median(results["tti_s"][page])
        rows.append((f"time to interactive {page}", f"{value:.2f} s", f"{floor_tti:.2f} s",
                     f"{value / floor_tti:.2f}×", "≤ 1.5× floor", "yes" if value <= 1.5 * floor_tti else "NO"))
    echo = _median(results.get("slider_echo_s", [])) * 1000
    if "slider_echo_s" not in results:
        pass  # skipped
    elif "budget_edit_s" in results:
        edit = _median(results["budget_edit_s"]) * 1000
        rows.append(("edit → chart, budget page", f"{edit:.0f} ms", f"{echo:.0f} ms (slider echo)",
                     f"{edit / echo:.2f}×", "≤ 100 ms", "yes" if edit <= 100 else "NO"))
    else:
        rows.append(("edit → chart, budget page", results.get("budget_edit_error", "?"), f"{echo:.0f} ms", "", "≤ 100 ms", "NO"))
    if "budget_edit_200_lines_12_scenarios_s" in results and "slider_echo_s" in results:
        edit = _median(results["budget_edit_200_lines_12_scenarios_s"]) * 1000
        rows.append(("edit → chart, 200 lines, 12 scenarios", f"{edit:.0f} ms", f"{echo:.0f} ms (slider echo)",
                     f"{edit / echo:.2f}×", "≤ 100 ms", "yes" if edit <= 100 else "NO"))
    if "pdf_s" in results:
        pdf, pdf_floor = _median(results["pdf_s"]["export"]), _median(results["pdf_s"]["floor"])
        rows.append(("kpa export --pdf (example)", f"{pdf:.2f} s", f"{pdf_floor:.2f} s (nbconvert empty)",
                     f"{pdf / pdf_floor:.2f}×", "≤ 1.5× floor", "yes" if pdf <= 1.5 * pdf_floor else "NO"))
    memory = results.get("memory_mb", {})
    floor_mem = memory.get(KERNEL_FLOOR, 0.0)
    for page in PAGES if memory else []:
        mem = memory[page]
        rows.append((f"kernel memory {page}", f"{mem:.0f} MB", f"{floor_mem:.0f} MB", f"{mem / floor_mem:.2f}×" if floor_mem else "",
                     "report", ""))
    if "workshop" in results:
        shop = results["workshop"]
        rows.append((f"workshop: {shop['visitors']} visitors on the checklist", f"{shop['served']} served, {shop['failed']} failed",
                     "", f"slowest {shop['slowest_s']:.1f} s" if shop["slowest_s"] else "", "all served",
                     "yes" if shop["failed"] == 0 else "NO"))
        if shop["served"]:
            order = shop["pairs_in_arrival_order"]
            rows.append(("workshop: first page usable / median", f"{shop['first_usable_s']:.1f} s / {shop['median_s']:.1f} s",
                         "", "", "early pages early", ""))
            rows.append(("workshop: pages usable in arrival order", f"{order:.0%} of pairs" if order is not None else "",
                         "", "", "first come, first served", "yes" if order is not None and order >= 0.9 else "NO"))
    if "live" in results:
        from bench.live import table_rows as live_rows

        rows.extend(live_rows(results["live"]))
    return rows


def table(rows: list[tuple[str, ...]], previous: dict[str, Any] | None = None) -> str:
    """The rows as a text table, with the previous run's median beside each figure."""
    before = (previous or {}).get("figures", {})
    label = f"previous ({previous.get('commit', '?')}, load {previous.get('load', '?')})" if previous else "previous"
    rows = [(*rows[0], label)] + [(*row, before.get(row[0], "")) for row in rows[1:]]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="page loads per page")
    parser.add_argument("--edits", type=int, default=15, help="edits for the latency figures")
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--voila-arg", action="append", default=[], help="extra Voilà argument (repeatable)")
    parser.add_argument("--pause", type=float, default=5.0,
                        help="seconds between two page loads: the closed tab's kernel shutdown must not "
                             "overlap the next load on 2 cores")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: tti, memory, edit, workshop, pdf, live")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--history", default=str(ROOT / "bench" / "history.jsonl"),
                        help="one line a run (commit and figures), kept in git: a regression shows beside the last run")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    rows = table_rows(results)
    history = Path(args.history)
    print(table(rows, previous_run(history)))
    keep_run(history, rows, results.get("when", time.strftime("%Y-%m-%d %H:%M:%S")))
    print(f"\n{args.output}\n{history}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
