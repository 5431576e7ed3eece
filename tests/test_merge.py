"""The three-way merge of workbooks: rules by example, then writers racing (hypothesis)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpawidgets.model.merge import MISSING, Conflict, Item, KeptEdit, OrderConflict, merge, merge_workbooks
from kpawidgets.model.workbook import Workbook, load_workbook_text

# ------------------------------------------------------------------------------ rules by example
BASE: dict[str, Any] = {
    "title": "KPA",
    "updated_at": "2026-12-01T10:00:00Z",
    "settings": {"a": 1, "b": "x"},
    "tags": ["one", "two"],
    "criteria": ["open"],
    "lines": [
        {"id": "l1", "label": "Matières", "amount": "2000.00"},
        {"id": "l2", "label": "Loyer", "amount": "600.00"},
        {"id": "l3", "label": "Assurance", "amount": "300.00"},
    ],
}


def edited(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def with_line(data: dict[str, Any], line_id: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for line in data["lines"]:
        if line["id"] == line_id:
            line.update(changes)
    return data


def line_ids(data: dict[str, Any]) -> list[str]:
    return [line["id"] for line in data["lines"]]


def test_edits_to_different_fields_all_land() -> None:
    mine = edited(title="KPA des Tisserands", settings={"a": 2, "b": "x"})
    theirs = edited(settings={"a": 1, "b": "y"})
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert result.merged["title"] == "KPA des Tisserands"
    assert result.merged["settings"] == {"a": 2, "b": "y"}


def test_same_field_both_sides_the_later_save_wins_and_says_what_it_replaced() -> None:
    mine = with_line(BASE, "l1", amount="2000.01")
    theirs = with_line(BASE, "l1", amount="2400.00")
    mine = with_line(mine, "l1", amount="2000.00")  # mine is back to the base value: no change of mine
    assert merge(BASE, mine, theirs).merged == theirs
    mine = with_line(BASE, "l1", amount="2100.00")
    result = merge(BASE, mine, theirs)
    assert result.merged == mine
    (conflict,) = result.conflicts
    assert conflict == Conflict(("lines", Item("l1", "Matières"), "amount"), "2000.00", "2100.00", "2400.00", "2100.00")
    assert conflict.replaced == "2400.00"
    assert conflict.where == "lines[l1 « Matières »].amount"
    assert (conflict.list_name, conflict.item, conflict.field) == ("lines", Item("l1", "Matières"), "amount")
    assert conflict.key == ("lines", "l1", "amount")


def test_edits_to_different_items_and_additions_on_both_sides_all_land() -> None:
    mine = with_line(BASE, "l1", amount="1.00")
    mine["lines"].insert(1, {"id": "m1", "label": "Mine", "amount": "5.00"})
    theirs = with_line(BASE, "l3", label="Assurance locaux")
    theirs["lines"].append({"id": "t1", "label": "Theirs", "amount": "7.00"})
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert line_ids(result.merged) == ["l1", "m1", "l2", "l3", "t1"]
    assert result.merged["lines"][0]["amount"] == "1.00"
    assert result.merged["lines"][3]["label"] == "Assurance locaux"


def test_insertions_at_the_same_place_keep_both_in_a_stable_order() -> None:
    mine, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    mine["lines"].insert(1, {"id": "m1", "label": "Mine", "amount": "5.00"})
    theirs["lines"].insert(1, {"id": "t1", "label": "Theirs", "amount": "7.00"})
    assert line_ids(merge(BASE, mine, theirs).merged) == ["l1", "t1", "m1", "l2", "l3"]


def test_a_reorder_on_one_side_is_kept_with_the_other_sides_edit() -> None:
    mine = with_line(BASE, "l2", amount="650.00")
    theirs = copy.deepcopy(BASE)
    theirs["lines"].reverse()
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert line_ids(result.merged) == ["l3", "l2", "l1"]
    assert result.merged["lines"][1]["amount"] == "650.00"
    # and the other way round
    result = merge(BASE, theirs, mine)
    assert line_ids(result.merged) == ["l3", "l2", "l1"] and result.merged["lines"][1]["amount"] == "650.00"


def test_reorders_on_both_sides_mine_wins_and_nothing_is_lost() -> None:
    mine, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    mine["lines"] = [mine["lines"][i] for i in (2, 0, 1)]
    theirs["lines"] = [theirs["lines"][i] for i in (1, 2, 0)]
    theirs["lines"].append({"id": "t1", "label": "Theirs", "amount": "7.00"})
    result = merge(BASE, mine, theirs)
    assert line_ids(result.merged) == ["l3", "l1", "t1", "l2"]  # theirs' addition after its neighbour
    (event,) = result.order_conflicts
    assert event == OrderConflict(("lines",), ("l1", "l2", "l3"), ("l3", "l1", "l2"), ("l2", "l3", "l1", "t1"),
                                  ("l3", "l1", "t1", "l2"))
    same_way = merge(BASE, mine, {**theirs, "lines": mine["lines"]})
    assert same_way.clean


def test_removed_on_one_side_untouched_on_the_other_is_removed() -> None:
    mine = copy.deepcopy(BASE)
    del mine["lines"][1]
    theirs = with_line(BASE, "l1", label="Matières premières")
    for result in (merge(BASE, mine, theirs), merge(BASE, theirs, mine)):
        assert result.clean
        assert line_ids(result.merged) == ["l1", "l3"]
        assert result.merged["lines"][0]["label"] == "Matières premières"


@pytest.mark.parametrize("remover", ["mine", "theirs"])
def test_removed_on_one_side_edited_on_the_other_keeps_the_edit_and_says_so(remover: str) -> None:
    removed = copy.deepcopy(BASE)
    del removed["lines"][1]
    edited_line = with_line(BASE, "l2", amount="650.00")
    result = merge(BASE, removed, edited_line) if remover == "mine" else merge(BASE, edited_line, removed)
    assert result.merged == edited_line
    (kept,) = result.kept_edits
    assert kept == KeptEdit(("lines", Item("l2", "Loyer")), remover, edited_line["lines"][1])  # type: ignore[arg-type]
    assert not result.conflicts


def test_scalar_lists_are_values_and_ticked_criteria_are_sets() -> None:
    mine = edited(tags=["one", "two", "three"], criteria=["open", "shared"])
    theirs = edited(tags=["one"], criteria=["convivial"])
    result = merge(BASE, mine, theirs)
    assert result.merged["criteria"] == ["convivial", "shared"]  # "open" unticked by theirs, both ticks land
    assert result.merged["tags"] == ["one", "two", "three"]
    (conflict,) = result.conflicts
    assert conflict.path == ("tags",) and conflict.replaced == ["one"]


def test_lists_without_ids_or_with_duplicate_ids_are_values() -> None:
    base = {"people": [{"alias": "S."}], "lines": [{"id": "x", "v": 1}, {"id": "x", "v": 2}]}
    mine = {"people": [{"alias": "S."}, {"alias": "M."}], "lines": [{"id": "x", "v": 1}, {"id": "x", "v": 3}]}
    theirs = {"people": [{"alias": "T."}], "lines": [{"id": "x", "v": 4}, {"id": "x", "v": 2}]}
    result = merge(base, mine, theirs)
    assert result.merged == mine
    assert [c.path for c in result.conflicts] == [("people",), ("lines",)]


def test_bookkeeping_fields_never_conflict() -> None:
    mine = edited(updated_at="2026-12-01T10:05:00Z", title="A")
    theirs = edited(updated_at="2026-12-01T10:04:00Z", settings={"a": 5, "b": "x"})
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert result.merged["updated_at"] == "2026-12-01T10:05:00Z"


def test_same_id_added_on_both_sides_is_one_item() -> None:
    mine, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    mine["lines"].append({"id": "new", "label": "Portes ouvertes", "amount": "1.00", "owner": "A"})
    theirs["lines"].append({"id": "new", "label": "Portes ouvertes", "amount": "2.00"})
    result = merge(BASE, mine, theirs)
    assert line_ids(result.merged) == ["l1", "l2", "l3", "new"]
    assert result.merged["lines"][3] == {"id": "new", "label": "Portes ouvertes", "amount": "1.00", "owner": "A"}
    assert [c.key for c in result.conflicts] == [("lines", "new", "amount")]
    assert result.conflicts[0].base is MISSING


def test_types_are_told_apart() -> None:
    result = merge({"v": 1}, {"v": True}, {"v": 1.0})
    assert result.merged == {"v": True} and len(result.conflicts) == 1


def test_nested_id_lists_merge_inside_matched_items() -> None:
    base = {"scenarios": [{"id": "s1", "name": "Prudent", "plan": {"lines": [{"id": "a", "amount": "1"}]}}]}
    mine = copy.deepcopy(base)
    mine["scenarios"][0]["plan"]["lines"][0]["amount"] = "2"
    theirs = copy.deepcopy(base)
    theirs["scenarios"][0]["plan"]["lines"].append({"id": "b", "amount": "3"})
    theirs["scenarios"][0]["name"] = "Prudente"
    result = merge(base, mine, theirs)
    assert result.clean
    assert result.merged == {"scenarios": [{"id": "s1", "name": "Prudente", "plan": {
        "lines": [{"id": "a", "amount": "2"}, {"id": "b", "amount": "3"}]}}]}


def test_inputs_are_not_modified_and_nothing_is_shared() -> None:
    base, mine, theirs = copy.deepcopy(BASE), with_line(BASE, "l1", amount="1.00"), edited(settings={"a": 9, "b": "x"})
    frozen = json.dumps([base, mine, theirs])
    result = merge(base, mine, theirs)
    result.merged["lines"][0]["amount"] = "changed"
    result.merged["settings"]["a"] = 0
    assert json.dumps([base, mine, theirs]) == frozen


def test_merge_of_the_example_workbook(example_path: Path) -> None:
    """Two devices on the example: budget amounts, a criterion each, the identity; the loader reads the result."""
    base = load_workbook_text(example_path.read_bytes())
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    mine.budget.lines[0].amount = theirs.budget.lines[1].amount  # type: ignore[assignment]
    mine.identity.town = "Roubaix"
    mine.checklist.ingredients.venue.criteria = ["open", "shared"]
    theirs.budget.lines[0].amount = base.budget.lines[0].amount + 400  # type: ignore[assignment]
    theirs.identity.neighbourhood = "Le Pile"
    theirs.checklist.ingredients.venue.criteria = ["open", "shared", "convivial"]
    result = merge_workbooks(base, mine, theirs)
    merged = Workbook.model_validate(result.merged)
    assert merged.identity.town == "Roubaix" and merged.identity.neighbourhood == "Le Pile"
    assert merged.budget.lines[0].amount == mine.budget.lines[0].amount
    (conflict,) = result.conflicts
    assert conflict.key == ("budget", "lines", base.budget.lines[0].id, "amount")
    assert conflict.item is not None and conflict.item.label == base.budget.lines[0].label
    assert conflict.replaced == str(theirs.budget.lines[0].amount)


# ------------------------------------------------------------------------------ identities
scalars = st.one_of(st.integers(-3, 3), st.sampled_from(["", "a", "b", "Ça"]), st.booleans(), st.none())
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "k", "v"]), inner, max_size=3)), max_leaves=8)
documents = st.dictionaries(st.sampled_from(["title", "lines", "criteria", "settings", "n"]), json_values, max_size=5)


@settings(max_examples=150, deadline=None)
@given(documents, documents, documents)
def test_identities(base: dict[str, Any], x: dict[str, Any], y: dict[str, Any]) -> None:
    """merge(b, x, b) == x, merge(b, b, y) == y, merge(b, x, x) == x, with nothing to report."""
    for result, expected in ((merge(base, x, base), x), (merge(base, base, y), y), (merge(base, x, x), x)):
        assert result.merged == expected
        assert result.clean


# ------------------------------------------------------------------------------ writers racing
POOL_TEXT = ["a", "b", "c"]
CRITERIA = ["open", "shared", "convivial", "multipurpose"]
ITEM_FIELDS = ("label", "amount", "note", ("meta", "x"))


def initial_file(draw: st.DrawFn) -> dict[str, Any]:
    lines = [{"id": f"b{i}", "label": draw(st.sampled_from(POOL_TEXT)), "amount": draw(st.integers(0, 3)),
              "note": "", "meta": {"x": 0}} for i in range(draw(st.integers(0, 4)))]
    return {"title": "t", "count": 0, "updated_at": "0", "settings": {"a": 0, "b": "a"},
            "tags": ["a"], "criteria": draw(st.lists(st.sampled_from(CRITERIA), unique=True, max_size=2)),
            "lines": lines}


def flatten(data: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    """Every value the oracle follows, by a path that names items by id: ``("lines", id, "meta", "x")``."""
    flat: dict[tuple[Any, ...], Any] = {("title",): data["title"], ("count",): data["count"],
                                        ("updated_at",): data["updated_at"], ("tags",): data["tags"],
                                        ("settings", "a"): data["settings"]["a"],
                                        ("settings", "b"): data["settings"]["b"]}
    flat.update({("criteria", c): True for c in data["criteria"]})
    for line in data["lines"]:
        flat.update(item_values(line))
    return flat


def item_values(line: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    return {("lines", line["id"], "label"): line["label"], ("lines", line["id"], "amount"): line["amount"],
            ("lines", line["id"], "note"): line["note"], ("lines", line["id"], "meta", "x"): line["meta"]["x"]}


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["id"]: line for line in data["lines"]}


@dataclass
class Writer:
    """A page: the version it last read (base) and its copy with edits."""

    name: str
    base: dict[str, Any]
    copy: dict[str, Any]
    added: int = 0


@dataclass
class Race:
    """The file, the saves so far, and what the oracle expects of each."""

    file: dict[str, Any]
    saves: int = 0
    conflicts: int = 0
    kept: int = 0
    #: path → (save number, value) of the last save that changed it
    last_write: dict[tuple[Any, ...], tuple[int, Any]] = field(default_factory=dict)
    #: item id → save numbers that removed it from the file
    removals: dict[str, list[int]] = field(default_factory=dict)


def apply_edit(draw: st.DrawFn, writer: Writer) -> None:
    """One random edit of the writer's copy: set a field, tick, add, remove, edit an item, reorder."""
    data = writer.copy
    kinds = ["title", "count", "setting", "tags", "tick", "add"]
    if data["lines"]:
        kinds += ["remove", "edit", "edit", "edit", "reorder"]
    kind = draw(st.sampled_from(kinds))
    if kind == "title":
        data["title"] = draw(st.sampled_from(POOL_TEXT))
    elif kind == "count":
        data["count"] = draw(st.integers(0, 3))
    elif kind == "setting":
        key = draw(st.sampled_from(["a", "b"]))
        data["settings"][key] = draw(st.integers(0, 3)) if key == "a" else draw(st.sampled_from(POOL_TEXT))
    elif kind == "tags":
        data["tags"] = draw(st.lists(st.sampled_from(POOL_TEXT), max_size=3))
    elif kind == "tick":
        criterion = draw(st.sampled_from(CRITERIA))
        data["criteria"] = ([c for c in data["criteria"] if c != criterion] if criterion in data["criteria"]
                            else data["criteria"] + [criterion])
    elif kind == "add":
        writer.added += 1
        line = {"id": f"{writer.name}-{writer.added}", "label": draw(st.sampled_from(POOL_TEXT)),
                "amount": draw(st.integers(0, 3)), "note": "", "meta": {"x": 0}}
        data["lines"].insert(draw(st.integers(0, len(data["lines"]))), line)
    elif kind == "remove":
        del data["lines"][draw(st.integers(0, len(data["lines"]) - 1))]
    elif kind == "edit":
        line = draw(st.sampled_from(data["lines"]))
        name = draw(st.sampled_from(ITEM_FIELDS))
        if name == ("meta", "x"):
            line["meta"]["x"] = draw(st.integers(0, 3))
        elif name == "amount":
            line["amount"] = draw(st.integers(0, 3))
        else:
            line[name] = draw(st.sampled_from(POOL_TEXT))
    else:
        data["lines"] = draw(st.permutations(data["lines"]))


