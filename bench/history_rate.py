"""What the history costs at a busy room's rate of saves: bytes on disk per minute of workshop.

``python bench/history_rate.py [--saves 612] [--phones 40]`` copies the example into a temporary
workspace, lets *phones* people join (a card each) and then makes *saves* room saves through
:func:`kpawidgets.storage.room.apply_now` (an idea, a card change, a dot, in turn), as the
phones do: 612 saves is what 40 phones wrote in one minute in the probe of issue 20. It prints a
JSON object: versions kept, bytes of the history folder (file sizes and disk blocks), the
workbook's own size, and seconds the saves took. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpawidgets.model.room.contributions import add_idea, toggle_dot  # noqa: E402
from kpawidgets.model.room.group import save_card  # noqa: E402
from kpawidgets.model.room.records import owner_of  # noqa: E402
from kpawidgets.resources import example_workbook_path  # noqa: E402
from kpawidgets.storage.room import apply_now  # noqa: E402
from kpawidgets.storage.workspace import Workspace, copy_into  # noqa: E402


def _sizes(folder: Path) -> tuple[int, int, int]:
    count = size = blocks = 0
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            count, size, blocks = count + 1, size + info.st_size, blocks + info.st_blocks * 512
    return count, size, blocks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=612)
    parser.add_argument("--phones", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(tmp)
        name = copy_into(workspace, example_workbook_path()).name
        owners = [owner_of(f"phone-{i:02d}-" + "x" * 20) for i in range(args.phones)]
        for i, owner in enumerate(owners):
            apply_now(workspace, name, lambda wb, o=owner, i=i: save_card(wb, o, alias=f"Personne {i}"))
        before = _sizes(Path(tmp) / ".historique")
        ideas: dict[str, list[str]] = {o: [] for o in owners}
        started = time.perf_counter()
        for n in range(args.saves):
            owner = owners[n % len(owners)]
            step = (n // len(owners)) % 3
            if step == 0 or not ideas[owner]:
                idea, _ = apply_now(workspace, name, lambda wb, o=owner, n=n: add_idea(wb.room, o, f"Idée numéro {n} : un atelier de cuisine"))
                ideas[owner].append(idea.id)
            elif step == 1:
                apply_now(workspace, name, lambda wb, o=owner, n=n: save_card(wb, o, wishes=f"envie {n}"))
            else:
                target = ideas[owners[(n + 1) % len(owners)]] or ideas[owner]
                apply_now(workspace, name, lambda wb, o=owner, t=target[0]: toggle_dot(wb.room, o, t))
        seconds = time.perf_counter() - started
        after = _sizes(Path(tmp) / ".historique")
        print(json.dumps({
            "saves": args.saves, "phones": args.phones, "seconds": round(seconds, 1),
            "workbook_bytes": os.path.getsize(workspace.path_for(name)),
            "history_files_added": after[0] - before[0],
            "history_bytes_added": after[1] - before[1],
            "history_disk_bytes_added": after[2] - before[2],
        }, indent=1))


if __name__ == "__main__":
    main()
