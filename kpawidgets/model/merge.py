"""Three-way merge of workbooks: base (what a page last read), mine (its edits), theirs (the file now).

The data are the JSON form of a workbook (``Workbook.model_dump(mode="json")``); typed
workbooks are converted at the edge by :func:`merge_workbooks`. The rules (issue 10):

- Plain dicts merge key by key, recursively: edits to different fields all land.
- A list whose items are all dicts with a unique ``"id"`` is merged item by item, matched by
  id: items added on either side are kept; an item removed on one side and left alone on the
  other is removed; removed on one side and edited on the other, it is kept with the edit and a
  :class:`KeptEdit` says so. The order is the base order with both sides' insertions woven in
  after their neighbours; a reorder on one side is kept; reorders on both sides: mine wins
  (:class:`OrderConflict`), no item lost.
- Lists of ticked ids or tags (keys in :data:`WORKBOOK_SET_KEYS`, e.g. a checklist's
  ``criteria``) merge as sets: one tab ticks a criterion, another tab ticks a second one,
  both stay ticked.
- Any other list (scalars, items without ids, duplicate ids) is one value.
- The same value changed on both sides to different values is a :class:`Conflict`: the later
  save wins, which is *mine* (this save is the later one); the event keeps the replaced value
  and a readable path (list, item id and label, field) so the page can offer it back.
- Bookkeeping keys (:data:`BOOKKEEPING_KEYS`: ``updated_at``, ``schema_version``) take mine's
  value without a conflict: they change at every save.

Library choice (tried on this data, December 2026): nbdime's generic merge
(``nbdime.merging.generic.decide_merge``) diffs lists by position (LCS), not by id: a reorder on
one side with an edit on the other came back as an unresolved conflict on the whole list, and
applying its decisions dropped an item; its conflicts point at the list, not the field, and it
pulls in a Jupyter server extension stack. deepdiff (``iterable_compare_func`` matching by id)
describes each side's changes well, but its ``Delta`` patches by index: applying theirs after an
insertion in mine edited the wrong line (the very defect of issue 13), or was refused.
jsonpatch is index-based too, and merge3 merges text lines. So this is a small merge over the
data, about two hundred lines, property-tested in ``tests/test_merge.py``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Union

from kpawidgets.i18n import N_, _, format_money, translate
from kpawidgets.model.checklist.partners import UNKNOWN_FUNDER
from kpawidgets.model.tree import BOOKKEEPING_KEYS, item_ids

if TYPE_CHECKING:
    from kpawidgets.model.workbook import Workbook

__all__ = [
    "BOOKKEEPING_KEYS",
    "MISSING",
    "PARTNER_REFERENCES",
    "WORKBOOK_SET_KEYS",
    "Conflict",
    "Item",
    "KeptEdit",
    "MergeEvent",
    "MergeResult",
    "OrderConflict",
    "describe",
    "item_label",
    "merge",
    "merge_workbooks",
    "same_json",
    "value_text",
]

#: Keys whose lists are sets of ids or tags: merged element by element, never a conflict.
WORKBOOK_SET_KEYS = frozenset({"criteria", "situations", "roles"})
#: Keys whose value is the id of a partner (``checklist.partners``): people read the partner's name.
PARTNER_REFERENCES = frozenset({"partner"})
#: Keys that name an item for people, in order of preference.
_LABEL_KEYS = ("label", "title", "name", "alias", "territory", "funder", "account")


class _Missing:
    """The value of a key absent on one side."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


#: Stands for a key that one side does not have.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class Item:
    """One step of a path: the item of an id'd list, by its id and its label for people."""

    id: Any
    label: str = ""

    def __str__(self) -> str:
        return f"[{self.id} « {self.label} »]" if self.label else f"[{self.id}]"


PathStep = Union[str, Item]
FieldPath = tuple[PathStep, ...]


@dataclass(frozen=True)
class _Located:
    """What every event has: where it happened."""

    path: FieldPath

    @property
    def where(self) -> str:
        """A readable path: ``budget.lines[l01 « Matières »].amount``."""
        text = ""
        for step in self.path:
            text += str(step) if isinstance(step, Item) else (f".{step}" if text else step)
        return text

    @property
    def key(self) -> tuple[Any, ...]:
        """The path with items named by their id only (labels change, ids do not)."""
        return tuple(step.id if isinstance(step, Item) else step for step in self.path)

    @property
    def field(self) -> str | None:
        """The last key of the path (the field), if it ends on one."""
        last = self.path[-1] if self.path else None
        return last if isinstance(last, str) else None

    @property
    def item(self) -> Item | None:
        """The innermost list item on the path, if any."""
        return next((step for step in reversed(self.path) if isinstance(step, Item)), None)

    @property
    def list_name(self) -> str | None:
        """The key of the list holding :attr:`item`."""
        for index in range(len(self.path) - 1, 0, -1):
            if isinstance(self.path[index], Item):
                before = self.path[index - 1]
                return before if isinstance(before, str) else None
        return None


