"""A network folder to look at, test and measure: shared-figures files made from the example workbook.

:func:`seed_folder` computes the example's shared figures once (:func:`~kpawidgets.model.network.shared.share_document`)
and writes *count* variants of them (territory, town, launch date, the venue's and host's status, funding, team),
spread so that every colour's rule holds somewhere. Deterministic: the same *count* and *today* give the
same files.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from kpawidgets.model.network.shared import share_document
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.resources import example_workbook_path

__all__ = ["TERRITORIES", "seed_document", "seed_folder"]

#: The deck's four KPAs first, then made-up territories « en réflexion ».
TERRITORIES: tuple[tuple[str, str], ...] = (
    ("La Cape", "Roubaix"), ("KPA-Moulins", "Lille"), ("Illicoop", "Mons-en-Barœul"),
    ("Les Coopains à bord", "La Rochelle"), ("KPA du Pont-Neuf", "Tourcoing"), ("KPA des Trois-Ponts", "Roubaix"),
    ("KPA Fives", "Lille"), ("KPA du Faubourg", "Valenciennes"), ("KPA Bellevue", "Nantes"),
    ("KPA La Duchère", "Lyon"), ("KPA du Mirail", "Toulouse"),
)


def _base(today: dt.date) -> dict[str, Any]:
    workbook = load_workbook_text(example_workbook_path().read_bytes(), "example")
    return share_document(workbook, "example", today)


def seed_document(base: dict[str, Any], index: int, today: dt.date) -> dict[str, Any]:
    """Variant *index* of the shared-figures document *base* (JSON data)."""
    document = copy.deepcopy(base)
    figures = document["figures"]
    name, town = TERRITORIES[index % len(TERRITORIES)]
    round_ = index // len(TERRITORIES)
    figures["territory"] = name if round_ == 0 else f"{name} {round_ + 1}"
    figures["town"] = town
    launch = today + dt.timedelta(days=(index * 17) % 200 - 20)
    figures["launch_date"] = launch.isoformat()
    settled = index % 3 != 0
    figures["ingredients"]["venue"] = "done" if settled else "in_progress"
    figures["ingredients"]["host"] = "done" if settled or index % 2 else "todo"
    charges = 30000 + (index * 1373) % 30000
    secured = charges * ((index * 29) % 100) // 100
    requested = min(charges - secured, charges // 4)
    figures.update(charges=charges, secured=secured, requested=requested, gap=max(0, charges - secured - requested),
                   secured_pct=round(100 * secured / charges), team_fte=str(1.0 + (index % 4) * 0.25),
                   slip_days=max(0, (today - launch).days) + ((index * 7) % 30 if index % 4 == 1 else 0),
                   group_size=4 + index % 17,
                   readiness_pct=30 + (index * 11) % 70)
    document["source"] = f"territoire-{index:04d}"
    return document


def seed_folder(folder: Path, count: int, today: dt.date | None = None) -> list[Path]:
    """Write *count* shared-figures files into *folder* (made if need be); returns their paths."""
    today = today or dt.date.today()
    base = _base(today)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        document = seed_document(base, index, today)
        path = folder / f"{document['source']}.json"
        # test data, not a user's file: a plain write (no fsync each) keeps seeding 1 000 files quick
        path.write_bytes(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
        paths.append(path)
    return paths
