"""« Le groupe en direct » (``notebooks/05_groupe.ipynb``): the projector screen of a workshop.

Two views of one page, as slide tools have. The **projected view** (``?vue=salle``, the window
put on the projector) shows only what the room should see: the QR code, short address and
code to join (always in sight, for late joiners), how many joined, the newest ideas and the
ideas wall by kind with dot counts, the group mix and its warnings, wishes and skills, the
commitment votes — totals only. The **presenter view** (the facilitator's own screen, the
default) opens the projected one in a new window and holds the facilitator's tools first:
hide or merge ideas, turn one into a budget activity or a next action of the plan, add people
without a phone, one compact row each; below, the same live panels. Both follow the workbook
file and redraw only the panels whose content changed. The people are the checklist's group
(phones and rows typed in alike), so what the projector counts is what the group step lists.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.request import query_params
from kpawidgets.app.room.store import contribute, open_room_session, room_of
from kpawidgets.storage.room import JOIN_CODE_ENV, JOIN_URL_ENV
from kpawidgets.app.checklist.html import mix_html
from kpawidgets.app.fields import labelled
from kpawidgets.app.room.views import counts_html, join_html, phrases_html, votes_html, wall_html
from kpawidgets.app.live import Changes
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, contrast_button, esc, guarded, message_html, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, translate, use_language
from kpawidgets.model.records.checklist import AGE_BANDS, SITUATIONS
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room import moderation as mod
from kpawidgets.model.room.group import add_member, needs_adoption
from kpawidgets.model.room.records import GENDER_CHOICES, IDEA_KINDS
from kpawidgets.model.room.summary import RoomSummary, room_summary
from kpawidgets.model.workbook import Workbook

__all__ = ["PAGE", "VIEW", "PROJECTED", "SHOWN", "ProjectorPage", "build_projector", "projector_page", "join_address",
           "mix_panel_html", "projected_link", "show_buttons"]

PAGE = "05_groupe.ipynb"
#: The query parameter naming the view, and its value for the projected window.
VIEW, PROJECTED = "vue", "salle"


def projected_link(params: dict[str, str]) -> str:
    """The projected view's address, relative to this page: its workbook and language, and ``vue=salle``.

    Never the facilitator's code: the projected window's address bar is on the wall, and the
    browser already holds the facilitator's role in its cookie (``config/atelier_auth.py``).
    """
    kept = {key: params[key] for key in ("workbook", "lang") if params.get(key)}
    return PAGE + "?" + urlencode({**kept, VIEW: PROJECTED})


def join_address(url: str) -> str:
    """The short address shown in large type: the URL without scheme and query (``192.168.1.20:8866``)."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0]


#: « Montrer à la salle »: what the projected window shows (``room.js`` keeps the choice; ``?montrer=``).
SHOWN = {"tout": N_("Tout"), "mur": N_("Le mur"), "groupe": N_("Le groupe"), "votes": N_("Les votes")}


def show_buttons() -> str:
    """The presenter's step controls: the whole room, or the wall, the group or the votes alone, on the
    projected window (the join box stays in sight); one pressed at a time."""
    buttons = "".join(f'<button type="button" class="kpa-room-show-button" data-show="{key}" aria-pressed="{str(key == "tout").lower()}">'
                      f'{esc(translate(label))}</button>' for key, label in SHOWN.items())
    return (f'<div class="kpa-room-show" role="group" aria-label="{esc(_("Montrer à la salle"))}">'
            f'<span>{esc(_("Montrer à la salle :"))}</span>{buttons}</div>')


def mix_panel_html(summary: RoomSummary) -> str:
    """The group mix (the checklist's infographic and warnings) and the pseudonyms of who joined."""
    # <bdi>: a name typed in the group step may hold a direction override (the phones refuse them);
    # isolated, it cannot turn the rest of the list around
    names = "".join(f'<li><bdi>{esc(alias)}</bdi></li>' for alias in summary.aliases[-40:])
    aliases = f'<ul class="kpa-room-aliases" aria-label="{esc(_("Prénoms et pseudonymes"))}">{names}</ul>' if names else ""
    return f'<div class="kpa-room-mix">{mix_html(summary.mix)}{aliases}</div>'


