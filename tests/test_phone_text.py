"""What a phone types, by one rule (issue 20, point 8): invisible texts, piled-up accents, direction
characters, and the full lists of the room, each answered in the person's language."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import get_args

import pytest

from kpawidgets.model.records.checklist import CommitmentId
from kpawidgets.model.room.records import DOTS_PER_PERSON, MARKS_PER_LETTER, MAX_PARTICIPANTS, Dot, Idea, Vote, owner_of
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web import phone as web_phone
from tests.phonekit import PhoneKit

#: Texts that draw nothing: zero-width spaces, the Hangul filler, the blank Braille cell, soft hyphens, and all mixed.
INVISIBLE = ["\u200b\u200b\u200b", "\u3164", "\u2800\u2800", "\u00ad\u00ad", "\u200b \u3164\u2800\u00ad\u2060\ufeff"]


@pytest.fixture
def served(workspace_dir: Path, example_path: Path) -> tuple[Workspace, str]:
    shutil.copy(example_path, workspace_dir / example_path.name)
    web_phone._sent.clear()
    return Workspace(workspace_dir), example_path.stem


def _room(served: tuple[Workspace, str]) -> dict[str, object]:
    workspace, name = served
    return json.loads(workspace.path_for(name).read_text(encoding="utf-8")).get("room") or {}


@pytest.mark.parametrize("text", INVISIBLE)
def test_an_idea_or_an_alias_of_invisible_characters_only_is_refused(served: tuple[Workspace, str], text: str) -> None:
    phone = PhoneKit(*served, lang="en")
    reply = phone.send("idea", text=text, kind="cuisine")
    assert not reply.ok and "only invisible characters" in reply.sections["kpa-idea-error"]
    reply = phone.save_card(alias=text)
    assert not reply.ok and "only invisible characters" in reply.sections["kpa-alias-error"]
    assert _room(served).get("ideas", []) == [] and _room(served).get("participants", []) == []  # no blank post-it
    french = PhoneKit(*served)
    assert "que des caractères invisibles" in french.send("idea", text=text, kind="cuisine").sections["kpa-idea-error"]


def test_invisible_characters_inside_a_real_text_stay(served: tuple[Workspace, str]) -> None:
    """Persian needs its zero-width non-joiner, a family emoji its joiners: only texts made of nothing else are refused."""
    phone = PhoneKit(*served)
    for text in ("خانه\u200cها", "Famille 👨\u200d👩\u200d👧", "co\u00adopé\u00adra\u00adtive"):
        assert phone.send("idea", text=text, kind="autre").ok, text
    assert [idea["text"] for idea in _room(served)["ideas"]] == ["خانه\u200cها", "Famille 👨\u200d👩\u200d👧",  # type: ignore[index]
                                                               "co\u00adopé\u00adra\u00adtive"]


def test_a_letter_carries_a_few_accents_not_a_pile(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served, lang="en")
    pile = "Zalgo " + "e" + "\u0301" * 139  # drew over 8 neighbouring ideas on the wall
    reply = phone.send("idea", text=pile, kind="autre")
    assert not reply.ok and f"more than {MARKS_PER_LETTER} accents" in reply.sections["kpa-idea-error"]
    reply = phone.save_card(wishes="x" + "\u0300" * (MARKS_PER_LETTER + 1))
    assert not reply.ok and "accents" in reply.sections["kpa-wishes-error"]
    # Vietnamese (two marks on a letter) and a letter with exactly the bound pass
    assert phone.send("idea", text="Phở Nguyễn", kind="cuisine").ok
    assert phone.send("idea", text="x" + "\u0301\u0302\u0303\u0304"[:MARKS_PER_LETTER], kind="autre").ok


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                  "\u2066", "\u2067", "\u2068", "\u2069"])
def test_every_direction_character_is_treated_alike(served: tuple[Workspace, str], mark: str) -> None:
    """One rule: the page isolates each text itself (``<bdi>``), so every direction character is dropped (RLM and
    ALM passed while the overrides were refused); the idea is kept without it, and so is the card."""
    phone = PhoneKit(*served)
    assert phone.send("idea", text=f"Jardin{mark} partagé", kind="jardin").ok
    assert phone.save_card(alias=f"Awa{mark}", wishes=f"cuisiner{mark}").ok
    room = _room(served)
    assert room["ideas"][0]["text"] == "Jardin partagé"  # type: ignore[index]
    assert room["participants"][0]["wishes"] == "cuisiner"  # type: ignore[index]


def _full(workbook: object) -> str:
    """The room's dot and vote lists as full as the file allows (80 people × 3 dots, 80 people × 8 votes)."""
    room = workbook.room  # type: ignore[attr-defined]
    idea = Idea(owner="facilitator", text="Un buffet", kind="cuisine")
    room.ideas = [idea]
    room.dots = [Dot(owner=owner_of(secrets.token_urlsafe(16)), idea=idea.id) for _ in range(MAX_PARTICIPANTS * DOTS_PER_PERSON)]
    room.votes = [Vote(owner=owner_of(secrets.token_urlsafe(16)), commitment=commitment, choice="adopt")
                  for _ in range(MAX_PARTICIPANTS) for commitment in get_args(CommitmentId)]
    return idea.id


@pytest.mark.parametrize("lang, words", [("fr", "atelier est complet"), ("en", "The workshop is full")])
def test_full_dot_and_vote_lists_say_so_kindly_in_the_phones_language(served: tuple[Workspace, str], lang: str,
                                                                      words: str) -> None:
    idea_id, _saved = apply_now(*served, _full)
    phone = PhoneKit(*served, lang=lang)
    dot = phone.send("dot", idea=idea_id, want="on")
    vote = phone.send("vote", commitment=get_args(CommitmentId)[0], choice="adopt")
    for reply, section in ((dot, "dots"), (vote, "votes")):
        assert not reply.ok and words in reply.sections[section]
        assert "inattendue" not in reply.sections[section] and "unexpected" not in reply.sections[section]


def _written_before(workbook: object) -> None:
    room = workbook.room  # type: ignore[attr-defined]
    room.ideas = [Idea(owner="facilitator", text="\u200b\u200b", kind="autre"),
                  Idea(owner="facilitator", text="e" + "\u0301" * 139, kind="autre"),
                  Idea(owner="facilitator", text="Jardin\u200f", kind="jardin")]


def test_a_file_written_before_the_rule_still_opens_and_draws(served: tuple[Workspace, str]) -> None:
    """The rule holds what is typed, not what a file already keeps: such a file opens, and its phone page draws."""
    apply_now(*served, _written_before)
    workspace, name = served
    assert len(workspace.open(name).workbook.room.ideas) == 3
    page = PhoneKit(*served).page()
    assert page.count('class="kpa-dot"') == 3
