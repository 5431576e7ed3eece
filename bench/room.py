"""Workshop-mode figures: N phones join ``kpa serve --atelier`` at once, contributions reach the projector.

``python bench/room.py [--phones 20] [--preheat 0]`` prints a JSON object and writes
``bench/room-results.json``. Everything goes through 127.0.0.1. Not part of ``make test``.

Figures:
- phones that got a usable participant page (forms shown, key handed) within 10 s, and the
  slowest of all, from the start of the joins;
- contribution on a phone (tap « Ajouter l'idée ») → the idea on the projector: median and max;
- the participant page alone, next to the home page (Voilà's floor here), time to interactive;
- RSS of the phones' kernels, and how many kernels are left 2 minutes after the phones left.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpawidgets.resources import example_workbook_path  # noqa: E402
from kpawidgets.tools.procs import free_port, kernel_pids, wait_until_serving  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


async def _open_phone(browser: Any, url: str, start: float) -> tuple[Any, float | None]:
    context = await browser.new_context(**PHONE)
    await context.route("**/*", lambda route: asyncio.ensure_future(
        route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        else route.abort()))
    tab = await context.new_page()
    try:
        await tab.goto(url, timeout=180_000)
        await tab.wait_for_selector(".kpa-room-card", state="visible", timeout=180_000)
        return tab, time.monotonic() - start
    except Exception as exc:  # noqa: BLE001 - a phone that never got its page is counted as not served
        print(f"phone not served: {str(exc)[:300]}", file=sys.stderr, flush=True)
        return tab, None


async def run(phones: int, preheat: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix="kpa-room-bench-"))
    workspace = folder / "workspace"
    workspace.mkdir()
    shutil.copy(example_workbook_path(), workspace / example_workbook_path().name)
    port = free_port()
    log = open(folder / "serve.log", "wb")
    command = [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
               "--port", str(port), "--workspace", str(workspace), "--workbook", example_workbook_path().stem]
    if preheat:
        command += ["--preheat", str(preheat)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    results: dict[str, Any] = {"phones": phones, "preheat": preheat, "cpus": os.cpu_count()}
    try:
        assert wait_until_serving(port, server, timeout=120)
        text = (folder / "serve.log").read_text()
        participant, facilitator = re.findall(r"https?://\S+", text)[:2]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=os.environ.get("KPA_CHROMIUM", "/usr/bin/chromium"),
                                                       args=FLAGS)
            if preheat:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and len(kernel_pids(server.pid)) < preheat:
                    await asyncio.sleep(0.5)
            projector_context = await browser.new_context(viewport={"width": 1280, "height": 720})
            projector = await projector_context.new_page()
            await projector.goto(facilitator, timeout=180_000)
            await projector.wait_for_selector(".kpa-room-counts", timeout=180_000)
            before = set(kernel_pids(server.pid))

            start = time.monotonic()
            opened = await asyncio.gather(*(_open_phone(browser, participant, start) for _ in range(phones)))
            times = [t for _tab, t in opened if t is not None]
            results["served"] = len(times)
            results["served_within_10s"] = sum(1 for t in times if t <= 10)
            results["slowest_s"] = round(max(times), 2) if times else None
            results["median_join_s"] = round(statistics.median(times), 2) if times else None
            phone_kernels = [pid for pid in kernel_pids(server.pid) if pid not in before]
            results["phone_kernels"] = len(phone_kernels)
            results["phone_kernels_rss_mb"] = _rss_mb(phone_kernels)
            print(json.dumps(results), file=sys.stderr, flush=True)

            latencies = []
            tabs = [tab for tab, t in opened if t is not None]
            for number, tab in enumerate(tabs[:10]):
                card = tab.locator(".kpa-room-card").nth(1)
                await card.locator("textarea").fill(f"Idée de mesure {number}")
                t0 = time.monotonic()
                await card.get_by_role("button", name="Ajouter l'idée au mur").tap()
                # the wall shows 8 ideas a kind: follow the count of ideas instead
                await projector.wait_for_function(
                    "n => [...document.querySelectorAll('.kpa-room-count')].some(c => c.querySelector('b').textContent === String(n)"
                    " && c.textContent.includes('idées'))", arg=number + 1, timeout=60_000)
                latencies.append(time.monotonic() - t0)
            results["contribution_to_projector_median_s"] = round(statistics.median(latencies), 2) if latencies else None
            results["contribution_to_projector_max_s"] = round(max(latencies), 2) if latencies else None

            print(json.dumps(results), file=sys.stderr, flush=True)
            for tab, _t in opened:  # as a person closing the tab: the page's beforeunload beacon runs
                await tab.close(run_before_unload=True)
                await tab.context.close()
            await asyncio.sleep(float(os.environ.get("KPA_BENCH_WAIT_LEFT", "120")))
            results["kernels_left_2min_after_phones_left"] = len([p for p in kernel_pids(server.pid) if p not in before])

            # one page alone, next to the home page (the floor of this server)
            for name, url, selector in (("participant_page_alone_s", participant, ".kpa-room-card"),
                                        ("home_page_alone_s", facilitator.replace("05_groupe", "00_accueil"), ".kpa-page")):
                context = await browser.new_context(**PHONE)
                tab = await context.new_page()
                t0 = time.monotonic()
                await tab.goto(url, timeout=180_000)
                await tab.wait_for_selector(selector, state="visible", timeout=180_000)
                results[name] = round(time.monotonic() - t0, 2)
                await context.close()
            await projector_context.close()
            await browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if os.environ.get("KPA_BENCH_KEEP"):
            print(f"server log kept in {folder / 'serve.log'}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--preheat", type=int, default=0)
    args = parser.parse_args()
    results = asyncio.run(run(args.phones, args.preheat))
    results["load_average"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    (ROOT / "bench" / "room-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