@dataclass(frozen=True)
class Conflict(_Located):
    """The same value changed on both sides: ``resolved_to`` (mine) replaced ``theirs``."""

    base: Any
    mine: Any
    theirs: Any
    resolved_to: Any

    @property
    def replaced(self) -> Any:
        """The value that was in the file and is no longer: the one to offer back."""
        return self.theirs


@dataclass(frozen=True)
class KeptEdit(_Located):
    """An item removed on one side and edited on the other: kept, with the edit.

    ``removed_by`` is the side whose removal was undone (``"mine"`` or ``"theirs"``);
    ``kept`` is the item as it is now in the result.
    """

    removed_by: Literal["mine", "theirs"]
    kept: Any


@dataclass(frozen=True)
class OrderConflict(_Located):
    """A list reordered on both sides: mine's order was kept (lists of ids)."""

    base: tuple[Any, ...]
    mine: tuple[Any, ...]
    theirs: tuple[Any, ...]
    resolved_to: tuple[Any, ...]


MergeEvent = Union[Conflict, KeptEdit, OrderConflict]


@dataclass(frozen=True)
class MergeResult:
    """The merged data and, in path order, what happened that someone should hear about."""

    merged: dict[str, Any]
    events: tuple[MergeEvent, ...]

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return tuple(event for event in self.events if isinstance(event, Conflict))

    @property
    def kept_edits(self) -> tuple[KeptEdit, ...]:
        return tuple(event for event in self.events if isinstance(event, KeptEdit))

    @property
    def order_conflicts(self) -> tuple[OrderConflict, ...]:
        return tuple(event for event in self.events if isinstance(event, OrderConflict))

    @property
    def clean(self) -> bool:
        """True when nothing was replaced or kept against a removal."""
        return not self.events


def merge(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any], *,
          set_keys: Iterable[str] = WORKBOOK_SET_KEYS,
          bookkeeping_keys: Iterable[str] = BOOKKEEPING_KEYS) -> MergeResult:
    """Merge *mine* and *theirs*, both derived from *base*; *mine* wins where both changed one value.

    The inputs are not modified, and the result shares nothing with them.
    """
    return _merge(base, mine, theirs, set_keys, bookkeeping_keys, share=False)


def merge_workbooks(base: Workbook, mine: Workbook, theirs: Workbook) -> MergeResult:
    """:func:`merge` on typed workbooks; validate ``merged`` with the loader before using it."""
    # The dumps are fresh dicts that nobody else holds: the result may share them (no copy).
    return _merge(base.model_dump(mode="json"), mine.model_dump(mode="json"), theirs.model_dump(mode="json"),
                  WORKBOOK_SET_KEYS, BOOKKEEPING_KEYS, share=True)


def _merge(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any], set_keys: Iterable[str],
           bookkeeping_keys: Iterable[str], share: bool) -> MergeResult:
    merger = _Merger(frozenset(set_keys), frozenset(bookkeeping_keys))
    merged = merger.dicts(base, mine, theirs, ())
    return MergeResult(merged if share else copy.deepcopy(merged), tuple(merger.events))


# ------------------------------------------------------------------------------ in words
_AMOUNT = re.compile(r"^-?\d{1,12}\.\d{2}$")  # how a Money is written in a file
#: The file's keys as people name them (the others are shown as they are).
FIELD_WORDS = {
    "account": N_("compte"), "amount": N_("montant"), "label": N_("libellé"), "partner": N_("financeur"),
    "status": N_("état"), "notes": N_("notes"), "owner": N_("responsable"), "due": N_("échéance"),
    "title": N_("intitulé"), "start": N_("début"), "end": N_("fin"), "done": N_("fait"), "cost": N_("coût"),
    "category": N_("catégorie"), "name": N_("nom"), "alias": N_("prénom ou pseudo"), "gender": N_("genre"),
    "age_band": N_("tranche d'âge"), "interests": N_("centres d'intérêt"), "roles": N_("rôles"),
    "criteria": N_("critères"), "town": N_("commune"), "neighbourhood": N_("quartier"),
    "territory": N_("nom du territoire"), "launch_date": N_("date de lancement"), "language": N_("langue"),
    "fte": N_("ETP"), "gross_monthly": N_("salaire brut mensuel"), "monthly_cost": N_("coût mensuel"),
    "in_kind_value": N_("valeur en nature"), "deadline": N_("date limite"), "asks": N_("demandes"),
    "text": N_("texte"), "unit_price": N_("prix unitaire"), "starting_cash": N_("trésorerie de départ"),
    "venue": N_("lieu"), "equipment": N_("équipement"), "group": N_("groupe"), "team": N_("équipe"),
    "host": N_("structure de portage"), "partners": N_("partenaires"),
}
#: Containers that add nothing to a field's name in a notice.
_CONTAINERS = frozenset({"identity", "checklist", "budget", "plan", "ingredients", "room"})


