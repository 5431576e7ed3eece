"""The page whose saved value another device replaced hears it, even after unrelated changes came in.

Three sessions on one real workspace folder stand for three devices (three kernels); following
is the session's own entry point (``take_external_change``), as the watcher calls it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kpawidgets.app.budget import build_budget
from kpawidgets.app.session import WorkbookSession
from kpawidgets.storage.workspace import Workspace
from tests.pagekit import EXAMPLE, button, flat, open_page


def _device(workspace_dir: Path) -> WorkbookSession:
    session = WorkbookSession(Workspace(workspace_dir))
    assert session.open(EXAMPLE)
    return session


def test_replaced_after_an_unrelated_change_is_still_said_and_put_back(workspace_dir: Path,
                                                                      example_path: Path) -> None:
    a = open_page(build_budget, workspace_dir, example_path)
    b, c = _device(workspace_dir), _device(workspace_dir)
    line = a.session.workbook.budget.lines[0]
    line.amount = Decimal("2000.00")
    assert a.session.changed()  # A saves 2 000
    assert b.take_external_change() and c.take_external_change()
    c.workbook.identity.neighbourhood = "Le Pile"
    assert c.changed()
    changes = a.session.take_external_change()  # something else came in first
    assert changes is not None and not changes.replaced
    assert b.take_external_change()
    b.workbook.budget.lines[0].amount = Decimal("2450.00")
    assert b.changed()  # the later save wins

    changes = a.session.take_external_change()
    assert changes is not None and [(r.mine, r.theirs) for r in changes.replaced] == [("2000.00", "2450.00")]
    assert line.amount == Decimal("2450.00")
    status = flat(a.shell.status.value)
    assert "Un autre appareil a mis 2 450,00 € à la place de votre 2 000,00 €" in status, status
    button(a.shell, "Remettre le vôtre").click()
    assert line.amount == Decimal("2000.00") and a.on_disk().budget.lines[0].amount == Decimal("2000.00")
    assert b.take_external_change() and b.workbook.budget.lines[0].amount == Decimal("2000.00")
    # told once: a later unrelated change does not say it again
    c.take_external_change()
    c.workbook.identity.neighbourhood = "Le Fresnoy"
    assert c.changed()
    changes = a.session.take_external_change()
    assert changes is not None and not changes.replaced
