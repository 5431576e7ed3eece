"""The participant page: a phone joins the workshop, drawn by the server itself (no kernel).

A phone in the room is often a cheap one on a crowded Wi-Fi, and 20 of them arrive at once.
So the page is plain HTML forms (about 20 kB, no JupyterLab scripts, no widgets, no kernel a
phone could run code in): every section is a pure function of the workbook and of the phone
asking (:class:`Phone`), and every change goes through :func:`act`, which applies the room's
model functions (:mod:`kpawidgets.model.room`) to the file as it is now
(:func:`~kpawidgets.storage.room.apply_now`). ``phone.js`` sends the forms in the background
and swaps in the sections that came back (any phone's browser of the last years runs it).

A phone is known by a random key in a cookie of its own (:data:`KEY_COOKIE`); the file keeps
only its hash (:func:`~kpawidgets.model.room.records.owner_of`), so the phone finds its own
entries again and can change them, never anyone else's. A refused entry says why under its
form and leaves what was typed in place.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, format_money_rounded, ngettext, translate, use_language
from kpawidgets.model import budget
from kpawidgets.model.records.checklist import AGE_BANDS, COMMITMENTS
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room import group as rg
from kpawidgets.model.room.records import DOTS_PER_PERSON, GENDER_CHOICES, IDEA_KINDS, IDEA_MAX, VOTE_CHOICES, WISH_MAX
from kpawidgets.model.room.summary import KindColumn, RoomSummary, idea_place, room_summary, visible_ideas, wall
from kpawidgets.model.workbook import Workbook
from kpawidgets.charts.coverage import coverage_bar, percent_text
from kpawidgets.resources import static_dir
from kpawidgets.storage.erasure import forget_everywhere
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web import privacy
from kpawidgets.web.phone_fields import (FIELD_IDS, error_slot, errors_of, esc, fields_summary, label, select, shared_count,
                                         text_field)

__all__ = ["PHONE_PATH", "LIVE_PATH", "KEY_COOKIE", "RATE_PER_MINUTE", "Phone", "Reply", "RoomRateError",
           "page_html", "live_sections", "act", "counts_html", "page_style", "style_source"]

PHONE_PATH = "/atelier"
LIVE_PATH = "/atelier/live"
#: The phone's own key (HttpOnly, this site only): which entries of the room are this phone's.
KEY_COOKIE = "kpa-phone"
#: At most this many sends a minute from one phone (a stuck finger, a script).
RATE_PER_MINUTE = 40
#: Phones whose recent sends are remembered for the rate (a room is 20; a bound all the same).
_RATE_MEMORY = 1000
_STATIC = "/voila/templates/kpa/static"

_CARD_FIELDS = ("alias", "age_band", "gender", "situations", "wishes", "skills")
_UNEXPECTED = N_("Une erreur inattendue est survenue ; rien n'a été perdu. Rechargez la page si elle ne répond plus.")
_log = logging.getLogger(__name__)


class RoomRateError(KpaError):
    """Too many sends from one phone in a short time."""


@functools.cache
def page_style() -> str:
    """The page's style (the palette, the font, then ``phone.css``), written into the page itself: 20 phones
    on a crowded Wi-Fi draw the page one round trip sooner than with linked sheets."""
    sheets = [(static_dir() / sheet).read_text(encoding="utf-8") for sheet in ("palette.css", "fonts.css", "phone.css")]
    sheets[1] = sheets[1].replace('url("fonts/', f'url("{_STATIC}/fonts/')  # relative to the sheet, not the page
    return "".join(sheets)


def style_source() -> str:
    """The page's style as a Content-Security-Policy source (its hash): no other style is allowed."""
    digest = hashlib.sha256(page_style().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@dataclass(frozen=True)
class Phone:
    """Who asks: the owner (hash of the phone's key), the page's language, the form's anti-forgery field."""

    owner: str
    lang: str = "fr"
    xsrf_html: str = ""

    def url(self, path: str = PHONE_PATH, **params: str) -> str:
        """*path* in the page's language, said in the address: a choice made on the page outweighs the phone's."""
        return path + "?" + urlencode({"lang": self.lang, **params})


@dataclass(frozen=True)
class Reply:
    """What an action did: ``ok``, the sections to draw again (id → HTML), the revision they show."""

    ok: bool
    sections: dict[str, str] = field(default_factory=dict)
    revision: str = ""


# ------------------------------------------------------------------ pieces
def _status(text: str = "", kind: str = "ok") -> str:
    if not text:
        return ""
    if kind == "ok":
        return f'<p class="kpa-saved" role="status">✓ {esc(text)}</p>'
    return f'<p class="kpa-banner kpa-banner-{kind}" role="alert">{esc(text)}</p>'


def _status_box(section: str, text: str = "", kind: str = "ok") -> str:
    return f'<div id="{section}-status" class="kpa-status" aria-live="polite">{_status(text, kind)}</div>'


def _form(phone: Phone, action: str | None, body: str, *, css: str = "") -> str:
    """A form sent to the page itself (*action* None: its buttons name the action)."""
    hidden = phone.xsrf_html + (f'<input type="hidden" name="action" value="{esc(action)}">' if action else "")
    return (f'<form method="post" action="{esc(phone.url())}" data-kpa class="{css}">{hidden}'
            f'<input type="hidden" name="lang" value="{esc(phone.lang)}">{body}</form>')


def counts_html(summary: RoomSummary) -> str:
    """Big numbers: the group (the checklist's, phones included), ideas, dots, voters."""
    cards = [
        (summary.joined, _("dans le groupe, dont {count} par téléphone").format(count=summary.by_phone)),
        (summary.idea_count, _("idées au mur")),
        (summary.dots_cast, _("gommettes posées")),
        (summary.voters, _("votant·es")),
    ]
    return '<div class="kpa-room-counts">' + "".join(
        f'<div class="kpa-room-count"><b>{value}</b><span>{esc(label)}</span></div>' for value, label in cards) + "</div>"


# ------------------------------------------------------------------ me
def _card_values(card: rg.Card | None) -> dict[str, Any]:
    if card is None or card.removed:
        return {"alias": "", "age_band": "", "gender": "", "situations": [], "wishes": "", "skills": ""}
    return {"alias": card.alias, "age_band": card.age_band or "", "gender": card.gender or "",
            "situations": list(card.situations), "wishes": card.wishes, "skills": card.skills}


def _me_state(card: rg.Card | None) -> str:
    """The notice of a card the facilitator removed, and the form's button (its words follow the card)."""
    removed = card is not None and card.removed
    notice = ""
    if removed:
        notice = _status(_("Votre fiche a été retirée du groupe par l'animation. Ce que vous aviez écrit est encore là : "
                           "« Remettre ma fiche dans le groupe » l'y ajoute à nouveau."), "info")
    label = (_("Remettre ma fiche dans le groupe") if removed else
             _("Mettre à jour ma fiche") if card is not None else _("Enregistrer ma fiche"))
    return f'<div id="me-state">{notice}<button type="submit" class="kpa-primary">{esc(label)}</button></div>'


def _me_shown(values: Mapping[str, Any]) -> str:
    """The card as this form was filled from the file: a save sends only what the person changed."""
    parts = []
    for name in _CARD_FIELDS:
        value = values[name]
        text = ",".join(value) if isinstance(value, list) else str(value)
        parts.append(f'<input type="hidden" name="shown-{name}" value="{esc(text)}">')
    return f'<div id="me-shown" hidden>{"".join(parts)}</div>'


def _me_html(phone: Phone, workbook: Workbook) -> str:
    card = rg.card_of(workbook, phone.owner)
    held = _card_values(card)
    shown = dict(held)
    if card is not None and card.removed:  # what the person had written is still there, to put back
        shown.update(wishes=card.wishes, skills=card.skills)
    unset = [("", _("— non précisé —"))]
    checks = "".join(
        f'<label class="kpa-check"><input type="checkbox" name="situations" value="{esc(code)}"'
        f'{" checked" if code in shown["situations"] else ""}> <span>{esc(translate(words))}</span></label>'
        for code, words in privacy.general_situations().items())
    # the situations and the sensitive question folded under one line: open once the person said something
    up_to_three = _("jusqu'à 3")
    situation = (f'<details class="kpa-fold" id="me-situation"{" open" if shown["situations"] else ""}><summary>'
                 f'{esc(_("Ma situation"))} <span class="kpa-hint">{esc(up_to_three)}</span></summary>'
                 f'<fieldset class="kpa-checks" id="kpa-situations" aria-describedby="kpa-situations-error">'
                 f'<legend class="kpa-hidden">{esc(_("Ma situation"))}</legend>{checks}</fieldset>'
                 f'{privacy.sensitive_html(shown["situations"])}</details>{error_slot("kpa-situations")}')
    pair = (f'<div class="kpa-pair"><div>{label("kpa-age_band", _("Âge"))}'
            f'{select("age_band", unset + [(k, translate(v)) for k, v in AGE_BANDS.items()], shown["age_band"])}</div>'
            f'<div>{label("kpa-gender", _("Genre"))}'
            f'{select("gender", unset + [(k, translate(v)) for k, v in GENDER_CHOICES.items()], shown["gender"])}</div></div>'
            f'{error_slot("kpa-age_band")}{error_slot("kpa-gender")}')
    body = (text_field("alias", "kpa-alias", _("Prénom ou pseudonyme"), shown["alias"], rg.CARD_ALIAS_MAX, hint=_("facultatif"),
                       placeholder=_("ex. Awa, ou un pseudonyme"))
            + pair + situation
            + text_field("wishes", "kpa-wishes", _("Ce que j'ai envie de faire"), shown["wishes"], WISH_MAX,
                         placeholder=_("ex. cuisiner pour des buffets, jardiner"), multiline=True, also="kpa-interests-count")
            + text_field("skills", "kpa-skills", _("Ce que je sais faire"), shown["skills"], WISH_MAX,
                         placeholder=_("ex. je parle arabe, je sais coudre, je conduis"), multiline=True,
                         also="kpa-interests-count")
            # the two texts are one field of the group (« à eux deux », fewer than the two maxlengths together)
            + shared_count("kpa-interests-count", ("kpa-wishes", "kpa-skills"), rg.INTERESTS_MAX,
                           (shown["wishes"], shown["skills"]))
            + f'{_me_shown(held)}{_me_state(card)}{_status_box("me")}')
    return (f'<section class="kpa-card" id="me"><h2>{esc(_("Qui je suis"))}</h2>{privacy.notice_html(workbook)}'
            f'{_form(phone, "card", body)}</section>')


# ------------------------------------------------------------------ ideas
def _idea_fields(editing: rc.Idea | None) -> str:
    text, kind = (editing.text, editing.kind) if editing else ("", "cuisine")
    which = f'<input type="hidden" name="idea" value="{esc(editing.id)}">' if editing else ""
    button = _("Enregistrer la modification") if editing else _("Ajouter l'idée au mur")
    cancel = (f'<button type="submit" name="action" value="idea-cancel" class="kpa-plain">'
              f'{esc(_("Annuler la modification"))}</button>') if editing else ""
    kind_words = _("Type d'activité")
    return (f'<div id="idea-fields">{which}'
            + text_field("text", "kpa-idea", _("Mon idée"), text, IDEA_MAX, placeholder=_("ex. un buffet pour la fête de quartier"),
                         multiline=True)
            + f'{label("kpa-kind", kind_words)}'
            f'{select("kind", [(k, translate(v)) for k, v in IDEA_KINDS.items()], kind)}{error_slot("kpa-kind")}'
            f'<button type="submit" class="kpa-primary">{esc(button)}</button>{cancel}</div>')


_PLACES = {
    "column": N_("Au mur, dans la colonne « {kind} »."),
    "newest": N_("Au mur, dans « Nouvelles idées »."),
    "folded": N_("Au mur, repliée sous « et … de plus » de la colonne « {kind} » : une gommette la fera monter."),
    "merged": N_("Regroupée au mur avec « {into} »."),
    "hidden": N_("Masquée par l'animation : elle n'est pas au mur."),
}


def place_text(workbook: Workbook, idea_id: str, columns: tuple[KindColumn, ...] | None = None) -> str:
    """Where the idea is on the wall, in words (the projector's own layout, :func:`idea_place`)."""
    place = idea_place(workbook.room, idea_id, columns)
    return translate(_PLACES[place.where]).format(kind=translate(IDEA_KINDS[place.kind]), into=place.into)


def _my_ideas(phone: Phone, workbook: Workbook) -> str:
    rows = []
    columns = wall(workbook.room)  # once for all the phone's ideas
    for idea in rc.ideas_of(workbook.room, phone.owner):
        state = f' <span class="kpa-hint kpa-place">{esc(place_text(workbook, idea.id, columns))}</span>'
        buttons = (f'<button type="submit" name="action" value="idea-edit" class="kpa-plain">{esc(_("Modifier"))}</button>'
                   f'<button type="submit" name="action" value="idea-remove" class="kpa-plain">{esc(_("Retirer"))}</button>')
        which = f'<input type="hidden" name="idea" value="{esc(idea.id)}">'
        rows.append(f'<li><p><bdi>{esc(idea.text)}</bdi> <span class="kpa-hint">{esc(translate(IDEA_KINDS[idea.kind]))}</span>'
                    f'{state}</p>{_form(phone, None, which + buttons, css="kpa-row")}</li>')
    return f'<ul id="my-ideas" class="kpa-mine">{"".join(rows)}</ul>'


def _ideas_html(phone: Phone, workbook: Workbook) -> str:
    form = _form(phone, "idea", _idea_fields(None) + _status_box("idea"))
    title = _("Mes idées d'activités")
    return (f'<section class="kpa-card" id="ideas"><h2>{esc(title)}</h2>{form}'
            f'{_my_ideas(phone, workbook)}</section>')


# ------------------------------------------------------------------ votes and dots
def _votes_html(phone: Phone, workbook: Workbook, status: tuple[str, str] = ("", "ok")) -> str:
    mine = rc.votes_of(workbook.room, phone.owner)
    rows: list[str] = []
    folded: list[str] = []
    for rank, (commitment, words) in enumerate(COMMITMENTS.items()):
        buttons = "".join(
            f'<button type="submit" name="choice" value="{"" if mine.get(commitment) == choice else choice}"'
            f' aria-pressed="{"true" if mine.get(commitment) == choice else "false"}">{esc(translate(said))}</button>'
            for choice, said in VOTE_CHOICES.items())
        body = f'<input type="hidden" name="commitment" value="{esc(commitment)}"><div class="kpa-toggle">{buttons}</div>'
        row = f'<li><p>{esc(translate(words))}</p>{_form(phone, "vote", body)}</li>'
        (rows if rank < VOTES_LISTED or commitment in mine else folded).append(row)
    if folded:
        more = ngettext("Voir {count} autre engagement", "Voir les {count} autres engagements", len(folded)).format(
            count=len(folded))
        rows.append(f'<li><details class="kpa-more" id="votes-more"><summary>{esc(more)}</summary><ul class="kpa-votes">'
                    f'{"".join(folded)}</ul></details></li>')
    hint = ngettext("{count} engagement voté sur {total} : on l’adopte, ou on en discute encore ?",
                    "{count} engagements votés sur {total} : on l’adopte, ou on en discute encore ?",
                    len(mine)).format(count=len(mine), total=len(COMMITMENTS))
    return (f'<section class="kpa-card" id="votes"><h2>{esc(_("Nos engagements"))}</h2><p class="kpa-hint">{esc(hint)}</p>'
            f'<ul class="kpa-votes">{"".join(rows)}</ul>{_status_box("votes", *status)}</section>')


def _dots_html(phone: Phone, workbook: Workbook, status: tuple[str, str] = ("", "ok")) -> str:
    room = workbook.room
    counts = {idea.id: idea.dots for column in wall(room) for idea in column.ideas}
    mine = set(rc.dots_of(room, phone.owner))
    left = DOTS_PER_PERSON - len(mine)
    help_text = _("Posez vos {max} gommettes sur les idées qui comptent le plus pour vous.").format(max=DOTS_PER_PERSON)
    items: list[str] = []
    folded: list[str] = []
    order = [idea.id for column in wall(room) for idea in column.ideas]  # the wall's order: most dots first
    by_id = {idea.id: idea for idea in visible_ideas(room)}
    for rank, idea_id in enumerate(order):
        idea, on = by_id[idea_id], idea_id in mine
        body = (f'<input type="hidden" name="idea" value="{esc(idea.id)}"><button type="submit" class="kpa-dot" '
                f'aria-pressed="{"true" if on else "false"}"><span aria-hidden="true">{"●" if on else "○"}</span> '
                f'<bdi>{esc(idea.text)}</bdi> <b>· {counts.get(idea.id, 0)}</b></button>')
        (items if rank < DOTS_LISTED or on else folded).append(f'<li>{_form(phone, "dot", body)}</li>')
    if folded:
        more = ngettext("Voir {count} autre idée", "Voir les {count} autres idées", len(folded)).format(count=len(folded))
        items.append(f'<li><details class="kpa-more" id="dots-more"><summary>{esc(more)}</summary><ul class="kpa-dots">{"".join(folded)}</ul>'
                     f'</details></li>')
    listed = "".join(items) or f'<li class="kpa-hint">{esc(_("Pas encore d’idée au mur."))}</li>'
    return (f'<section class="kpa-card" id="dots"><h2>{esc(_("Mes priorités"))}</h2><p class="kpa-hint">{esc(help_text)} '
            f'<b>{esc(_("Gommettes restantes : {count}").format(count=left))}</b></p><ul class="kpa-dots">{listed}</ul>'
            f'{_status_box("dots", *status)}</section>')


def _group_html(workbook: Workbook) -> str:
    title = _("Le groupe en direct")
    return f'<section class="kpa-card" id="group"><h2>{esc(title)}</h2>{counts_html(room_summary(workbook))}</section>'


def _budget_html(workbook: Workbook) -> str:
    """The budget, read only (« des budgets ouverts à toutes et tous »): how the year's charges are
    covered, the same bar, words, whole euros and whole percents as the budget page and the PDF."""
    title = _("Notre budget, ouvert à toutes et tous")
    figures = budget.budget_figures(workbook)
    if figures.empty or not figures.euros.charges:
        body = f'<p class="kpa-hint">{esc(_("Le budget n’est pas encore chiffré."))}</p>'
    else:
        charges = _("Charges de l'année : {amount}").format(amount=format_money_rounded(figures.euros.charges))
        secured = _("{percent} acquis").format(percent=percent_text(figures.percents["secured"]))
        # folded under its two figures: the bar and its legend are a screen's third on a phone
        body = (f'<details class="kpa-more" id="budget-more"><summary>{esc(charges)} · {esc(secured)}</summary>'
                f'{coverage_bar(figures)}{_years_html(figures.years)}</details>')
    return f'<section class="kpa-card" id="budget"><h2>{esc(title)}</h2>{body}</section>'


def _years_html(years: budget.YearsFigures) -> str:
    """Years 1 to 3 as the « Trois ans » tab and the PDF's annex print them (whole euros): charges,
    what is left to find, and the own resources' share against the network's mark."""
    head = (_("Charges"), _("Reste à trouver"), _("Ressources propres"))
    rows = []
    for year in years.years:
        cells = (format_money_rounded(year.charges), format_money_rounded(year.gap), percent_text(year.own_share))
        rows.append(f'<tr><th scope="row">{esc(_("Année {year}").format(year=year.year))}</th>'
                    + "".join(f'<td data-label="{esc(_("{title} :").format(title=name))}">{esc(cell)}</td>'
                              for name, cell in zip(head, cells)) + "</tr>")  # the label a narrow screen shows
    mark = _("Repère : {mark} de ressources propres (ventes, cotisations).").format(mark=percent_text(years.own_share_mark))
    return (f'<table class="kpa-years"><caption>{esc(_("Sur trois ans"))}</caption><thead><tr><td></td>'
            + "".join(f'<th scope="col">{esc(name)}</th>' for name in head) + f'</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table><p class="kpa-hint">{esc(mark)}</p>')


# ------------------------------------------------------------------ the page
#: Ideas listed open under « Mes priorités » (most dots first, plus those the phone dotted); the others are folded.
DOTS_LISTED = 3
#: Commitments listed open under « Nos engagements » (plus those the phone voted); the others are folded.
VOTES_LISTED = 3


def _jump_html() -> str:
    """Links to the page's sections, at its top (the page is several screens long on a phone)."""
    links = ((_("Moi"), "me"), (_("Idées"), "ideas"), (_("Votes"), "votes"), (_("Priorités"), "dots"))
    return (f'<nav class="kpa-jump" aria-label="{esc(_("Aller à"))}">'
            + "".join(f'<a href="#{anchor}">{esc(label)}</a>' for label, anchor in links) + "</nav>")


def _live(phone: Phone, workbook: Workbook) -> dict[str, str]:
    card = rg.card_of(workbook, phone.owner)
    return {"me-state": _me_state(card), "me-shown": _me_shown(_card_values(card)), "my-ideas": _my_ideas(phone, workbook),
            "dots": _dots_html(phone, workbook), "group": _group_html(workbook), "budget": _budget_html(workbook)}


def live_sections(phone: Phone, workbook: Workbook) -> dict[str, str]:
    """What another device's save can change on a phone: never a field the person is typing in."""
    with use_language(phone.lang):
        return _live(phone, workbook)


def page_html(phone: Phone, workbook: Workbook | None, revision: str, *, problem: str = "") -> str:
    """The whole page for *phone*, as the file is at *revision* (*problem*: why there is no workbook)."""
    with use_language(phone.lang):
        other = "en" if phone.lang == "fr" else "fr"
        switch = Phone(phone.owner, other).url()
        territory = esc(workbook.identity.territory) if workbook is not None else ""
        header = (f'<header><div><div class="kpa-brand">{esc(_("Atelier KPA"))}</div><div class="kpa-territory">{territory}'
                  f'</div></div><a class="kpa-lang" href="{esc(switch)}" lang="{other}">'
                  f'{"English" if other == "en" else "Français"}</a></header>')
        if workbook is None:
            body = _status(problem or _("Aucun atelier n'est ouvert sur ce carnet."), "error")
        else:
            body = (_jump_html() + _me_html(phone, workbook) + _ideas_html(phone, workbook) + _votes_html(phone, workbook)
                    + _dots_html(phone, workbook) + _group_html(workbook) + _budget_html(workbook) + _forget_html(phone))
        offline = _("Pas de connexion avec l’atelier : votre envoi est gardé sur ce téléphone et partira tout seul "
                    "dès que l’atelier répond.")
        no_script = _status(_("Cette page a besoin de JavaScript : activez-le, puis rechargez."), "error")
        return (f'<!DOCTYPE html><html lang="{phone.lang}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light">'
                f'<title>{esc(_("Atelier KPA"))}</title><link rel="icon" href="data:,"><style>{page_style()}</style></head>'
                f'<body data-live="{esc(phone.url(LIVE_PATH))}" data-revision="{esc(revision)}" data-offline="{esc(offline)}">'
                f'<main class="kpa-phone">{header}<noscript>{no_script}</noscript>{body}</main>'
                f'<script src="{_STATIC}/phone.js" defer></script></body></html>')


# ------------------------------------------------------------------ acting
_sent: OrderedDict[str, deque[float]] = OrderedDict()


def _rate(owner: str) -> None:
    now = time.monotonic()
    sent = _sent.pop(owner, None) or deque()
    while sent and now - sent[0] > 60:
        sent.popleft()
    _sent[owner] = sent
    while len(_sent) > _RATE_MEMORY:
        _sent.popitem(last=False)
    if len(sent) >= RATE_PER_MINUTE:
        raise RoomRateError("Beaucoup d'envois en peu de temps : attendez une minute, rien n'est perdu.")
    sent.append(now)


def _one(args: Mapping[str, Sequence[str]], name: str) -> str:
    values = args.get(name) or [""]
    return values[-1]


def _typed_card(args: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    return {"alias": _one(args, "alias"), "age_band": _one(args, "age_band"), "gender": _one(args, "gender"),
            "situations": privacy.with_sensitive(args, list(args.get("situations") or [])), "wishes": _one(args, "wishes"),
            "skills": _one(args, "skills")}


def _changed_card(args: Mapping[str, Sequence[str]], typed: dict[str, Any], card: rg.Card | None) -> dict[str, Any]:
    """The card's fields to save: all of them for a new (or put back) card, else those the person changed."""
    fields = dict(typed)
    if card is not None and not card.removed:
        shown = {name: _one(args, f"shown-{name}") for name in _CARD_FIELDS}
        fields = {name: value for name, value in typed.items()
                  if (",".join(value) if isinstance(value, list) else value) != shown[name]}
    return {name: (value or None) if name in ("age_band", "gender") else value for name, value in fields.items()}


#: The fields of each form, by action (their error slots are sent back with every answer to that form).
_FORM_FIELDS = {"card": _CARD_FIELDS, "idea": ("text", "kind")}
_ROOM_FULL = N_("L'atelier est complet : il n'y a plus de place pour cela. Dites-le à l'animateur·rice.")


def sent_id(owner: str, send: str) -> str:
    """The id of the item a send with key *send* adds (a retry finds it), or "" without a key."""
    if not send or len(send) > 64:
        return ""
    return hashlib.sha256(f"{owner}:{send}".encode()).hexdigest()[:12]


def act(workspace: Workspace, name: str, phone: Phone, args: Mapping[str, Sequence[str]]) -> Reply:
    """Carry out the form *args* sent by *phone* on workbook *name*; the sections to draw again.

    Refused (too long, too many, not yours, too fast…): ``ok`` is False and only the form's
    status comes back, so what the person typed stays on the phone.
    """
    action = _one(args, "action")
    with use_language(phone.lang):
        try:
            return _act(workspace, name, phone, action, args)
        except Exception as exc:  # noqa: BLE001 - the phone must never see a traceback
            if isinstance(exc, KpaError):
                message = exc.message(phone.lang)
            elif isinstance(exc, ValidationError) and exc.errors(include_url=False)[0]["type"] == "too_long":
                message = translate(_ROOM_FULL, phone.lang)  # a list of the room is full (dots, votes…)
            else:  # the traceback goes to the server's terminal only
                _log.exception("The participant page could not do « %s »", action[:40])
                message = translate(_UNEXPECTED, phone.lang)
            section = {"card": "me", "vote": "votes", "dot": "dots", "forget": "forget",
                       "forget-ask": "forget", "forget-cancel": "forget"}.get(action, "idea")
            reply = {f"{section}-status": _status_box(section, message, "error")}
            field_name = exc.params.get("field") if isinstance(exc, KpaError) else None
            if action in _FORM_FIELDS and field_name in _FORM_FIELDS[action]:  # said beside its field
                reply = {**errors_of(_FORM_FIELDS[action], {str(field_name): message}),
                         f"{section}-status": _status_box(section, fields_summary([str(field_name)]), "error")}
            if action in ("vote", "dot"):  # the buttons go back to what the file says
                try:
                    reply = {section: (_votes_html if action == "vote" else _dots_html)(
                        phone, workspace.open(name).workbook, (message, "error"))}
                except KpaError:
                    pass
            return Reply(False, reply)


def _act(workspace: Workspace, name: str, phone: Phone, action: str, args: Mapping[str, Sequence[str]]) -> Reply:
    owner = phone.owner
    if action == "idea-cancel":
        return Reply(True, {"idea-fields": _idea_fields(None), "idea-status": _status_box("idea")})
    if action == "idea-edit":
        workbook = workspace.open(name).workbook
        idea = next((i for i in rc.ideas_of(workbook.room, owner) if i.id == _one(args, "idea")), None)
        if idea is None:
            raise rc.RoomError("Cette idée n'est plus au mur.")
        return Reply(True, {"idea-fields": _idea_fields(idea), "idea-status": _status_box("idea")})
    if action in ("forget-ask", "forget-cancel"):  # asked twice: it cannot be undone
        return Reply(True, {"forget": _forget_html(phone, confirming=action == "forget-ask")})
    if action == "forget":
        return _forget(workspace, name, phone, args)
    if action not in ("card", "idea", "idea-remove", "vote", "dot"):
        raise rc.RoomError("Action inconnue : rechargez la page.")
    _rate(owner)
    change: Callable[[Workbook], Any]
    if action == "card":
        typed = _typed_card(args)
        problems = rg.card_problems({name: (value or None) if name in ("age_band", "gender") else value
                                     for name, value in typed.items()})
        if problems:  # every problem at once, each beside its field; nothing is written
            said = {name: problem.message(phone.lang) for name, problem in problems.items()}
            return Reply(False, {**errors_of(_CARD_FIELDS, said), "me-status": _status_box(
                "me", fields_summary([name for name in _CARD_FIELDS if name in said]), "error")})

        def change(workbook: Workbook) -> Any:
            return rg.save_card(workbook, owner, **_changed_card(args, typed, rg.card_of(workbook, owner)))
        done, section = _("Fiche enregistrée : merci !"), "me"
    elif action == "idea":
        text, kind, editing = _one(args, "text"), _one(args, "kind"), _one(args, "idea")
        if editing:
            def change(workbook: Workbook) -> Any:
                return rc.edit_idea(workbook.room, owner, editing, text, kind)
            done = _("Idée modifiée.")
        else:
            sent = sent_id(owner, _one(args, "send"))

            def change(workbook: Workbook) -> Any:
                again = next((i for i in workbook.room.ideas if sent and i.id == sent), None)
                if again is not None:  # the same send again (its answer was lost): already on the wall
                    return again
                idea = rc.add_idea(workbook.room, owner, text, kind)
                if sent:
                    idea.id = sent
                return idea
            done = _("Idée envoyée.")
        section = "idea"
    elif action == "idea-remove":
        idea_id = _one(args, "idea")

        def change(workbook: Workbook) -> Any:
            return rc.remove_idea(workbook.room, owner, idea_id)
        done, section = _("Idée retirée."), "idea"
    elif action == "vote":
        commitment, choice = _one(args, "commitment"), _one(args, "choice")

        def change(workbook: Workbook) -> Any:
            return rc.set_vote(workbook.room, owner, commitment, choice or None)
        done, section = _("Vote enregistré."), "votes"
    else:
        idea_id, want = _one(args, "idea"), _one(args, "want")

        def change(workbook: Workbook) -> Any:
            if want in ("on", "off") and (idea_id in rc.dots_of(workbook.room, owner)) == (want == "on"):
                return want == "on"  # already as wanted (a send arriving twice)
            return rc.toggle_dot(workbook.room, owner, idea_id)
        done, section = "", "dots"
    result, saved = apply_now(workspace, name, change)
    workbook = saved.workbook
    sections = _live(phone, workbook)
    if action in _FORM_FIELDS:  # the form's error slots, emptied (the idea form is drawn again whole)
        sections.update(errors_of(_FORM_FIELDS[action], {}))
    if action == "card":
        sections["me-status"] = _status_box("me", done)
    elif section == "idea":
        if action == "idea" and result is not None:
            done = f"{done} {place_text(workbook, result.id)}"
        sections["idea-status"] = _status_box("idea", done)
        if action == "idea":
            sections["idea-fields"] = _idea_fields(None)
    elif action == "vote":
        sections["votes"] = _votes_html(phone, workbook, (done, "ok"))
    else:
        sections["dots"] = _dots_html(phone, workbook, (_("Gommette posée.") if result else _("Gommette retirée."), "ok"))
    return Reply(True, sections, saved.revision)


# ------------------------------------------------------------------ taking one's answers back
def _forget_html(phone: Phone, confirming: bool = False, done: str = "") -> str:
    return privacy.forget_html(_form(phone, None, privacy.forget_fields(confirming) + _status_box("forget", done)))


def _forget(workspace: Workspace, name: str, phone: Phone, args: Mapping[str, Sequence[str]]) -> Reply:
    """« Effacer mes réponses »: the person leaves the workbook, its history, snapshots and trash; the page's
    card form is drawn again empty."""
    _rate(phone.owner)
    forget_everywhere(workspace, name, phone.owner, keep_ideas=_one(args, "keep_ideas") == "yes")
    opened = workspace.open(name)
    sections = _live(phone, opened.workbook)
    sections["me"] = _me_html(phone, opened.workbook)
    sections["idea-fields"] = _idea_fields(None)
    sections["votes"] = _votes_html(phone, opened.workbook)
    sections["forget"] = _forget_html(phone, done=_("Vos réponses sont effacées, versions gardées comprises."))
    return Reply(True, sections, opened.revision)
