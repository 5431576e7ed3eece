"""What a phone may do in the room: propose ideas, vote, spend dots (its card is a member of the
group: :mod:`kpawidgets.model.room.group`).

Each function takes the :class:`Room`, the ``owner`` (:func:`owner_of` of the phone's key,
or :data:`FACILITATOR`) and the person's input; it validates everything first and changes
the room only when all of it is acceptable, so a refused entry leaves the room as it was.
A phone can change or remove only its own items (:class:`RoomError` otherwise); the
facilitator may change anyone's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, translate
from kpawidgets.model.room.records import (
    DOTS_PER_PERSON,
    FACILITATOR,
    MAX_IDEAS,
    MAX_IDEAS_PER_PERSON,
    Dot,
    Idea,
    Participant,
    MARKS_PER_LETTER,
    Room,
    Vote,
    typed_text,
)

__all__ = [
    "RoomError", "participant_of", "refusal", "validated", "now_utc", "typed",
    "add_idea", "edit_idea", "remove_idea", "ideas_of", "set_vote", "votes_of", "toggle_dot", "set_dots", "dots_of",
]


class RoomError(KpaError):
    """A contribution refused (too long, too many, not yours…), with a message for the phone.

    ``*_label`` parameters are message ids, translated with the message.
    """

    def message(self, lang: str | None = None) -> str:
        values = {key: translate(value, lang) if key.endswith("_label") else value for key, value in self.params.items()}
        try:
            return translate(self.template, lang).format(**values)
        except (KeyError, IndexError, ValueError):
            return translate(self.template, lang)


_FIELD_NAMES = {
    "alias": N_("Prénom ou pseudonyme"), "wishes": N_("Ce que j'ai envie de faire"),
    "skills": N_("Ce que je sais faire"), "text": N_("Idée"), "age_band": N_("Âge"), "gender": N_("Genre"),
    "situations": N_("Situation"), "kind": N_("Type d'activité"),
}


def refusal(error: ValidationError) -> RoomError:
    """The first problem of *error* in plain words (field name, limit)."""
    problem = error.errors(include_url=False)[0]
    field = str(problem["loc"][0]) if problem["loc"] else ""
    label = _FIELD_NAMES.get(field, field)
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if kind == "string_too_long":
        return RoomError("« {field_label} » est trop long : {max} caractères au plus.",
                         field_label=label, max=context.get("max_length", ""), field=field)
    if kind == "string_too_short":
        return RoomError("« {field_label} » est vide.", field_label=label, field=field)
    if kind == "too_long":
        return RoomError("« {field_label} » : {max} choix au plus.", field_label=label,
                         max=context.get("max_length", ""), field=field)
    return _text_refusal(kind, field) or RoomError("« {field_label} » : valeur non reconnue.", field_label=label, field=field)


def _text_refusal(kind: str, field: str) -> RoomError | None:
    label = _FIELD_NAMES.get(field, field)
    if kind == "control_character":
        return RoomError("« {field_label} » contient des caractères invisibles ou de contrôle : retirez-les.",
                         field_label=label, field=field)
    if kind == "invisible_text":
        return RoomError("« {field_label} » ne contient que des caractères invisibles : écrivez-le avec des lettres.",
                         field_label=label, field=field)
    if kind == "too_many_marks":
        return RoomError("« {field_label} » : une lettre porte plus de {max} accents ; retirez-en.",
                         field_label=label, max=MARKS_PER_LETTER, field=field)
    return None


def typed(field: str, value: object, *, multiline: bool = False) -> str:
    """*value* typed in *field*, by the room's one rule for typed texts (:func:`typed_text`), or the
    :class:`RoomError` saying what is wrong with it."""
    try:
        return typed_text(str(value or ""), multiline=multiline)
    except PydanticCustomError as exc:
        raise (_text_refusal(exc.type, field) or RoomError("« {field_label} » : valeur non reconnue.",
                                                           field_label=_FIELD_NAMES.get(field, field),
                                                           field=field)) from None


def validated(model: type[Any], **values: Any) -> Any:
    """``model(**values)``, or the :class:`RoomError` saying in plain words what is wrong."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise refusal(exc) from None


