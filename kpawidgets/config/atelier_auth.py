"""The workshop mode's door, inside Voilà: who holds which code, and the join page.

``kpa serve --atelier`` starts Voilà with
``--Voila.identity_provider_class=kpawidgets.config.atelier_auth.AtelierIdentityProvider``.
jupyter_server asks this provider who the visitor is before every request of every
authenticated handler — the notebook renderer (which starts kernels), the tree (which lists
files), the kernels' API and websocket, the shutdown handler — and the participant page's
own handlers (:mod:`kpawidgets.web.handlers`, added by :meth:`~AtelierIdentityProvider.get_handlers`)
ask it too. The provider answers from the
``?code=`` of the URL, or from a signed cookie set when a code was first shown (signed with
Voilà's cookie secret, random for each run; ``SameSite=Strict``, ``HttpOnly``), and only when
:meth:`~kpawidgets.config.atelier.AtelierAccess.allowed` lets that role open that path.
Anything else is not authenticated: a GET is redirected to ``/login``, this module's join
page (French and English, a field for the short join code), anything else gets a 403.

A participant reaches no kernel at all: the participant page is drawn by the server itself.

Voilà's ``/voila/query/<kernel>`` (the visitor's request, read by a kernel started ahead in a
preheated pool) is not authenticated in Voilà: :class:`QueryHandler` takes its place and asks
this provider too. Its client is the kernel itself (``voila.utils.wait_for_request``), which
shows the kernels' key as HTTP basic authorization: ``kpa serve --atelier`` gives the kernels
the server's address as ``kpa-kernel:<key>@host`` (``VOILA_APP_IP``), and the ``websockets``
client sends a URL's user and password that way.

What a person on the same Wi-Fi without a code still reaches: the join page, and Voilà's
and the template's static files (scripts, stylesheets, fonts; no workbook data) — those
handlers are not authenticated in Voilà.
"""

from __future__ import annotations

import base64
import binascii
import html
import logging
import os
import re
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.services.kernels.handlers import _kernel_id_regex
from tornado import web
from voila.request_info_handler import RequestInfoSocketHandler

from kpawidgets.charts.palette import PALETTE
from kpawidgets.config.atelier import (
    ACCESS_ENV,
    CODES_ENV,
    FACILITATOR,
    JOIN_ATTEMPTS_PER_MINUTE,
    KERNEL,
    KERNEL_USER,
    PARTICIPANT,
    AtelierAccess,
    AtelierCodes,
    read_codes,
)
from kpawidgets.config.atelier_admin import ANIMATION_PATH, AnimationHandler
from kpawidgets.i18n import N_, translate
from kpawidgets.web.handlers import BoundedBody, phone_handlers
from kpawidgets.storage.room import JOIN_CODE_ENV, JOIN_URL_ENV
from kpawidgets.web.phone import PHONE_PATH

__all__ = ["AtelierIdentityProvider", "JoinHandler", "QueryHandler", "COOKIE"]

COOKIE = "kpa-atelier"
#: Failed join attempts in the last minute, per client address (a guesser locks out only itself).
_failures: dict[str, deque[float]] = {}
_failure_log = {"since": 0.0, "count": 0}
_log = logging.getLogger("kpa.atelier")

_TITLE = N_("Atelier Carnet KPA")
_ASK = N_("Pour participer, scannez le QR code affiché à l'écran, ou tapez ici le code de l'atelier.")
_FIELD = N_("Code de l'atelier")
_BUTTON = N_("Rejoindre")
_WRONG = N_("Ce code n'est pas celui de l'atelier. Vérifiez-le à l'écran et réessayez.")
_PARTICIPANTS_ONLY = N_("Votre code ouvre seulement la page des participant·es.")
_TO_PAGE = N_("Aller à la page des participant·es")
_NEED_CODE = N_("Cette page demande le code de l'atelier.")
_TOO_MANY = N_("Trop d'essais en peu de temps : attendez une minute.")


#: The codes file as last read: (its stat signature, the rule it gives).
_held: dict[str, tuple[tuple[int, ...], AtelierAccess]] = {}


