"""Workshop mode under load: N phones as HTTP clients, a projector in Chromium, a SIGKILL and a restart,
and the door's floods. Run through ``python bench/room.py --load N [--seconds S] [--kill-at T]``.

Each phone has its own address (127.0.0.10, 127.0.0.11…: loopback only, as separate phones on
a Wi-Fi have), makes the page's own requests — the page, then every 0–10 s an action (an idea,
a dot, a vote) with a send key, kept and sent again with the same key until the server answers
(as phone.js's outbox does), and every 3 s the page's following of others' changes — and records
what the server acknowledged. At the end every acknowledged idea must be in the file once
(0 lost, 0 doubled). The projector (the facilitator's page in Chromium) records when its count
of ideas changes: send → projector is the time from an idea's send until the projector counts it.

``--kill-at T``: at T seconds the server (kpa serve, Voilà, its kernels) is killed with SIGKILL
and started again on the same workbook and port; measured: the time from the server answering
again until 95 % of the phones have had an answer.

``--floods``: keys minted a minute (one address; many addresses), join guesses a minute (one
address), half-open connections held (one address; how long one is held), the server's memory
under 20 parallel posts announcing 95 MB each.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from kpawidgets.resources import example_workbook_path
from kpawidgets.tools.procs import descendants, free_port, stop_process, wait_until_serving

FORM = {"Content-Type": "application/x-www-form-urlencoded", "X-KPA-Phone": "1"}


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class Server:
    """``kpa serve --atelier`` on one workspace and port; killed and started again."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kpa-room-load-"))
        workspace = self.folder / "workspace"
        workspace.mkdir()
        shutil.copy(example_workbook_path(), workspace / example_workbook_path().name)
        self.file = workspace / example_workbook_path().name
        self.port = free_port()
        self.command = [sys.executable, "-m", "kpawidgets.cli", "serve", "--atelier", "--ip", "127.0.0.1", "--no-browser",
                        "--port", str(self.port), "--workspace", str(workspace), "--workbook", example_workbook_path().stem]
        self.runs = 0
        self.start()

    def start(self) -> None:
        self.runs += 1
        self.log = open(self.folder / f"serve-{self.runs}.log", "wb")
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env=dict(os.environ, PYTHONUNBUFFERED="1"))
        assert wait_until_serving(self.port, self.process, timeout=120), "kpa serve --atelier did not start"
        text = (self.folder / f"serve-{self.runs}.log").read_text()
        self.participant, self.facilitator = re.findall(r"https?://\S+", text)[:2]
        self.join = re.search(r"Code à taper sur \S+ : (\S+)", text).group(1)  # type: ignore[union-attr]

    def kill(self) -> None:
        for pid in [*descendants(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        self.log.close()

    def voila_pid(self) -> int:
        return next((p for p in descendants(self.process.pid)
                     if b"kpawidgets.config.server" in Path(f"/proc/{p}/cmdline").read_bytes()), self.process.pid)

    def stop(self) -> None:
        stop_process(self.process, timeout=30)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _request(port: int, source: str, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, cookie: str = "", timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **({"Cookie": cookie} if cookie else {}),
                                                             **(headers or {})})
        response = connection.getresponse()
        answered = {k.lower(): v for k, v in response.getheaders()}
        answered["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, answered, response.read()
    finally:
        connection.close()


class Phone(threading.Thread):
    """One phone: joins, then acts every 0–10 s and follows every 3 s, until *stop_at*."""

    def __init__(self, number: int, server: Server, stop_at: float, ideas: int = 5) -> None:
        super().__init__(daemon=True)
        self.number, self.server, self.stop_at = number, server, stop_at
        self.source = f"127.0.0.{10 + number}"
        self.cookies: dict[str, str] = {}
        self.revision = ""
        self.acked: list[dict[str, Any]] = []   # what the server answered ok
        self.outbox: list[dict[str, Any]] = []  # sent, no answer yet (resent with the same key)
        self.answers: list[float] = []          # times (wall clock) of each answer
        self.ideas_left = ideas
        self.idea_ids: list[str] = []
        self.refused = 0

    def _cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        status, answered, data = _request(self.server.port, self.source, method, path, body, headers, self._cookie())
        for given in [v for v in answered["set-cookie"].split("\n") if v]:
            name, _eq, rest = given.split(";", 1)[0].partition("=")
            self.cookies[name] = rest
        self.answers.append(time.time())
        return status, data

    def join(self) -> None:
        path = self.server.participant.split(f":{self.server.port}", 1)[1]
        status, page = self._call("GET", path)
        assert status == 200, (status, page[:200])
        found = re.search(rb'data-revision="([^"]*)"', page)
        self.revision = found.group(1).decode() if found else ""
        self.idea_ids = re.findall(r'name="idea" value="([0-9a-f]{12})"', page.decode())

    def _deliver(self, item: dict[str, Any]) -> None:
        item["sent_at"] = item.get("sent_at") or time.time()
        try:
            status, data = self._call("POST", "/atelier", urllib.parse.urlencode(item["fields"]).encode(), FORM)
            reply = json.loads(data)
        except (OSError, ValueError, http.client.HTTPException):
            return  # no answer: kept, sent again
        self.outbox.remove(item)
        if reply.get("ok"):
            item["acked_at"] = time.time()
            self.acked.append(item)
            self.revision = reply.get("revision") or self.revision
        else:
            self.refused += 1

    def act(self) -> None:
        choice = random.random()
        if self.ideas_left and choice < 0.4:
            self.ideas_left -= 1
            fields = {"action": "idea", "text": f"Idée {self.number}-{self.ideas_left}", "kind": "autre"}
        elif self.idea_ids and choice < 0.8:
            fields = {"action": "dot", "idea": random.choice(self.idea_ids), "want": random.choice(("on", "off"))}
        else:
            fields = {"action": "vote", "commitment": random.choice(("reciprocity", "wishes_skills", "open_coop")),
                      "choice": random.choice(("adopt", "discuss"))}
        item = {"fields": {**fields, "send": secrets.token_hex(16)}, "sent_at": 0.0}
        self.outbox.append(item)
        self._deliver(item)

    def follow(self) -> None:
        try:
            status, data = self._call("GET", "/atelier/live?revision=" + urllib.parse.quote(self.revision))
        except (OSError, http.client.HTTPException):
            return
        if status == 200:
            news = json.loads(data)
            self.revision = news.get("revision", self.revision)
            self.idea_ids = re.findall(r'name="idea" value="([0-9a-f]{12})"', " ".join(news.get("sections", {}).values())) or self.idea_ids

    def run(self) -> None:
        try:
            self.join()
        except (OSError, AssertionError, http.client.HTTPException) as exc:
            print(f"phone {self.number} did not join: {exc}", file=sys.stderr)
            return
        next_act = time.monotonic() + random.uniform(0, 10)
        while time.monotonic() < self.stop_at:
            for item in list(self.outbox):
                self._deliver(item)
            if time.monotonic() >= next_act:
                self.act()
                next_act = time.monotonic() + random.uniform(0, 10)
            self.follow()
            time.sleep(3)
        for item in list(self.outbox):  # what is still waiting, once more (as the page would)
            self._deliver(item)


_WATCH = """() => {
  window.__counts = [];
  const read = () => {
    for (const c of document.querySelectorAll('.kpa-room-count')) {
      if (c.textContent.includes('idées') || c.textContent.includes('idée')) {
        const n = Number(c.querySelector('b').textContent);
        const last = window.__counts[window.__counts.length - 1];
        if (!last || last[0] !== n) { window.__counts.push([n, Date.now()]); }
      }
    }
  };
  read();
  new MutationObserver(read).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _file_ideas(server: Server) -> list[str]:
    room = json.loads(server.file.read_text(encoding="utf-8")).get("room") or {}
    return [idea["text"] for idea in room.get("ideas", [])]


def load(phones: int, seconds: float, kill_at: float | None) -> dict[str, Any]:
    """The load run (module docstring); the figures."""
    from playwright.sync_api import sync_playwright

    server = Server()
    results: dict[str, Any] = {"phones": phones, "seconds": seconds, "kill_at": kill_at, "cpus": os.cpu_count()}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            projector.goto(server.facilitator, timeout=180_000)
            projector.wait_for_selector(".kpa-room-counts", timeout=180_000)
            projector.evaluate(_WATCH)
            start = time.monotonic()
            crowd = [Phone(n, server, start + seconds) for n in range(phones)]
            edits: list[float] = []
            editor = threading.Thread(target=_facilitator_edits, args=(server, start + seconds, edits), daemon=True)
            editor.start()
            for phone in crowd:
                phone.start()
            cpu_peak_rss = 0.0
            back = None
            earlier: list[Any] = []
            while any(p.is_alive() for p in crowd):
                projector.wait_for_timeout(1000)
                cpu_peak_rss = max(cpu_peak_rss, _rss_mb(server.voila_pid()))
                if kill_at is not None and back is None and time.monotonic() - start >= kill_at:
                    earlier = projector.evaluate("window.__counts")
                    server.kill()
                    killed = time.time()
                    server.start()
                    answering = time.time()
                    results["restart_s"] = round(answering - killed, 1)
                    while back is None and time.monotonic() < start + seconds + 60:
                        returned = sum(1 for p in crowd if any(t > answering for t in p.answers))
                        if returned >= 0.95 * phones:
                            back = time.time() - answering
                        projector.wait_for_timeout(200)
                    results["phones_95pct_back_s_after_server_answers"] = round(back, 2) if back is not None else None
                    projector.wait_for_selector(".kpa-room-counts", timeout=180_000)  # it reloads by itself
                    projector.wait_for_timeout(2000)
                    projector.evaluate(_WATCH)
            projector.wait_for_timeout(5000)
            counts = (earlier if kill_at is not None else []) + projector.evaluate("window.__counts")
            browser.close()
        acked = [item for p in crowd for item in p.acked]
        ideas = sorted((i for i in acked if i["fields"]["action"] == "idea"), key=lambda i: i["acked_at"])
        in_file = _file_ideas(server)
        texts = [i["fields"]["text"] for i in ideas]
        results["acked_sends"] = len(acked)
        results["acked_ideas"] = len(ideas)
        results["lost"] = sum(1 for t in texts if t not in in_file)
        results["doubled"] = sum(1 for t in set(texts) if in_file.count(t) > 1)
        results["unanswered_at_end"] = sum(len(p.outbox) for p in crowd)
        results["refused"] = sum(p.refused for p in crowd)
        send_times = sorted(i["acked_at"] - i["sent_at"] for i in acked)
        results["send_median_s"] = round(statistics.median(send_times), 3) if send_times else None
        results["send_p95_s"] = round(send_times[int(0.95 * (len(send_times) - 1))], 3) if send_times else None
        results["send_max_s"] = round(send_times[-1], 3) if send_times else None
        # send → projector: the first time the projector counted at least as many ideas as were acked by then
        base = len(in_file) - len(set(texts))
        delays = []
        for rank, item in enumerate(ideas, start=1):
            seen = next((t / 1000 for n, t in counts if n >= base + rank and t / 1000 >= item["sent_at"] - 1), None)
            if seen is not None:
                delays.append(max(0.0, seen - item["sent_at"]))
        delays.sort()
        results["projector_seen"] = len(delays)
        results["send_to_projector_median_s"] = round(statistics.median(delays), 2) if delays else None
        results["send_to_projector_p95_s"] = round(delays[int(0.95 * (len(delays) - 1))], 2) if delays else None
        results["server_peak_rss_mb"] = cpu_peak_rss
        results["facilitator_edits"] = len(edits)
        results["facilitator_edit_median_s"] = round(statistics.median(edits), 3) if edits else None
        results["facilitator_edit_max_s"] = round(max(edits), 3) if edits else None
    finally:
        server.stop()
    return results


def _facilitator_edits(server: Server, stop_at: float, edits: list[float]) -> None:
    """Every 5 s, a facilitator's edit (the territory's neighbourhood) saved as the kernels save the
    room's file (storage.room.apply_now, beside the phones' saves): how long until it is saved."""
    from kpawidgets.storage.room import RoomUnavailable, apply_now
    from kpawidgets.storage.workspace import Workspace

    workspace = Workspace(server.file.parent)
    number = 0
    while time.monotonic() < stop_at:
        time.sleep(5)
        number += 1

        def change(workbook: Any, value: str = f"Quartier {number}") -> None:
            workbook.identity.neighbourhood = value
        t0 = time.monotonic()
        try:
            apply_now(workspace, server.file.stem, change)
            edits.append(time.monotonic() - t0)
        except (RoomUnavailable, OSError) as exc:
            print(f"facilitator edit failed: {exc}", file=sys.stderr)


def floods() -> dict[str, Any]:
    """Keys minted a minute, join guesses a minute, half-open connections held, memory under large posts."""
    server = Server()
    results: dict[str, Any] = {}
    port = server.port
    path = server.participant.split(f":{port}", 1)[1]
    try:
        cookie = ""  # the participants' cookie, without a phone key: each GET asks for a new key
        status, headers, _body = _request(port, "127.0.0.2", "GET", path)
        cookie = "; ".join(c.split(";", 1)[0] for c in headers["set-cookie"].split("\n") if c.startswith("kpa-atelier="))
        start, given, refused = time.monotonic(), 0, 0
        while time.monotonic() - start < 20:  # 20 s from one address
            status, _h, _b = _request(port, "127.0.0.3", "GET", "/atelier", cookie=cookie)
            given, refused = given + (status == 200), refused + (status == 429)
        results["keys_one_address_20s"] = {"given": given, "refused": refused}
        start, given, refused = time.monotonic(), 0, 0
        for n in range(400):  # 400 addresses, one try each, as fast as possible
            status, _h, _b = _request(port, f"127.0.{1 + n // 200}.{20 + n % 200}", "GET", "/atelier", cookie=cookie)
            given, refused = given + (status == 200), refused + (status == 429)
        results["keys_400_addresses"] = {"given": given, "refused": refused, "seconds": round(time.monotonic() - start, 1)}
        start, tried, limited = time.monotonic(), 0, 0
        while time.monotonic() - start < 20:
            status, _h, _b = _request(port, "127.0.0.4", "POST", "/login", b"code=ZZZZZZ",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
            tried, limited = tried + (status == 403), limited + (status == 429)
        results["join_guesses_one_address_20s"] = {"checked": tried, "refused_unchecked": limited}
        status, _h, _b = _request(port, "127.0.0.5", "POST", "/login", urllib.parse.urlencode({"code": server.join}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        results["right_code_from_another_address_meanwhile"] = status
        held = []
        for _ in range(200):
            sock = socket.socket()
            sock.bind(("127.0.0.6", 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"GET /login HT")
            held.append(sock)
        time.sleep(1)
        open_ones = 0
        for sock in held:
            sock.setblocking(False)
            try:
                open_ones += sock.recv(1) != b""
            except BlockingIOError:
                open_ones += 1
            except OSError:
                pass
        results["half_open_from_one_address_200_tried_held"] = open_ones
        for sock in held:
            sock.close()
        rss_before = _rss_mb(server.voila_pid())

        def big_post() -> None:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                             b"Content-Length: 95000000\r\n\r\n" % port)
                chunk = b"c" * 1_000_000
                for _ in range(95):
                    sock.sendall(chunk)
            except OSError:
                pass
        posts = [threading.Thread(target=big_post) for _ in range(20)]
        for thread in posts:
            thread.start()
        peak = rss_before
        while any(t.is_alive() for t in posts):
            peak = max(peak, _rss_mb(server.voila_pid()))
            time.sleep(0.1)
        results["rss_mb_before_20x95MB_posts"] = rss_before
        results["rss_mb_peak_during"] = peak
        server.log.flush()
        log = (server.folder / f"serve-{server.runs}.log").read_text(errors="replace")
        results["server_log_lines"] = len(log.splitlines())
        results["server_log_tracebacks"] = log.count("Traceback")
    finally:
        server.stop()
    return results
