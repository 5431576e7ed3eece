"""The by-id tree of a workbook: one rule for what an item list is, one set of bookkeeping keys.

A workbook (its models or their JSON) is a tree of keys, leaves and *item lists*: lists whose
items each carry an ``id`` (a string or a number) that no other item of the list has. The merge
(:mod:`kpawidgets.model.merge`), the live following of a file (:mod:`kpawidgets.app.live`) and
the history's differences (:mod:`kpawidgets.storage.history`) all match items by that id and
pass over the bookkeeping keys, with the functions here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["BOOKKEEPING_KEYS", "item_id", "item_ids", "is_items"]

#: Keys that change at every save (not an edit of anyone's): the merge takes mine's value, live
#: following and the history's differences pass over them.
BOOKKEEPING_KEYS = frozenset({"updated_at", "schema_version"})


def item_id(item: Any) -> str | int | None:
    """The id of an item (a dict's ``"id"``, a model's ``id``), or None if it has none that can be one."""
    value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None) if isinstance(item, BaseModel) else None
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def item_ids(items: Any) -> list[str | int] | None:
    """The ids of an item list, in order; None if *items* is not one (not a list, an item
    without an id, or two items with the same id). An empty list is an item list with no items."""
    if not isinstance(items, list):
        return None
    ids = [item_id(item) for item in items]
    if any(i is None for i in ids) or len(set(ids)) != len(ids):
        return None
    return ids  # type: ignore[return-value]


def is_items(value: Any) -> bool:
    """True for an item list (see :func:`item_ids`)."""
    return item_ids(value) is not None