def expected_save(race: Race, writer: Writer) -> tuple[dict[tuple[Any, ...], Any], set[tuple[Any, ...]],
                                                       set[tuple[str, str]]]:
    """What the file must hold after *writer* saves, by the rules stated flat (not by the merge's code).

    Returns the flat values, the conflicts expected (path, replaced value, mine) and the kept edits (id, remover).
    """
    base, mine, now = flatten(writer.base), flatten(writer.copy), flatten(race.file)
    expected = dict(now)
    conflicts: set[tuple[Any, ...]] = set()
    kept: set[tuple[str, str]] = set()
    base_items, mine_items, now_items = by_id(writer.base), by_id(writer.copy), by_id(race.file)

    def write(path: tuple[Any, ...], value: Any) -> None:
        theirs = now.get(path, MISSING)
        if path != ("updated_at",) and theirs is not MISSING and theirs != base.get(path, MISSING) and theirs != value:
            conflicts.add((path, json.dumps(theirs), json.dumps(value)))
        expected[path] = value

    for path, value in mine.items():
        if path[0] in ("lines", "criteria"):
            continue
        if value != base[path]:
            write(path, value)
    for criterion in CRITERIA:
        path = ("criteria", criterion)
        if path in mine and path not in base:
            expected[path] = True
        elif path in base and path not in mine:
            expected.pop(path, None)
    for item_id, line in mine_items.items():
        values = item_values(line)
        if item_id not in base_items:  # added
            expected.update(values)
        elif item_id not in now_items:  # removed since by someone else
            if values != item_values(base_items[item_id]):
                expected.update(values)
                kept.add((item_id, "theirs"))
        else:
            for path, value in values.items():
                if value != base[path]:
                    write(path, value)
    for item_id in set(base_items) - set(mine_items):  # removed by this writer
        if item_id in now_items:
            if item_values(now_items[item_id]) == item_values(base_items[item_id]):
                for path in item_values(now_items[item_id]):
                    del expected[path]
            else:
                kept.add((item_id, "mine"))
    return expected, conflicts, kept


