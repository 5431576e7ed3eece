"""The people in the room are the checklist's group: one record per person.

A person who adds themselves on a phone is a :class:`GroupMember` of ``checklist.group``,
like anyone the facilitator types in the group step; the room keeps, under the **same id**,
only what the group step has no place for (:class:`Participant`): the hash of the phone's
key (``owner``), when the person joined, their wishes and skills as two texts, and whether
they preferred not to say their gender. The member is the truth for alias, age band,
gender, situations and the wishes-and-skills text (``interests``): the facilitator may
correct them in the group step, and the phone then shows the correction.

* A phone finds its card through its room entry (``owner`` → id → member), never by a
  member id it would send, so it can change only its own card.
* The facilitator removing the member leaves the room entry: the phone says its card is
  gone, and saving it again puts the member back under the same id (an undo that comes
  after finds the person already there and adds nothing).
* ``interests`` is the phone's wishes, then its skills, on one line (:func:`combined`);
  while it still reads so, the two texts are the person's wishes and skills, otherwise
  (the facilitator rewrote it) the whole text counts as wishes (:func:`wishes_and_skills`).
* Room entries written before this rule kept the whole card in the room; :func:`adopt`
  turns each into a member with the same id and clears the copies — deterministic, so two
  devices doing it agree and their saves merge into one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from kpawidgets.i18n import N_
from kpawidgets.model.base import new_id
from kpawidgets.model.checklist import GroupMember
from kpawidgets.model.records.workbook import Workbook
from kpawidgets.model.room.contributions import RoomError, validated, now_utc, refusal, participant_of, typed
from kpawidgets.model.room.records import FACILITATOR, MAX_PARTICIPANTS, Participant, clean_text

__all__ = ["GROUP_MAX", "INTERESTS_MAX", "Card", "card_of", "save_card", "add_member", "member_of", "phone_members",
           "combined", "wishes_and_skills", "adopt", "needs_adoption", "card_problems", "CARD_ALIAS_MAX"]

#: Bounds of ``checklist.group`` and of ``GroupMember.interests`` (the checklist's records).
GROUP_MAX = 200
INTERESTS_MAX = 500
#: A card's alias is the group member's (its bound is the group's, which the facilitator's rows share): the phone's
#: field takes as many characters as the file does.
CARD_ALIAS_MAX: int = next(rule.max_length for rule in GroupMember.model_fields["alias"].metadata
                           if getattr(rule, "max_length", None))

#: The card's fields that live on the member (the room entry keeps no copy of them).
_MEMBER_FIELDS = ("alias", "age_band", "situations")


@dataclass(frozen=True)
class Card:
    """What a phone shows of its own card: the member's values, wishes and skills split again."""

    id: str
    alias: str
    age_band: str | None
    gender: str | None  #: ``woman`` / ``man`` / ``other`` / ``undisclosed`` / None
    situations: tuple[str, ...]
    wishes: str
    skills: str
    removed: bool  #: the facilitator took the person out of the group (the room entry stays)


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.split("\n") if line.strip())


def combined(wishes: str, skills: str) -> str:
    """The member's ``interests`` for a phone's two texts: wishes, then skills, on one line (the group
    step shows it in a one-line field, which would drop line breaks)."""
    return "; ".join(text for text in (_one_line(wishes), _one_line(skills)) if text)


def member_of(workbook: Workbook, member_id: str) -> GroupMember | None:
    """The group member *member_id*, if the group still has them."""
    return next((m for m in workbook.checklist.group if m.id == member_id), None)


def phone_members(workbook: Workbook) -> dict[str, Participant]:
    """Member id → room entry, for the members who joined from a phone."""
    ids = {m.id for m in workbook.checklist.group}
    return {p.id: p for p in workbook.room.participants if p.owner != FACILITATOR and p.id in ids}


def wishes_and_skills(member: GroupMember, entry: Participant | None) -> tuple[str, str]:
    """A member's wishes and skills: the phone's two texts while ``interests`` still combines them."""
    if entry is not None and combined(entry.wishes, entry.skills) == member.interests:
        return entry.wishes, entry.skills
    return member.interests, ""


