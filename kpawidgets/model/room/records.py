"""What the workbook stores of a workshop room (``workbook.room``).

Every item has a stable ``id`` and an ``owner``: the SHA-256 of the secret key its phone
keeps (:func:`owner_of`), or :data:`FACILITATOR` for what the facilitator typed. The file
holds only hashes, so reading it never lets one phone act as another.

Bounds: per workshop :data:`MAX_PARTICIPANTS` people and :data:`MAX_IDEAS` ideas; per
person one entry about themselves, :data:`MAX_IDEAS_PER_PERSON` ideas, one vote per
commitment and :data:`DOTS_PER_PERSON` dots (one per idea). Texts are bounded and refuse
control characters (see :func:`clean_text`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from collections import Counter
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from kpawidgets.i18n import N_
from kpawidgets.model.base import KpaModel
from kpawidgets.model.records.checklist import AgeBand, CommitmentId, Situation

__all__ = [
    "FACILITATOR", "IDEA_KINDS", "GENDER_CHOICES", "VOTE_CHOICES",
    "MAX_PARTICIPANTS", "MAX_IDEAS", "MAX_IDEAS_PER_PERSON", "DOTS_PER_PERSON",
    "ALIAS_MAX", "IDEA_MAX", "WISH_MAX",
    "Participant", "Idea", "Vote", "Dot", "Room",
    "owner_of", "valid_key", "new_item_id", "clean_text", "typed_text", "MARKS_PER_LETTER",
]

#: The owner of what the facilitator types for people without a phone.
FACILITATOR = "facilitator"
MAX_PARTICIPANTS = 80
#: Default months after the launch when the group's personal fields are removed (issue 23).
RETENTION_MONTHS = 12
MAX_IDEAS = 400
MAX_IDEAS_PER_PERSON = 12
DOTS_PER_PERSON = 3
ALIAS_MAX = 40
IDEA_MAX = 140
WISH_MAX = 300

IdeaKind = Literal["cuisine", "jardin", "evenements", "serigraphie", "arts_numeriques", "services", "autre"]
IDEA_KINDS: dict[str, str] = {
    "cuisine": N_("Cuisine, traiteur"),
    "jardin": N_("Jardin, espaces verts"),
    "evenements": N_("Événements"),
    "serigraphie": N_("Sérigraphie"),
    "arts_numeriques": N_("Arts numériques"),
    "services": N_("Conciergerie, services"),
    "autre": N_("Autre"),
}
RoomGender = Literal["woman", "man", "other", "undisclosed"]
GENDER_CHOICES: dict[str, str] = {
    "woman": N_("Femme"), "man": N_("Homme"), "other": N_("Autre / non-binaire"),
    "undisclosed": N_("Je préfère ne pas dire"),
}
VoteChoice = Literal["adopt", "discuss"]
VOTE_CHOICES: dict[str, str] = {"adopt": N_("On l'adopte"), "discuss": N_("À discuter")}

_ID = r"^[0-9a-f]{12}$"
_OWNER = rf"^([0-9a-f]{{64}}|{FACILITATOR})$"
_KEY = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
#: Bidirectional overrides and isolates: they let a text display as something else.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
#: Every direction formatting character: the marks (LRM, RLM, ALM) as well as the embeddings, overrides and isolates.
_DIRECTION = _BIDI | {"\u200e", "\u200f", "\u061c"}
#: Characters that draw nothing although they are not spaces nor format characters (Hangul fillers, the blank Braille cell).
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f", "\u17b4", "\u17b5"}
#: Combining marks one letter may carry (Vietnamese needs two, some scripts a few more); more draw over the neighbours.
MARKS_PER_LETTER = 4


def new_item_id() -> str:
    """A random id for a new item (stable across edits and merges)."""
    return secrets.token_hex(6)


def valid_key(key: object) -> bool:
    """Whether *key* looks like a phone's secret (22 to 128 URL-safe characters)."""
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