def now_utc() -> dt.datetime:
    """Now, to the second, in UTC (when a contribution was made)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _check_owner(item: Participant | Idea, owner: str) -> None:
    if owner != FACILITATOR and item.owner != owner:
        raise RoomError("Cette contribution a été faite sur un autre téléphone : vous ne pouvez pas la changer.")


def _find(items: Iterable[Any], item_id: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise RoomError("Cette contribution n'existe plus (retirée entre-temps).")


# ------------------------------------------------------------------ participants
def participant_of(room: Room, owner: str) -> Participant | None:
    """The room entry of a phone's card (its id is the card's member id), if it saved one."""
    if owner == FACILITATOR:
        return None
    return next((p for p in room.participants if p.owner == owner), None)


# ------------------------------------------------------------------------ ideas
def ideas_of(room: Room, owner: str) -> list[Idea]:
    """The ideas a phone proposed, oldest first."""
    return [idea for idea in room.ideas if idea.owner == owner]


def add_idea(room: Room, owner: str, text: str, kind: str = "autre") -> Idea:
    """A new post-it."""
    if owner != FACILITATOR and len(ideas_of(room, owner)) >= MAX_IDEAS_PER_PERSON:
        raise RoomError("Vous avez déjà proposé {max} idées : modifiez-en une plutôt.", max=MAX_IDEAS_PER_PERSON)
    if len(room.ideas) >= MAX_IDEAS:
        raise RoomError("Le mur est plein ({max} idées).", max=MAX_IDEAS)
    idea = validated(Idea, owner=owner, text=typed("text", text), kind=kind, created_at=now_utc())
    room.ideas = [*room.ideas, idea]
    return idea


def edit_idea(room: Room, owner: str, idea_id: str, text: str, kind: str) -> Idea:
    """Change the text or kind of one's own idea."""
    existing = _find(room.ideas, idea_id)
    _check_owner(existing, owner)
    updated = validated(Idea, **{**existing.model_dump(), "text": typed("text", text), "kind": kind})
    room.ideas = [updated if i.id == idea_id else i for i in room.ideas]
    return updated


def remove_idea(room: Room, owner: str, idea_id: str) -> Idea:
    """Withdraw one's own idea (its dots go back to their owners; merged ideas come apart)."""
    existing = _find(room.ideas, idea_id)
    _check_owner(existing, owner)
    room.dots = [d for d in room.dots if d.idea != idea_id]
    room.ideas = [i.model_copy(update={"merged_into": None}) if i.merged_into == idea_id else i
                  for i in room.ideas if i.id != idea_id]
    return existing


# ------------------------------------------------------------------ votes, dots
def votes_of(room: Room, owner: str) -> dict[str, str]:
    """A phone's votes: commitment id → ``adopt`` / ``discuss``."""
    return {v.commitment: v.choice for v in room.votes if v.owner == owner}


def set_vote(room: Room, owner: str, commitment: str, choice: str | None) -> None:
    """Vote ``adopt`` or ``discuss`` on *commitment*, or withdraw the vote (``None``)."""
    others = [v for v in room.votes if not (v.owner == owner and v.commitment == commitment)]
    if choice is None:
        room.votes = others
        return
    try:
        vote = Vote(owner=owner, commitment=commitment, choice=choice)  # type: ignore[arg-type]
    except ValidationError:
        raise RoomError("Vote non reconnu.") from None
    previous = next((v for v in room.votes if v.owner == owner and v.commitment == commitment), None)
    if previous is not None:
        vote = vote.model_copy(update={"id": previous.id})
    room.votes = [*others, vote]


def dots_of(room: Room, owner: str) -> list[str]:
    """The ids of the ideas a phone put its dots on."""
    return [d.idea for d in room.dots if d.owner == owner]


def toggle_dot(room: Room, owner: str, idea_id: str) -> bool:
    """Put a dot on an idea, or take it back; return whether the dot is now there."""
    idea = _find(room.ideas, idea_id)
    if idea.hidden:
        raise RoomError("Cette idée a été retirée du mur.")
    mine = dots_of(room, owner)
    if idea_id in mine:
        room.dots = [d for d in room.dots if not (d.owner == owner and d.idea == idea_id)]
        return False
    if len(mine) >= DOTS_PER_PERSON:
        raise RoomError("Vous avez déjà posé vos {max} gommettes : retirez-en une d'abord.", max=DOTS_PER_PERSON)
    room.dots = [*room.dots, Dot(owner=owner, idea=idea_id)]
    return True


def set_dots(room: Room, owner: str, idea_ids: Sequence[str]) -> None:
    """Replace a phone's dots by *idea_ids* (at most :data:`DOTS_PER_PERSON`)."""
    wanted = list(dict.fromkeys(idea_ids))
    if len(wanted) > DOTS_PER_PERSON:
        raise RoomError("Vous avez déjà posé vos {max} gommettes : retirez-en une d'abord.", max=DOTS_PER_PERSON)
    for idea_id in wanted:
        _find(room.ideas, idea_id)
    room.dots = [d for d in room.dots if d.owner != owner] + [Dot(owner=owner, idea=i) for i in wanted]
