"""The launch checklist workshop page (``notebooks/01_checklist.ipynb``).

Two modes: **projector** (one step per screen, large type, Précédent / Suivant
buttons, keyboard arrows through ``static/checklist.js``, a step indicator, a
summary screen) and **page** (everything on one long page, for someone preparing
alone). Every edit is saved at once through :meth:`WorkbookSession.changed`; text
fields are saved when the person leaves them, not on every keystroke.

Steps: 1–6 the ingredients, 7 the philosophy, 8 the KPA-Cité support path,
9 the summary (readiness and next actions; rule in :mod:`kpawidgets.model.checklist`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.checklist.html import steps_html
from kpawidgets.app.checklist.screens import SCREEN_KEYS, SECTION_TITLES, Screen, build_screen
from kpawidgets.app.fields import labelled, wire
from kpawidgets.app.live import follow_widgets
from kpawidgets.app.request import query_params
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, esc, guarded, message_html, page_url
from kpawidgets.app.undo import UndoNotice
from kpawidgets.i18n import _, translate, use_language
from kpawidgets.model.checklist import Checklist, readiness
from kpawidgets.model.workbook import Workbook

__all__ = ["ChecklistApp", "build_checklist", "checklist_page", "PAGE"]

PAGE = "01_checklist.ipynb"
MODES = ("projector", "page")


class ChecklistApp(widgets.VBox):
    """The workshop: a mode switch, the screens, and the navigation bar."""

    def __init__(self, session: WorkbookSession, shell: PageShell, mode: str = "projector") -> None:
        assert session.workbook is not None
        self.session = session
        self.shell = shell
        self.lang = session.lang
        self.workbook: Workbook = session.workbook
        self.checklist: Checklist = session.workbook.checklist
        self.current = 0
        self.error = widgets.HTML()
        self.error.add_class("kpa-cl-error")
        self.notice = UndoNotice(shell.guard)
        self.notice.add_class("kpa-cl-notice")
        self.mode = widgets.ToggleButtons(
            options=[(_("Mode projecteur"), "projector"), (_("Tout sur une page"), "page")],
            value=mode if mode in MODES else "projector", tooltips=[
                _("Un ingrédient par écran, en grand"), _("Toute la check-list sur une seule page")])
        self.mode.add_class("kpa-cl-mode")
        labelled(self.mode, _("Affichage de la check-list"))
        self._built: dict[int, Screen] = {}
        self.titles = [translate(SECTION_TITLES[key]) for key in SCREEN_KEYS]
        self.steps = widgets.HTML()
        self.jump = widgets.Dropdown(options=[(f"{i + 1}. {t}", i) for i, t in enumerate(self.titles)], value=0,
                                     description=_("Aller à"), layout=widgets.Layout(width="auto"))
        self.jump.add_class("kpa-cl-jump")
        self.prev_button = widgets.Button(description=_("Précédent"), icon="arrow-left", tooltip=_("Étape précédente (flèche gauche)"))
        self.next_button = widgets.Button(description=_("Suivant"), icon="arrow-right", button_style="primary",
                                          tooltip=_("Étape suivante (flèche droite)"))
        self.prev_button.add_class("kpa-cl-prev")
        self.next_button.add_class("kpa-cl-next")
        self.prev_button.on_click(self._click(lambda: self.go(self.current - 1)))
        self.next_button.on_click(self._click(lambda: self.go(self.current + 1)))
        wire(self, self.jump, lambda new: self.go(int(new)))
        wire(self, self.mode, lambda new: self.set_mode(str(new)))
        self.stage = widgets.VBox()
        self.stage.add_class("kpa-cl-stage")
        self.navbar = widgets.Box([self.prev_button, self.steps, self.next_button])
        self.navbar.add_class("kpa-cl-nav")
        toolbar = widgets.Box([self.mode, self.jump])
        toolbar.add_class("kpa-cl-toolbar")
        super().__init__([toolbar, self.stage, self.error, self.notice, self.navbar])
        self.add_class("kpa-cl")
        self.set_mode(self.mode.value)

    # ------------------------------------------------------------- editing
    def report(self, text: str) -> None:
        """Show a problem that belongs to no single field, near the navigation and in the status line
        (a refused value is shown beside its field)."""
        self.error.value = message_html(text, "error")
        self.shell.show_error(text)

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None:
        """A notice above the navigation, with « Annuler » when *undo* is given."""
        self.notice.say(text, kind, undo)

    def changed(self) -> bool:
        """Save the workbook and redraw what is computed from it; True when saved."""
        saved = self.session.changed()
        if saved:
            self.error.value = ""
        self.refresh()
        return saved

    def follow_external(self, _changes: object) -> None:
        """Another device saved: the built steps (shown or not) show it, the current step stays."""
        for screen in self._built.values():
            follow_widgets(screen)
        self.refresh()

    def screen(self, index: int) -> Screen:
        """Step *index*, built the first time it is needed."""
        if index not in self._built:
            with use_language(self.lang):
                self._built[index] = build_screen(self, index)
        return self._built[index]

    @property
    def screens(self) -> list[Screen]:
        """Every step (builds those not shown yet)."""
        return [self.screen(index) for index in range(len(SCREEN_KEYS))]

    def refresh(self) -> None:
        for screen in self._built.values():
            screen.refresh()
        self._draw_steps()

    # ------------------------------------------------------------ navigation
    def _click(self, action: Any) -> Any:
        return guarded(self.report, self.lang)(lambda _button: action())

    def go(self, index: int) -> None:
        """Show step *index* (projector mode); out-of-range indexes are clamped."""
        self.current = max(0, min(len(SCREEN_KEYS) - 1, int(index)))
        if self.mode.value == "projector":
            self.stage.children = (self.screen(self.current),)
        self.screen(self.current).refresh()
        if self.jump.value != self.current:
            self.jump.value = self.current
        self.prev_button.disabled = self.current == 0
        self.next_button.disabled = self.current == len(SCREEN_KEYS) - 1
        self._draw_steps()

    def set_mode(self, mode: str) -> None:
        """``projector``: one step per screen; ``page``: everything on one page."""
        if mode not in MODES:
            mode = "projector"
        self.remove_class("kpa-cl-projector")
        self.remove_class("kpa-cl-page")
        self.add_class(f"kpa-cl-{mode}")
        if mode == "page":
            self.stage.children = tuple(self.screens)
            self.navbar.layout.display = "none"
            self.jump.layout.display = "none"
            self.refresh()
        else:
            self.navbar.layout.display = "flex"
            self.jump.layout.display = "flex"
            self.go(self.current)

    def _draw_steps(self) -> None:
        ready = readiness(self.workbook)
        lights = {index: ready.get(key).light for index, key in enumerate(SCREEN_KEYS)
                  if key in {s.name for s in ready.ingredients}}
        self.steps.value = steps_html(self.titles, self.current, lights)


def _placeholder(session: WorkbookSession) -> widgets.HTML:
    home = page_url("00_accueil.ipynb", None, session.lang)
    if session.error is not None:
        text = message_html(session.error.message(session.lang), "error")
    else:
        text = message_html(_("Aucun carnet ouvert. Choisissez ou créez le carnet d'un territoire sur la page d'accueil."), "info")
    link = esc(_("Aller à la page d'accueil"))
    return widgets.HTML(f'{text}<p><a class="kpa-cl-home-link" href="{esc(home)}">{link}</a></p>')


def build_checklist(session: WorkbookSession, mode: str | None = None) -> PageShell:
    """The checklist page's widget tree for *session* (testable without a browser)."""
    with use_language(session.lang):
        shell = PageShell(PAGE, session)

        def build() -> widgets.Widget:
            if session.workbook is None:
                return _placeholder(session)
            current = shell.body.children[0] if shell.body.children else None
            keep_mode = current.mode.value if isinstance(current, ChecklistApp) else (mode or "projector")
            return ChecklistApp(session, shell, keep_mode)

        shell.follow_workbook(build)
    return shell


def checklist_page() -> PageShell:
    """Build and display the checklist page for the current Voilà request (``?workbook=…&lang=…&mode=page``)."""
    params = query_params()
    session = WorkbookSession.from_request(params)
    shell = build_checklist(session, params.get("mode"))
    display(shell)
    return shell
