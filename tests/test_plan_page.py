"""The plan page driven through its widgets (no browser): edits are saved, bad input is refused, PDF export."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kpawidgets.app.plan import PlanApp, build_plan
from kpawidgets.app.session import WorkbookSession
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.storage.workspace import Workspace

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def page(workspace_dir: Path, example_path: Path) -> tuple[object, PlanApp, WorkbookSession]:
    shutil.copy(example_path, workspace_dir)
    session = WorkbookSession(Workspace(workspace_dir), "fr")
    assert session.open(example_path.stem)
    shell = build_plan(session, today=TODAY)
    app = shell.body.children[0]
    assert isinstance(app, PlanApp)
    return shell, app, session


def on_disk(session: WorkbookSession):
    assert session.path is not None
    return load_workbook_text(session.path.read_bytes())


def test_page_shows_gantt_months_and_warnings(page) -> None:
    _shell, app, _session = page
    assert "<svg" in app.timeline_html.value and "Mois par mois" in app.timeline_html.value
    assert "Lancement du KPA" in app.timeline_html.value
    assert any(key == "launch" for _label, key in app.step.options)
    assert "kpa-banner" in app.warnings.value


def test_moving_a_step_is_saved_and_warns(page) -> None:
    shell, app, session = page
    app.step.value = "micro"
    app.start.value = dt.date(2027, 4, 1)
    app.end.value = dt.date(2027, 4, 3)
    app.owner.value = "Animatrice KPA-Cité"
    app.save_step.click()
    saved = on_disk(session).plan.override("micro")
    assert saved is not None and saved.start == dt.date(2027, 4, 1) and saved.owner == "Animatrice KPA-Cité"
    assert "Micro-accompagnement" in app.warnings.value and "prépare" in app.warnings.value
    app.restore.click()
    assert on_disk(session).plan.override("micro") is None


def test_done_remove_and_bring_back(page) -> None:
    _shell, app, session = page
    app.step.value = "venue"
    app.done.value = True
    app.save_step.click()
    assert on_disk(session).plan.override("venue").done is True  # type: ignore[union-attr]
    app.remove.click()
    assert all(key != "venue" for _label, key in app.step.options)
    assert app.removed_box.layout.display == "flex"
    app.removed.value = "venue"
    app.bring_back.click()
    assert any(key == "venue" for _label, key in app.step.options)


def test_adding_a_step_and_refusing_bad_input(page) -> None:
    shell, app, session = page
    app.new_title.value = ""
    app.new_start.value = dt.date(2027, 6, 21)
    app.add.click()
    assert "intitulé" in shell.status.value and "Traceback" not in shell.status.value
    app.new_title.value = "Fête de quartier <b>& co</b>"
    app.new_start.value = dt.date(2027, 6, 21)
    app.new_end.value = dt.date(2027, 6, 1)
    app.add.click()
    assert "avant son début" in shell.status.value
    app.new_end.value = None
    app.add.click()
    steps = on_disk(session).plan.custom_steps
    assert [s.title for s in steps][-1] == "Fête de quartier <b>& co</b>"
    assert "Fête de quartier &lt;b&gt;&amp; co&lt;/b&gt;" in app.timeline_html.value
    assert "<b>& co" not in app.timeline_html.value


def test_asks_are_saved(page) -> None:
    _shell, app, session = page
    app.asks.value = "Voter la subvention\n\n  Prêter la salle le samedi  \n"
    app.save_asks.click()
    assert on_disk(session).plan.asks == ["Voter la subvention", "Prêter la salle le samedi"]


def test_export_button_gives_a_link_and_saves_beside_the_workbook(page) -> None:
    _shell, app, session = page
    app.export.click()
    assert 'download="exemple-quartier-des-tisserands-plan.pdf"' in app.export_status.value
    assert "data:application/pdf;base64," in app.export_status.value
    assert session.path is not None
    saved = session.path.with_name("exemple-quartier-des-tisserands-plan.pdf")
    assert saved.read_bytes().startswith(b"%PDF")
    assert app.progress.value == 4 and not app.export.disabled
    # the workspace still lists only workbooks
    assert [entry.name for entry in session.workspace.list()] == ["exemple-quartier-des-tisserands"]


def test_page_without_workbook_and_in_english(workspace_dir: Path) -> None:
    session = WorkbookSession(Workspace(workspace_dir), "en")
    shell = build_plan(session, today=TODAY)
    assert "home page" in shell.body.children[0].value
    session.open("nope")
    shell = build_plan(session, today=TODAY)
    assert "kpa-banner-error" in shell.body.children[0].value