def save(race: Race, writer: Writer) -> None:
    """The writer saves: merge against the file now, check the result against the oracle, re-read."""
    race.saves += 1
    writer.copy["updated_at"] = str(race.saves)
    expected, expected_conflicts, expected_kept = expected_save(race, writer)
    before = flatten(race.file)
    result = merge(writer.base, writer.copy, race.file)
    merged = result.merged
    ids = [line["id"] for line in merged["lines"]]
    assert len(ids) == len(set(ids)), f"duplicated item: {ids}"
    assert flatten(merged) == expected
    assert {(c.key, json.dumps(c.replaced), json.dumps(c.resolved_to)) for c in result.conflicts} == expected_conflicts
    assert all(isinstance(c.item, Item) and c.item.label for c in result.conflicts if c.key[0] == "lines")
    assert {(k.key[1], k.removed_by) for k in result.kept_edits} == expected_kept
    # the history's view: what changed from the writer's base is a write of this save
    base = flatten(writer.base)
    for path, value in flatten(writer.copy).items():
        if base.get(path, MISSING) != value:
            race.last_write[path] = (race.saves, value)
    for item_id in set(by_id(race.file)) - set(by_id(merged)):
        race.removals.setdefault(item_id, []).append(race.saves)
    # every value that was in the file and is no longer was replaced knowingly or reported
    for path, value in before.items():
        if path[0] != "updated_at" and flatten(merged).get(path, MISSING) != value:
            told = any(c.key[: len(path)] == path[: len(c.key)] for c in result.conflicts)
            assert base.get(path, MISSING) == value or told, f"{path} replaced without a word"
    race.conflicts += len(result.conflicts)
    race.kept += len(result.kept_edits)
    race.file = merged
    writer.base, writer.copy = copy.deepcopy(merged), copy.deepcopy(merged)


