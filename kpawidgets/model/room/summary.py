"""What the projector and the PDF show of the room: totals and summaries, never who said what.

:func:`room_summary` is the one computation behind the projector screen, the participant
page's « le groupe » box and the PDF's « Le groupe » section:

* the group: the checklist's group, which the people who joined from a phone are part of
  (:mod:`kpawidgets.model.room.group`) — its size and mix are the checklist's own
  :func:`group_mix` of it, so the projector, the checklist and the PDF say the same; plus
  how many preferred not to say their gender, and how many joined from a phone;
* wishes and skills aggregated: each entry is split at commas, semicolons and line
  breaks, the pieces are compared without case or final punctuation, and each piece
  is counted once per person; most frequent first;
* the ideas wall: visible ideas (not hidden, not merged into another) by kind, with
  their dots (a merged idea's dots count for the idea it was merged into, a person who dotted
  both counted once), most dots first; each column shows its first :data:`WALL_SHOWN` and
  folds the rest under « et N de plus »; the :data:`NEWEST_SHOWN` newest ideas have a lane of
  their own, so an idea nobody dotted yet is seen; :func:`idea_place` says where an idea is
  (the phone tells its author the same);
* vote totals per commitment (adopt / discuss).

Pseudonyms appear only in the list of who joined; ideas, votes and dots carry none.
The wishes and skills are the group's (a member the facilitator typed counts under wishes).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kpawidgets.model.checklist import COMMITMENTS, GroupMix, workbook_mix
from kpawidgets.model.records.workbook import Workbook
from kpawidgets.model.room.group import phone_members, wishes_and_skills
from kpawidgets.model.room.records import DOTS_PER_PERSON, IDEA_KINDS, Idea, Room

__all__ = ["Phrase", "WallIdea", "KindColumn", "VoteTotal", "RoomSummary", "room_summary", "visible_ideas", "merged_root",
           "phrases", "wall", "newest", "idea_place", "Place", "WALL_SHOWN", "NEWEST_SHOWN"]

#: Ideas a kind's column shows on the wall (most dots first); the others are folded under « et N de plus ».
WALL_SHOWN = 5
#: The newest ideas, shown in a lane of their own whatever their dots.
NEWEST_SHOWN = 4

_SPLIT = re.compile(r"[,;\n•]+")
_TRIM = ".!?…-–— "


@dataclass(frozen=True)
class Phrase:
    """A wish or a skill as the group wrote it, and how many people wrote it."""

    text: str
    count: int


@dataclass(frozen=True)
class WallIdea:
    """An idea on the wall: text, kind, dots (its own and those of the ideas merged into it)."""

    id: str
    text: str
    kind: str
    dots: int
    merged: tuple[str, ...]  #: texts of the ideas merged into this one
    activity_id: str
    step_id: str


@dataclass(frozen=True)
class KindColumn:
    """The visible ideas of one kind, most dots first."""

    kind: str
    label: str  #: French message id
    ideas: tuple[WallIdea, ...]

    @property
    def dots(self) -> int:
        return sum(idea.dots for idea in self.ideas)

    @property
    def shown(self) -> tuple[WallIdea, ...]:
        """The ideas the column shows (the first :data:`WALL_SHOWN`)."""
        return self.ideas[:WALL_SHOWN]

    @property
    def folded(self) -> tuple[WallIdea, ...]:
        """The ideas under « et N de plus »."""
        return self.ideas[WALL_SHOWN:]


@dataclass(frozen=True)
class VoteTotal:
    """Votes on one commitment."""

    commitment: str
    label: str  #: French message id
    adopt: int
    discuss: int

    @property
    def total(self) -> int:
        return self.adopt + self.discuss


@dataclass(frozen=True)
class RoomSummary:
    """Everything the projector shows, computed once."""

    joined: int  #: the group's size (the checklist's), phones and people typed in alike
    by_phone: int  #: of them, how many added themselves on a phone
    aliases: tuple[str, ...]  #: pseudonyms of those who gave one, in the order they joined
    mix: GroupMix
    gender_undisclosed: int
    wishes: tuple[Phrase, ...]
    skills: tuple[Phrase, ...]
    wall: tuple[KindColumn, ...]  #: kinds with at least one visible idea, in :data:`IDEA_KINDS` order
    newest: tuple[WallIdea, ...]  #: the newest visible ideas, newest first (at most :data:`NEWEST_SHOWN`)
    hidden: int  #: ideas hidden by the facilitator
    votes: tuple[VoteTotal, ...]  #: every commitment, in :data:`COMMITMENTS` order
    voters: int
    dots_cast: int
    dots_available: int

    @property
    def idea_count(self) -> int:
        return sum(len(column.ideas) for column in self.wall)


def _key(piece: str) -> str:
    return " ".join(piece.strip(_TRIM).casefold().split())


def phrases(texts: list[str], limit: int | None = None) -> tuple[Phrase, ...]:
    """Aggregate free texts (one per person): distinct pieces with how many people wrote them."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        keys = set()
        for piece in _SPLIT.split(text):
            key = _key(piece)
            if key:
                keys.add(key)
                shown.setdefault(key, piece.strip(_TRIM))
        counts.update(keys)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Phrase(shown[key], count) for key, count in ordered[:limit])