class ProjectorPage(widgets.VBox):
    """The live screen and the facilitator's tools, over one workbook."""

    def __init__(self, session: WorkbookSession, params: dict[str, str] | None = None) -> None:
        self.session = session
        params = params or {}
        self.projected = params.get(VIEW) == PROJECTED
        layout = widgets.Layout(width="100%")
        self.shell = PageShell(PAGE, session)
        self.join = widgets.HTML(layout=layout)
        self.counts = widgets.HTML(layout=layout)
        self.mix = widgets.HTML(layout=layout)
        self.phrases = widgets.HTML(layout=layout)
        self.wall = widgets.HTML(layout=layout)
        self.votes = widgets.HTML(layout=layout)
        self.panels: dict[str, widgets.HTML] = {"counts": self.counts, "mix": self.mix, "phrases": self.phrases,
                                                "wall": self.wall, "votes": self.votes}
        for name, panel in self.panels.items():  # what « Montrer à la salle » shows or leaves out (room.css)
            panel.add_class(f"kpa-room-panel-{name}")
        self.redraws: dict[str, int] = {name: 0 for name in self.panels}
        side = widgets.VBox([self.join, self.counts])
        side.add_class("kpa-room-side")
        below = widgets.HBox([self.votes, self.phrases], layout=layout)
        below.add_class("kpa-room-below")
        # projected: the wall, the mix and the votes scroll beside the join box, which stays in sight
        main = widgets.VBox([self.wall, self.mix, below] if self.projected else [self.wall, self.mix])
        main.add_class("kpa-room-main")
        top = widgets.HBox([side, main], layout=layout)
        top.add_class("kpa-room-top")
        live = widgets.VBox([top] if self.projected else [top, below], layout=layout)
        live.add_class("kpa-room-live")

        # --- moderation
        self.idea = widgets.Dropdown(options=[], layout=widgets.Layout(width="100%"), description=_("Idée"))
        self.other = widgets.Dropdown(options=[], layout=widgets.Layout(width="100%"), description=_("avec"))
        self.hide = widgets.Button(description=_("Masquer / remettre au mur"))
        self.merge = widgets.Button(description=_("Regrouper"))
        self.unmerge = widgets.Button(description=_("Séparer"))
        self.to_activity = widgets.Button(description=_("→ Activité du budget"), button_style="primary")
        self.to_action = widgets.Button(description=_("→ Prochaine action"), button_style="primary")
        self.moderation_status = widgets.HTML(layout=layout)
        for button, action in ((self.hide, self._hide), (self.merge, self._merge), (self.unmerge, self._unmerge),
                               (self.to_activity, self._to_activity), (self.to_action, self._to_action)):
            button.on_click(self._guard(lambda _b, a=action: a(), self.moderation_status))
        moderation = widgets.VBox([
            widgets.HTML(f'<h3>{esc(_("Animer le mur"))}</h3>'),
            widgets.HBox([self.idea, self.hide, self.to_activity, self.to_action], layout=layout),
            widgets.HBox([self.other, self.merge, self.unmerge], layout=layout),
            self.moderation_status], layout=layout)
        moderation.add_class("kpa-room-tools")

        # --- people without a phone: one compact row
        self.row_alias = widgets.Text(placeholder=_("Prénom ou pseudonyme"), layout=widgets.Layout(width="15%"))
        self.row_age = widgets.Dropdown(options=[(_("Âge ?"), "")] + [(translate(v), k) for k, v in AGE_BANDS.items()],
                                        value="", layout=widgets.Layout(width="12%"))
        self.row_gender = widgets.Dropdown(options=[(_("Genre ?"), "")] + [(translate(v), k) for k, v in GENDER_CHOICES.items()],
                                           value="", layout=widgets.Layout(width="18%"))
        self.row_situation = widgets.Dropdown(options=[(_("Situation ?"), "")] + [(translate(v), k) for k, v in SITUATIONS.items()],
                                              value="", layout=widgets.Layout(width="17%"))
        self.row_wishes = widgets.Text(placeholder=_("Envies et savoir-faire"), layout=widgets.Layout(width="22%"))
        self.row_add = widgets.Button(description=_("Ajouter"), button_style="primary", layout=widgets.Layout(width="10%"))
        self.row_status = widgets.HTML(layout=layout)
        self.row_add.on_click(self._guard(lambda _b: self._add_person(), self.row_status))
        for control, name in ((self.row_alias, _("Prénom ou pseudonyme")), (self.row_age, _("Âge")),
                              (self.row_gender, _("Genre")), (self.row_situation, _("Situation")),
                              (self.row_wishes, _("Envies et savoir-faire"))):
            labelled(control, name)
        row = widgets.HBox([self.row_alias, self.row_age, self.row_gender, self.row_situation, self.row_wishes, self.row_add],
                           layout=layout)
        row.add_class("kpa-room-row")
        people = widgets.VBox([widgets.HTML(f'<h3>{esc(_("Ajouter une personne sans téléphone"))}</h3>'), row, self.row_status],
                              layout=layout)
        people.add_class("kpa-room-tools")

        if self.projected:
            body = widgets.VBox([live], layout=layout)
        else:
            opener = widgets.HTML(
                f'<div class="kpa-room-presenter-bar"><a class="kpa-room-open-projected" href="{esc(projected_link(params))}" '
                f'target="_blank" rel="opener">{esc(_("Ouvrir la vue projetée"))}</a><span>'
                f'{esc(_("Mettez cette fenêtre sur le projecteur : la salle voit le mur, le groupe et les votes ; vos outils restent ici."))}'
                f'</span>{contrast_button()}</div>{show_buttons()}', layout=layout)
            seen = widgets.HTML(f'<h3 class="kpa-room-seen">{esc(_("Ce que voit la salle"))}</h3>', layout=layout)
            body = widgets.VBox([opener, moderation, people, seen, live], layout=layout)
        self.shell.set_body(body)
        super().__init__([self.shell], layout=layout)
        self.add_class("kpa-room-projector")
        self.add_class("kpa-room-projected" if self.projected else "kpa-room-presenter")
        if session.workbook is None:
            self.shell.set_body(widgets.HTML(message_html(
                session.error.message(session.lang) if session.error else _("Ouvrez un carnet depuis l'accueil pour animer l'atelier."),
                "error")))
            return
        self.join.value = self._join_html()
        session.on_external_change(self._came)
        if needs_adoption(session.workbook):  # a file from before the group was one record
            self._apply(lambda _wb: None, _("Les personnes inscrites en atelier ont rejoint le groupe de la check-list."))
        self.refresh()

    # ------------------------------------------------------------ plumbing
    def _guard(self, callback: Any, status: widgets.HTML) -> Any:
        def report(text: str) -> None:
            status.value = message_html(text, "error")

        return guarded(report, self.session.lang)(callback)

    def _join_html(self) -> str:
        url = os.environ.get(JOIN_URL_ENV, "")
        if url:
            return join_html(url, os.environ.get(JOIN_CODE_ENV, ""), join_address(url))
        return (f'<div class="kpa-room-join kpa-room-join-off"><p>{esc(_("Les téléphones ne peuvent pas encore rejoindre : lancez le mode atelier avec « kpa serve --atelier »."))}</p></div>')

    def _apply(self, change: Any, done: str) -> Any:
        try:
            result = contribute(self.session, change)
        except KpaError as exc:
            self.moderation_status.value = message_html(exc.message(self.session.lang), "error")
            return None
        self.moderation_status.value = f'<div class="kpa-saved" role="status">✓ {esc(done)}</div>'
        self.refresh()
        return result

    # ------------------------------------------------------------ redraw
    def _draw(self, name: str, html: str) -> None:
        panel = self.panels[name]
        if panel.value != html:
            panel.value = html
            self.redraws[name] += 1

    def refresh(self) -> None:
        """Redraw the panels whose content changed (the others are not sent again)."""
        if self.session.workbook is None:
            return
        with use_language(self.session.lang):
            summary = room_summary(self.session.workbook)
            self._draw("counts", counts_html(summary))
            self._draw("mix", mix_panel_html(summary))
            self._draw("phrases", phrases_html(_("Ce que nous avons envie de faire"), summary.wishes)
                       + phrases_html(_("Ce que nous savons faire"), summary.skills))
            self._draw("wall", wall_html(summary))
            self._draw("votes", f'<h3>{esc(_("Nos engagements"))}</h3>{votes_html(summary)}')
            self._idea_options(summary)

    def _idea_options(self, summary: RoomSummary) -> None:
        room = room_of(self.session.workbook)
        options = []
        for idea in room.ideas:
            state = " · " + _("masquée") if idea.hidden else (" · " + _("regroupée") if idea.merged_into else "")
            options.append((f"{translate(IDEA_KINDS[idea.kind])} — {idea.text[:60]}{state}", idea.id))
        for dropdown in (self.idea, self.other):
            if list(dropdown.options) != options:
                current = dropdown.value
                dropdown.options = options
                if current in [value for _label, value in options]:
                    dropdown.value = current

    def follow(self) -> bool:
        """Follow the file (the session's watcher, app/live.py): others' contributions show without a reload."""

        return self.session.follow_file()

    def _came(self, changes: Changes) -> None:
        """Another device saved: redraw when the room or the group changed (the people are the group's)."""
        if changes.touches("room") or changes.touches("checklist", "group"):
            self.refresh()

    # ------------------------------------------------------------ moderation
    def _chosen(self, dropdown: widgets.Dropdown) -> str:
        if not dropdown.value:
            raise rc.RoomError("Choisissez d'abord une idée.")
        return str(dropdown.value)

    def _hide(self) -> None:
        idea_id = self._chosen(self.idea)

        def change(workbook: Workbook) -> Any:
            return mod.hide_idea(workbook.room, idea_id, not mod.idea(workbook.room, idea_id).hidden)

        self._apply(change, _("Mur mis à jour."))

    def _merge(self) -> None:
        keep, merged = self._chosen(self.idea), self._chosen(self.other)
        self._apply(lambda wb: mod.merge_ideas(wb.room, keep, merged), _("Idées regroupées : leurs gommettes s'additionnent."))

    def _unmerge(self) -> None:
        idea_id = self._chosen(self.other)
        self._apply(lambda wb: mod.unmerge_idea(wb.room, idea_id), _("Idée remise à part."))

    def _to_activity(self) -> None:
        idea_id = self._chosen(self.idea)
        activity = self._apply(lambda wb: mod.idea_to_activity(wb.room, wb.budget, idea_id),
                               _("Activité ajoutée au budget : chiffrez-la sur la page Budget."))
        if activity is not None:
            url = page_url("02_budget.ipynb", self.session.name, self.session.lang)
            self.moderation_status.value += f'<p><a href="{esc(url)}" target="_blank">{esc(_("Ouvrir le budget"))}</a></p>'

    def _to_action(self) -> None:
        idea_id = self._chosen(self.idea)
        today = dt.date.today()
        self._apply(lambda wb: mod.idea_to_action(wb.room, wb.plan, idea_id, today),
                    _("Prochaine action ajoutée au plan de lancement."))

    # ------------------------------------------------------------ people without a phone
    def _add_person(self) -> None:
        fields = {"alias": self.row_alias.value, "age_band": self.row_age.value or None,
                  "gender": self.row_gender.value or None,
                  "situations": [self.row_situation.value] if self.row_situation.value else [],
                  "wishes": self.row_wishes.value}
        try:
            contribute(self.session, lambda wb: add_member(wb, **fields))
        except KpaError as exc:
            self.row_status.value = message_html(exc.message(self.session.lang), "error")
            return
        self.row_alias.value = self.row_wishes.value = ""
        self.row_age.value = self.row_gender.value = self.row_situation.value = ""
        self.row_status.value = f'<div class="kpa-saved" role="status">✓ {esc(_("Personne ajoutée au groupe."))}</div>'
        self.refresh()


def build_projector(session: WorkbookSession, params: dict[str, str] | None = None) -> ProjectorPage:
    """The projector page for *session*: the presenter view, or the projected one if *params* say
    ``vue=salle`` (testable without a browser)."""
    with use_language(session.lang):
        return ProjectorPage(session, params)


def projector_page() -> ProjectorPage:
    """Build and display the projector page for the current Voilà request."""
    params = query_params()
    session = open_room_session(params)
    page = build_projector(session, params)
    display(page)
    page.follow()
    return page
