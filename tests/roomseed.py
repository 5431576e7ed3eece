"""A room of *n* phones written through the model (the room's own writers), not through *n* browsers.

Each phone fills its card, sends two ideas (one with a long text, so cards hold two lines or
more) and puts its three dots, most of them on a few ideas (at 25 phones a kind has more than
11 dots, the count that broke the wall's titles); a few ideas are merged. What it wrote is
returned so a test can check every idea is reachable.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room import group as rg
from kpawidgets.model.room import moderation as mod
from kpawidgets.model.room.records import IDEA_KINDS, owner_of
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace

KINDS = [kind for kind in IDEA_KINDS if kind != "autre"]
TEXTS = ["Un buffet pour la fête de quartier", "Des ateliers de réparation de vélos le samedi matin au pied des tours",
         "Tee-shirts sérigraphiés", "Potager partagé", "Une conciergerie pour les personnes âgées de la résidence",
         "Fresque numérique projetée sur le mur du centre social", "Traiteur pour les associations"]
AGES = ["16_17", "18_25", "26_35", "36_50", "51_plus"]
GENDERS = ["woman", "man", "other", "undisclosed"]


@dataclass(frozen=True)
class Seeded:
    ideas: tuple[str, ...]  #: every idea's id
    merged: tuple[str, ...]  #: ids merged into another
    keys: tuple[str, ...]  #: the phones' secret keys


def seed_room(workspace: Workspace, name: str, phones: int, *, keep_group: int = 0) -> Seeded:
    """*phones* phones join workbook *name* (its group cut to *keep_group* first)."""
    keys = tuple(secrets.token_urlsafe(16) for _ in range(phones))

    def change(workbook: Workbook) -> list[str]:
        workbook.checklist.group = workbook.checklist.group[:keep_group]
        workbook.room = type(workbook.room)()
        ideas: list[str] = []
        for number, key in enumerate(keys):
            owner = owner_of(key)
            rg.save_card(workbook, owner, alias=f"Prénom{number}", age_band=AGES[number % len(AGES)],
                         gender=GENDERS[number % len(GENDERS)], situations=[], wishes="cuisiner, jardiner", skills="")
            for turn in range(2):
                text = f"{TEXTS[(number + turn) % len(TEXTS)]} n°{number}-{turn}"
                ideas.append(rc.add_idea(workbook.room, owner, text, KINDS[(number * 2 + turn) % len(KINDS)]).id)
        # dots: most on the first ideas of each kind (a kind collects many), the rest spread
        cycle = itertools.cycle(ideas[:12])
        for number, key in enumerate(keys):
            owner = owner_of(key)
            chosen: list[str] = []
            while len(chosen) < 3:
                idea = next(cycle) if number % 3 else ideas[(number * 7 + len(chosen)) % len(ideas)]
                if idea not in chosen:
                    chosen.append(idea)
            rc.set_dots(workbook.room, owner, chosen)
        return ideas

    ideas, _saved = apply_now(workspace, name, change)
    merged: list[str] = []
    if len(ideas) > 8:
        by_kind: dict[str, list[str]] = {}
        room = workspace.open(name).workbook.room
        for idea in room.ideas:
            by_kind.setdefault(idea.kind, []).append(idea.id)
        pairs = [(ids[0], ids[-1]) for ids in by_kind.values() if len(ids) > 2][:2]

        def merge(workbook: Workbook) -> None:
            for keep, other in pairs:
                mod.merge_ideas(workbook.room, keep, other)

        apply_now(workspace, name, merge)
        merged = [other for _keep, other in pairs]
    return Seeded(tuple(ideas), tuple(merged), keys)
