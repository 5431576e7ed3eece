"""Workshop-mode figures: N phones join ``kpa serve --atelier`` at once, contributions reach the projector.

``python bench/room.py [--phones 20] [--preheat N]`` (default: workshop mode's pool) prints a JSON object and writes
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
from kpawidgets.tools.procs import descendants, free_port, kernel_pids, stop_process, wait_until_serving  # noqa: E402

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


def _kernels_by_id(server: int) -> dict[str, int]:
    """The server's kernels: kernel id (from its connection file's name) → process id."""
    found = {}
    for pid in kernel_pids(server):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        except OSError:
            continue
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", command)
        if match:
            found[match.group(1)] = pid
    return found


async def _open_phone(browser: Any, url: str, start: float, delivered: list[float]) -> tuple[Any, float | None]:
    context = await browser.new_context(**PHONE)
    await context.route("**/*", lambda route: asyncio.ensure_future(
        route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        else route.abort()))
    tab = await context.new_page()
    try:
        await tab.goto(url, timeout=180_000, wait_until="domcontentloaded")
        delivered.append(time.monotonic() - start)  # the server's part: the page's HTML, drawn by its kernel
        await tab.wait_for_selector(".kpa-room-card", state="visible", timeout=180_000)
        return tab, time.monotonic() - start
    except Exception as exc:  # noqa: BLE001 - a phone that never got its page is counted as not served
        print(f"phone not served: {str(exc)[:300]}", file=sys.stderr, flush=True)
        return tab, None


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


async def _until_kernels_rest(server: int, timeout: float = 300) -> None:
    """Wait (bounded) until the server's kernels use less than 0.1 s of processor in 2 s."""
    deadline = time.monotonic() + timeout
    before = _cpu_seconds(kernel_pids(server))
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        now = _cpu_seconds(kernel_pids(server))
        if now - before < 0.1:
            return
        before = now