def check_final(race: Race) -> None:
    """The final file holds every edit that no later edit of the same value replaced."""
    final = flatten(race.file)
    for path, (saved, value) in race.last_write.items():
        if path[0] == "lines":
            item_id = path[1]
            removed_after = [r for r in race.removals.get(item_id, []) if r > saved]
            if path not in final:
                assert removed_after, f"{path}: item lost without a removal after save {saved}"
                continue
            if removed_after:
                continue  # removed, then brought back by a page that edited it: its own copy of the item
        elif path[0] == "criteria":
            continue  # ticks are set elements, checked at every save
        if path != ("updated_at",):
            assert final.get(path) == value, f"{path}: save {saved}'s {value!r} lost"


def run_race(data: st.DataObject, writers: int, steps: int) -> Race:
    """*writers* pages on one file: read, edit, save in an order hypothesis draws."""
    start = data.draw(st.composite(initial_file)())
    race = Race(copy.deepcopy(start))
    pages = [Writer(f"w{i}", copy.deepcopy(start), copy.deepcopy(start)) for i in range(writers)]
    for _ in range(steps):
        writer = data.draw(st.sampled_from(pages))
        action = data.draw(st.sampled_from(["edit", "edit", "save", "read"]))
        if action == "edit":
            apply_edit(data.draw, writer)
        elif action == "save" or writer.copy != writer.base:
            save(race, writer)  # a page with edits saves before it reads the file again
        else:  # a page without edits follows the file: its base moves on
            writer.base, writer.copy = copy.deepcopy(race.file), copy.deepcopy(race.file)
    for writer in pages:
        save(race, writer)
    check_final(race)
    return race


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data(), st.integers(2, 4))
def test_writers_racing_lose_nothing_unsaid(data: st.DataObject, writers: int) -> None:
    run_race(data, writers, steps=30)