def card_of(workbook: Workbook, owner: str) -> Card | None:
    """The card of the phone *owner* (None before it saved one)."""
    entry = participant_of(workbook.room, owner)
    if entry is None:
        return None
    member = member_of(workbook, entry.id)
    if member is None:
        return Card(entry.id, "", None, None, (), entry.wishes, entry.skills, removed=True)
    wishes, skills = wishes_and_skills(member, entry)
    gender = member.gender or ("undisclosed" if entry.gender == "undisclosed" else None)
    return Card(member.id, member.alias, member.age_band, gender, tuple(member.situations), wishes, skills, removed=False)


def _typed_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The card's texts by the room's rule for typed texts (:func:`~kpawidgets.model.room.contributions.typed`)."""
    return {**fields, **{name: typed(name, fields[name], multiline=name != "alias")
                         for name in ("alias", "wishes", "skills") if name in fields}}


def _member(member_id: str | None, fields: dict[str, Any]) -> GroupMember:
    """A member from a card's fields (validated by the room's rules first: lengths, control characters)."""
    # the room's rules for the texts (control and bidirectional characters, lengths); the alias
    # is bounded by the group's own limit, which the facilitator's rows share
    fields = _typed_fields(fields)
    checked: Participant = validated(Participant, owner=FACILITATOR, **{k: v for k, v in fields.items() if k != "alias"})
    try:
        alias = clean_text(str(fields.get("alias") or ""))
    except PydanticCustomError:
        raise RoomError("« {field_label} » contient des caractères invisibles ou de contrôle : retirez-les.",
                        field_label=N_("Prénom ou pseudonyme"), field="alias") from None
    interests = combined(checked.wishes, checked.skills)
    if len(interests) > INTERESTS_MAX:
        raise RoomError("« Ce que j'ai envie de faire » et « Ce que je sais faire » : {max} caractères au plus à eux deux.",
                        max=INTERESTS_MAX, field="wishes")
    values: dict[str, Any] = {"alias": alias, "age_band": checked.age_band,
                              "gender": None if checked.gender == "undisclosed" else checked.gender,
                              "situations": list(checked.situations), "interests": interests}
    if member_id is not None:
        values["id"] = member_id
    try:
        return GroupMember(**values)
    except ValidationError as exc:
        raise refusal(exc) from None


def card_problems(fields: dict[str, Any]) -> dict[str, RoomError]:
    """Every problem of a card's *fields* at once, by field name (the phone shows each beside its field):
    each field checked on its own by the rules of :func:`save_card`, then wishes and skills together."""
    problems: dict[str, RoomError] = {}
    for name, value in fields.items():
        try:
            _member(None, {name: value})
        except RoomError as exc:
            problems[name] = exc
    if not {"wishes", "skills"} & problems.keys():
        try:
            _member(None, {"wishes": fields.get("wishes", ""), "skills": fields.get("skills", "")})
        except RoomError as exc:
            problems["wishes"] = exc
    return problems


def _entry(owner: str, member_id: str, fields: dict[str, Any], joined: Any) -> Participant:
    """The room entry of a card: ownership, when they joined, the two texts, « prefer not to say »."""
    undisclosed = "undisclosed" if fields.get("gender") == "undisclosed" else None
    return validated(Participant, id=member_id, owner=owner, joined_at=joined, gender=undisclosed,
                     wishes=fields.get("wishes", ""), skills=fields.get("skills", ""))


def save_card(workbook: Workbook, owner: str, **fields: Any) -> GroupMember:
    """Create or update the phone *owner*'s card (``alias``, ``age_band``, ``gender``, ``situations``,
    ``wishes``, ``skills``): the group member and the room entry under one id.

    An update changes only the fields given: the phone sends what its person changed, so a
    correction the facilitator made meanwhile in another field stays.

    Everything is checked before anything changes: a refused card leaves the workbook as it was.
    """
    room, group = workbook.room, workbook.checklist.group
    fields = _typed_fields(fields)
    entry = participant_of(room, owner)
    if entry is None:
        if len(room.participants) >= MAX_PARTICIPANTS:
            raise RoomError("L'atelier est complet ({max} personnes).", max=MAX_PARTICIPANTS)
        if len(group) >= GROUP_MAX:
            raise RoomError("Le groupe est complet ({max} personnes).", max=GROUP_MAX)
        taken = {m.id for m in group}
        member = _member(None, fields)
        while member.id in taken:  # a fresh random id is almost never taken; never reuse someone's
            member = member.model_copy(update={"id": new_id()})
        new_entry = _entry(owner, member.id, fields, now_utc())
        workbook.checklist.group = [*group, member]
        room.participants = [*room.participants, new_entry]
        return member
    current = member_of(workbook, entry.id)
    if current is None and len(group) >= GROUP_MAX:
        raise RoomError("Le groupe est complet ({max} personnes).", max=GROUP_MAX)
    card = card_of(workbook, owner)
    if current is not None and card is not None:  # fields not given keep what the card holds now
        fields = {"alias": card.alias, "age_band": card.age_band, "gender": card.gender,
                  "situations": list(card.situations), "wishes": card.wishes, "skills": card.skills, **fields}
    member = _member(entry.id, fields)
    new_entry = _entry(owner, entry.id, fields, entry.joined_at)
    if current is None:  # the facilitator had removed the card: it comes back under the same id
        workbook.checklist.group = [*group, member]
    else:
        workbook.checklist.group = [member if m.id == entry.id else m for m in group]
    room.participants = [new_entry if p.id == entry.id else p for p in room.participants]
    return member


def add_member(workbook: Workbook, **fields: Any) -> GroupMember:
    """A person without a phone, typed by the facilitator: a member of the group, no room entry."""
    if len(workbook.checklist.group) >= GROUP_MAX:
        raise RoomError("Le groupe est complet ({max} personnes).", max=GROUP_MAX)
    member = _member(None, fields)
    workbook.checklist.group = [*workbook.checklist.group, member]
    return member


def _legacy(entry: Participant) -> bool:
    """A room entry that still holds the card itself (written before the group was one record)."""
    return bool(any(getattr(entry, name) for name in _MEMBER_FIELDS) or entry.gender in ("woman", "man", "other"))


def needs_adoption(workbook: Workbook) -> bool:
    """Whether some room entries still hold a card that is not in the group."""
    ids = {m.id for m in workbook.checklist.group}
    return any(entry.id not in ids and (entry.owner == FACILITATOR or _legacy(entry)) for entry in workbook.room.participants)


def adopt(workbook: Workbook) -> int:
    """Make every older room entry a group member with its id; return how many joined the group.

    A phone's entry keeps its ownership, wishes, skills and « prefer not to say »; the
    facilitator's entries (people without a phone) become plain members and leave the room.
    An entry whose card was removed from the group (nothing but the phone's texts) stays out.
    """
    ids = {m.id for m in workbook.checklist.group}
    members, entries, count = list(workbook.checklist.group), [], 0
    for entry in workbook.room.participants:
        if entry.id in ids or not (entry.owner == FACILITATOR or _legacy(entry)):
            entries.append(entry)
            continue
        if len(members) >= GROUP_MAX:
            entries.append(entry)
            continue
        interests = combined(entry.wishes, entry.skills)[:INTERESTS_MAX]
        members.append(GroupMember(id=entry.id, alias=entry.alias, age_band=entry.age_band,
                                   gender=entry.gender if entry.gender in ("woman", "man", "other") else None,
                                   situations=list(entry.situations), interests=interests))
        count += 1
        if entry.owner != FACILITATOR:
            entries.append(entry.model_copy(update={"alias": "", "age_band": None, "situations": [],
                                                    "gender": "undisclosed" if entry.gender == "undisclosed" else None}))
    if count:
        workbook.checklist.group = members
        workbook.room.participants = entries
    return count