def _word(key: str) -> str:
    word = FIELD_WORDS.get(key)
    return translate(word) if word else key


def value_text(value: Any, key: object = None, partners: Mapping[str, str] | None = None) -> str:
    """A value of the file as people read it: amounts in euros, yes/no, lists joined; the value of
    a field *key* of :data:`PARTNER_REFERENCES` by the partner's name in *partners* (id → name)."""
    if value is MISSING or value is None or value == "" or value == []:
        return _("rien")
    if key in PARTNER_REFERENCES and partners is not None and isinstance(value, str):
        return f"« {partners.get(value) or translate(UNKNOWN_FUNDER)} »"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, str) and _AMOUNT.fullmatch(value):
        return format_money(Decimal(value))
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return item_label(value) or "…"
    text = str(value)
    return f"« {text[:60]}… »" if len(text) > 60 else f"« {text} »"


def _place(event: _Located) -> str:
    """Where an event happened, in words: « Matières » (montant), or Lieu › notes."""
    item = event.item
    at = max((index for index, step in enumerate(event.path) if isinstance(step, Item)), default=-1)
    keys = [step for step in event.path[at + 1:] if isinstance(step, str) and step not in _CONTAINERS]
    fields = " › ".join(_word(key) for key in keys)
    if item is None:
        return (fields[:1].upper() + fields[1:]) or "…"
    name = f"« {item.label} »" if item.label else _word(event.list_name or str(item.id))
    return f"{name} ({fields})" if fields else name


def describe(event: MergeEvent, partners: Mapping[str, str] | None = None) -> str:
    """One line for the page that saved: what its save replaced or kept, in the current language
    (a partner's id by its name in *partners*, id → name)."""
    if isinstance(event, Conflict):
        key = event.path[-1] if event.path else None
        return _("{place} : un autre appareil avait mis {theirs}, votre {mine} l'a remplacé "
                 "(l'autre valeur reste dans l'historique).").format(
            theirs=value_text(event.theirs, key, partners), mine=value_text(event.mine, key, partners),
            place=_place(event))
    if isinstance(event, KeptEdit):
        if event.removed_by == "mine":
            return _("{place} n'est pas supprimé : un autre appareil venait de le modifier.").format(place=_place(event))
        return _("{place}, supprimé sur un autre appareil, est gardé avec vos changements.").format(place=_place(event))
    return _("{place} : l'ordre changé sur un autre appareil est remplacé par le vôtre ; rien n'est perdu.").format(
        place=_place(event))


