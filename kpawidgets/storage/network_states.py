"""What each « État du réseau » export keeps, to say the trend at the next one.

Every export of the PDF (the Réseau page, ``kpa reseau --pdf``) writes the network's figures of that day
(:func:`~kpawidgets.model.network.rows.state_figures`: whole numbers, no territory's name) to
``<workspace>/.reseau/etat-<date and time>.json`` (:mod:`kpawidgets.storage.atomic`), ``"kind":
"kpa-network-state"``; the next export compares with the newest one. The network's folder itself is never
written (on a hub it is read-only for the core team). At most :data:`MAX_STATES` are kept: the oldest go.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

from kpawidgets.storage.atomic import WriteError, write_atomic

__all__ = ["STATES_DIR", "STATE_KIND", "MAX_STATES", "last_state", "keep_state"]

STATES_DIR = ".reseau"
STATE_KIND = "kpa-network-state"
#: States kept; the oldest are removed past this count.
MAX_STATES = 200
_MAX_BYTES = 64 * 1024


def _states(root: Path) -> list[Path]:
    folder = root / STATES_DIR
    try:
        with os.scandir(folder) as listing:
            names = sorted(e.name for e in listing if e.name.startswith("etat-") and e.name.endswith(".json")
                           and e.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [folder / name for name in names]


def last_state(root: Path) -> dict[str, Any] | None:
    """The newest kept state under workspace *root* (``{"date": ..., "figures": {...}}``), or None."""
    for path in reversed(_states(root)[-20:]):  # a damaged one is passed over, a few at most
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES:
                continue
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and data.get("kind") == STATE_KIND and isinstance(data.get("figures"), dict):
            return data
    return None


def keep_state(root: Path, figures: dict[str, int], day: dt.date | None = None,
               folder: str = "") -> Path | None:
    """Keep *figures* as the state of *day* (the date its export printed; default: today) under
    workspace *root*; None when the disk refused it."""
    now = dt.datetime.now().astimezone()
    day = day or now.date()
    path = root / STATES_DIR / f"etat-{day.isoformat()}T{now.strftime('%H%M%S')}.json"
    document = {"kind": STATE_KIND, "format": 1, "date": day.isoformat(), "folder": folder,
                "figures": figures}
    try:
        write_atomic(path, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"), make_parents=True)
    except WriteError:
        return None
    for old in _states(root)[:-MAX_STATES]:
        try:
            old.unlink()
        except OSError:
            pass
    return path
