"""Tornado handlers of the participant page (:mod:`kpawidgets.web.phone`), inside ``kpa serve --atelier``.

Who may open them is the workshop's identity provider's call
(:class:`~kpawidgets.config.atelier_auth.AtelierIdentityProvider`, through the server's
``identity_provider`` setting): the participants' code or the facilitator's. The page reads
and writes only the workshop's workbook (:data:`~kpawidgets.storage.room.ATELIER_WORKBOOK_ENV`).

A person, in a room without accounts, is a phone key the server gave: every limit of the room
(sends a minute, dots, ideas, one card) counts per key, so the server issues the keys itself,
signed with the workshop's secret (HMAC-SHA-256, the server's ``kpa_phone_secret`` setting), and
refuses any other — an invented key is a new phone only through the page, and new keys are
limited in their turn: :data:`KEYS_PER_ADDRESS` a minute and :data:`KEYS_PER_ADDRESS_IN_ALL` in
all per address (on a hotspot or the venue's Wi-Fi each phone has its own) and
:data:`KEYS_IN_ALL` a minute for the participants' code in all. The facilitator sees the counts and can close the door to new phones
(:func:`mint_stats`, :func:`set_door`; the page ``/atelier/animation``), phones already in
keep going.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from tornado import httputil, web
from tornado.ioloop import IOLoop

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, translate
from kpawidgets.model.room.records import owner_of, valid_key
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import ATELIER_WORKBOOK_ENV
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web.phone import KEY_COOKIE, LIVE_PATH, PHONE_PATH, Phone, act, live_sections, page_html, style_source
from kpawidgets.web.phone_fields import LANG_COOKIE, phone_language

__all__ = ["BoundedBody", "PhoneHandler", "PhoneLiveHandler", "phone_handlers", "BODY_MAX", "KEYS_PER_ADDRESS", "KEYS_IN_ALL",
           "new_key", "key_is_ours", "mint_stats", "set_door", "SECRET_SETTING"]

#: A form of the page is a few kB; anything much larger is not one of its forms (refused from its
#: ``Content-Length``, or as its bytes arrive, before it is read whole).
BODY_MAX = 16 * 1024
#: The page's own header on the forms its script sends. Another site's page can send neither it
#: (a form cannot, a script would need this server's consent) nor the cookies, which are
#: ``SameSite=Strict``: a forged request from elsewhere is refused twice.
SCRIPT_HEADER = "X-KPA-Phone"
_POLICY = ("default-src 'none'; style-src {style}; script-src 'self'; font-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_TOO_LONG = N_("Ce formulaire est trop long pour être envoyé.")
_RELOAD = N_("Ce téléphone n'est pas encore connu de l'atelier : rechargez la page.")
_BUSY_DOOR = N_("Beaucoup de téléphones arrivent en même temps : attendez une minute, puis rechargez la page.")
_CLOSED_DOOR = N_("L'atelier n'accueille plus de nouveaux téléphones pour le moment : demandez à l'animateur·rice.")
#: « Effacer mes réponses » rewrites every version kept of the workbook (seconds with a long history): it runs
#: here, off the server's event loop, so the other phones' sends and pages are not held meanwhile; one thread, so
#: two erasures never rewrite the history at once.
_ERASER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpa-erase")
#: The server's setting holding the workshop's secret (bytes) that signs the phones' keys.
SECRET_SETTING = "kpa_phone_secret"
#: New phone keys a minute from one address, from one address since the server started, and a
#: minute for the participants' code in all. The computer itself (loopback: the facilitator's
#: tabs, tests, the bench) counts in all only.
KEYS_PER_ADDRESS = 6
KEYS_PER_ADDRESS_IN_ALL = 20
KEYS_IN_ALL = 120
_LOOPBACK = ("127.0.0.1", "::1")
_minted_by_address: dict[str, int] = {}
_log = logging.getLogger("kpa.atelier")
_minted: deque[tuple[float, str]] = deque()
_mint_totals = {"minted": 0, "refused": 0, "refused_minute": 0, "logged": 0.0}
_door = {"closed": False}


def _signature(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_key(secret: bytes) -> str:
    """A phone key signed with *secret*: 22 random characters, then their signature (22)."""
    body = secrets.token_urlsafe(16)
    return body + _signature(secret, body)


def key_is_ours(secret: bytes, key: str) -> bool:
    """Whether *key* is one this server gave (signed with *secret*)."""
    return (isinstance(key, str) and len(key) == 44 and valid_key(key)
            and hmac.compare_digest(_signature(secret, key[:22]), key[22:]))


def _may_mint(address: str, now: float) -> str:
    """"" when a new key may be given to *address* now (and counts it), else the reason's message."""
    while _minted and now - _minted[0][0] > 60:
        _minted.popleft()
    reason = ""
    if _door["closed"]:
        reason = _CLOSED_DOOR
    elif len(_minted) >= KEYS_IN_ALL or address not in _LOOPBACK and (
            sum(1 for _t, a in _minted if a == address) >= KEYS_PER_ADDRESS
            or _minted_by_address.get(address, 0) >= KEYS_PER_ADDRESS_IN_ALL):
        reason = _BUSY_DOOR
    if reason:
        _mint_totals["refused"] += 1
        _mint_totals["refused_minute"] += 1
        if now - _mint_totals["logged"] >= 60:  # a flood logs one line a minute
            _log.warning("kpa atelier: %d new phone(s) refused in the last minute (door %s)",
                         _mint_totals["refused_minute"], "closed" if _door["closed"] else "busy")
            _mint_totals["logged"], _mint_totals["refused_minute"] = now, 0
        return reason
    _minted.append((now, address))
    _minted_by_address[address] = _minted_by_address.get(address, 0) + 1
    while len(_minted_by_address) > 10_000:  # bounded memory (a /16 of addresses at most)
        del _minted_by_address[next(iter(_minted_by_address))]
    _mint_totals["minted"] += 1
    return ""