def _access() -> AtelierAccess:
    """The rule now: from the workshop's codes file (:data:`CODES_ENV`, read again when it
    changed: a rotation or the workshop's end takes effect at once; no file, nobody in), else
    from :data:`ACCESS_ENV`."""
    path = os.environ.get(CODES_ENV)
    if not path:
        return AtelierAccess.from_json(os.environ.get(ACCESS_ENV))
    try:
        info = os.stat(path)
        signature: tuple[int, ...] = (info.st_ino, info.st_mtime_ns, info.st_size)
    except OSError:
        signature = ()
    held = _held.get(path)
    if held is not None and held[0] == signature:
        return held[1]
    codes = read_codes(Path(path)) if signature else None
    access = AtelierAccess.for_codes(codes) if codes else AtelierAccess({})
    if codes:
        _follow_codes(codes)
    _held[path] = (signature, access)
    return access


def _follow_codes(codes: AtelierCodes) -> None:
    """Give kernels started from now on (a reloaded projector) the participants' URL and join code of *codes*."""
    url = os.environ.get(JOIN_URL_ENV, "")
    if url:
        os.environ[JOIN_URL_ENV] = re.sub(r"([?&]code=)[^&]*", lambda m: m.group(1) + quote(codes.participant), url)
    if os.environ.get(JOIN_CODE_ENV):
        os.environ[JOIN_CODE_ENV] = codes.join


def _role_cookie(handler: web.RequestHandler) -> str | None:
    """The role of the request's signed cookie (None without a valid one)."""
    raw = handler.get_secure_cookie(COOKIE, max_age_days=2)
    role = raw.decode("ascii", "replace") if raw else ""
    return role if role in (PARTICIPANT, FACILITATOR) else None


def _set_role(handler: web.RequestHandler, role: str) -> None:
    """Give the browser the cookie of *role*."""
    handler.set_secure_cookie(COOKIE, role, expires_days=None, httponly=True, samesite="Strict", path="/")


def _kernel_key(handler: web.RequestHandler) -> str:
    """The password of an ``Authorization: Basic`` header given as the kernels' user, or ""."""
    scheme, _space, encoded = handler.request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or len(encoded) > 400:
        return ""
    try:
        user, _colon, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return password if user == KERNEL_USER else ""


class AtelierIdentityProvider(IdentityProvider):  # type: ignore[misc]
    """A visitor is the role of the code they showed, for the paths that role may open."""

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def get_user(self, handler: web.RequestHandler) -> User | None:
        access = _access()
        role = self._role(handler, access)
        if role is None and access.is_kernel_key(_kernel_key(handler)):
            role = KERNEL
        if not access.allowed(role, handler.request.path):
            return None
        return User(username=str(role), name=str(role), display_name=str(role))

    @staticmethod
    def _role(handler: web.RequestHandler, access: AtelierAccess) -> str | None:
        """The role of the request (from its ``?code=``, else its cookie), once per request."""
        if not access.roles:  # the workshop ended: its cookies open nothing any more
            return None
        if not hasattr(handler, "_kpa_role"):
            code = handler.get_query_argument("code", None)
            role = access.role_of(code) if code else None
            if role is not None:
                _set_role(handler, role)
            handler._kpa_role = role if role is not None else _role_cookie(handler)  # type: ignore[attr-defined]
        return handler._kpa_role  # type: ignore[attr-defined,no-any-return]

    def get_handlers(self) -> list[tuple[str, object]]:
        handlers: list[tuple[str, object]] = [(r"/login", JoinHandler), (ANIMATION_PATH, AnimationHandler),
                                              *phone_handlers()]
        if getattr(getattr(self.parent, "voila_configuration", None), "preheat_kernel", False):
            # Served before Voilà's own handlers: this query handler replaces Voilà's.
            handlers.append((rf"/voila/query/{_kernel_id_regex}", QueryHandler))
        return handlers


