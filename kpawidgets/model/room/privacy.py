"""Taking one's answers back, and anonymising the group once the workshop is over.

Both rules work on a workbook *as its file holds it* (the JSON of :func:`~kpawidgets.model.workbook.dump_workbook`,
a dict), so the same rule applies to the workbook, to each version kept in its history, to its
snapshots and to a copy in the trash (:mod:`kpawidgets.storage.erasure`); :func:`forget_in` and
:func:`anonymise_in` apply them to a :class:`~kpawidgets.model.workbook.Workbook` in hand.

- :func:`forget_person`: a phone's person goes: their card (the group member under the room
  entry's id), their room entry, votes and dots, and their ideas — or, if they say so, their
  ideas stay on the wall without their author (owned by the facilitator, as if typed for the
  group), with the dots others put on them.
- :func:`anonymise_group`: the mix, the counts and the ideas' text stay; the names (the group's
  aliases, the first names of the budget's revenue sharing), what people wrote about themselves
  (wishes, skills) and the links between a person and what they did (each phone's key hash) go:
  every entry gets an owner of its own, drawn at random.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from kpawidgets.model.room.records import FACILITATOR
from kpawidgets.model.workbook import Workbook

__all__ = ["forget_person", "anonymise_group", "forget_in", "anonymise_in", "member_ids_of", "retention_until",
           "personal_fields", "check_fields"]

Data = dict[str, Any]


def _room(data: Data) -> Data:
    room = data.get("room")
    return room if isinstance(room, dict) else {}


def _items(holder: Data, key: str) -> list[Data]:
    items = holder.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def member_ids_of(data: Data, owner: str) -> set[str]:
    """The ids of the room entries of phone *owner* (the same id as its card in the group)."""
    return {str(p.get("id")) for p in _items(_room(data), "participants") if p.get("owner") == owner}


def forget_person(data: Data, owner: str, keep_ideas: bool = False, member_ids: frozenset[str] = frozenset()) -> bool:
    """Remove phone *owner*'s person from the workbook file *data* (in place); True if anything changed.

    *member_ids*: card ids known from elsewhere (a version kept from after the phone's entry was
    gone still holds the card the facilitator may have put back).
    """
    room = _room(data)
    ids = member_ids_of(data, owner) | set(member_ids)
    changed = False
    checklist = data.get("checklist")
    if isinstance(checklist, dict) and isinstance(checklist.get("group"), list):
        group = checklist["group"]
        kept = [m for m in group if not (isinstance(m, dict) and m.get("id") in ids)]
        changed |= len(kept) != len(group)
        checklist["group"] = kept
    gone_ideas: set[str] = set()
    for key in ("participants", "votes", "dots", "ideas"):
        items = room.get(key)
        if not isinstance(items, list):
            continue
        kept = []
        for item in items:
            if isinstance(item, dict) and item.get("owner") == owner:
                changed = True
                if key == "ideas" and keep_ideas:
                    item["owner"] = FACILITATOR
                else:
                    if key == "ideas":
                        gone_ideas.add(str(item.get("id")))
                    continue
            kept.append(item)
        room[key] = kept
    if gone_ideas:  # others' dots on those ideas, and ideas grouped under one of them
        room["dots"] = [d for d in _items(room, "dots") if d.get("idea") not in gone_ideas]
        for idea in _items(room, "ideas"):
            if idea.get("merged_into") in gone_ideas:
                idea["merged_into"] = None
    return changed


def _sharings(value: Any) -> list[Data]:
    """Every revenue sharing under *value* (the budget's own, and each scenario's copy)."""
    if isinstance(value, list):
        return [found for item in value for found in _sharings(item)]
    if not isinstance(value, dict):
        return []
    here = [value["sharing"]] if isinstance(value.get("sharing"), dict) else []
    return here + [found for key, item in value.items() if key != "sharing" for found in _sharings(item)]


def anonymise_group(data: Data, draw: Callable[[], str] = lambda: secrets.token_hex(32)) -> bool:
    """Drop names and links to people from the workbook file *data* (in place); True if anything changed."""
    changed = False
    checklist = data.get("checklist")
    for member in _items(checklist, "group") if isinstance(checklist, dict) else []:
        for field in ("alias", "interests"):
            if member.get(field):
                member[field] = ""
                changed = True
    for sharing in _sharings(data.get("budget")):  # first names beside hours worked, in the budget and its scenarios
        for sharer in _items(sharing, "people"):
            if sharer.get("name"):
                sharer["name"] = ""
                changed = True
    room = _room(data)
    for entry in _items(room, "participants"):
        for field in ("alias", "wishes", "skills"):
            if entry.get(field):
                entry[field] = ""
                changed = True
    for key in ("participants", "ideas", "votes", "dots"):
        for item in _items(room, key):
            if item.get("owner") not in (None, FACILITATOR):
                item["owner"] = draw()
                changed = True
    return changed


def _in_model(workbook: Workbook, rule: Callable[[Data], bool]) -> bool:
    data = workbook.model_dump(mode="json")
    if not rule(data):
        return False
    fresh = Workbook.model_validate(data)
    for field in Workbook.model_fields:
        setattr(workbook, field, getattr(fresh, field))
    return True


def forget_in(workbook: Workbook, owner: str, keep_ideas: bool = False) -> bool:
    """:func:`forget_person` on a workbook in hand (what :func:`~kpawidgets.storage.room.apply_now` changes)."""
    return _in_model(workbook, lambda data: forget_person(data, owner, keep_ideas))


def anonymise_in(workbook: Workbook) -> bool:
    """:func:`anonymise_group` on a workbook in hand."""
    return _in_model(workbook, anonymise_group)


# ------------------------------------------------------------------ retention
def _months_after(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    target = dt.date(day.year + year, month + 1, 1)
    following = dt.date(target.year + (target.month == 12), target.month % 12 + 1, 1)
    return target.replace(day=min(day.day, (following - dt.timedelta(days=1)).day))


def retention_until(workbook: Workbook) -> dt.date | None:
    """The day the group's personal fields are to go: ``room.retention_months`` after the launch (None without a date)."""
    launch = workbook.identity.launch_date
    return _months_after(launch, workbook.room.retention_months) if launch else None


def personal_fields(workbook: Workbook) -> int:
    """How many names and self-descriptions the group still holds (0 once anonymised)."""
    data = workbook.model_dump(mode="json")
    group = data["checklist"]["group"]
    count = sum(1 for m in group for f in ("alias", "interests") if m.get(f))
    count += sum(1 for p in data["room"]["participants"] for f in ("alias", "wishes", "skills") if p.get(f))
    return count + sum(1 for sharing in _sharings(data["budget"]) for p in sharing["people"] if p.get("name"))


def check_fields(workbook: Workbook, today: dt.date | None = None) -> dict[str, Any]:
    """Keys this part adds to ``kpa check --json``: ``personal_data_until`` (ISO date or None),
    ``personal_fields`` (int) and ``personal_data_due`` (the date is past and names remain:
    ``kpa anonymise --si-echu`` removes them)."""
    until = retention_until(workbook)
    left = personal_fields(workbook)
    due = until is not None and (today or dt.date.today()) >= until and left > 0
    return {"personal_data_until": until.isoformat() if until else None, "personal_fields": left,
            "personal_data_due": due}
