"""Issue 20, item 1: a full room says so, kindly — never « Une erreur inattendue » and a traceback.

One script filled the room (80 cards, 400 ideas, 240 dots); then a real phone's dot answered « Une
erreur inattendue » with a traceback in the log. Each list of the room full, a new phone's card,
idea, dot and vote each get a sentence that says the room is full, in the phone's language.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

import kpawidgets.model.room.contributions as rc
from kpawidgets.model.room.group import save_card
from kpawidgets.model.room.records import MAX_IDEAS, MAX_PARTICIPANTS, owner_of
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace, copy_into
from kpawidgets.web.phone import Phone, act

COMMITMENTS = ("reciprocity", "wishes_skills", "open_coop", "horizontality", "belongs_to_all", "territory_needs",
               "charters", "open_budgets")


def _fill(workbook: Workbook) -> list[str]:
    ideas: list[str] = []
    owners = [owner_of(f"{n:044d}") for n in range(MAX_PARTICIPANTS)]
    for number, owner in enumerate(owners):
        save_card(workbook, owner, alias=f"P{number}")
        for commitment in COMMITMENTS:
            rc.set_vote(workbook.room, owner, commitment, "adopt")
    for index in range(MAX_IDEAS):
        ideas.append(rc.add_idea(workbook.room, owners[index // 5], f"Idée {index}", "autre").id)
    for number, owner in enumerate(owners):
        for step in range(3):
            rc.toggle_dot(workbook.room, owner, ideas[(number + step) % len(ideas)])
    return ideas


def _said(sections: dict[str, str]) -> str:
    return " ".join(re.findall(r'role="alert">([^<]*)', " ".join(sections.values()))).replace("&#x27;", "'")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_full_room_says_so_to_a_new_phone(workspace_dir: Path, example_path: Path, caplog: pytest.LogCaptureFixture,
                                            lang: str) -> None:
    workspace = Workspace(workspace_dir)
    name = copy_into(workspace, example_path).name
    ideas, _saved = apply_now(workspace, name, _fill)
    room = workspace.open(name).workbook.room
    assert (len(room.participants), len(room.ideas), len(room.dots)) == (MAX_PARTICIPANTS, MAX_IDEAS, 3 * MAX_PARTICIPANTS)
    phone = Phone(owner_of("n" * 44), lang, "")
    forms = {"card": {"action": ["card"], "alias": ["Nouvelle"]},
             "idea": {"action": ["idea"], "text": ["Une idée de plus"], "kind": ["autre"], "send": ["s1"]},
             "dot": {"action": ["dot"], "idea": [ideas[0]], "want": ["on"]},
             "vote": {"action": ["vote"], "commitment": ["charters"], "choice": ["adopt"]}}
    full = {"fr": ("complet", "plein"), "en": ("full",)}[lang]
    with caplog.at_level(logging.INFO):
        for action, form in forms.items():
            reply = act(workspace, name, phone, form)
            said = _said(reply.sections)
            assert not reply.ok, action
            assert any(word in said for word in full), f"{action}: {said!r}"
            assert "inattendue" not in said and "unexpected" not in said.lower(), action
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback in the server's log