def visible_ideas(room: Room) -> list[Idea]:
    """Ideas on the wall: neither hidden nor merged into another."""
    return [idea for idea in room.ideas if not idea.hidden and idea.merged_into is None]


def merged_root(room: Room, idea_id: str) -> str:
    """The idea an idea ends up in after merges (merges may chain; a loop stops)."""
    by_id = {idea.id: idea for idea in room.ideas}
    seen: set[str] = set()
    while idea_id in by_id and by_id[idea_id].merged_into and idea_id not in seen:
        seen.add(idea_id)
        idea_id = by_id[idea_id].merged_into or idea_id
    return idea_id


def _dot_counts(room: Room) -> Counter[str]:
    """Dots per idea on the wall: a merged idea's go to where it ends up, one per person there."""
    return Counter(root for _owner, root in {(dot.owner, merged_root(room, dot.idea)) for dot in room.dots})


def wall(room: Room) -> tuple[KindColumn, ...]:
    """The ideas wall: visible ideas by kind, with their dots."""
    dots = _dot_counts(room)
    merged: dict[str, list[str]] = {}
    for idea in room.ideas:
        if idea.merged_into is not None:
            merged.setdefault(merged_root(room, idea.id), []).append(idea.text)
    columns = []
    for kind, label in IDEA_KINDS.items():
        ideas = [WallIdea(i.id, i.text, i.kind, dots.get(i.id, 0), tuple(merged.get(i.id, ())), i.activity_id, i.step_id)
                 for i in visible_ideas(room) if i.kind == kind]
        if ideas:
            ideas.sort(key=lambda i: -i.dots)  # stable: equal dots keep the order they came in
            columns.append(KindColumn(kind, label, tuple(ideas)))
    return tuple(columns)


def newest(columns: tuple[KindColumn, ...], room: Room) -> tuple[WallIdea, ...]:
    """The newest visible ideas of *room* (as laid out in *columns*), newest first."""
    by_id = {idea.id: idea for column in columns for idea in column.ideas}
    order = [idea.id for idea in room.ideas if idea.id in by_id]  # the file keeps the order they came in
    return tuple(by_id[idea_id] for idea_id in reversed(order[-NEWEST_SHOWN:]))


@dataclass(frozen=True)
class Place:
    """Where an idea is, as the wall shows it.

    ``where`` is ``column`` (shown in its kind's column), ``newest`` (in the newest ideas' lane, its
    column folds it), ``folded`` (under « et N de plus » of its column), ``merged`` (in the idea
    ``into``) or ``hidden`` (taken off the wall by the facilitator); ``kind`` is the column's.
    """

    where: str
    kind: str
    into: str = ""  #: the text of the idea it was merged into


def idea_place(room: Room, idea_id: str, columns: tuple[KindColumn, ...] | None = None) -> Place:
    """Where idea *idea_id* of *room* is on the wall (:class:`Place`)."""
    by_id = {idea.id: idea for idea in room.ideas}
    item = by_id[idea_id]
    if item.merged_into is not None:
        root = by_id.get(merged_root(room, idea_id), item)
        return Place("hidden" if root.hidden else "merged", root.kind, root.text)
    if item.hidden:
        return Place("hidden", item.kind)
    columns = wall(room) if columns is None else columns
    column = next(c for c in columns if c.kind == item.kind)
    if any(idea.id == idea_id for idea in column.shown):
        return Place("column", item.kind)
    if any(idea.id == idea_id for idea in newest(columns, room)):
        return Place("newest", item.kind)
    return Place("folded", item.kind)


def room_summary(workbook: Workbook) -> RoomSummary:
    """The projector's figures for *workbook*'s group and room (see the module docstring)."""
    room, people = workbook.room, workbook.checklist.group
    phones = phone_members(workbook)
    texts = [wishes_and_skills(member, phones.get(member.id)) for member in people]
    totals = []
    for commitment, label in COMMITMENTS.items():
        choices = Counter(v.choice for v in room.votes if v.commitment == commitment)
        totals.append(VoteTotal(commitment, label, choices.get("adopt", 0), choices.get("discuss", 0)))
    columns = wall(room)
    mix = workbook_mix(workbook)
    owners = {p.owner for p in phones.values()} | {v.owner for v in room.votes} | {d.owner for d in room.dots}
    return RoomSummary(
        joined=mix.size,
        by_phone=len(phones),
        aliases=tuple(member.alias for member in people if member.alias),
        mix=mix,
        gender_undisclosed=mix.gender_undisclosed,
        wishes=phrases([wishes for wishes, _skills in texts]),
        skills=phrases([skills for _wishes, skills in texts]),
        wall=columns,
        newest=newest(columns, room),
        hidden=sum(1 for idea in room.ideas if idea.hidden),
        votes=tuple(totals),
        voters=len({v.owner for v in room.votes}),
        dots_cast=len(room.dots),
        dots_available=DOTS_PER_PERSON * len(owners),
    )
