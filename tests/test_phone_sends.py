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


def _send_under_file_size_limit(root: str, name: str) -> dict[str, object]:
    """Child: a file size limit (RLIMIT_FSIZE) below the workbook's size (writes get EFBIG, a full disk), one send."""
    import logging
    import resource
    import signal

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())
    logging.getLogger("kpa.atelier").addHandler(Keep())
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    phone = PhoneKit(Workspace(Path(root)), name)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    replies = [phone.send("idea", text=f"Idée {n}", kind="autre", send=f"{n:032d}") for n in range(3)]
    return {"ok": [r.ok for r in replies], "status": replies[0].sections.get("idea-status", ""), "log": records}


def test_a_full_disk_is_named_to_the_phone_and_in_the_log_once(served: tuple[Workspace, str]) -> None:
    from tests.test_reliability_save import _in_child

    workspace, name = served
    before = workspace.path_for(name).read_bytes()
    result = _in_child(_send_under_file_size_limit, str(workspace.root), name)
    assert result["ok"] == [False, False, False]
    assert "le disque est plein" in str(result["status"]) and "réessayez" not in str(result["status"])
    assert len(result["log"]) == 1 and "disk is full" in result["log"][0]  # one line, however many sends
    assert workspace.path_for(name).read_bytes() == before
