"""Issue 23: every control of the facilitator's pages has an accessible name (what a screen reader says,
what axe-core's ``label`` and ``select-name`` rules ask): a visible label (``description``) or, for a
control under a column's heading or beside its own heading, the name :func:`~kpawidgets.app.fields.labelled`
gives it. A placeholder alone is no name (it goes once something is typed). Pages built without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from kpawidgets.app.budget.page import TABS, build_budget
from kpawidgets.app.checklist.page import build_checklist
from kpawidgets.app.fields import TEXT, choice_field, labelled, text_field
from kpawidgets.app.home.page import build_home
from kpawidgets.app.plan.page import build_plan
from kpawidgets.app.room.projector import build_projector
from tests.pagekit import open_page, walk

CONTROLS = (widgets.Text, widgets.Textarea, widgets.Dropdown, widgets.DatePicker, widgets.Checkbox, widgets.ToggleButton,
            widgets.Button, widgets.Select, widgets.SelectMultiple, widgets.RadioButtons, widgets.ToggleButtons,
            widgets.IntText, widgets.FloatText, widgets.BoundedIntText, widgets.BoundedFloatText, widgets.Combobox,
            widgets.FileUpload)


def _build_budget_every_tab(session: Any) -> Any:
    shell = build_budget(session)
    page = shell.body.children[0]
    for key in TABS:  # the tabs are built when first shown
        page.select(key)
    return shell


PAGES: dict[str, Callable[[Any], Any]] = {
    "home": build_home,
    "checklist-projector": build_checklist,
    "checklist-page": lambda session: build_checklist(session, "page"),
    "budget": _build_budget_every_tab,
    "plan": build_plan,
    "projector": build_projector,
}


def unnamed(root: widgets.Widget) -> list[tuple[str, tuple[str, ...], str]]:
    """The controls under *root* without a name; the page's heartbeat (never shown, no person uses it) aside."""
    return [(type(w).__name__, tuple(w._dom_classes), str(getattr(w, "placeholder", "")))
            for w in walk(root) if isinstance(w, CONTROLS) and "kpa-heartbeat" not in w._dom_classes
            and not (getattr(w, "description", "") or getattr(w, "tooltip", None) or getattr(w, "icon", ""))]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_control_of_the_page_has_a_name(workspace_dir: Path, example_path: Path, page: str, lang: str) -> None:
    opened = open_page(PAGES[page], workspace_dir, example_path, lang)
    assert unnamed(opened.shell) == []


def test_labelled_names_a_control_without_a_label_and_leaves_a_label_alone() -> None:
    bare = widgets.Dropdown(options=[("Âge ?", "")])
    assert labelled(bare, "Âge") is bare and bare.description == "Âge" and "kpa-unseen-label" in bare._dom_classes
    shown = widgets.Text(description="Résumé")
    assert labelled(shown, "autre").description == "Résumé" and "kpa-unseen-label" not in shown._dom_classes
    assert labelled(widgets.Text(), "").description == ""
    icon = widgets.Button(icon="trash")
    assert labelled(icon, "Supprimer").tooltip == "Supprimer" and icon.description == ""  # a button: its title


class _Editor:
    lang = "fr"

    def report(self, text: str) -> None:
        self.reported = text

    def changed(self) -> bool:
        return True


def test_the_kits_fields_without_a_label_take_their_name_or_placeholder() -> None:
    from kpawidgets.model.budget import BudgetLine

    line = BudgetLine(account="606", label="Petit matériel")
    by_name = text_field(_Editor(), line, "label", "", TEXT, name="Libellé de la ligne", placeholder="Libellé")
    assert by_name.input.description == "Libellé de la ligne" and "kpa-unseen-label" in by_name.input._dom_classes
    by_placeholder = text_field(_Editor(), line, "label", "", TEXT, placeholder="Libellé")
    assert by_placeholder.input.description == "Libellé"
    choice = choice_field(_Editor(), line, "account", "", [("606", "606"), ("604", "604")], name="Compte")
    assert choice.input.description == "Compte" and choice.label == "Compte"  # its messages name it too
    visible = text_field(_Editor(), line, "label", "Libellé", TEXT)
    assert visible.input.description == "Libellé" and "kpa-unseen-label" not in visible.input._dom_classes
