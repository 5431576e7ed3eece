"""Workshop-mode figures: N phones join ``kpa serve --atelier`` at once, contributions reach the projector.

``python bench/room.py [--phones 20] [--spread S] [--preheat N] [--throttle] [--server-only]`` prints a JSON object and writes
``bench/room-results.json``. Everything goes through 127.0.0.1. Not part of ``make test``.

The participant page (``/atelier?code=...``, :mod:`kpawidgets.web.phone`) is drawn by the server
itself, without a kernel; only the facilitator's pages are Voilà notebooks. ``--preheat N`` is
passed to ``kpa serve`` and preheats those (default: none, as ``kpa serve``'s own default).

Figures:
- phones that got a usable participant page (« Qui je suis » form shown, key handed) within 10 s,
  and the slowest of all, each from its own arrival (all at once, or over ``--spread`` seconds);
- contribution on a phone (tap « Ajouter l'idée au mur ») → the idea on the projector: median and max;
- the participant page alone, next to the home page (Voilà's floor here), time to interactive;
- the bench's own floor: as many phones, arriving the same way, opening the join page (2 kB, no
  script): what 20 browser contexts on the bench's machine cost whatever the page;
- kernels started by the phones' joins (expected: none) and their RSS, and how many kernels other
  than the projector's are left 2 minutes after the phones left (expected: none without
  ``--preheat``; with it, the facilitator's pools count there, and
  ``kernels_left_not_there_before_joins`` leaves them out);
- with ``--server-only``: the participant page fetched N times at once over HTTP, without browsers;
- with ``--throttle``: each phone as a cheap Android phone on a crowded Wi-Fi, as Lighthouse's
  mobile profile stands for one (:data:`THROTTLE`: its processor 4× slower, 150 ms round trips,
  1.6 Mbit/s down and 750 kbit/s up), set through Chromium's DevTools protocol before the page opens.
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

from kpawidgets.resources import example_workbook_path, notebooks_dir  # noqa: E402
from kpawidgets.tools.procs import descendants, free_port, kernel_pids, stop_process, wait_until_serving  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
#: The participant page is usable: its first form (« Qui je suis ») shows its button.
PHONE_READY = "#me button.kpa-primary"
#: Lighthouse's mobile profile (« slow 4G » and a mid-range phone): the processor's slowdown, and the
#: network's round trip (ms) and throughputs (bytes a second).
THROTTLE = {"cpu": 4, "latency_ms": 150, "down": 1_638_400 // 8, "up": 750_000 // 8}
#: The facilitator's page that Voilà draws without a preheated pool (kpawidgets.cli.atelier.preheat_config).
PROJECTOR_NOTEBOOK = "05_groupe.ipynb"


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


async def _throttled(context: Any, tab: Any) -> None:
    """Make *tab* a cheap phone on a crowded Wi-Fi (:data:`THROTTLE`), before it opens anything."""
    session = await context.new_cdp_session(tab)
    await session.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE["cpu"]})
    await session.send("Network.enable")
    await session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": THROTTLE["latency_ms"],
        "downloadThroughput": THROTTLE["down"], "uploadThroughput": THROTTLE["up"]})


async def _open_phone(browser: Any, url: str, start: float, delivered: list[float],
                      delay: float = 0, ready: str = PHONE_READY, throttle: bool = False) -> tuple[Any, float | None]:
    """One phone arriving *delay* seconds after *start*: the time from its arrival until its page is usable."""
    await asyncio.sleep(delay)
    start += delay
    context = await browser.new_context(**PHONE)
    await context.route("**/*", lambda route: asyncio.ensure_future(
        route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        else route.abort()))
    tab = await context.new_page()
    if throttle:
        await _throttled(context, tab)
    try:
        await tab.goto(url, timeout=180_000, wait_until="domcontentloaded")
        delivered.append(time.monotonic() - start)  # the server's part: the page's HTML, drawn by the server
        await tab.wait_for_selector(ready, state="visible", timeout=180_000)
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


def _fetch(port: int, path: str) -> tuple[float, int, str]:
    """GET *path* as a browser with no cookie yet: when the whole page arrived, its status, its body."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        done = time.monotonic()
        status = response.status
    finally:
        connection.close()
    return done, status, page


