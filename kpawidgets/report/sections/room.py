"""« Le groupe » in workshop: what the group said from their phones — totals and summaries, never who said what.

It comes right after the group's own section (:func:`~kpawidgets.report.sections.checklist.group_section`),
which already counts everyone and gives the mix and its warnings: the people who joined from a
phone are part of that group, so this section says how many of them did, and neither counts
them again nor repeats the warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpawidgets.i18n import _, ngettext, translate
from kpawidgets.model.records.checklist import COMMITMENTS
from kpawidgets.model.room.summary import Phrase, room_summary
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.base import Number

__all__ = ["IdeaLine", "IdeaKind", "VoteLine", "RoomSection", "room_section"]

#: At most this many ideas per kind, wishes and skills in the document.
LIMIT = 8


@dataclass(frozen=True)
class IdeaLine:
    """An idea of the wall with its dots; *marks* says if it became a budget activity or an action."""

    text: str
    dots: int
    marks: str


@dataclass(frozen=True)
class IdeaKind:
    label: str
    ideas: tuple[IdeaLine, ...]
    more: str = ""  #: « et 4 autres idées, moins dotées » when the kind has more than :data:`LIMIT`


@dataclass(frozen=True)
class VoteLine:
    label: str
    adopt: int
    discuss: int


@dataclass(frozen=True)
class RoomSection:
    """The workshop's contributions as the partners read them."""

    title: str
    numbers: tuple[Number, ...]
    warnings: tuple[str, ...]  #: always empty: the group's section gives the mix's warnings (kept for the template)
    wishes_title: str
    wishes: tuple[str, ...]
    skills_title: str
    skills: tuple[str, ...]
    wishes_more: str  #: « et 4 autres réponses » when there were more than :data:`LIMIT` (else "")
    skills_more: str
    ideas_title: str
    kinds: tuple[IdeaKind, ...]
    votes_title: str
    votes: tuple[VoteLine, ...]
    adopt_label: str
    discuss_label: str
    note: str


def _phrases(phrases: tuple[Phrase, ...]) -> tuple[str, ...]:
    return tuple(f"{p.text} (×{p.count})" if p.count > 1 else p.text for p in phrases[:LIMIT])


def _more_phrases(phrases: tuple[Phrase, ...]) -> str:
    rest = len(phrases) - LIMIT
    return ngettext("et {count} autre réponse", "et {count} autres réponses", rest).format(count=rest) if rest > 0 else ""


def _more_ideas(count: int) -> str:
    rest = count - LIMIT
    return (ngettext("et {count} autre idée, moins dotée", "et {count} autres idées, moins dotées", rest).format(count=rest)
            if rest > 0 else "")


def room_section(workbook: Workbook) -> RoomSection | None:
    """The room's summary (:func:`room_summary`); None when the group contributed nothing."""
    room = workbook.room
    if not (room.participants or room.ideas or room.votes):
        return None
    summary = room_summary(workbook)
    numbers = (
        Number(str(summary.by_phone), ngettext("personne du groupe inscrite depuis son téléphone",
                                               "personnes du groupe inscrites depuis leur téléphone", summary.by_phone)),
        Number(str(summary.idea_count), _("idées d'activités")),
        Number(str(summary.dots_cast), _("gommettes sur les priorités")),
        Number(str(summary.voters), _("votant·es sur les engagements")),
    )
    activity, action = _("→ budget"), _("→ plan")
    kinds = tuple(
        IdeaKind(translate(column.label), tuple(
            IdeaLine(idea.text, idea.dots, " ".join(m for m, on in ((activity, idea.activity_id), (action, idea.step_id)) if on))
            for idea in column.ideas[:LIMIT]), _more_ideas(len(column.ideas)))
        for column in summary.wall)
    votes = tuple(VoteLine(translate(COMMITMENTS[t.commitment]), t.adopt, t.discuss) for t in summary.votes if t.total)
    return RoomSection(
        title=_("En atelier : ce que dit le groupe"),
        numbers=numbers,
        warnings=(),
        wishes_title=_("Ce que nous avons envie de faire"),
        wishes=_phrases(summary.wishes),
        skills_title=_("Ce que nous savons faire"),
        skills=_phrases(summary.skills),
        wishes_more=_more_phrases(summary.wishes),
        skills_more=_more_phrases(summary.skills),
        ideas_title=_("Les idées d'activités, par type (gommettes)"),
        kinds=kinds,
        votes_title=_("Les engagements votés"),
        votes=votes,
        adopt_label=_("On l'adopte"),
        discuss_label=_("À discuter"),
        note=_("Réponses anonymes : le document donne des totaux, jamais qui a répondu quoi."),
    )
