"""The participant page (``notebooks/04_participer.ipynb``): a phone joins the workshop.

Phone-first: one column, inputs of at least 16 px (no zoom on focus), buttons 48 px high.
The phone keeps a secret key in its ``localStorage`` (``room.js``) and hands it to the page
through a hidden text field; the page only ever uses its hash (:func:`owner_of`), so the
phone finds its own entries again and can change them, never anyone else's. Every change
goes through :func:`~kpawidgets.app.room.store.contribute`; a refused one says why under
its form and leaves what was typed in place.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.request import query_params
from kpawidgets.app.room.store import ATELIER_WORKBOOK_ENV, contribute, open_room_session, room_of
from kpawidgets.app.room.views import counts_html
from kpawidgets.app.live import Changes
from kpawidgets.app.session import SaveStatus, WorkbookSession
from kpawidgets.app.shell import esc, guarded, message_html, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, translate, use_language
from kpawidgets.model.records.checklist import AGE_BANDS, COMMITMENTS, SITUATIONS
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room import group as rg
from kpawidgets.model.room.records import (
    DOTS_PER_PERSON,
    GENDER_CHOICES,
    IDEA_KINDS,
    IDEA_MAX,
    VOTE_CHOICES,
    WISH_MAX,
    owner_of,
    valid_key,
)
from kpawidgets.model.room.summary import room_summary, visible_ideas, wall
from kpawidgets.model.workbook import Workbook

__all__ = ["PAGE", "ParticipantPage", "build_participant", "participant_page", "RATE_PER_MINUTE"]

PAGE = "04_participer.ipynb"

#: At most this many sends a minute from one phone (a stuck finger, a script).
RATE_PER_MINUTE = 40


class RoomRateError(KpaError):
    """Too many sends from one phone in a short time."""


def _button(label: str, style: str = "") -> widgets.Button:
    button = widgets.Button(description=label, button_style=style, layout=widgets.Layout(width="100%"))
    button.add_class("kpa-room-button")
    return button


def _card(title: str, *children: widgets.Widget) -> widgets.VBox:
    box = widgets.VBox([widgets.HTML(f"<h2>{esc(title)}</h2>"), *children], layout=widgets.Layout(width="100%"))
    box.add_class("kpa-room-card")
    return box


def _labelled(label: str, field: widgets.Widget, hint: str = "") -> widgets.VBox:
    hint_html = f'<span class="kpa-room-hint">{esc(hint)}</span>' if hint else ""
    box = widgets.VBox([widgets.HTML(f'<label class="kpa-room-label">{esc(label)}{hint_html}</label>'), field],
                       layout=widgets.Layout(width="100%"))
    box.add_class("kpa-room-field")
    return box


class ParticipantPage(widgets.VBox):
    """Add yourself, propose ideas, vote on the commitments, spend dots — on one phone."""

    def __init__(self, session: WorkbookSession) -> None:
        self.session = session
        self.owner: str | None = None
        self._sent: deque[float] = deque()
        self._syncing = False
        self.editing: str | None = None  #: id of the idea being edited
        self._shown: dict[str, Any] = {}  #: the card as the file held it when last shown in the form
        layout = widgets.Layout(width="100%")

        self.key = widgets.Text(layout=widgets.Layout(display="none"), continuous_update=True)
        self.key.add_class("kpa-room-key")
        self.header = widgets.HTML(layout=layout)
        self.notice = widgets.HTML(message_html(_("Connexion de ce téléphone…"), "info"), layout=layout)

        # --- me
        self.alias = widgets.Text(placeholder=_("ex. Awa, ou un pseudonyme"), layout=layout)
        self.age = widgets.Dropdown(options=[(_("— non précisé —"), "")] + [(translate(v), k) for k, v in AGE_BANDS.items()],
                                    value="", layout=layout)
        self.gender = widgets.Dropdown(options=[(_("— non précisé —"), "")] + [(translate(v), k) for k, v in GENDER_CHOICES.items()],
                                       value="", layout=layout)
        self.situations = {code: widgets.Checkbox(description=translate(label), indent=False, layout=layout)
                           for code, label in SITUATIONS.items()}
        self.wishes = widgets.Textarea(placeholder=_("ex. cuisiner pour des buffets, jardiner"), layout=layout)
        self.skills = widgets.Textarea(placeholder=_("ex. je parle arabe, je sais coudre, je conduis"), layout=layout)
        self.save_me = _button(_("Enregistrer ma fiche"), "primary")
        self.me_status = widgets.HTML(layout=layout)
        self.card_notice = widgets.HTML(layout=widgets.Layout(width="100%", display="none"))
        self.card_notice.add_class("kpa-room-card-gone")
        situations = widgets.VBox(list(self.situations.values()), layout=layout)
        situations.add_class("kpa-room-checks")
        me = _card(_("Qui je suis"), self.card_notice,
                   _labelled(_("Prénom ou pseudonyme"), self.alias, _("facultatif")),
                   _labelled(_("Âge"), self.age), _labelled(_("Genre"), self.gender, _("facultatif")),
                   _labelled(_("Ma situation"), situations, _("jusqu'à 3")),
                   _labelled(_("Ce que j'ai envie de faire"), self.wishes),
                   _labelled(_("Ce que je sais faire"), self.skills),
                   self.save_me, self.me_status)

        # --- ideas
        self.idea_text = widgets.Textarea(placeholder=_("ex. un buffet pour la fête de quartier"), layout=layout)
        self.idea_kind = widgets.Dropdown(options=[(translate(v), k) for k, v in IDEA_KINDS.items()], value="cuisine",
                                          layout=layout)
        self.add_idea = _button(_("Ajouter l'idée au mur"), "primary")
        self.cancel_edit = _button(_("Annuler la modification"))
        self.cancel_edit.layout.display = "none"
        self.idea_status = widgets.HTML(layout=layout)
        self.my_ideas = widgets.VBox(layout=layout)
        ideas = _card(_("Mes idées d'activités"), _labelled(_("Mon idée"), self.idea_text, _("{max} caractères au plus").format(max=IDEA_MAX)),
                      _labelled(_("Type d'activité"), self.idea_kind), self.add_idea, self.cancel_edit,
                      self.idea_status, self.my_ideas)

        # --- votes
        self.votes: dict[str, widgets.ToggleButtons] = {}
        rows = []
        for commitment, label in COMMITMENTS.items():
            toggle = widgets.ToggleButtons(options=[(translate(VOTE_CHOICES[c]), c) for c in VOTE_CHOICES], value=None,
                                           layout=layout, style={"button_width": "48%"})
            toggle.add_class("kpa-room-vote-toggle")
            toggle.observe(self._guard(lambda change, c=commitment: self._vote(c, change["new"])), names="value")
            self.votes[commitment] = toggle
            rows.append(widgets.VBox([widgets.HTML(f'<p class="kpa-room-commitment">{esc(translate(label))}</p>'), toggle],
                                     layout=layout))
        self.vote_status = widgets.HTML(layout=layout)
        votes = _card(_("Nos engagements"), widgets.HTML(f'<p class="kpa-room-hint">{esc(_("Pour chaque engagement : on l’adopte, ou on en discute encore ?"))}</p>'),
                      *rows, self.vote_status)

        # --- dots
        self.dots_help = widgets.HTML(layout=layout)
        self.dots_box = widgets.VBox(layout=layout)
        self.dot_buttons: dict[str, widgets.ToggleButton] = {}
        self.dot_status = widgets.HTML(layout=layout)
        dots = _card(_("Mes priorités"), self.dots_help, self.dots_box, self.dot_status)

        self.group = widgets.HTML(layout=layout)
        self.forms = widgets.VBox([me, ideas, votes, dots, self.group], layout=layout)
        self.forms.layout.display = "none"

        self.save_me.on_click(self._guard(lambda _b: self._save_me(), self.me_status))
        self.add_idea.on_click(self._guard(lambda _b: self._send_idea(), self.idea_status))
        self.cancel_edit.on_click(self._guard(lambda _b: self._stop_editing(), self.idea_status))
        self.key.observe(self._guard(lambda change: self._on_key(change["new"])), names="value")
        session.on_status(self._on_status)
        session.on_external_change(self._came)
        self._last_status: widgets.HTML = self.me_status
        super().__init__([self.key, self.header, self.notice, self.forms], layout=layout)
        self.add_class("kpa-page")
        self.add_class("kpa-room-phone")
        self.render_header()
        if session.workbook is None:
            self.notice.value = message_html(
                session.error.message(session.lang) if session.error else _("Aucun atelier n'est ouvert sur ce carnet."), "error")

    # ------------------------------------------------------------ plumbing
    def _guard(self, callback: Callable[..., Any], status: widgets.HTML | None = None) -> Callable[..., Any]:
        def report(text: str) -> None:
            (status or self._last_status).value = message_html(text, "error")

        return guarded(report, self.session.lang)(callback)

    def render_header(self) -> None:
        lang = self.session.lang
        other = "en" if lang == "fr" else "fr"
        workbook = None if os.environ.get(ATELIER_WORKBOOK_ENV) else self.session.name
        switch = (f'<a class="kpa-lang" href="{esc(page_url(PAGE, workbook, other))}" lang="{other}">'
                  f'{"English" if other == "en" else "Français"}</a>')
        territory = esc(self.session.workbook.identity.territory) if self.session.workbook else ""
        self.header.value = (f'<header class="kpa-room-header"><div><div class="kpa-brand">{esc(_("Atelier KPA"))}</div>'
                             f'<div class="kpa-room-territory">{territory}</div></div>{switch}</header>')

    def _on_status(self, status: SaveStatus) -> None:
        if status.kind == "error":
            self._last_status.value = message_html(status.message, "error")

    def _rate(self) -> None:
        now = time.monotonic()
        while self._sent and now - self._sent[0] > 60:
            self._sent.popleft()
        if len(self._sent) >= RATE_PER_MINUTE:
            raise RoomRateError("Beaucoup d'envois en peu de temps : attendez une minute, rien n'est perdu.")
        self._sent.append(now)

    def _contribute(self, status: widgets.HTML, change: Callable[[Workbook], Any], done: str) -> Any:
        """Apply *change* for this phone; say *done* or why it was refused (under the form)."""
        self._last_status = status
        if self.owner is None:
            status.value = message_html(_("Ce téléphone n'est pas encore reconnu : rechargez la page."), "error")
            return None
        try:
            self._rate()
            result = contribute(self.session, change)
        except KpaError as exc:
            status.value = message_html(exc.message(self.session.lang), "error")
            return None
        status.value = f'<div class="kpa-saved" role="status">✓ {esc(done)}</div>'
        self.refresh()
        return result

    # ------------------------------------------------------------ the key
    def _on_key(self, key: str) -> None:
        if self.owner is not None or self.session.workbook is None:
            return
        if not valid_key(key):
            self.notice.value = message_html(_("Ce navigateur ne garde pas de clé : autorisez le stockage local, puis rechargez."), "error")
            return
        self.owner = owner_of(key)
        self.notice.value = ""
        self.notice.layout.display = "none"
        self.forms.layout.display = "flex"
        self.load_mine()
        self.refresh()

    def load_mine(self) -> None:
        """Fill the forms with this phone's own entries (after joining again): the card is the
        group's member, so a correction the facilitator made in the group step shows here."""
        room = room_of(self.session.workbook)
        self._syncing = True
        try:
            self._fill_card(untouched_only=False)
            mine = rc.votes_of(room, self.owner or "")
            for commitment, toggle in self.votes.items():
                toggle.value = mine.get(commitment)
        finally:
            self._syncing = False

    # ------------------------------------------------------------ me
    def _card_form(self) -> dict[str, Any]:
        """The card as the form shows it now (empty choices as "")."""
        return {"alias": self.alias.value, "age_band": self.age.value, "gender": self.gender.value,
                "situations": [code for code, box in self.situations.items() if box.value],
                "wishes": self.wishes.value, "skills": self.skills.value}

    def _set_form(self, name: str, value: Any) -> None:
        if name == "situations":
            for code, box in self.situations.items():
                box.value = code in value
            return
        widget = {"alias": self.alias, "age_band": self.age, "gender": self.gender,
                  "wishes": self.wishes, "skills": self.skills}[name]
        if widget.value != value:
            widget.value = value

    def _fill_card(self, untouched_only: bool) -> None:
        """Show the card as the file holds it; with *untouched_only*, leave the fields the person
        changed since (their typing wins until they save)."""
        card = rg.card_of(self.session.workbook, self.owner or "") if self.session.workbook is not None else None
        self._show_card_state(card)
        if card is None or card.removed:
            return
        held = {"alias": card.alias, "age_band": card.age_band or "", "gender": card.gender or "",
                "situations": list(card.situations), "wishes": card.wishes, "skills": card.skills}
        form = self._card_form()
        for name, value in held.items():
            if not untouched_only or form[name] == self._shown.get(name, form[name]):
                self._set_form(name, value)
        self._shown = held

    def _save_me(self) -> None:
        form = self._card_form()
        card = rg.card_of(self.session.workbook, self.owner or "") if self.session.workbook is not None else None
        if card is not None and not card.removed:  # only what the person changed: others' corrections stay
            form = {name: value for name, value in form.items() if value != self._shown.get(name)}
        fields = {name: (value or None) if name in ("age_band", "gender") else value for name, value in form.items()}
        owner = self.owner or ""
        if self._contribute(self.me_status, lambda wb: rg.save_card(wb, owner, **fields),
                            _("Fiche enregistrée : merci !")) is not None:
            self._fill_card(untouched_only=False)

    def _show_card_state(self, card: rg.Card | None) -> None:
        """The card's button, and a notice when the facilitator removed the card from the group."""
        removed = card is not None and card.removed
        description = (_("Remettre ma fiche dans le groupe") if removed else
                       _("Mettre à jour ma fiche") if card is not None else _("Enregistrer ma fiche"))
        if self.save_me.description != description:
            self.save_me.description = description
        if removed:
            text = _("Votre fiche a été retirée du groupe par l'animation. Ce que vous aviez écrit est encore là : "
                     "« Remettre ma fiche dans le groupe » l'y ajoute à nouveau.")
            self.card_notice.value = message_html(text, "info")
            self.card_notice.layout.display = "flex"
        elif self.card_notice.value:
            self.card_notice.value = ""
            self.card_notice.layout.display = "none"

    # ------------------------------------------------------------ ideas
    def _send_idea(self) -> None:
        owner, text, kind, editing = self.owner or "", self.idea_text.value, self.idea_kind.value, self.editing
        if editing:
            result = self._contribute(self.idea_status, lambda wb: rc.edit_idea(wb.room, owner, editing, text, kind),
                                _("Idée modifiée."))
        else:
            result = self._contribute(self.idea_status, lambda wb: rc.add_idea(wb.room, owner, text, kind),
                                _("Idée ajoutée au mur."))
        if result is not None:
            self.idea_text.value = ""
            self._stop_editing(clear=False)

    def _stop_editing(self, clear: bool = True) -> None:
        self.editing = None
        self.add_idea.description = _("Ajouter l'idée au mur")
        self.cancel_edit.layout.display = "none"
        if clear:
            self.idea_text.value = ""
            self.idea_status.value = ""

    def _edit(self, idea_id: str) -> None:
        idea = next((i for i in room_of(self.session.workbook).ideas if i.id == idea_id), None)
        if idea is None:
            return
        self.editing = idea_id
        self.idea_text.value, self.idea_kind.value = idea.text, idea.kind
        self.add_idea.description = _("Enregistrer la modification")
        self.cancel_edit.layout.display = "flex"

    def _remove(self, idea_id: str) -> None:
        owner = self.owner or ""
        self._contribute(self.idea_status, lambda wb: rc.remove_idea(wb.room, owner, idea_id), _("Idée retirée."))
        if self.editing == idea_id:
            self._stop_editing()

    def _my_ideas_rows(self) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for idea in rc.ideas_of(room_of(self.session.workbook), self.owner or ""):
            state = _("masquée par l'animation") if idea.hidden else ""
            text = widgets.HTML(f'<div class="kpa-room-mine"><b>{esc(idea.text)}</b> '
                                f'<span class="kpa-muted">{esc(translate(IDEA_KINDS[idea.kind]))} {esc(state)}</span></div>',
                                layout=widgets.Layout(width="100%"))
            edit, remove = _button(_("Modifier")), _button(_("Retirer"))
            edit.on_click(self._guard(lambda _b, i=idea.id: self._edit(i), self.idea_status))
            remove.on_click(self._guard(lambda _b, i=idea.id: self._remove(i), self.idea_status))
            actions = widgets.HBox([edit, remove], layout=widgets.Layout(width="100%"))
            actions.add_class("kpa-room-actions")
            rows.append(widgets.VBox([text, actions], layout=widgets.Layout(width="100%")))
        return rows

    # ------------------------------------------------------------ votes
    def _vote(self, commitment: str, choice: str | None) -> None:
        if self._syncing:
            return
        owner = self.owner or ""
        self._contribute(self.vote_status, lambda wb: rc.set_vote(wb.room, owner, commitment, choice), _("Vote enregistré."))

    # ------------------------------------------------------------ dots
    def _dot(self, idea_id: str, on: bool) -> None:
        if self._syncing:
            return
        owner = self.owner or ""

        def change(workbook: Workbook) -> bool:
            mine = rc.dots_of(workbook.room, owner)
            if (idea_id in mine) == on:
                return on
            return rc.toggle_dot(workbook.room, owner, idea_id)

        if self._contribute(self.dot_status, change, _("Gommette posée.") if on else _("Gommette retirée.")) is None:
            self.refresh()  # puts the button back as the file says

    def _refresh_dots(self) -> None:
        room = room_of(self.session.workbook)
        counts = {idea.id: idea.dots for column in wall(room) for idea in column.ideas}
        mine = set(rc.dots_of(room, self.owner or ""))
        ideas = visible_ideas(room)
        left = DOTS_PER_PERSON - len(mine)
        self.dots_help.value = (f'<p class="kpa-room-hint">{esc(_("Posez vos {max} gommettes sur les idées qui comptent le plus pour vous.").format(max=DOTS_PER_PERSON))} '
                                f'<b>{esc(_("Gommettes restantes : {count}").format(count=left))}</b></p>')
        wanted = [idea.id for idea in ideas]
        if list(self.dot_buttons) != wanted:
            buttons = {}
            for idea in ideas:
                button = self.dot_buttons.get(idea.id) or widgets.ToggleButton(layout=widgets.Layout(width="100%"))
                if idea.id not in self.dot_buttons:
                    button.add_class("kpa-room-dot")
                    button.observe(self._guard(lambda change, i=idea.id: self._dot(i, change["new"]), self.dot_status),
                                   names="value")
                buttons[idea.id] = button
            self.dot_buttons = buttons
            self.dots_box.children = tuple(buttons.values())
        if not ideas:
            self.dots_box.children = (widgets.HTML(f'<p class="kpa-muted">{esc(_("Pas encore d’idée au mur."))}</p>'),)
        for idea in ideas:
            button = self.dot_buttons[idea.id]
            description = f"{'● ' if idea.id in mine else '○ '}{idea.text}  · {counts.get(idea.id, 0)}"
            if button.description != description:
                button.description = description
            if button.value != (idea.id in mine):
                button.value = idea.id in mine

    # ------------------------------------------------------------ redraw
    def refresh(self) -> None:
        """Redraw what depends on the file (others' ideas, dots, counts), never the fields being typed in."""
        if self.session.workbook is None or self.owner is None:
            return
        with use_language(self.session.lang):
            self._syncing = True
            try:
                self.my_ideas.children = tuple(self._my_ideas_rows())
                self._refresh_dots()
            finally:
                self._syncing = False
            self._fill_card(untouched_only=True)
            summary = room_summary(self.session.workbook)
            self.group.value = f'<div class="kpa-room-card"><h2>{esc(_("Le groupe en direct"))}</h2>{counts_html(summary)}</div>'

    def follow(self) -> bool:
        """Follow the file (the session's watcher, app/live.py): others' contributions show without a reload."""

        return self.session.follow_file()

    def _came(self, changes: Changes) -> None:
        """Another device saved: redraw when the room or the group changed (the people are the group's)."""
        if changes.touches("room") or changes.touches("checklist", "group"):
            self.refresh()


def build_participant(session: WorkbookSession) -> ParticipantPage:
    """The participant page for *session* (testable without a browser: set ``page.key.value``)."""
    with use_language(session.lang):
        return ParticipantPage(session)


def participant_page() -> ParticipantPage:
    """Build and display the participant page for the current Voilà request."""
    session = open_room_session(query_params())
    page = build_participant(session)
    display(page)
    page.follow()
    return page
