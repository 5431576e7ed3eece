"""Pages follow each other live: another device's save comes into an open page (app/live.py).

Two sessions on one real workspace folder stand for two devices (two kernels); the watcher
test runs a real asyncio loop and a real watchfiles watch.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kpawidgets.app.budget import build_budget
from kpawidgets.app.checklist import build_checklist
from kpawidgets.app.home.page import build_home
from kpawidgets.app.live import MAX_FOLLOWED, Changes, FollowRefused, Watcher, apply_in_place, watcher
from kpawidgets.app.session import WorkbookSession
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.storage.history import version_bytes
from kpawidgets.storage.workspace import Workspace
from tests.conftest import run_coroutine
from tests.pagekit import EXAMPLE, field_of, flat, open_page


def _device(workspace_dir: Path) -> WorkbookSession:
    session = WorkbookSession(Workspace(workspace_dir))
    assert session.open(EXAMPLE)
    return session


def test_apply_in_place_keeps_objects_and_names_what_changed(example_path: Path) -> None:
    mine = load_workbook_text(example_path.read_bytes())
    theirs = load_workbook_text(example_path.read_bytes())
    line = mine.budget.lines[0]
    lines = mine.budget.lines
    theirs.budget.lines[0].amount = Decimal("1234.00")
    theirs.identity.town = "Tourcoing"
    moved = theirs.budget.lines.pop(1)
    theirs.budget.lines.append(moved)
    changes = apply_in_place(mine, theirs)
    assert mine.budget.lines is lines and mine.budget.lines[0] is line  # the same objects, edited
    assert line.amount == Decimal("1234.00") and mine.identity.town == "Tourcoing"
    assert [x.id for x in mine.budget.lines] == [x.id for x in theirs.budget.lines]
    assert ("identity", "town") in changes.fields
    assert ("budget", "lines", line.id, "amount") in changes.fields
    assert ("budget", "lines") in changes.lists
    assert changes.touches("budget") and not changes.touches("plan")
    assert not apply_in_place(mine, theirs)  # nothing more to bring


def test_checklist_follows_another_device_and_keeps_the_step(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_checklist, workspace_dir, example_path)
    app = b.body
    app.go(2)
    owner_b = field_of(app.screen(0), "kpa-f-venue-owner")
    a = _device(workspace_dir)
    a.workbook.checklist.ingredients.venue.owner = "Samia"
    a.workbook.checklist.ingredients.venue.criteria = ["open"]
    assert a.changed()
    changes = b.session.take_external_change()
    assert changes is not None and changes.touches("checklist")
    assert owner_b.value == "Samia"
    assert app.screen(0).boxes["open"].value is True
    assert app.current == 2  # the projector's step stays where it was
    assert "autre appareil" in b.shell.status.value
    assert b.file_bytes() == a.path.read_bytes()  # following wrote nothing
    assert b.session.take_external_change() is None


def test_refused_typing_is_kept_and_unsaved_edits_survive(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_budget, workspace_dir, example_path)
    first = b.session.workbook.budget.lines[0]
    amount_b = field_of(b.body, "kpa-amount")
    amount_b.value = "douze"  # refused: stays as typed
    assert amount_b.invalid
    a = _device(workspace_dir)
    target = next(x for x in a.workbook.budget.lines if x.id == first.id)
    target.amount = Decimal("777.00")
    a.workbook.identity.town = "Wattrelos"
    assert a.changed()
    assert b.session.take_external_change()
    assert amount_b.value == "douze"  # the person is correcting it: not overwritten
    assert b.session.workbook.identity.town == "Wattrelos"


def test_an_edit_not_yet_saved_is_merged_with_what_came(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_checklist, workspace_dir, example_path)
    b.session.workbook.identity.neighbourhood = "Le Pile"  # in memory only (as after a refused save)
    a = _device(workspace_dir)
    a.workbook.identity.town = "Wattrelos"
    assert a.changed()
    assert b.session.take_external_change()
    assert (b.session.workbook.identity.town, b.session.workbook.identity.neighbourhood) == ("Wattrelos", "Le Pile")
    assert b.session.changed()  # and the next save writes both
    assert (b.on_disk().identity.town, b.on_disk().identity.neighbourhood) == ("Wattrelos", "Le Pile")


def test_budget_figures_follow_and_new_lines_appear(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_budget, workspace_dir, example_path)
    before = flat(b.body.summary.value)
    count_before = len(b.body.view("lines").group_lines())
    a = _device(workspace_dir)
    group = [x for x in a.workbook.budget.lines if not x.is_funder and x.account[:2] == "60"]
    group[0].amount = group[0].amount + Decimal("10000.00")
    new = group[0].model_copy(update={"id": "live01", "label": "Ajout ailleurs"})
    a.workbook.budget.lines.append(new)
    assert a.changed()
    changes = b.session.take_external_change()
    assert changes is not None and ("budget", "lines") in changes.lists
    assert flat(b.body.summary.value) != before  # totals follow
    assert f"sur {count_before + 1}" in b.body.view("lines").pager_text.value  # the rows were redrawn
    assert b.body.current_key() == "lines"


def test_home_identity_follows(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_home, workspace_dir, example_path)
    a = _device(workspace_dir)
    a.workbook.identity.neighbourhood = "Le Pile"
    assert a.changed()
    assert b.session.take_external_change()
    assert field_of(b.shell, "kpa-f-identity-neighbourhood").value == "Le Pile"


def test_watcher_calls_back_on_the_loop_when_another_device_saves(workspace_dir: Path, example_path: Path) -> None:
    b = open_page(build_checklist, workspace_dir, example_path)
    seen: list[Changes] = []
    b.session.on_external_change(seen.append)

    async def scenario() -> bool:
        assert b.session.follow_file()
        await asyncio.sleep(0.3)  # the watch is set up
        a = _device(workspace_dir)
        a.workbook.checklist.ingredients.venue.owner = "Karim"
        assert a.changed()
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        b.session.stop_following()
        return bool(seen)

    try:
        assert run_coroutine(scenario())
    finally:
        b.session.stop_following()
    assert b.session.workbook.checklist.ingredients.venue.owner == "Karim"
    assert str(b.path.absolute()) not in watcher().files


def test_a_value_replaced_by_another_device_is_said_and_can_be_put_back(workspace_dir: Path, example_path: Path) -> None:
    a = open_page(build_checklist, workspace_dir, example_path)
    b = open_page(build_checklist, workspace_dir)
    a.session._followed_base = a.session.opened.base  # what follow_file() does in a kernel
    owner_a = field_of(a.body.screen(0), "kpa-f-venue-owner")
    owner_a.value = "Samia"  # A saves first
    assert b.session.take_external_change()  # B follows, then B types over it
    field_of(b.body.screen(0), "kpa-f-venue-owner").value = "Karim"
    changes = a.session.take_external_change()
    assert changes is not None and [(r.mine, r.theirs) for r in changes.replaced] == [("Samia", "Karim")]
    assert owner_a.value == "Karim"
    status = flat(a.shell.status.value)
    assert "Un autre appareil a mis « Karim » à la place de votre « Samia »" in status, status
    put_back = next(w for w in a.shell.children if hasattr(w, "children") and any(
        "kpa-put-back" in getattr(c, "_dom_classes", ()) for c in w.children))
    put_back.children[0].click()
    assert owner_a.value == "Samia" and a.on_disk().checklist.ingredients.venue.owner == "Samia"
    assert b.session.take_external_change() and field_of(b.body.screen(0), "kpa-f-venue-owner").value == "Samia"
    # both values are in the history
    towns = [load_workbook_text(version_bytes(v.path)).checklist.ingredients.venue.owner
             for v in Workspace(workspace_dir).history(EXAMPLE)]
    assert "Karim" in towns


def load(path: Path):  # type: ignore[no-untyped-def]
    return load_workbook_text(path.read_bytes())


def test_a_kernel_follows_a_bounded_number_of_files(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    follower = Watcher()
    try:
        stops = [follower.add(tmp_path / f"carnet-{n}.json", lambda: None, loop) for n in range(MAX_FOLLOWED)]
        try:
            follower.add(tmp_path / "one-more.json", lambda: None, loop)
        except FollowRefused as refused:
            assert "one-more.json" in str(refused)
        else:
            raise AssertionError("the watcher followed more files than its bound")
        stops[0]()  # one file given up: another may be followed
        follower.add(tmp_path / "one-more.json", lambda: None, loop)
    finally:
        follower.stop()
        loop.close()


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "b", "100.50"]))


def _tree(depth: int = 3) -> st.SearchStrategy[object]:
    if depth == 0:
        return _LEAF
    items = st.lists(st.fixed_dictionaries({"id": st.sampled_from(["i1", "i2", "i3"]), "label": _LEAF,
                                            "amount": _LEAF}), max_size=3, unique_by=lambda item: item["id"])
    return st.one_of(_LEAF, items, st.dictionaries(st.sampled_from(["a", "b", "lines", "updated_at"]), _tree(depth - 1),
                                                   max_size=4))


@given(_tree(), _tree())
def test_changed_leaves_walks_two_versions_as_leaves_pairs_them(old: object, new: object) -> None:
    """The side-by-side walk a save uses finds what pairing every leaf of both versions finds."""
    from kpawidgets.app.live import changed_leaves, leaves

    before = {path: value for path, _place, value in leaves(old)}
    expected = {(path, place, repr(value)) for path, place, value in leaves(new)
                if path in before and before[path] != value}
    assert {(path, place, repr(value)) for path, place, value in changed_leaves(old, new)} == expected


def test_a_damaged_file_is_said_and_the_line_goes_once_it_reads_again(workspace_dir: Path, example_path: Path) -> None:
    """The projector says the followed file no longer reads; put back as it was (the same bytes, so no
    change comes), the error line gives way — it stayed for good (issue 20.8)."""
    from kpawidgets.app.room.projector import build_projector

    page = open_page(build_projector, workspace_dir, example_path)
    good = page.path.read_bytes()
    page.path.write_bytes(good[: len(good) // 2])  # a copy cut in half
    assert page.session.take_external_change() is None
    assert "kpa-banner-error" in page.shell.shell.status.value and page.path.stem in page.shell.shell.status.value
    page.path.write_bytes(good)
    assert page.session.take_external_change() is None  # nothing new: the file as the page last read it
    assert "kpa-banner-error" not in page.shell.shell.status.value
    assert "se lit de nouveau" in page.shell.shell.status.value
    # damaged again, then fixed with a change: the change is shown, and no error stays either
    page.path.write_bytes(b"{")
    page.session.take_external_change()
    a = WorkbookSession(Workspace(workspace_dir))
    page.path.write_bytes(good)
    assert a.open(EXAMPLE)
    a.workbook.identity.territory = "Quartier réparé"
    assert a.changed()
    assert page.session.take_external_change() is not None
    assert "kpa-banner-error" not in page.shell.shell.status.value and page.session.workbook.identity.territory == "Quartier réparé"
