"""Tornado handlers of the participant page (:mod:`kpawidgets.web.phone`), inside ``kpa serve --atelier``.

Who may open them is the workshop's identity provider's call
(:class:`~kpawidgets.config.atelier_auth.AtelierIdentityProvider`, through the server's
``identity_provider`` setting): the participants' code or the facilitator's. The page reads
and writes only the workshop's workbook (:data:`~kpawidgets.storage.room.ATELIER_WORKBOOK_ENV`).
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any
from urllib.parse import quote

from tornado import web

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, normalize_language, translate
from kpawidgets.model.room.records import owner_of, valid_key
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import ATELIER_WORKBOOK_ENV
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web.phone import KEY_COOKIE, LIVE_PATH, PHONE_PATH, Phone, act, live_sections, page_html, style_source

__all__ = ["PhoneHandler", "PhoneLiveHandler", "phone_handlers", "BODY_MAX"]

#: A form of the page is a few kB; anything much larger is not one of its forms.
BODY_MAX = 64 * 1024
#: The page's own header on the forms its script sends. Another site's page can send neither it
#: (a form cannot, a script would need this server's consent) nor the cookies, which are
#: ``SameSite=Strict``: a forged request from elsewhere is refused twice.
SCRIPT_HEADER = "X-KPA-Phone"
_POLICY = ("default-src 'none'; style-src {style}; script-src 'self'; font-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_TOO_LONG = N_("Ce formulaire est trop long pour être envoyé.")
#: The workbook as last read, by name: (revision, workbook). Twenty phones asking after one
#: save read the file once.
_read: dict[str, tuple[str, Workbook]] = {}


def _workbook_now(workspace: Workspace, name: str) -> tuple[Workbook, str]:
    revision = workspace.current_revision(name)
    held = _read.get(name)
    if held is not None and held[0] == revision:
        return held[1], held[0]
    opened = workspace.open(name)
    _read[name] = (opened.revision, opened.workbook)
    return opened.workbook, opened.revision


class _PhoneBase(web.RequestHandler):
    def prepare(self) -> None:
        provider = self.settings.get("identity_provider")
        user = provider.get_user(self) if provider is not None else None
        if user is None:
            if self.request.method == "GET" and self.request.path == PHONE_PATH:
                self.redirect("/login?next=" + quote(PHONE_PATH))
            else:
                raise web.HTTPError(403)
            return
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", _POLICY.format(style=style_source()))
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Referrer-Policy", "no-referrer")

    def phone(self, *, give_key: bool) -> Phone | None:
        """Who asks; a phone without a key gets one when *give_key* (None otherwise)."""
        key = self.get_cookie(KEY_COOKIE) or ""
        if not valid_key(key):
            if not give_key:
                return None
            key = secrets.token_urlsafe(24)
            self.set_cookie(KEY_COOKIE, key, httponly=True, samesite="Strict", path=PHONE_PATH, expires_days=30)
        lang = normalize_language(self.get_argument("lang", "fr"))
        form = self.xsrf_form_html() if self.settings.get("xsrf_cookies") else ""
        return Phone(owner_of(key), lang, form)

    @staticmethod
    def workbook_name() -> str:
        return os.environ.get(ATELIER_WORKBOOK_ENV, "")

    def send_json(self, data: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))


class PhoneHandler(_PhoneBase):
    """``/atelier``: the participant page (GET) and its forms (POST)."""

    def get(self) -> None:
        phone = self.phone(give_key=True)
        assert phone is not None
        workbook, revision, problem = None, "", ""
        try:
            workbook, revision = _workbook_now(Workspace(), self.workbook_name())
        except KpaError as exc:
            problem = exc.message(phone.lang)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page_html(phone, workbook, revision, problem=problem))

    def post(self) -> None:
        if SCRIPT_HEADER not in self.request.headers:
            raise web.HTTPError(403)
        phone = self.phone(give_key=True)
        assert phone is not None
        if len(self.request.body) > BODY_MAX:
            self.send_json({"ok": False, "message": translate(_TOO_LONG, phone.lang)}, 413)
            return
        args = {name: [value.decode("utf-8", "replace") for value in values]
                for name, values in self.request.body_arguments.items()}
        reply = act(Workspace(), self.workbook_name(), phone, args)
        self.send_json({"ok": reply.ok, "sections": reply.sections, "revision": reply.revision})


class PhoneLiveHandler(_PhoneBase):
    """``/atelier/live?revision=…``: what others changed since the phone's revision (204: nothing)."""

    def get(self) -> None:
        phone = self.phone(give_key=False)
        if phone is None:
            self.set_status(204)
            self.finish()
            return
        try:
            workbook, revision = _workbook_now(Workspace(), self.workbook_name())
        except KpaError:
            self.set_status(204)  # the page keeps what it shows; the next save says what is wrong
            self.finish()
            return
        if revision == self.get_argument("revision", ""):
            self.set_status(204)
            self.finish()
            return
        self.send_json({"revision": revision, "sections": live_sections(phone, workbook)})


def phone_handlers() -> list[tuple[str, object]]:
    """The routes of the participant page, for the server's identity provider to add."""
    return [(PHONE_PATH, PhoneHandler), (LIVE_PATH, PhoneLiveHandler)]