async def _server_only(port: int, participant: str, phones: int) -> dict[str, Any]:
    """The server's part alone: *phones* requests of the participant page at once, without browsers
    (which, on the bench's machine, share its processors): until each whole page has arrived."""
    path = participant.split(f":{port}", 1)[1]
    start = time.monotonic()
    fetched = await asyncio.gather(*(asyncio.to_thread(_fetch, port, path) for _ in range(phones)),
                                   return_exceptions=True)
    pages = [f for f in fetched if not isinstance(f, BaseException)]
    for failure in fetched:
        if isinstance(failure, BaseException):
            print(f"page not fetched: {str(failure)[:300]}", file=sys.stderr, flush=True)
    times = sorted(done - start for done, _status, _page in pages)
    return {"server_only_pages": sum(1 for _done, status, page in pages if status == 200 and 'id="me"' in page),
            "server_only_within_10s": sum(1 for t in times if t <= 10),
            "server_only_median_s": round(statistics.median(times), 2) if times else None,
            "server_only_max_s": round(times[-1], 2) if times else None,
            "server_only_page_kb": round(max((len(page.encode()) for _d, _s, page in pages), default=0) / 1024, 1)}


async def _until_preheated(log: Path, server: int, pages: int, timeout: float = 600) -> None:
    """Wait (bounded) until Voilà says each of the *pages* preheated pools is filled, and the kernels rest."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Kernel pool of ") >= pages:  # "… is filled with N kernel(s)"
            break
        await asyncio.sleep(0.5)
    else:
        print("the preheated pools were not all filled in time", file=sys.stderr, flush=True)
    await _until_kernels_rest(server)  # they draw their page ahead (imports) once started


async def run(phones: int, preheat: int | None, server_only: bool = False, spread: float = 0,
              throttle: bool = False) -> dict[str, Any]:
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
    results: dict[str, Any] = {"phones": phones, "spread_s": spread, "preheat": preheat or 0, "cpus": os.cpu_count(),
                               "throttle": THROTTLE if throttle else None}
    try:
        assert wait_until_serving(port, server, timeout=120), "kpa serve --atelier did not start"
        text = (folder / "serve.log").read_text()
        participant, facilitator = re.findall(r"https?://\S+", text)[:2]
        assert "/atelier?" in participant, participant
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=os.environ.get("KPA_CHROMIUM", "/usr/bin/chromium"),
                                                       args=FLAGS)
            if preheat:  # the facilitator's pages' pools (every notebook but the projector's)
                pools = len([p for p in notebooks_dir().glob("*.ipynb") if p.name != PROJECTOR_NOTEBOOK])
                t0 = time.monotonic()
                await _until_preheated(folder / "serve.log", server.pid, pools)
                results["preheat_filled_s"] = round(time.monotonic() - t0, 1)
                results["preheat_kernels"] = len(kernel_pids(server.pid))
                results["preheat_rss_mb"] = _rss_mb(kernel_pids(server.pid))
            results["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
            if server_only:
                before = set(_kernels_by_id(server.pid))
                results.update(await _server_only(port, participant, phones))
                results["server_only_kernels_started"] = len(set(_kernels_by_id(server.pid)) - before)
                await browser.close()
                return results
            projector_context = await browser.new_context(viewport={"width": 1280, "height": 720})
            projector = await projector_context.new_page()
            await projector.goto(facilitator, timeout=180_000)
            await projector.wait_for_selector(".kpa-room-counts", timeout=180_000)
            found = re.search(r'kernelId": "([0-9a-f-]{36})"', await projector.content())
            projector_ids = {found.group(1)} if found else set()
            if not projector_ids:
                print("the projector's kernel id was not found in its page", file=sys.stderr, flush=True)

            served_tree = lambda: [server.pid, *descendants(server.pid)]  # noqa: E731
            browsers = lambda: [pid for pid in descendants(os.getpid()) if pid not in set(served_tree())]  # noqa: E731
            kernels_before = _kernels_by_id(server.pid)  # the projector's (and preheated pools, if any)
            cpu_before = (_cpu_seconds(served_tree()), _cpu_seconds(browsers()))
            start = time.monotonic()
            delivered: list[float] = []
            # all at once (spread 0), or one after the other over *spread* seconds, as a room scanning the QR code
            opened = await asyncio.gather(*(_open_phone(browser, participant, start, delivered, number * spread / phones,
                                                        throttle=throttle)
                                            for number in range(phones)))
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
            results["usable_within_3s"] = sum(1 for t in times if t <= 3)
            # kernels the joins started: the phones' page has none, so this is expected to be 0
            kernels_after = _kernels_by_id(server.pid)
            started = [pid for kernel_id, pid in kernels_after.items() if kernel_id not in kernels_before]
            results["phone_kernels"] = len(started)
            results["phone_kernels_rss_mb"] = _rss_mb(started)
            every = kernel_pids(server.pid)
            results["all_kernels_after_joins"] = len(every)
            results["all_kernels_rss_mb"] = _rss_mb(every)
            results["server_rss_mb"] = _rss_mb([server.pid, *[p for p in descendants(server.pid) if p not in set(every)]])
            print(json.dumps(results), file=sys.stderr, flush=True)

            latencies = []
            tabs = [tab for tab, t in opened if t is not None]
            for number, tab in enumerate(tabs[:10]):
                await tab.locator("#kpa-idea").fill(f"Idée de mesure {number}")
                t0 = time.monotonic()
                await tab.locator("#idea-fields button.kpa-primary").tap()
                # the wall shows 8 ideas a kind: follow the count of ideas instead
                await projector.wait_for_function(
                    "n => [...document.querySelectorAll('.kpa-room-count')].some(c => c.querySelector('b').textContent === String(n)"
                    " && c.textContent.includes('idées'))", arg=number + 1, timeout=60_000)
                latencies.append(time.monotonic() - t0)
                await tab.wait_for_selector("#idea-status .kpa-saved", timeout=60_000)  # the phone says so too
            results["contribution_to_projector_median_s"] = round(statistics.median(latencies), 2) if latencies else None
            results["contribution_to_projector_max_s"] = round(max(latencies), 2) if latencies else None

            print(json.dumps(results), file=sys.stderr, flush=True)
            for tab, _t in opened:  # as a person closing the tab
                await tab.close(run_before_unload=True)
                await tab.context.close()
            await asyncio.sleep(float(os.environ.get("KPA_BENCH_WAIT_LEFT", "120")))
            left = _kernels_by_id(server.pid)
            if not projector_ids:  # then count what the joins added, at least
                projector_ids = set(kernels_before)
            results["kernels_left_2min_after_phones_left"] = len(set(left) - projector_ids)
            results["kernels_running_then"] = len(left)  # the projector's, and preheated pools if any
            results["kernels_left_not_there_before_joins"] = len(set(left) - set(kernels_before))

            # one page alone, next to the home page (the floor of this server)
            for name, url, selector in (("participant_page_alone_s", participant, PHONE_READY),
                                        ("home_page_alone_s", facilitator.replace("05_groupe", "00_accueil"), ".kpa-page")):
                context = await browser.new_context(**PHONE)
                tab = await context.new_page()
                if throttle:
                    await _throttled(context, tab)
                t0 = time.monotonic()
                await tab.goto(url, timeout=180_000)
                await tab.wait_for_selector(selector, state="visible", timeout=180_000)
                results[name] = round(time.monotonic() - t0, 2)
                await context.close()
            # the bench's own floor: as many phones opening, in the same way, the smallest page this
            # server has (the join page: 2 kB, no script, no request after it)
            start = time.monotonic()
            floor = await asyncio.gather(*(_open_phone(browser, f"http://127.0.0.1:{port}/login", start, [],
                                                       number * spread / phones, ready="#code", throttle=throttle)
                                           for number in range(phones)))
            floor_times = [t for _tab, t in floor if t is not None]
            for tab, _t in floor:
                await tab.context.close()
            results["floor_join_page_median_s"] = round(statistics.median(floor_times), 2) if floor_times else None
            results["floor_join_page_max_s"] = round(max(floor_times), 2) if floor_times else None
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
                        help="kpa serve --atelier's --preheat: kernels kept ready for the facilitator's pages (default: none)")
    parser.add_argument("--spread", type=float, default=0, metavar="S",
                        help="the phones arrive one after the other over S seconds (default 0: all at once); "
                             "each phone's time counts from its own arrival")
    parser.add_argument("--throttle", action="store_true",
                        help="each phone a cheap Android phone on a crowded Wi-Fi (Lighthouse's mobile profile: CPU 4x, "
                             "150 ms, 1.6 Mbit/s down, 750 kbit/s up)")
    parser.add_argument("--server-only", action="store_true",
                        help="only the server's part: the participant page fetched without browsers")
    parser.add_argument("--load", type=int, default=0, metavar="N",
                        help="N phones as HTTP clients acting for --seconds (bench/room_load.py): lost, doubled, send → projector")
    parser.add_argument("--seconds", type=float, default=120, help="--load: how long (default 120)")
    parser.add_argument("--kill-at", type=float, default=None, metavar="T",
                        help="--load: SIGKILL the server at T seconds and start it again (time until 95 %% of phones are back)")
    parser.add_argument("--floods", action="store_true", help="the door's floods (bench/room_load.py)")
    args = parser.parse_args()
    if args.load or args.floods:
        sys.path.insert(0, str(ROOT / "bench"))
        import room_load

        results = room_load.load(args.load, args.seconds, args.kill_at) if args.load else room_load.floods()
        print(json.dumps(results, indent=2))
        name = "room-load-results.json" if args.load else "room-floods-results.json"
        (ROOT / "bench" / name).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    results = asyncio.run(run(args.phones, args.preheat, args.server_only, args.spread, args.throttle))
    results["load_average"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    (ROOT / "bench" / "room-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
