"""The by-id tree (issue 22): one rule for an item list and one set of bookkeeping keys, used by the
merge, the live following and the history."""

from __future__ import annotations

import re

from pydantic import BaseModel

from kpawidgets.model import tree
from tests.conftest import ROOT


class _Item(BaseModel):
    id: str
    label: str = ""


def test_an_item_list_has_an_id_on_every_item_and_no_id_twice() -> None:
    assert tree.item_ids([{"id": "a"}, {"id": 2}]) == ["a", 2]
    assert tree.item_ids([_Item(id="a"), _Item(id="b")]) == ["a", "b"]
    assert tree.item_ids([]) == []
    assert tree.item_ids([{"id": "a"}, {"id": "a"}]) is None  # the same id twice
    assert tree.item_ids([{"id": "a"}, {"label": "sans id"}]) is None
    assert tree.item_ids([{"id": True}]) is None and tree.item_ids([{"id": None}]) is None
    assert tree.item_ids(["a", "b"]) is None and tree.item_ids({"id": "a"}) is None
    assert tree.is_items([{"id": "x"}]) and not tree.is_items("x")


def test_the_merge_the_live_following_and_the_history_share_the_rule() -> None:
    from kpawidgets.app import live
    from kpawidgets.model import merge
    from kpawidgets.storage import history

    assert merge.BOOKKEEPING_KEYS is tree.BOOKKEEPING_KEYS
    assert live.BOOKKEEPING_KEYS is tree.BOOKKEEPING_KEYS and history.BOOKKEEPING_KEYS is tree.BOOKKEEPING_KEYS
    assert live.is_items is tree.is_items and history.is_items is tree.is_items
    # a list with an id twice is one value for all three: not walked item by item
    twice = {"lines": [{"id": "a", "v": 1}, {"id": "a", "v": 2}]}
    assert [path for path, _place, _value in live.leaves(twice)] == [("lines",)]


def test_the_bookkeeping_keys_are_written_out_once() -> None:
    """``updated_at`` and ``schema_version`` side by side (a set of keys to pass over) only in model/tree.py."""
    pair = re.compile(r"[\"']updated_at[\"'],\s*[\"']schema_version[\"']|[\"']schema_version[\"'],\s*[\"']updated_at[\"']")
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "kpawidgets").rglob("*.py") if pair.search(path.read_text(encoding="utf-8"))]
    assert found == ["kpawidgets/model/tree.py"], found
