"""Saves that merge: two writers, the same field, hand-broken files, kpa import races, killed writers."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from kpawidgets.app.live import Changes
from kpawidgets.app.session import SaveStatus, WorkbookSession
from kpawidgets.model.merge import Conflict, Item, KeptEdit
from kpawidgets.model.records.budget import BudgetLine
from kpawidgets.storage.history import version_bytes
from kpawidgets.storage import workspace as workspace_module
from kpawidgets.storage.workspace import ConflictError, OpenWorkbook, SaveError, Workspace, copy_into
from tests.stress.faults import EXAMPLE


@pytest.fixture
def workspace(workspace_dir: Path) -> Workspace:
    return Workspace(workspace_dir)


@pytest.fixture
def name(workspace: Workspace) -> str:
    return copy_into(workspace, EXAMPLE).name


def two_tabs(workspace: Workspace, name: str) -> tuple[OpenWorkbook, OpenWorkbook]:
    return workspace.open(name), workspace.open(name)


def test_two_writers_on_different_fields_both_land(workspace: Workspace, name: str) -> None:
    tab_a, tab_b = two_tabs(workspace, name)
    tab_a.workbook.identity.town = "Roubaix"
    tab_a.workbook.budget.lines[0].amount = Decimal("2000.00")
    workspace.save(tab_a)
    tab_b.workbook.identity.neighbourhood = "Le Pile"
    tab_b.workbook.budget.lines[1].label = "Loyer de la salle"
    saved = workspace.save(tab_b)
    assert saved.merged and saved.events == ()
    for workbook in (saved.workbook, workspace.open(name).workbook):
        assert workbook.identity.town == "Roubaix" and workbook.identity.neighbourhood == "Le Pile"
        assert workbook.budget.lines[0].amount == Decimal("2000.00")
        assert workbook.budget.lines[1].label == "Loyer de la salle"
    # tab A saves again from its own base: it takes B's changes, loses nothing of its own
    tab_a.workbook.identity.qpv = not tab_a.workbook.identity.qpv
    again = workspace.save(tab_a)
    assert again.workbook.identity.neighbourhood == "Le Pile" and again.workbook.identity.town == "Roubaix"


def test_same_field_the_later_save_wins_and_the_conflict_is_returned(workspace: Workspace, name: str) -> None:
    tab_a, tab_b = two_tabs(workspace, name)
    line = tab_a.workbook.budget.lines[0]
    tab_a.workbook.budget.lines[0].amount = Decimal("2000.00")
    workspace.save(tab_a)
    tab_b.workbook.budget.lines[0].amount = Decimal("2100.00")
    saved = workspace.save(tab_b)
    (conflict,) = saved.events
    assert isinstance(conflict, Conflict)
    assert conflict.path == ("budget", "lines", Item(line.id, line.label), "amount")
    assert (conflict.replaced, conflict.resolved_to) == ("2000.00", "2100.00")
    assert workspace.open(name).workbook.budget.lines[0].amount == Decimal("2100.00")
    # both values stay in the history: A's 2000 is the previous version
    previous = workspace.history(name)[-1]
    assert '"amount": "2000.00"' in version_bytes(previous.path).decode("utf-8")


def test_lines_added_on_two_devices_are_all_kept(workspace: Workspace, name: str) -> None:
    tab_a, tab_b = two_tabs(workspace, name)
    count = len(tab_a.workbook.budget.lines)
    tab_a.workbook.budget.lines.append(BudgetLine(account="606", label="Ajout A", amount=Decimal("10")))
    workspace.save(tab_a)
    del tab_b.workbook.budget.lines[2]  # B removes a line A left alone
    tab_b.workbook.budget.lines.insert(0, BudgetLine(account="623", label="Ajout B", amount=Decimal("20")))
    saved = workspace.save(tab_b)
    labels = [line.label for line in workspace.open(name).workbook.budget.lines]
    assert len(labels) == count + 1
    assert labels[0] == "Ajout B" and labels[-1] == "Ajout A"
    assert saved.events == ()


def test_removed_here_edited_there_is_kept_and_said(workspace: Workspace, name: str) -> None:
    tab_a, tab_b = two_tabs(workspace, name)
    tab_a.workbook.budget.lines[3].label = "Renommée sur A"
    workspace.save(tab_a)
    removed_id = tab_b.workbook.budget.lines[3].id
    del tab_b.workbook.budget.lines[3]
    saved = workspace.save(tab_b)
    (kept,) = saved.events
    assert isinstance(kept, KeptEdit) and kept.removed_by == "mine" and kept.key == ("budget", "lines", removed_id)
    assert workspace.open(name).workbook.budget.lines[3].label == "Renommée sur A"


def test_a_file_broken_by_hand_is_named_and_left_untouched(workspace: Workspace, name: str) -> None:
    tab = workspace.open(name)
    broken = tab.path.read_bytes()[:-40] + b"oops"
    tab.path.write_bytes(broken)
    tab.workbook.identity.town = "Saisi sur la page"
    with pytest.raises(ConflictError) as info:
        workspace.save(tab)
    assert f"« {name} » a été modifié en dehors de Carnet KPA" in info.value.message("fr")
    assert f"“{name}” was changed outside Carnet KPA" in info.value.message("en")
    assert tab.path.read_bytes() == broken
    assert tab.workbook.identity.town == "Saisi sur la page"  # the edit stays with the page


def test_a_merge_the_loader_refuses_is_never_written(workspace: Workspace, name: str) -> None:
    """A step's end moved on one device, its start on the other: each valid, together end < start."""
    tab = workspace.open(name)
    tab.workbook.plan.custom_steps[0].end = dt.date(2027, 2, 21)  # starts on 20 February
    workspace.save(tab)
    tab_d, tab_e = two_tabs(workspace, name)
    tab_d.workbook.plan.custom_steps[0].end = dt.date(2027, 2, 20)
    workspace.save(tab_d)
    before = tab_d.path.read_bytes()
    tab_e.workbook.plan.custom_steps[0].start = dt.date(2027, 2, 21)  # valid with end 21, not with end 20
    with pytest.raises(ConflictError) as info:
        workspace.save(tab_e)
    assert f"Vos changements et ceux enregistrés entre-temps dans « {name} » ne peuvent pas être réunis" \
        in info.value.message("fr")
    assert "cannot be put together" in info.value.message("en")
    assert tab_e.path.read_bytes() == before
    assert tab_e.workbook.plan.custom_steps[0].start == dt.date(2027, 2, 21)