# ------------------------------------------------------------------------------ internals
def same_json(a: Any, b: Any) -> bool:
    """JSON equality that tells ``1`` from ``1.0`` and ``True``, and key order does not matter."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(value, b[key]) for key, value in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _scalars(items: Any) -> bool:
    """True for a list of distinct strings and numbers (a set of ticks or tags)."""
    return (isinstance(items, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in items)
            and len(set(items)) == len(items))


def item_label(*versions: Any) -> str:
    """What names an item for people: the first of its label keys that holds text, in the first
    of *versions* (its dicts) that has one; "" when none does."""
    for version in versions:
        if isinstance(version, dict):
            for key in _LABEL_KEYS:
                if isinstance(version.get(key), str) and version[key]:
                    return str(version[key])
    return ""


def _reordered(base: Sequence[Any], side: Sequence[Any]) -> bool:
    """True if *side* changed the relative order of the items it shares with *base*."""
    in_side, in_base = set(side), set(base)
    return [x for x in base if x in in_side] != [x for x in side if x in in_base]


def _weave(backbone: Sequence[Any], other: Sequence[Any], keep: set[Any]) -> list[Any]:
    """*backbone*'s order, with *other*'s items it lacks placed after their nearest kept predecessor."""
    result = [x for x in backbone if x in keep]
    placed = set(result)
    for index, x in enumerate(other):
        if x in keep and x not in placed:
            anchor = next((other[j] for j in range(index - 1, -1, -1) if other[j] in placed), None)
            result.insert(result.index(anchor) + 1 if anchor is not None else 0, x)
            placed.add(x)
    return result


class _Merger:
    """One merge: the rules above, and the events they produce."""

    def __init__(self, set_keys: frozenset[str], bookkeeping_keys: frozenset[str]) -> None:
        self.set_keys = set_keys
        self.bookkeeping_keys = bookkeeping_keys
        self.events: list[MergeEvent] = []

    def dicts(self, base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any],
              path: FieldPath) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        keys = list(mine) + [key for key in theirs if key not in mine]
        for key in keys:
            value = self.values(base.get(key, MISSING), mine.get(key, MISSING), theirs.get(key, MISSING),
                                (*path, key))
            if value is not MISSING:
                merged[key] = value
        return merged

    def values(self, base: Any, mine: Any, theirs: Any, path: FieldPath) -> Any:
        if same_json(mine, theirs) or same_json(base, theirs):
            return mine
        if same_json(base, mine):
            return theirs
        key = path[-1] if path else None
        if key in self.bookkeeping_keys:
            return mine if mine is not MISSING else theirs
        if all(isinstance(v, dict) for v in (base, mine, theirs)):
            return self.dicts(base, mine, theirs, path)
        if all(isinstance(v, list) for v in (base, mine, theirs)):
            ids = [item_ids(v) for v in (base, mine, theirs)]
            if all(i is not None for i in ids):
                return self.items(base, mine, theirs, path)
            if key in self.set_keys and all(_scalars(v) for v in (base, mine, theirs)):
                return self.sets(base, mine, theirs)
        self.events.append(Conflict(path, copy.deepcopy(base), copy.deepcopy(mine), copy.deepcopy(theirs),
                                    copy.deepcopy(mine)))
        return mine

    def sets(self, base: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any]:
        removed = (set(base) - set(mine)) | (set(base) - set(theirs))
        return [x for x in _weave(mine, theirs, set(mine) | set(theirs)) if x not in removed]

    def items(self, base: list[dict[str, Any]], mine: list[dict[str, Any]], theirs: list[dict[str, Any]],
              path: FieldPath) -> list[dict[str, Any]]:
        by_id = [{item["id"]: item for item in side} for side in (base, mine, theirs)]
        base_ids, mine_ids, theirs_ids = ([item["id"] for item in side] for side in (base, mine, theirs))
        b, m, t = by_id
        merged: dict[Any, dict[str, Any]] = {}
        for item_id in _weave(mine_ids, theirs_ids, set(mine_ids) | set(theirs_ids)):
            step = Item(item_id, item_label(m.get(item_id), t.get(item_id), b.get(item_id)))
            if item_id in m and item_id in t:
                merged[item_id] = self.dicts(b.get(item_id, {}), m[item_id], t[item_id], (*path, step))
            elif item_id not in b:  # added on one side
                merged[item_id] = m[item_id] if item_id in m else t[item_id]
            elif item_id in m:  # theirs removed it
                if not same_json(m[item_id], b[item_id]):
                    merged[item_id] = m[item_id]
                    self.events.append(KeptEdit((*path, step), "theirs", copy.deepcopy(m[item_id])))
            elif not same_json(t[item_id], b[item_id]):  # mine removed it, theirs edited it
                merged[item_id] = t[item_id]
                self.events.append(KeptEdit((*path, step), "mine", copy.deepcopy(t[item_id])))
        return [merged[item_id] for item_id in self.order(base_ids, mine_ids, theirs_ids, set(merged), path)]

    def order(self, base: list[Any], mine: list[Any], theirs: list[Any], keep: set[Any], path: FieldPath) -> list[Any]:
        mine_moved, theirs_moved = _reordered(base, mine), _reordered(base, theirs)
        if theirs_moved and not mine_moved:
            return _weave(theirs, mine, keep)
        result = _weave(mine, theirs, keep)
        if mine_moved and theirs_moved:
            in_all = set(base) & set(mine) & set(theirs)
            if [x for x in mine if x in in_all] != [x for x in theirs if x in in_all]:
                self.events.append(OrderConflict(path, tuple(base), tuple(mine), tuple(theirs), tuple(result)))
        return result
