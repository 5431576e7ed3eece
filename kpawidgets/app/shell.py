"""The frame every page shares: navigation, language, workbook name, save status."""

from __future__ import annotations

import contextlib
import functools
import html
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import ipywidgets as widgets

from kpawidgets.app.live import Changes, Replaced, follow_widgets
from kpawidgets.app.session import SaveStatus, WorkbookSession
from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, translate, use_language
from kpawidgets.model.checklist.partners import partner_names
from kpawidgets.model.merge import value_text
from kpawidgets.storage.history import place_text

__all__ = ["PAGES", "page_url", "PageShell", "guarded", "message_html", "contrast_button", "esc"]

#: (notebook file, title message id) in navigation order.
PAGES: list[tuple[str, str]] = [
    ("00_accueil.ipynb", N_("Accueil")),
    ("01_checklist.ipynb", N_("Check-list de lancement")),
    ("02_budget.ipynb", N_("Budget année 1")),
    ("03_plan.ipynb", N_("Plan de lancement")),
    ("05_groupe.ipynb", N_("Le groupe en direct")),
]

F = TypeVar("F", bound=Callable[..., Any])


def esc(text: object) -> str:
    """Escape user text for HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def page_url(page: str, workbook: str | None = None, lang: str = "fr") -> str:
    """A link to another page (relative to ``/voila/render/``), keeping the workbook and language."""
    params = {}
    if workbook:
        params["workbook"] = workbook
    if lang != "fr":
        params["lang"] = lang
    return page + ("?" + urlencode(params) if params else "")


def message_html(text: str, kind: str = "info") -> str:
    """A banner (``info``, ``ok``, ``warning``, ``error``) with escaped text."""
    return f'<div class="kpa-banner kpa-banner-{kind}" role="status">{esc(text)}</div>'


def contrast_button() -> str:
    """« Contraste élevé »: the projector's high-contrast theme on or off, on this browser (the template's
    ``contrast.js`` does it, keeps the choice and says it in ``aria-pressed``; ``?contraste=eleve|normal`` too)."""
    return f'<button type="button" class="kpa-contrast-toggle" aria-pressed="false">{esc(_("Contraste élevé"))}</button>'


def guarded(report: Callable[[str], None], lang: str | None = None) -> Callable[[F], F]:
    """Decorate a widget callback so that no exception reaches the visitor as a traceback.

    The one callback guard of the app: the callback runs in the page's language *lang*
    (when given); a :class:`KpaError` is shown as its message; anything else as a short
    apology, with the traceback in the server's log only.
    """

    def decorate(callback: F) -> F:
        @functools.wraps(callback)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with use_language(lang) if lang else contextlib.nullcontext():
                return _run(callback, report, args, kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _run(callback: Callable[..., Any], report: Callable[[str], None], args: Any, kwargs: Any) -> Any:
    try:
        return callback(*args, **kwargs)
    except KpaError as exc:
        report(exc.message())
    except Exception:  # noqa: BLE001 - the visitor must never see a traceback
        # sys.__stderr__ is the kernel process's own stderr, i.e. the server's log
        # (sys.stderr would go to the page's message stream).
        traceback.print_exc(file=sys.__stderr__)
        report(_("Une erreur inattendue est survenue ; rien n'a été perdu. Rechargez la page si elle ne répond plus."))
    return None


class PageShell(widgets.VBox):
    """Header (title, navigation, language), a status line and the page's body.

    The status line shows save results; after a conflict it offers « Recharger »
    and « Garder une copie ».
    """

    def __init__(self, page: str, session: WorkbookSession, body: widgets.Widget | None = None) -> None:
        self.page = page
        self.session = session
        self.header = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.status = widgets.HTML()
        self.status.add_class("kpa-status-line")
        self.reload_button = widgets.Button(description=_("Recharger"), icon="", button_style="warning")
        self.copy_button = widgets.Button(description=_("Garder une copie"), button_style="")
        self.conflict_actions = widgets.HBox([self.reload_button, self.copy_button],
                                             layout=widgets.Layout(display="none"))
        self.body = widgets.Box([body] if body is not None else [], layout=widgets.Layout(width="100%"))
        # The browser's proof that this kernel is the page's own (kpa.js): it sends a token
        # into ``heartbeat`` and waits for ``pong`` to echo it. A kernel that crashed and was
        # restarted blank under the same id has none of these widgets and never answers.
        self.heartbeat = widgets.Text(continuous_update=False, layout=widgets.Layout(display="none"))
        self.heartbeat.add_class("kpa-heartbeat")
        self.pong = widgets.HTML(layout=widgets.Layout(display="none"))
        self.pong.add_class("kpa-heartbeat-pong")
        self.heartbeat.observe(self._echo, names="value")
        # The workbook the page edits, for the address bar (kpa.js keeps ?workbook= in step, so
        # that a reload or a bookmark after « Créer » opens the new workbook, not the example).
        self.address = widgets.HTML(layout=widgets.Layout(display="none"))
        self.address.add_class("kpa-address")
        self.reload_button.on_click(self.guard(lambda _button: self._reload()))
        self.copy_button.on_click(self.guard(lambda _button: self._keep_copy()))
        session.on_status(self._on_status)
        super().__init__([self.header, self.status, self.conflict_actions, self.body, self.heartbeat, self.pong,
                          self.address])
        session.on_workbook(lambda _workbook: self._show_address())
        self._show_address()
        self.add_class("kpa-page")
        self.render_header()

    @property
    def lang(self) -> str:
        return self.session.lang

    def guard(self, callback: F) -> F:
        """*callback* under :func:`guarded`, in the page's language, problems in the status line."""
        return guarded(self.show_error, self.session.lang)(callback)

    def report(self, text: str) -> None:
        """Show a problem in the status line (what :class:`~kpawidgets.app.fields.Editor` needs)."""
        self.show_error(text)

    def set_body(self, body: widgets.Widget) -> None:
        self.body.children = (body,)

    def follow_workbook(self, build: Callable[[], widgets.Widget]) -> None:
        """Fill the body with ``build()`` now and again whenever the session's workbook is
        replaced (opened, reloaded after a conflict, kept as a copy)."""

        def fill(_workbook: object = None) -> None:
            with use_language(self.session.lang):
                self.set_body(build())

        fill()
        self.session.on_workbook(fill)
        self.follow_others()

    def follow_others(self) -> None:
        """Show what other devices save in this workbook, live (:mod:`kpawidgets.app.live`).

        The model is updated in place; the body (if it has ``follow_external(changes)``) redraws
        what is computed from it, then the bound fields show their new values.
        """

        put_back = widgets.Button(description=_("Remettre le vôtre"), button_style="warning")
        put_back.add_class("kpa-put-back")
        actions = widgets.HBox([put_back], layout=widgets.Layout(display="none"))
        kids: tuple[Any, ...] = tuple(self.children)  # type: ignore[has-type]
        self.children = (*kids[:2], actions, *kids[2:])
        offered: list[Replaced] = []

        def show(changes: Changes) -> None:
            page = self.body.children[0] if self.body.children else None
            follow = getattr(page, "follow_external", None)
            if callable(follow):
                follow(changes)
            follow_widgets(self.body)
            self.render_header()

        def followed(changes: Changes) -> None:
            show(changes)
            if changes.replaced:  # the same field, changed here then there: say it, offer ours back
                offered[:] = changes.replaced
                partners = partner_names(self.session.workbook) if self.session.workbook is not None else None
                lines = [_("Un autre appareil a mis {theirs} à la place de votre {mine} : {place}.").format(
                    theirs=value_text(r.theirs, r.path[-1], partners), mine=value_text(r.mine, r.path[-1], partners),
                    place=place_text(r.place)) for r in changes.replaced[:3]]
                self.status.value = message_html(" ".join(lines), "warning")
                actions.layout.display = "flex"
            elif changes:
                text = esc(_("Changements d'un autre appareil affichés"))
                self.status.value = f'<div class="kpa-saved kpa-followed" role="status">↻ {text}</div>'
                actions.layout.display = "none"

        def give_back(_button: object) -> None:
            actions.layout.display = "none"
            for replaced in offered:
                self.session.put_back(replaced)
            offered.clear()
            show(Changes())

        put_back.on_click(self.guard(give_back))

        self.session.on_external_change(self.guard(followed))
        self.session.follow_file()

        def refollow(_workbook: object) -> None:
            self.session.follow_file()

        self.session.on_workbook(refollow)

    def render_header(self) -> None:
        """(Re)draw the navigation bar for the current workbook and language."""
        lang = self.session.lang
        name = self.session.name
        links = []
        for page, title in PAGES:
            current = ' aria-current="page" class="kpa-nav-current"' if page == self.page else ""
            links.append(f'<a href="{esc(page_url(page, name, lang))}"{current}>{esc(translate(title, lang))}</a>')
        other = "en" if lang == "fr" else "fr"
        switch = f'<a class="kpa-lang" href="{esc(page_url(self.page, name, other))}" lang="{other}">' \
                 f'{"English" if other == "en" else "Français"}</a>'
        territory = ""
        if self.session.workbook is not None:
            territory = f'<span class="kpa-territory">{esc(self.session.workbook.identity.territory)}</span>'
        self.header.value = (
            f'<header class="kpa-header"><div class="kpa-brand">Carnet KPA{territory}</div>'
            f'<nav class="kpa-nav" aria-label="{esc(_("Pages"))}">{"".join(links)}{switch}</nav></header>'
        )

    def _show_address(self) -> None:
        name = self.session.name
        self.address.value = f'<span data-kpa-workbook="{esc(name)}"></span>' if name else ""

    def _echo(self, change: dict[str, Any]) -> None:
        token = "".join(ch for ch in str(change["new"])[:64] if ch.isalnum())
        self.pong.value = f'<span data-pong="{token}"></span>'

    def show_error(self, text: str) -> None:
        self.status.value = message_html(text, "error")

    def show_info(self, text: str, kind: str = "info") -> None:
        self.status.value = message_html(text, kind)

    def _on_status(self, status: SaveStatus) -> None:
        if status.kind == "saved":
            self.status.value = f'<div class="kpa-saved" role="status">✓ {esc(_(status.message))}</div>'
            self.conflict_actions.layout.display = "none"
        elif status.kind == "conflict":
            self.status.value = message_html(status.message, "warning")
            self.conflict_actions.layout.display = "flex"
        else:
            self.status.value = message_html(status.message, "error")

    def _reload(self) -> None:
        self.session.reload()
        self.conflict_actions.layout.display = "none"
        self.show_info(_("Carnet rechargé depuis le fichier."), "ok")
        self.render_header()

    def _keep_copy(self) -> None:
        name = self.session.keep_copy()
        if name:
            self.conflict_actions.layout.display = "none"
            url = page_url(self.page, name, self.session.lang)
            self.status.value = (
                f'<div class="kpa-banner kpa-banner-ok" role="status">{esc(_("Vos changements sont dans une copie :"))} '
                f'<a href="{esc(url)}">{esc(self.session.workbook.identity.territory if self.session.workbook else name)}</a></div>'
            )
            self.render_header()