class QueryHandler(RequestInfoSocketHandler):  # type: ignore[misc]
    """Voilà's ``/voila/query/<kernel>`` (a visitor's request, for a kernel started ahead), asking
    the identity provider first: the kernels' key or the facilitator."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        provider = self.settings.get("identity_provider")
        if provider is None or provider.get_user(self) is None:
            raise web.HTTPError(403)
        await super().get(*args, **kwargs)

    def open(self, kernel_id: str) -> None:  # type: ignore[override]
        super().open(kernel_id)
        # Voilà keeps every visitor's request (its query string: a code, a workbook's name) for the
        # life of the server; its kernel has it now, and a kernel reads its request once.
        RequestInfoSocketHandler._cache.pop(kernel_id, None)


def _both(message: str, **values: Any) -> str:
    """*message* in French, then in English, escaped."""
    parts = []
    for lang in ("fr", "en"):
        text = translate(message, lang).format(**values) if values else translate(message, lang)
        parts.append(f'<span lang="{lang}">{html.escape(text)}</span>')
    return f'{parts[0]}<br><span class="en">{parts[1]}</span>'


class JoinHandler(BoundedBody):
    """``/login``: the page every request without a valid code ends on, and the short code's form
    (its body: a code, at most :attr:`body_limit` bytes, refused before it is read)."""

    body_limit = 1024

    def too_large(self) -> None:
        self._page(413, _both(_WRONG))

    def check_xsrf_cookie(self) -> None:
        """The form only trades a code for a cookie: nothing to forge (and no session yet)."""

    def _page(self, status: int, message: str = "", link: str = "") -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        self.set_header("X-Frame-Options", "DENY")
        note = f'<p class="note" role="alert">{message}</p>' if message else ""
        go = f'<p><a href="{html.escape(link)}">{_both(_TO_PAGE)}</a></p>' if link else ""
        self.finish(f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(translate(_TITLE, "fr"))} · {html.escape(translate(_TITLE, "en"))}</title>
<style>
body {{ font-family: "Atkinson Hyperlegible", "DejaVu Sans", Arial, sans-serif; font-size: 19px; margin: 0; padding: 24px 18px;
  color: {PALETTE['ink']}; background: {PALETTE['paper']}; line-height: 1.45; }}
main {{ max-width: 560px; margin: 0 auto; }}
h1 {{ font-size: 26px; color: {PALETTE['accent']}; }} .en {{ color: {PALETTE['slate']}; }}
label {{ display: block; font-weight: 700; margin: 18px 0 6px; }}
input {{ font-size: 28px; letter-spacing: 4px; width: 100%; box-sizing: border-box; padding: 10px; text-transform: uppercase;
  border: 2px solid {PALETTE['slate']}; border-radius: 8px; }}
button {{ font-size: 20px; width: 100%; min-height: 52px; margin-top: 12px; background: {PALETTE['accent']}; color: {PALETTE['paper']}; border: 0; border-radius: 8px; }}
.note {{ background: {PALETTE['warm_soft']}; border-left: 8px solid {PALETTE['warm']}; padding: 10px 14px; border-radius: 6px; }}
</style></head><body><main>
<h1>{_both(_TITLE)}</h1>{note}{go}
<p>{_both(_ASK)}</p>
<form method="post" action="/login">{self.xsrf_form_html() if self.settings.get("xsrf_cookies") else ""}
<label for="code">{_both(_FIELD)}</label>
<input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40" required>
<button type="submit">{html.escape(translate(_BUTTON, "fr"))} · {html.escape(translate(_BUTTON, "en"))}</button>
</form></main></body></html>""")

    def _participant_page(self) -> str:
        return PHONE_PATH

    def get(self) -> None:
        role = _role_cookie(self)
        if role == PARTICIPANT and self.get_query_argument("next", None):
            self._page(403, _both(_PARTICIPANTS_ONLY), self._participant_page())
        elif self.get_query_argument("next", None):
            self._page(403, _both(_NEED_CODE))
        else:
            self._page(200)

    def post(self) -> None:
        self.read_body()
        now = time.monotonic()
        client = self.request.remote_ip or ""
        for address in [a for a, times in _failures.items() if not times or now - times[-1] > 60]:
            del _failures[address]  # (the map holds the last minute's guessers only)
        failures = _failures.setdefault(client, deque())
        while failures and now - failures[0] > 60:
            failures.popleft()
        if len(failures) >= JOIN_ATTEMPTS_PER_MINUTE:
            _failure_log["count"] += 1
            if now - _failure_log["since"] >= 60:  # a flood of guesses logs one line a minute
                _log.warning("kpa atelier: %d join attempt(s) refused in the last minute (too many wrong codes)",
                             _failure_log["count"])
                _failure_log.update(since=now, count=0)
            self._page(429, _both(_TOO_MANY))
            return
        role = _access().role_of(self.get_body_argument("code", "")[:200], typed=True)
        if role is None:
            failures.append(now)
            self._page(403, _both(_WRONG))
            return
        _set_role(self, role)
        self.redirect(self._participant_page() if role == PARTICIPANT else "/")