def owner_of(key: str) -> str:
    """The owner stored in the file for a phone's secret *key*: its SHA-256, never the key."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def clean_text(value: str, *, multiline: bool = False) -> str:
    """*value* with its spaces tidied; a ``control_character`` error (a ValueError) on control or
    bidirectional-override characters."""
    value = unicodedata.normalize("NFC", value)
    allowed = {"\n"} if multiline else set()
    for char in value:
        if char in _BIDI or (unicodedata.category(char) == "Cc" and char not in allowed):
            raise PydanticCustomError("control_character", "caractère de contrôle refusé")
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return "\n".join(line for line in lines if line) if multiline else lines[0] if lines else ""


def _draws_nothing(char: str) -> bool:
    return char.isspace() or char in _FILLERS or unicodedata.category(char) in ("Cf", "Mn", "Me", "Cc")


def typed_text(value: str, *, multiline: bool = False) -> str:
    """What a person typed in the room (an alias, an idea, wishes, skills), by one rule for all of them.

    Direction characters are dropped, all of them alike (each text is drawn isolated by the page, in
    ``<bdi>``, so none is needed); a text that would draw nothing (only spaces, zero-width or soft
    hyphen characters, fillers) is refused (``invisible_text``), and so is a letter carrying more than
    :data:`MARKS_PER_LETTER` combining marks (``too_many_marks``); then :func:`clean_text`.
    Only what is typed is held to this rule: files written before it still open.
    """
    value = "".join(char for char in unicodedata.normalize("NFC", value) if char not in _DIRECTION)
    if value and all(_draws_nothing(char) for char in value) and value.strip():
        raise PydanticCustomError("invisible_text", "texte fait seulement de caractères invisibles")
    marks = 0
    for char in value:
        marks = marks + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if marks > MARKS_PER_LETTER:
            raise PydanticCustomError("too_many_marks", "trop d'accents sur une lettre")
    return clean_text(value, multiline=multiline)


def _one_line(value: str) -> str:
    return clean_text(value)


def _many_lines(value: str) -> str:
    return clean_text(value, multiline=True)


OneLine = Annotated[str, AfterValidator(_one_line)]
ManyLines = Annotated[str, AfterValidator(_many_lines)]


class Participant(KpaModel):
    """A phone's entry for its person: the card itself is the group member with the same ``id``.

    Kept here: the owner (key hash), when they joined, their wishes and skills as two texts
    and « prefer not to say » (``gender="undisclosed"``). ``alias``, ``age_band``,
    ``situations`` and the other genders are the member's; entries written before the group
    was one record still hold them, until :func:`kpawidgets.model.room.group.adopt`.
    """

    id: str = Field(default_factory=new_item_id, pattern=_ID)
    owner: str = Field(pattern=_OWNER)
    alias: OneLine = Field(default="", max_length=ALIAS_MAX, description="Prénom ou pseudonyme, si la personne le souhaite")
    age_band: AgeBand | None = None
    gender: RoomGender | None = None
    situations: list[Situation] = Field(default_factory=list, max_length=3)
    wishes: ManyLines = Field(default="", max_length=WISH_MAX, description="Ce que j'ai envie de faire")
    skills: ManyLines = Field(default="", max_length=WISH_MAX, description="Ce que je sais faire")
    joined_at: dt.datetime | None = None


class Idea(KpaModel):
    """A post-it: an activity the group could run."""

    id: str = Field(default_factory=new_item_id, pattern=_ID)
    owner: str = Field(pattern=_OWNER)
    text: OneLine = Field(min_length=1, max_length=IDEA_MAX)
    kind: IdeaKind = "autre"
    hidden: bool = Field(default=False, description="Masquée par l'animateur·rice")
    merged_into: str | None = Field(default=None, pattern=_ID, description="Regroupée avec cette idée")
    activity_id: str = Field(default="", max_length=40, description="Activité du budget créée à partir de l'idée")
    step_id: str = Field(default="", max_length=40, description="Prochaine action du plan créée à partir de l'idée")
    created_at: dt.datetime | None = None


class Vote(KpaModel):
    """One person's vote on one commitment of the philosophy."""

    id: str = Field(default_factory=new_item_id, pattern=_ID)
    owner: str = Field(pattern=_OWNER)
    commitment: CommitmentId
    choice: VoteChoice


class Dot(KpaModel):
    """One dot a person put on an idea (a priority)."""

    id: str = Field(default_factory=new_item_id, pattern=_ID)
    owner: str = Field(pattern=_OWNER)
    idea: str = Field(pattern=_ID)


class Room(KpaModel):
    """Everything the group contributed during the workshops of this territory."""

    participants: list[Participant] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    ideas: list[Idea] = Field(default_factory=list, max_length=MAX_IDEAS)
    votes: list[Vote] = Field(default_factory=list, max_length=MAX_PARTICIPANTS * len(get_args(CommitmentId)))
    dots: list[Dot] = Field(default_factory=list, max_length=MAX_PARTICIPANTS * DOTS_PER_PERSON)
    retention_months: int = Field(
        default=RETENTION_MONTHS, ge=1, le=120,
        description="Mois après le lancement au bout desquels les prénoms et liens aux personnes sont effacés "
                    "(kpa anonymise --si-echu)")

    @model_validator(mode="after")
    def _consistent(self) -> Room:
        ids = [item.id for items in (self.participants, self.ideas, self.votes, self.dots) for item in items]
        if len(set(ids)) != len(ids):
            raise ValueError("identifiant en double dans les contributions de l'atelier")
        phones = Counter(p.owner for p in self.participants if p.owner != FACILITATOR)
        if phones and max(phones.values()) > 1:
            raise ValueError("une même clé de téléphone décrit plusieurs personnes")
        ideas = Counter(i.owner for i in self.ideas if i.owner != FACILITATOR)
        if ideas and max(ideas.values()) > MAX_IDEAS_PER_PERSON:
            raise ValueError("trop d'idées pour une même personne")
        idea_ids = {idea.id for idea in self.ideas}
        if any(idea.merged_into is not None and idea.merged_into not in idea_ids for idea in self.ideas):
            raise ValueError("idée regroupée avec une idée inconnue")
        if len({(v.owner, v.commitment) for v in self.votes}) != len(self.votes):
            raise ValueError("deux votes d'une même personne sur un même engagement")
        if any(dot.idea not in idea_ids for dot in self.dots):
            raise ValueError("gommette sur une idée inconnue")
        if len({(d.owner, d.idea) for d in self.dots}) != len(self.dots):
            raise ValueError("deux gommettes d'une même personne sur une même idée")
        dots = Counter(d.owner for d in self.dots)
        if dots and max(dots.values()) > DOTS_PER_PERSON:
            raise ValueError("trop de gommettes pour une même personne")
        return self
