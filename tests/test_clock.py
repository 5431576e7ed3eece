"""Issue 20, item 8: the computer's clock.

A clock outside 2000–2100 made every save of the room « Une erreur inattendue » (the workbook's
``updated_at`` refused by the model, a traceback in the log): the save is refused with the reason,
in the person's language, in the server's log too. A clock set back two hours, then right again,
thinned away 5 of the 6 versions written meanwhile (stamped two hours in the past, they looked old):
a version is never stamped before the last one kept.

The clock is set through the ``dt`` module the storage and the room ask the time from (the same
on main and here), so these tests show the defect on main.
"""

from __future__ import annotations

import datetime as dt
import logging
import types
from collections.abc import Callable
from pathlib import Path

import pytest

import kpawidgets.model.room.contributions as contributions
import kpawidgets.storage.history as history
import kpawidgets.storage.room as storage_room
import kpawidgets.storage.workspace as workspace_module
from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.history import iter_files, thin
from kpawidgets.storage.workspace import Workspace, copy_into
from kpawidgets.web.phone import Phone, act

T = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set the computer's clock (for the storage and the room) to a moment."""
    held = {"now": T}

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # type: ignore[override]
            return held["now"]  # type: ignore[return-value]

    fake = types.SimpleNamespace(datetime=Clock, timezone=dt.timezone, timedelta=dt.timedelta, date=dt.date)
    for module in (history, workspace_module, contributions):
        monkeypatch.setattr(module, "dt", fake)

    def set_to(moment: dt.datetime) -> None:
        held["now"] = moment
    return set_to


def _phone(lang: str = "fr") -> Phone:
    return Phone(owner_of("k" * 44), lang, "")


def _alert(sections: dict[str, str]) -> str:
    return " ".join(sections.values())


@pytest.mark.parametrize("year", [2150, 1999])
def test_a_clock_outside_2000_2100_is_named_not_an_unexpected_error(
        workspace_dir: Path, example_path: Path, clock: Callable[[dt.datetime], None], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch, year: int) -> None:
    workspace = Workspace(workspace_dir)
    name = copy_into(workspace, example_path).name
    before = workspace.open(name).base
    clock(T.replace(year=year))
    monkeypatch.setattr(storage_room, "_logged", {"at": -1e9, "count": 0})  # the log's one line a minute starts now
    with caplog.at_level(logging.INFO):
        reply = act(workspace, name, _phone(), {"action": ["idea"], "text": ["Jardin partagé"], "kind": ["autre"],
                                                "send": ["a1"]})
        english = act(workspace, name, _phone("en"), {"action": ["idea"], "text": ["Shared garden"], "kind": ["autre"],
                                                      "send": ["a2"]})
    assert not reply.ok and not english.ok
    assert "inattendue" not in _alert(reply.sections) and "horloge" in _alert(reply.sections)
    assert str(year) in _alert(reply.sections)
    assert "clock" in _alert(english.sections) and "unexpected" not in _alert(english.sections)
    assert "Traceback" not in caplog.text and "clock" in caplog.text  # the server's log names it, in one line
    assert workspace.open(name).base == before  # nothing written…
    assert list(iter_files(workspace_dir / ".historique" / name)) == []  # …and no version kept
    clock(T)  # the clock set right: the room saves again
    assert act(workspace, name, _phone(), {"action": ["idea"], "text": ["Jardin partagé"], "kind": ["autre"],
                                           "send": ["a1"]}).ok


def test_a_clock_set_back_then_right_again_thins_none_of_the_versions_written_meanwhile(
        workspace_dir: Path, example_path: Path, clock: Callable[[dt.datetime], None]) -> None:
    workspace = Workspace(workspace_dir)
    opened = copy_into(workspace, example_path)
    folder = workspace_dir / ".historique" / opened.name

    def save(text: str) -> None:
        opened.workbook.identity.neighbourhood = text
        workspace.save(opened)
    for index in range(3):
        save(f"avant {index}")
    clock(T - dt.timedelta(hours=2))  # the clock goes back two hours
    for index in range(6):
        save(f"pendant {index}")
    clock(T + dt.timedelta(minutes=10))  # …and is set right
    save("après")
    thin(folder)
    kept = [history.version_bytes(path).decode("utf-8") for path in iter_files(folder)]
    meanwhile = [index for index in range(6) if any(f'"pendant {index}"' in text for text in kept)]
    assert meanwhile == list(range(6)), f"versions written while the clock was back: {meanwhile} of 0–5 kept"


def test_versions_follow_a_clock_set_back_by_more_than_a_day(tmp_path: Path) -> None:
    """A clock a month ahead that is set right: the versions from then on are stamped by the clock
    again, not a month in the future for the rest of the server's life."""
    folder = tmp_path / "historique"
    folder.mkdir()
    ahead = T + dt.timedelta(days=30)
    assert history.steady_time(folder, ahead) == ahead
    assert history.steady_time(folder, T) == T
    back = T - dt.timedelta(hours=2)  # within a day: after the last one
    assert history.steady_time(folder, back) > T


def test_a_snapshot_at_a_clock_outside_2000_2100_is_refused_with_its_reason(
        workspace_dir: Path, example_path: Path, clock: Callable[[dt.datetime], None]) -> None:
    """A snapshot is stamped by the same clock: at 2150 it was kept as « taken in 2150 »."""
    workspace = Workspace(workspace_dir)
    opened = copy_into(workspace, example_path)
    clock(T.replace(year=2150))
    with pytest.raises(history.ClockError) as refused:
        history.take_snapshot(workspace_dir, opened.name, opened.base, "avant l'atelier")
    assert "2150" in refused.value.message("en") and "clock" in refused.value.message("en")
    assert history.snapshots(workspace_dir, opened.name) == []
    clock(T)
    assert history.take_snapshot(workspace_dir, opened.name, opened.base, "avant l'atelier").taken_at == T


def test_a_new_workbook_at_a_clock_outside_2000_2100_is_refused_with_its_reason(
        workspace_dir: Path, clock: Callable[[dt.datetime], None]) -> None:
    workspace = Workspace(workspace_dir)
    clock(T.replace(year=2150))
    with pytest.raises(history.ClockError):
        workspace.create("KPA des Moulins")
    clock(T)
    assert workspace.create("KPA des Moulins").workbook.title == "KPA des Moulins"
