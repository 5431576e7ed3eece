"""« Effacer mes réponses » on a workbook with a long history, while another phone keeps using the page.

``python bench/erase.py [--versions 300] [--seconds-after 3]`` prints a JSON object and writes
``bench/erase-results.json``. Everything goes through 127.0.0.1. Not part of ``make test``.

A real ``kpa serve --atelier`` on a copy of the example. Phone A joins and saves its card
(« Tournesol »); then *versions* saves by other people are made beside the server (each one a
version kept in the history, all of them holding A's card); phone B joins and, from then on,
follows the page (``/atelier/live``) and sends a vote in turn, one request after the other. Phone A
taps « Oui, effacer mes réponses ». Measured:

- the erasure: the time from A's post until its answer;
- phone B's requests answered while the erasure ran, and B's longest wait for one of them (what
  another person in the room feels while someone takes their answers back);
- that no file of the workspace still holds « Tournesol » afterwards.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.room_load import FORM, Phone, Server  # noqa: E402
from kpawidgets.model.room.records import owner_of  # noqa: E402
from kpawidgets.storage.workspace import Workspace  # noqa: E402
from kpawidgets.web import phone as web_phone  # noqa: E402

NAME = "Tournesol"


def _post(phone: Phone, fields: dict[str, str]) -> dict[str, Any]:
    status, data = phone._call("POST", "/atelier", urllib.parse.urlencode(fields).encode(), FORM)
    assert status == 200, (status, data[:200])
    return dict(json.loads(data))


def _seed(workspace: Workspace, name: str, versions: int) -> None:
    """*versions* saves by other people (an idea each), as the room makes them: each one a kept version."""
    for number in range(versions):
        other = web_phone.Phone(owner_of(secrets.token_urlsafe(16)), "fr")
        reply = web_phone.act(workspace, name, other, {"action": ["idea"], "text": [f"Idée {number}"],
                                                        "kind": ["autre"], "send": [secrets.token_hex(16)]})
        assert reply.ok, reply.sections


def _holding(folder: Path, text: str) -> list[str]:
    """The files under *folder* whose bytes (decompressed when zstd) still hold *text*."""
    from kpawidgets.storage.history import version_bytes

    found = []
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix == ".lock":
            continue
        raw = path.read_bytes()
        try:
            raw = version_bytes(path) if ".historique" in path.parts else raw
        except Exception:  # noqa: BLE001 - a file that is not a version: its own bytes
            pass
        if text.encode() in raw:
            found.append(str(path.relative_to(folder)))
    return found


class Follower(threading.Thread):
    """Phone B: one request after the other (the page's following, then a vote), each one timed."""

    def __init__(self, phone: Phone, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.phone, self.stop_at = phone, stop_at
        self.waits: list[tuple[float, float]] = []  # (start, seconds)

    def run(self) -> None:
        turn = 0
        while time.monotonic() < self.stop_at:
            start = time.monotonic()
            if turn % 2:
                _post(self.phone, {"action": "vote", "commitment": "reciprocity",
                                   "choice": ("adopt", "discuss")[turn // 2 % 2], "send": secrets.token_hex(16)})
            else:
                self.phone._call("GET", "/atelier/live?revision=")
            self.waits.append((start, time.monotonic() - start))
            turn += 1
            time.sleep(0.05)


def run(versions: int, seconds_after: float) -> dict[str, Any]:
    server = Server()
    try:
        workspace = Workspace(server.file.parent)
        name = server.file.stem
        a = Phone(0, server, 0.0)
        a.join()
        reply = _post(a, {"action": "card", "alias": NAME, "age_band": "", "gender": "", "wishes": "", "skills": "",
                          "sensitive": "no"})
        assert reply["ok"], reply
        seeding = time.monotonic()
        _seed(workspace, name, versions)
        seeded = time.monotonic() - seeding
        history = server.file.parent / ".historique" / name
        kept = sum(1 for p in history.rglob("*") if p.is_file()) if history.is_dir() else 0
        b = Phone(1, server, 0.0)
        b.join()
        follower = Follower(b, time.monotonic() + 3600)
        follower.start()
        time.sleep(1.0)
        start = time.monotonic()
        reply = _post(a, {"action": "forget", "keep_ideas": "no"})
        erase = time.monotonic() - start
        end = time.monotonic()
        time.sleep(seconds_after)
        follower.stop_at = 0.0
        follower.join(timeout=60)
        during = [wait for began, wait in follower.waits if began < end and began + wait > start]
        return {
            "versions_seeded": versions, "seeding_s": round(seeded, 1), "history_files": kept,
            "erase_ok": reply["ok"], "erase_s": round(erase, 3),
            "other_phone_requests_during": len(during),
            "other_phone_longest_wait_during_s": round(max(during), 3) if during else None,
            "other_phone_longest_wait_outside_s": round(max((w for s, w in follower.waits if s >= end), default=0.0), 3),
            "files_still_holding_the_name": _holding(server.file.parent, NAME),
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=300)
    parser.add_argument("--seconds-after", type=float, default=3.0)
    args = parser.parse_args()
    results = run(args.versions, args.seconds_after)
    (ROOT / "bench" / "erase-results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