def _fetch(port: int, path: str) -> tuple[float, str, str]:
    """GET *path* as a browser with no cookie yet: when the whole page arrived, its kernel id, the cookie given."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        done = time.monotonic()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    finally:
        connection.close()
    found = re.search(r'kernelId": "([0-9a-f-]{36})"', page)
    return done, found.group(1) if found else "", cookie


def _beacon(port: int, kernel_id: str, cookie: str) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", f"/voila/api/shutdown/{kernel_id}", body=b"",
                           headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie})
        connection.getresponse().read()
    finally:
        connection.close()


async def _server_only(port: int, participant: str, phones: int) -> dict[str, Any]:
    """The server's part alone: *phones* requests of the participant page at once, without browsers
    (which, on the bench's machine, share its processors): until each whole page has arrived."""
    path = participant.split(f":{port}", 1)[1]
    start = time.monotonic()
    fetched = await asyncio.gather(*(asyncio.to_thread(_fetch, port, path) for _ in range(phones)))
    times = sorted(done - start for done, _kernel, _cookie in fetched)
    for _done, kernel_id, cookie in fetched:
        if kernel_id:
            await asyncio.to_thread(_beacon, port, kernel_id, cookie)
    return {"server_only_pages": len([f for f in fetched if f[1]]), "server_only_within_10s": sum(1 for t in times if t <= 10),
            "server_only_median_s": round(statistics.median(times), 2), "server_only_max_s": round(times[-1], 2)}


async def run(phones: int, preheat: int | None, server_only: bool = False) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix="kpa-room-bench-"))
    workspace = folder / "workspace"
    workspace.mkdir()
    shutil.copy(example_workbook_path(), workspace / example_workbook_path().name)
    port = free_port()
    log = open(folder / "serve.log", "wb")
    command = [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
               "--port", str(port), "--workspace", str(workspace), "--workbook", example_workbook_path().stem]
    if preheat is not None:
        command += ["--preheat", str(preheat)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    from kpawidgets.cli.atelier import room_pool

    pool = room_pool() if preheat is None else preheat
    results: dict[str, Any] = {"phones": phones, "preheat": pool, "cpus": os.cpu_count()}
    try:
        assert wait_until_serving(port, server, timeout=120)
        text = (folder / "serve.log").read_text()
        participant, facilitator = re.findall(r"https?://\S+", text)[:2]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=os.environ.get("KPA_CHROMIUM", "/usr/bin/chromium"),
                                                       args=FLAGS)
            if pool:  # until the pool's kernels have started
                filled = f"Kernel pool of 04_participer.ipynb is filled with {pool} kernel"
                t0, deadline = time.monotonic(), time.monotonic() + 600
                while time.monotonic() < deadline and filled not in (folder / "serve.log").read_text(errors="replace"):
                    await asyncio.sleep(0.5)
                await _until_kernels_rest(server.pid)  # they draw the page ahead (imports) once started
                results["pool_filled_s"] = round(time.monotonic() - t0, 1)
                results["pool_rss_mb"] = _rss_mb(kernel_pids(server.pid))
            results["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
            if server_only:
                results.update(await _server_only(port, participant, phones))
                await browser.close()
                return results
            projector_context = await browser.new_context(viewport={"width": 1280, "height": 720})
            projector = await projector_context.new_page()
            await projector.goto(facilitator, timeout=180_000)
            await projector.wait_for_selector(".kpa-room-counts", timeout=180_000)

            served_tree = lambda: [server.pid, *descendants(server.pid)]  # noqa: E731
            browsers = lambda: [pid for pid in descendants(os.getpid()) if pid not in set(served_tree())]  # noqa: E731
            cpu_before = (_cpu_seconds(served_tree()), _cpu_seconds(browsers()))
            start = time.monotonic()
            delivered: list[float] = []
            opened = await asyncio.gather(*(_open_phone(browser, participant, start, delivered) for _ in range(phones)))
            times = [t for _tab, t in opened if t is not None]
            # where the processors went during the joins (the bench's browsers share them with the server)
            results["joins_cpu_s"] = {"server_and_kernels": round(_cpu_seconds(served_tree()) - cpu_before[0], 1),
                                      "browsers": round(_cpu_seconds(browsers()) - cpu_before[1], 1)}
            results["html_delivered_median_s"] = round(statistics.median(delivered), 2) if delivered else None
            results["html_delivered_max_s"] = round(max(delivered), 2) if delivered else None
            results["served"] = len(times)
            results["served_within_10s"] = sum(1 for t in times if t <= 10)
            results["slowest_s"] = round(max(times), 2) if times else None
            results["median_join_s"] = round(statistics.median(times), 2) if times else None
            # the phones' kernels by id (with a pool they are kernels started before the joins)
            phone_ids = set()
            for tab, _t in opened:
                found = re.search(r'kernelId": "([0-9a-f-]{36})"', await tab.content())
                if found:
                    phone_ids.add(found.group(1))
            phone_kernels = [pid for kernel_id, pid in _kernels_by_id(server.pid).items() if kernel_id in phone_ids]
            results["phone_kernels"] = len(phone_kernels)
            results["phone_kernels_rss_mb"] = _rss_mb(phone_kernels)
            await asyncio.sleep(float(os.environ.get("KPA_BENCH_WAIT_REFILL", "0")))
            every = kernel_pids(server.pid)  # with a pool: the phones' kernels and the pool refilled behind them
            results["all_kernels_after_joins"] = len(every)
            results["all_kernels_rss_mb"] = _rss_mb(every)
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
            results["kernels_left_2min_after_phones_left"] = len(phone_ids & set(_kernels_by_id(server.pid)))
            results["kernels_running_then"] = len(kernel_pids(server.pid))  # the projector's, and a refilled pool

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
        stop_process(server, timeout=30)
        log.close()
        if os.environ.get("KPA_BENCH_KEEP"):
            print(f"server log kept in {folder / 'serve.log'}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--preheat", type=int, default=None,
                        help="kpa serve --atelier's --preheat (default: workshop mode's own, a pool of 20)")
    parser.add_argument("--server-only", action="store_true",
                        help="only the server's part: the phones' pages fetched without browsers")
    args = parser.parse_args()
    results = asyncio.run(run(args.phones, args.preheat, args.server_only))
    results["load_average"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    (ROOT / "bench" / "room-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