def mint_stats() -> dict[str, Any]:
    """For the facilitator: keys given in the last minute and since the start, refusals, the door."""
    now = time.monotonic()
    return {"last_minute": sum(1 for t, _a in _minted if now - t <= 60), "minted": _mint_totals["minted"],
            "refused": _mint_totals["refused"], "closed": _door["closed"],
            "addresses": len({a for t, a in _minted if now - t <= 60})}


def set_door(closed: bool) -> None:
    """Close (or open again) the door to new phones; phones already in keep going."""
    _door["closed"] = closed
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


@web.stream_request_body
class BoundedBody(web.RequestHandler):
    """A handler whose request body is refused past :attr:`body_limit` bytes before it is read:
    its ``Content-Length`` is checked when the headers arrive, and the bytes as they come."""

    body_limit = BODY_MAX

    def prepare(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        length = self.request.headers.get("Content-Length", "")
        if length and (not length.isdigit() or int(length) > self.body_limit):
            self.too_large()
            return
        if self.request.method in ("POST", "PUT", "PATCH"):
            self.request.connection.set_max_body_size(self.body_limit)  # type: ignore[union-attr]

    def too_large(self) -> None:
        """Answer a body too large (413); subclasses say it in their own way."""
        self.set_status(413)
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self.body_limit:
            raise web.HTTPError(413)
        self._chunks.append(chunk)

    def read_body(self) -> None:
        """Parse the body received (form fields into ``request.body_arguments``)."""
        self.request.body = b"".join(self._chunks)
        httputil.parse_body_arguments(self.request.headers.get("Content-Type", ""), self.request.body,
                                      self.request.body_arguments, self.request.files, self.request.headers)
        for name, values in self.request.body_arguments.items():
            self.request.arguments.setdefault(name, []).extend(values)


class _PhoneBase(BoundedBody):
    def too_large(self) -> None:
        lang = self.language()
        self.send_json({"ok": False, "message": translate(_TOO_LONG, lang)}, 413)

    def prepare(self) -> None:
        super().prepare()
        if self._finished:
            return
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

    def language(self) -> str:
        """The page's language (:func:`~kpawidgets.web.phone_fields.phone_language`): asked, kept, or the phone's."""
        return phone_language(self.get_argument("lang", None), self.get_cookie(LANG_COOKIE),
                              self.request.headers.get("Accept-Language"))

    def _key_ok(self, key: str) -> bool:
        secret = self.settings.get(SECRET_SETTING)
        return key_is_ours(secret, key) if isinstance(secret, bytes) and secret else valid_key(key)

    def phone(self, *, give_key: bool) -> Phone | None:
        """Who asks; a phone without a key of this server's gets one when *give_key* and the door
        lets it (None otherwise; :attr:`refusal` then says why)."""
        self.refusal = _RELOAD
        key = self.get_cookie(KEY_COOKIE) or ""
        if not self._key_ok(key):
            if not give_key:
                return None
            refused = _may_mint(self.request.remote_ip or "", time.monotonic())
            if refused:
                self.refusal = refused
                return None
            secret = self.settings.get(SECRET_SETTING)
            key = new_key(secret) if isinstance(secret, bytes) and secret else secrets.token_urlsafe(24)
            self.set_cookie(KEY_COOKIE, key, httponly=True, samesite="Strict", path=PHONE_PATH, expires_days=30)
        lang = self.language()
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
        if phone is None:
            lang = self.language()
            self.set_status(429 if self.refusal == _BUSY_DOOR else 403)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page_html(Phone("", lang, ""), None, "", problem=translate(self.refusal, lang)))
            return
        workbook, revision, problem = None, "", ""
        try:
            workbook, revision = _workbook_now(Workspace(), self.workbook_name())
        except KpaError as exc:
            problem = exc.message(phone.lang)
        # the language of this visit is kept for the next ones (the address after the join code says none)
        self.set_cookie(LANG_COOKIE, phone.lang, samesite="Strict", path=PHONE_PATH, expires_days=30)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page_html(phone, workbook, revision, problem=problem))

    async def post(self) -> None:
        if SCRIPT_HEADER not in self.request.headers:
            raise web.HTTPError(403)
        phone = self.phone(give_key=False)
        if phone is None:  # keys come with the page: a form without one is refused, kindly
            lang = self.language()
            self.send_json({"ok": False, "message": translate(_RELOAD, lang)}, 403)
            return
        self.read_body()
        args = {name: [value.decode("utf-8", "replace") for value in values]
                for name, values in self.request.body_arguments.items()}
        if args.get("action") == ["forget"]:
            reply = await IOLoop.current().run_in_executor(_ERASER, act, Workspace(), self.workbook_name(), phone, args)
        else:
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
        sections = live_sections(phone, workbook)
        hashes = {name: section_hash(html) for name, html in sections.items()}
        held = _held_hashes(self.get_argument("have", ""))
        # what changed only: a section the phone already shows as it is now is not sent again
        self.send_json({"revision": revision, "hashes": hashes,
                        "sections": {name: html for name, html in sections.items() if held.get(name) != hashes[name]}})


def section_hash(html: str) -> str:
    """A short digest of a section's HTML (the phone sends back those it shows: ``have``)."""
    return hashlib.blake2s(html.encode("utf-8"), digest_size=8).hexdigest()


def _held_hashes(text: str) -> dict[str, str]:
    """``id:hash,id:hash`` (what the phone shows) as a map; anything else is ignored."""
    held = {}
    for part in text[:2000].split(","):
        name, _colon, digest = part.partition(":")
        if name and len(digest) == 16:
            held[name[:40]] = digest
    return held


def phone_handlers() -> list[tuple[str, object]]:
    """The routes of the participant page, for the server's identity provider to add."""
    return [(PHONE_PATH, PhoneHandler), (LIVE_PATH, PhoneLiveHandler)]
