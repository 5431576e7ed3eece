"""Sends that never double: a phone's send carries a key, and the same send arriving again
(its answer was lost, the phone sent it again from its outbox) changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kpawidgets.storage.workspace import Workspace
from kpawidgets.web import phone as web_phone
from tests.phonekit import PhoneKit


@pytest.fixture
def served(workspace_dir: Path, example_path: Path) -> tuple[Workspace, str]:
    shutil.copy(example_path, workspace_dir / example_path.name)
    return Workspace(workspace_dir), example_path.stem


@pytest.fixture(autouse=True)
def _fresh_rate() -> None:
    web_phone._sent.clear()


def _room(served: tuple[Workspace, str]) -> dict[str, list[dict[str, str]]]:
    workspace, name = served
    return json.loads(workspace.path_for(name).read_text(encoding="utf-8")).get("room") or {}


def test_an_idea_sent_twice_with_its_key_is_on_the_wall_once(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served)
    for _attempt in range(3):
        assert phone.send("idea", text="Atelier vélo", kind="autre", send="k" * 32).ok
    assert [i["text"] for i in _room(served)["ideas"]].count("Atelier vélo") == 1
    assert phone.send("idea", text="Atelier vélo", kind="autre", send="j" * 32).ok  # another send: another idea
    assert [i["text"] for i in _room(served)["ideas"]].count("Atelier vélo") == 2
    # another phone's send with the same key is its own
    assert PhoneKit(*served).send("idea", text="Atelier vélo", kind="autre", send="k" * 32).ok
    assert [i["text"] for i in _room(served)["ideas"]].count("Atelier vélo") == 3


def test_a_dot_sent_twice_stays_as_wanted(served: tuple[Workspace, str]) -> None:
    author, voter = PhoneKit(*served), PhoneKit(*served)
    author.send("idea", text="Jardin partagé", kind="autre", send="a" * 32)
    idea = next(i["id"] for i in _room(served)["ideas"] if i["text"] == "Jardin partagé")
    for _attempt in range(2):
        assert voter.send("dot", idea=idea, want="on").ok
    assert [d["idea"] for d in _room(served)["dots"]].count(idea) == 1
    for _attempt in range(2):
        assert voter.send("dot", idea=idea, want="off").ok
    assert [d["idea"] for d in _room(served)["dots"]].count(idea) == 0
