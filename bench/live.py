"""Live workbook figures (issue 10): edit on device A → visible on device B, and the merge-save time.

- ``follow``: N pages (separate Chromium contexts, each its own kernel) open the checklist of one
  workbook; device A types an owner and leaves the field; the time until device B shows it, and
  until the slowest of the other pages does. With 2 and with 20 open pages.
- ``merge_save``: ``Workspace.save`` of a page whose file another device changed since it read it
  (the three-way merge, validation and the atomic write), on the example and on a 200-line budget.

Run alone (``python -m bench.live``) or from ``bench/run.py`` (``make bench``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.tabs import close_like_a_person  # noqa: E402
from kpawidgets.model.workbook import load_workbook_text  # noqa: E402
from kpawidgets.resources import example_workbook_path  # noqa: E402
from kpawidgets.storage.workspace import Workspace  # noqa: E402

OWNER = ".kpa-f-venue-owner input"
#: Bounds: how long one page may take to open, and one edit to reach every page (ms).
OPEN_MS = 240_000
SHOW_MS = 20_000


def _summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "median_ms": round(statistics.median(values) * 1000, 1) if values else None,
            "max_ms": round(max(values) * 1000, 1) if values else None}


async def follow(browser: Any, url: str, pages: int, edits: int, rendered: Any) -> dict[str, Any]:
    """Open *pages* checklist pages on one workbook; *edits* edits on the first, timed on the others."""
    contexts = [await browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(pages)]
    try:
        tabs = [await context.new_page() for context in contexts]
        for tab in tabs:  # one after the other: 20 kernels starting at once on 2 cores time out
            await tab.goto(url, timeout=OPEN_MS)
            await rendered(tab, "01_checklist.ipynb")
        await asyncio.sleep(2)
        device_a, device_b, others = tabs[0], tabs[1], tabs[1:]
        to_b, to_all = [], []
        for index in range(edits):
            value = f"Animatrice {index} {time.monotonic_ns() % 100000}"
            field = device_a.locator(OWNER)
            await field.fill(value)
            start = time.perf_counter()
            await field.press("Tab")

            async def shows(tab: Any) -> float:
                await tab.wait_for_function("([s, v]) => document.querySelector(s)?.value === v", arg=[OWNER, value],
                                            timeout=SHOW_MS, polling=10)
                return time.perf_counter() - start

            seen_b = asyncio.ensure_future(shows(device_b))
            times = await asyncio.gather(seen_b, *(shows(tab) for tab in others[1:]))
            to_b.append(times[0])
            to_all.append(max(times))
            await asyncio.sleep(0.5)
        return {"pages": pages, "a_to_b": _summary(to_b), "a_to_slowest": _summary(to_all)}
    finally:
        for context in contexts:
            await close_like_a_person(context)


def _big_budget(data: bytes, lines: int) -> bytes:
    workbook = load_workbook_text(data)
    template = next(line for line in workbook.budget.lines if not line.is_funder)
    index = 0
    while len(workbook.budget.lines) < lines:
        index += 1
        workbook.budget.lines.append(template.model_copy(update={"id": f"bench{index:04d}", "label": f"Ligne {index}",
                                                                 "amount": Decimal(index)}))
    return workbook.model_dump_json(indent=2).encode("utf-8")


def merge_save(runs: int, lines: int | None = None) -> dict[str, Any]:
    """Time ``Workspace.save`` when another device saved in between (the merging save)."""
    with tempfile.TemporaryDirectory(prefix="kpa-bench-merge-") as tmp:
        workspace = Workspace(tmp)
        data = example_workbook_path().read_bytes()
        if lines:
            data = _big_budget(data, lines)
        (Path(tmp) / "bench.json").write_bytes(data)
        times, plain = [], []
        for index in range(runs):
            a, b = workspace.open("bench"), workspace.open("bench")
            a.workbook.identity.town = f"Ville {index}"
            workspace.save(a)
            b.workbook.budget.lines[0].amount = Decimal(1000 + index)
            start = time.perf_counter()
            saved = workspace.save(b)
            times.append(time.perf_counter() - start)
            assert saved.merged and saved.workbook.identity.town == f"Ville {index}"
            b.workbook.budget.lines[0].amount = Decimal(2000 + index)
            start = time.perf_counter()
            workspace.save(b)  # nobody saved in between: no merge (the floor)
            plain.append(time.perf_counter() - start)
        count = len(load_workbook_text((Path(tmp) / "bench.json").read_bytes()).budget.lines)
        return {"budget_lines": count, "merge_save": _summary(times), "plain_save": _summary(plain)}


async def run_live(browser: Any, base_url: str, workspace: Path, rendered: Any, edits: int,
                   page_counts: tuple[int, ...] = (2, 20)) -> dict[str, Any]:
    """The figures of this module, on a running server whose workspace is *workspace*."""
    results: dict[str, Any] = {"follow": []}
    for count in page_counts:
        name = f"live-bench-{count}"
        shutil.copy(example_workbook_path(), workspace / f"{name}.json")
        try:
            results["follow"].append(await follow(browser, f"{base_url}/voila/render/01_checklist.ipynb?workbook={name}",
                                                  count, edits, rendered))
        except Exception as exc:  # noqa: BLE001 - a failure is a result here
            results["follow"].append({"pages": count, "error": f"{type(exc).__name__}: {exc}"[:300]})
    results["merge_save_example"] = merge_save(30)
    results["merge_save_200_lines"] = merge_save(30, 200)
    return results


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """Rows for ``bench/run.py``'s table."""
    rows = []
    for shown in results.get("follow", []):
        if "error" in shown:
            rows.append((f"edit on A → visible on B, {shown['pages']} pages", shown["error"], "", "", "≤ 1 s", "NO"))
            continue
        b, slowest = shown["a_to_b"], shown["a_to_slowest"]
        rows.append((f"edit on A → visible on B, {shown['pages']} pages", f"{b['median_ms']:.0f} ms",
                     f"max {b['max_ms']:.0f} ms", f"slowest page {slowest['median_ms']:.0f} / max {slowest['max_ms']:.0f} ms",
                     "≤ 1 s", "yes" if b["max_ms"] <= 1000 else "NO"))
    for key, title in (("merge_save_example", "merge-save, example"), ("merge_save_200_lines", "merge-save, 200-line budget")):
        if key in results:
            merged, plain = results[key]["merge_save"], results[key]["plain_save"]
            rows.append((title, f"{merged['median_ms']:.1f} ms", f"{plain['median_ms']:.1f} ms (plain save)",
                         f"{merged['median_ms'] / plain['median_ms']:.2f}×", "report", ""))
    return rows


async def _standalone(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from bench.run import CHROMIUM, FLAGS, Server, _rendered

    with tempfile.TemporaryDirectory(prefix="kpa-bench-live-") as tmp:
        server = Server(Path(tmp), args.voila_arg)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                results = await run_live(browser, f"http://127.0.0.1:{server.port}", server.workspace, _rendered,
                                         args.edits, tuple(args.pages))
                await browser.close()
        finally:
            server.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--pages", type=int, action="append", default=None, help="open pages (repeatable; 2 and 20)")
    parser.add_argument("--voila-arg", action="append", default=[])
    parser.add_argument("--output", default=str(ROOT / "out" / "bench-live.json"))  # out/ is not committed
    args = parser.parse_args()
    args.pages = args.pages or [2, 20]
    results = asyncio.run(_standalone(args))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for row in table_rows(results):
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
