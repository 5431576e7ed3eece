"""The wall's layout as the model computes it (issue 18): dots after merges, where an idea is, and
the phone telling its author the same place the projector shows."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room import moderation as mod
from kpawidgets.model.room.records import Room, owner_of
from kpawidgets.model.room.summary import NEWEST_SHOWN, WALL_SHOWN, idea_place, wall
from kpawidgets.storage.workspace import Workspace
from tests.phonekit import PhoneKit


def _owner() -> str:
    return owner_of(secrets.token_urlsafe(16))


def test_merging_two_ideas_one_person_dotted_counts_that_person_once() -> None:
    room, me, other = Room(), _owner(), _owner()
    first = rc.add_idea(room, me, "Buffet", "cuisine")
    second = rc.add_idea(room, me, "Un buffet pour la fête", "cuisine")
    rc.set_dots(room, me, [first.id, second.id])
    rc.set_dots(room, other, [second.id])
    mod.merge_ideas(room, first.id, second.id)
    (column,) = wall(room)
    assert [(idea.id, idea.dots) for idea in column.ideas] == [(first.id, 2)]  # me once, the other once (it said 3)


def test_every_idea_has_a_place_a_new_one_in_the_newest_lane() -> None:
    room, owners = Room(), [_owner() for _ in range(WALL_SHOWN + NEWEST_SHOWN + 2)]
    ideas = [rc.add_idea(room, owner, f"Idée {n}", "jardin") for n, owner in enumerate(owners)]
    for owner in owners:  # everyone dots the first ideas: they lead the column
        rc.set_dots(room, owner, [idea.id for idea in ideas[:3]])
    places = {idea.id: idea_place(room, idea.id).where for idea in ideas}
    assert [places[idea.id] for idea in ideas[:WALL_SHOWN]] == ["column"] * WALL_SHOWN
    assert [places[idea.id] for idea in ideas[-NEWEST_SHOWN:]] == ["newest"] * NEWEST_SHOWN  # nobody dotted them yet
    assert [places[idea.id] for idea in ideas[WALL_SHOWN:-NEWEST_SHOWN]] == ["folded"] * 2
    mod.hide_idea(room, ideas[-1].id)
    mod.merge_ideas(room, ideas[0].id, ideas[-2].id)
    assert idea_place(room, ideas[-1].id).where == "hidden"
    merged = idea_place(room, ideas[-2].id)
    assert (merged.where, merged.into) == ("merged", "Idée 0")


def test_the_phone_says_where_its_idea_went(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir / example_path.name)
    workspace, name = Workspace(workspace_dir), example_path.stem
    phones = [PhoneKit(workspace, name) for _ in range(WALL_SHOWN + NEWEST_SHOWN + 1)]
    for phone in phones:
        assert phone.send("idea", text="Potager partagé", kind="jardin").ok
    for phone in phones[:3]:
        phone.send("dot", idea=rc.ideas_of(workspace.open(name).workbook.room, phones[0].phone.owner)[0].id)
    last = phones[-1].send("idea", text="Un compost collectif", kind="jardin")
    assert "Au mur, dans « Nouvelles idées »." in last.sections["idea-status"]
    first = PhoneKit(workspace, name, key=phones[0].key)
    assert "Au mur, dans la colonne « Jardin, espaces verts »." in first.page()
    folded = PhoneKit(workspace, name, key=phones[WALL_SHOWN].key)  # no dot, no longer among the newest
    assert "repliée sous « et … de plus »" in folded.page()
    english = PhoneKit(workspace, name, lang="en", key=phones[0].key)
    assert "On the wall, in the “Gardening, green spaces” column." in english.page()