def test_a_stuck_lock_is_waited_for_a_bounded_time(workspace: Workspace, name: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace_module, "LOCK_WAIT", 0.2)
    tab = workspace.open(name)
    before = tab.path.read_bytes()
    tab.workbook.identity.town = "Bloqué"
    lock = os.open(workspace.root / ".verrous" / f"{name}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(SaveError) as info:
            workspace.save(tab)
    finally:
        os.close(lock)
    assert "occupé par un autre enregistrement" in info.value.message("fr")
    assert "Le fichier n'a pas été modifié" in info.value.command_line_message("fr")
    assert tab.path.read_bytes() == before
    assert workspace.save(tab).workbook.identity.town == "Bloqué"


# ------------------------------------------------------------------------------ sessions (pages)
def test_a_page_that_merged_shows_the_merged_workbook_and_says_what_it_replaced(workspace_dir: Path,
                                                                                name: str) -> None:
    page_a, page_b = WorkbookSession(Workspace(workspace_dir)), WorkbookSession(Workspace(workspace_dir), "fr")
    page_a.open(name), page_b.open(name)
    statuses: list[SaveStatus] = []
    shown: list[Changes] = []
    page_b.on_status(statuses.append)
    page_b.on_external_change(shown.append)  # merged into the page's own objects (app/live.py)
    assert page_a.workbook is not None and page_b.workbook is not None
    label = page_a.workbook.budget.lines[0].label
    page_a.workbook.budget.lines[0].amount = Decimal("2000.00")  # the example says 2 400
    page_a.workbook.identity.town = "Roubaix"
    assert page_a.changed()
    page_b.workbook.budget.lines[0].amount = Decimal("2100.00")
    held = page_b.workbook
    assert page_b.changed()
    assert page_b.workbook is held and page_b.workbook.identity.town == "Roubaix"
    assert len(shown) == 1 and ("identity", "town") in shown[0].fields
    status = statuses[-1]
    assert status.kind == "saved" and len(status.events) == 1
    assert status.message == (
        f"Enregistré, avec les changements d'un autre appareil. « {label} » (montant) : un autre appareil avait mis "
        "2\u202f000,00\u00a0€, votre 2\u202f100,00\u00a0€ l'a remplacé (l'autre valeur reste dans l'historique).")
    # the next edit of page B goes on the merged workbook and keeps A's town
    page_b.workbook.identity.neighbourhood = "Le Pile"
    assert page_b.changed()
    on_disk = Workspace(workspace_dir).open(name).workbook
    assert (on_disk.identity.town, on_disk.identity.neighbourhood) == ("Roubaix", "Le Pile")


def test_two_pages_change_a_lines_funder_and_the_notices_name_the_partners(workspace_dir: Path, name: str) -> None:
    """A funder line keeps its partner's id; every notice and the history read the partner's name."""
    from kpawidgets.model.checklist.partners import partner_names
    from kpawidgets.model.merge import value_text
    from kpawidgets.storage.history import differences

    page_a, page_b = WorkbookSession(Workspace(workspace_dir)), WorkbookSession(Workspace(workspace_dir), "fr")
    page_a.open(name), page_b.open(name)
    statuses: list[SaveStatus] = []
    page_b.on_status(statuses.append)
    assert page_a.workbook is not None and page_b.workbook is not None
    funded = next(i for i, line in enumerate(page_a.workbook.budget.lines) if line.partner)
    others = [p for p in page_a.workbook.checklist.partners if p.id != page_a.workbook.budget.lines[funded].partner]
    before = page_a.workbook.model_copy(deep=True)
    page_a.workbook.budget.lines[funded].partner = others[0].id
    assert page_a.changed()
    page_b.workbook.budget.lines[funded].partner = others[1].id
    assert page_b.changed()
    message = statuses[-1].message
    assert f"un autre appareil avait mis « {others[0].name} », votre « {others[1].name} »" in message
    assert others[0].id not in message and others[1].id not in message
    words = " ".join(str(d) for d in differences(before, page_b.workbook))
    assert f"« {others[1].name} »" in words and others[1].id not in words
    names = partner_names(page_b.workbook)
    assert value_text("gone0000", "partner", names) == "« financeur inconnu »"
    assert value_text(others[0].id, "label", names) == f"« {others[0].id} »"  # only partner fields are ids


def test_the_notice_in_english(workspace_dir: Path, name: str) -> None:
    page_a, page_b = WorkbookSession(Workspace(workspace_dir), "en"), WorkbookSession(Workspace(workspace_dir), "en")
    page_a.open(name), page_b.open(name)
    statuses: list[SaveStatus] = []
    page_b.on_status(statuses.append)
    assert page_a.workbook is not None and page_b.workbook is not None
    page_a.workbook.identity.town = "Roubaix"
    page_a.changed()
    page_b.workbook.identity.town = "Lille"
    page_b.changed()
    assert statuses[-1].message == ("Saved, together with another device's changes. Town: another device had put "
                                    "« Roubaix », your « Lille » replaced it (the other value stays in the history).")


# ------------------------------------------------------------------------------ kpa import
LINES = "compte;libelle;montant\n{rows}"


def write_csv(path: Path, labels: list[str]) -> Path:
    path.write_text(LINES.format(rows="".join(f"606;{label};10\n" for label in labels)), encoding="utf-8")
    return path


def kpa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kpawidgets.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_slow_import_keeps_what_a_quick_import_and_a_page_saved_meanwhile(
        workspace_dir: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13's race: ``kpa import ex slow.csv & sleep 1.5; kpa import ex ok.csv`` lost ok.csv's lines.

    The slow import is made slow where it was: between reading the workbook and saving it, a
    quick ``kpa import`` (a real process) and a page both save.
    """
    from kpawidgets.cli import main
    from kpawidgets.storage import spreadsheets

    slow = write_csv(tmp_path / "slow.csv", [f"Lent {i}" for i in range(30)])
    quick = write_csv(tmp_path / "ok.csv", ["Rapide 1", "Rapide 2"])
    real_apply = spreadsheets.apply_import
    others: list[subprocess.CompletedProcess[str]] = []
    applied: list[int] = []

    def slow_apply(workbook, result, **kwargs):  # type: ignore[no-untyped-def]
        added = real_apply(workbook, result, **kwargs)
        applied.append(1)
        if not others:
            others.append(kpa("import", name, str(quick), "--add", "--workspace", str(workspace_dir)))
            page = WorkbookSession(Workspace(workspace_dir))
            page.open(name)
            assert page.workbook is not None
            page.workbook.identity.town = "Saisi sur la page pendant l'import"
            assert page.changed()
        return added

    monkeypatch.setattr(spreadsheets, "apply_import", slow_apply)
    before = len(Workspace(workspace_dir).open(name).workbook.budget.lines)
    assert main(["import", name, str(slow), "--add", "--workspace", str(workspace_dir)]) == 0, capsys.readouterr().err
    assert others[0].returncode == 0, others[0].stderr
    workbook = Workspace(workspace_dir).open(name).workbook
    labels = [line.label for line in workbook.budget.lines]
    assert len(labels) == before + 32
    assert {"Rapide 1", "Rapide 2"} <= set(labels) and {f"Lent {i}" for i in range(30)} <= set(labels)
    assert workbook.identity.town == "Saisi sur la page pendant l'import"
    assert len(applied) == 1  # merged with the file as it was when saving, not refused and applied again


# ------------------------------------------------------------------------------ killed writers
def _victim(root: Path, name: str, write_fd: int) -> None:
    """A writer that adds a line per save and says which, until it is killed."""
    workspace = Workspace(root)
    opened = workspace.open(name)
    os.write(write_fd, b"ready\n")
    counter = 0
    while True:
        counter += 1
        opened.workbook.budget.lines.append(BudgetLine(account="606", label=f"v-{counter}", amount=Decimal(counter)))
        opened.workbook.identity.neighbourhood = f"v-{counter}"
        workspace.save(opened)
        os.write(write_fd, f"{counter}\n".encode())


def test_killing_a_writer_mid_save_loses_nothing_acknowledged(workspace_dir: Path, name: str) -> None:
    """A writer is SIGKILLed at random moments while this process saves from a stale base each time."""
    rng = random.Random(2026)
    workspace = Workspace(workspace_dir)
    mine = workspace.open(name)
    acknowledged_mine: list[str] = []
    for trial in range(12):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.close(read_fd)
                _victim(workspace_dir, name, write_fd)
            finally:
                os._exit(3)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb", buffering=0) as reader:
            assert reader.readline() == b"ready\n"
            deadline = time.monotonic() + rng.uniform(0.01, 0.15)  # a random moment, not an assertion
            while time.monotonic() < deadline:
                label = f"m-{trial}-{len(acknowledged_mine)}"
                mine.workbook.budget.lines.append(BudgetLine(account="623", label=label, amount=Decimal(1)))
                mine.workbook.identity.town = label
                workspace.save(mine)
                acknowledged_mine.append(label)
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            assert os.WIFSIGNALED(status), "the writer stopped by itself (an error) before it was killed"
            acknowledged = [f"v-{n}" for n in reader.read().decode().split()]
        on_disk = workspace.open(name).workbook  # loads: never a torn or invalid file
        labels = [line.label for line in on_disk.budget.lines]
        assert set(acknowledged) <= set(labels), f"trial {trial}: a save the writer acknowledged is gone"
        assert set(acknowledged_mine) <= set(labels)
        assert len(labels) == len(set(line.id for line in on_disk.budget.lines))
        assert on_disk.identity.town == acknowledged_mine[-1]
        # start the next trial with fewer lines (the list is bounded): a knowing removal
        mine = workspace.open(name)
        mine.workbook.budget.lines = [line for line in mine.workbook.budget.lines if not line.label.startswith("v-")]
        workspace.save(mine)
    assert acknowledged_mine
