"""What every screen of the checklist shares: the page it belongs to, the step frame and the
list editor (one row per item, kept by id)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import ipywidgets as widgets
from pydantic import BaseModel

from kpawidgets.app.fields import Editor
from kpawidgets.app.live import follow_widgets
from kpawidgets.app.shell import esc, guarded
from kpawidgets.app.undo import remove_undoably
from kpawidgets.i18n import N_, _, translate
from kpawidgets.model.checklist import (
    INGREDIENT_TITLES,
    Checklist,
)
from kpawidgets.model.workbook import Workbook

#: Titles of every section of the workshop (message ids).
SECTION_TITLES: dict[str, str] = {**INGREDIENT_TITLES, "philosophy": N_("La philosophie"),
                                  "support": N_("L'accompagnement KPA-Cité"), "summary": N_("Où en est-on ?")}

#: The deck's words for each ingredient.
INTROS: dict[str, str] = {
    "venue": N_("Un lieu ouvert, partagé, convivial, multifonctionnel."),
    "equipment": N_("Un équipement de base : de quoi démarrer les premières activités."),
    "group": N_("Un groupe mixte (social, genre, âge) de personnes intéressées par le développement d'une activité économique."),
    "team": N_("Une équipe d'accompagnement sur la base d'1,5 ETP, souvent partagée entre plusieurs personnes."),
    "host": N_("Une structure de portage juridique et financière, en pratique une CAE : les coopérant·es y signent un "
               "CAPE et font leurs devis et factures sur sa plateforme."),
    "partners": N_("Des partenaires : clients, financeurs, relais."),
    "philosophy": N_("S'approprier la philosophie : chaque engagement est discuté, puis adopté avec les mots du groupe."),
    "support": N_("En présentiel : 3 jours de micro-accompagnement avant le lancement, puis deux sessions de formation "
                  "de 3 jours, puis un accompagnement sur mesure (gouvernance, répartition financière, méthodes d'animation)."),
    "summary": N_("Le score de chaque ingrédient, le score global et ce qu'il reste à faire."),
}


class App(Editor, Protocol):
    """What a screen needs from the page (see :class:`kpawidgets.app.checklist.ChecklistApp`)."""

    workbook: Workbook
    checklist: Checklist

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None: ...


def title_html(number: int, key: str) -> str:
    return (f'<h2 class="kpa-cl-title"><span class="kpa-cl-number">{number}</span>{esc(translate(SECTION_TITLES[key]))}</h2>'
            f'<p class="kpa-cl-intro">{esc(translate(INTROS[key]))}</p>')


def heading(text: str) -> widgets.HTML:
    return widgets.HTML(f'<h3 class="kpa-cl-h3">{esc(text)}</h3>')


class Screen(widgets.VBox):
    """One step of the workshop."""

    key: str = ""

    def __init__(self, app: App, number: int, children: list[widgets.Widget]) -> None:
        self.app = app
        self.number = number
        super().__init__(children)
        self.add_class("kpa-cl-screen")
        self.add_class(f"kpa-cl-screen-{self.key}")

    def refresh(self) -> None:
        """Redraw what is computed from the model (scores, indicators)."""


# ----------------------------------------------------------------- list editors
def _close(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


M = TypeVar("M", bound=BaseModel)


class ListEditor(widgets.VBox, Generic[M]):
    """Rows bound to the items of a model list, with « add » and « remove » buttons.

    Each row is kept in a dict by its item's stable ``id``: adding or removing an item adds or
    removes one row and leaves the others' widgets as they are (with ten people a full redraw
    took 1.9 s). A removal can be undone from the page's notice.
    """

    def __init__(self, app: App, items: list[M], factory: Callable[[], M],
                 row: Callable[[M], list[widgets.Widget]], add_label: str, css: str,
                 name: Callable[[M], str] = lambda _item: "", header: widgets.Widget | None = None,
                 note: Callable[[M], str] = lambda _item: "") -> None:
        self.app, self.items, self.factory, self.row, self.css, self.name = app, items, factory, row, css, name
        self.note = note  #: what else the removal of an item means (said in the notice, before « Annuler »)
        self.rows = widgets.VBox()
        self.rows.add_class("kpa-cl-rows")
        #: item id → (the item drawn, its row, its number)
        self._rows: dict[str, tuple[M, widgets.Box, widgets.HTML]] = {}
        self.add_button = widgets.Button(description=add_label, icon="plus", button_style="primary")
        self.add_button.add_class(f"{css}-add")
        self.add_button.on_click(self._safe(lambda _b: self.add()))
        super().__init__([*([header] if header is not None else []), self.rows, self.add_button])
        self.add_class(f"{css}-list")
        self.redraw()

    def follow_model(self) -> None:
        """After another device's save: add or drop the rows of items that came or went, then let
        every row follow its item."""
        self.redraw()
        follow_widgets(self.rows)

    def _safe(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        return guarded(self.app.report, self.app.lang)(callback)

    def _build_row(self, item: M) -> tuple[M, widgets.Box, widgets.HTML]:
        remove = widgets.Button(description=_("Retirer"), icon="trash", tooltip=_("Retirer cette ligne"),
                                layout=widgets.Layout(width="auto"))
        remove.add_class("kpa-cl-remove")
        item_id = str(getattr(item, "id"))
        remove.on_click(self._safe(lambda _button: self.remove(item_id)))
        number = widgets.HTML()
        box = widgets.Box([number, *self.row(item), remove])
        box.add_class("kpa-cl-row")
        box.add_class(self.css)
        return item, box, number

    def redraw(self) -> None:
        """Show one row per item, in order: rows of items already drawn are kept, new items get a row."""
        kept: dict[str, tuple[M, widgets.Box, widgets.HTML]] = {}
        for item in self.items:
            item_id = str(getattr(item, "id"))
            drawn = self._rows.get(item_id)
            kept[item_id] = drawn if drawn is not None and drawn[0] is item else self._build_row(item)
        for index, (_item, _box, number) in enumerate(kept.values()):
            text = f'<span class="kpa-cl-rownum">{index + 1}</span>'
            if number.value != text:
                number.value = text
        gone = [entry[1] for item_id, entry in self._rows.items() if kept.get(item_id) is not entry]
        self._rows = kept
        children = tuple(box for _item, box, _number in kept.values())
        if children != self.rows.children:
            self.rows.children = children
        for box in gone:  # the kernel forgets the widgets of rows no longer shown
            _close(box)

    def row_of(self, item_id: str) -> widgets.Box | None:
        """The row showing the item *item_id*, if any."""
        entry = self._rows.get(item_id)
        return entry[1] if entry is not None else None

    def add(self) -> None:
        self.items.append(self.factory())
        self.redraw()
        self.app.changed()

    def remove(self, item_id: str) -> None:
        """Remove the item *item_id*; the page's notice offers « Annuler »."""
        index = next((i for i, item in enumerate(self.items) if str(getattr(item, "id")) == item_id), None)
        number = (index or 0) + 1
        removed, undo = remove_undoably(self.items, index, self.redraw)
        if removed is None:
            return
        name = self.name(removed).strip()

        def undo_and_say() -> None:
            undo()
            self.app.changed()
            self.app.say(_("Ligne rétablie."))

        text = (_("« {name} » retiré·e de la liste.").format(name=name) if name
                else _("Ligne {number} retirée.").format(number=number))
        note = self.note(removed)
        if note:
            text = f"{text} {note}"
        self.app.changed()
        self.app.say(text, "info", undo_and_say)


