"""The workshop mode's door, inside Voilà: who holds which code, and the join page.

``kpa serve --atelier`` starts Voilà with
``--Voila.identity_provider_class=kpawidgets.config.atelier_auth.AtelierIdentityProvider``.
jupyter_server asks this provider who the visitor is before every request of every
authenticated handler — the notebook renderer (which starts kernels), the tree (which lists
files), the kernels' API and websocket, the shutdown handler. The provider answers from the
``?code=`` of the URL, or from a signed cookie set when a code was first shown (signed with
Voilà's cookie secret, random for each run; ``SameSite=Strict``, ``HttpOnly``), and only when
:meth:`~kpawidgets.config.atelier.AtelierAccess.allowed` lets that role open that path.
Anything else is not authenticated: a GET is redirected to ``/login``, this module's join
page (French and English, a field for the short join code), anything else gets a 403.

What a person on the same Wi-Fi without a code still reaches: the join page, and Voilà's
and the template's static files (scripts, stylesheets, fonts; no workbook data) — those
handlers are not authenticated in Voilà.
"""

from __future__ import annotations

import html
import os
import time
from collections import deque
from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User
from tornado import web

from kpawidgets.charts.palette import PALETTE
from kpawidgets.config.atelier import ACCESS_ENV, FACILITATOR, JOIN_ATTEMPTS_PER_MINUTE, PARTICIPANT, AtelierAccess
from kpawidgets.i18n import N_, translate

__all__ = ["AtelierIdentityProvider", "JoinHandler", "COOKIE"]

COOKIE = "kpa-atelier"
_failures: deque[float] = deque()

_TITLE = N_("Atelier Carnet KPA")
_ASK = N_("Pour participer, scannez le QR code affiché à l'écran, ou tapez ici le code de l'atelier.")
_FIELD = N_("Code de l'atelier")
_BUTTON = N_("Rejoindre")
_WRONG = N_("Ce code n'est pas celui de l'atelier. Vérifiez-le à l'écran et réessayez.")
_PARTICIPANTS_ONLY = N_("Votre code ouvre seulement la page des participant·es.")
_TO_PAGE = N_("Aller à la page des participant·es")
_NEED_CODE = N_("Cette page demande le code de l'atelier.")
_TOO_MANY = N_("Trop d'essais en peu de temps : attendez une minute.")


def _access() -> AtelierAccess:
    return AtelierAccess.from_json(os.environ.get(ACCESS_ENV))


def _role_cookie(handler: web.RequestHandler) -> str | None:
    raw = handler.get_secure_cookie(COOKIE, max_age_days=2)
    role = raw.decode("ascii", "replace") if raw else None
    return role if role in (PARTICIPANT, FACILITATOR) else None


def _set_role(handler: web.RequestHandler, role: str) -> None:
    handler.set_secure_cookie(COOKIE, role, expires_days=None, httponly=True, samesite="Strict", path="/")


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
        role = None
        code = handler.get_query_argument("code", None)
        if code:
            role = access.role_of(code)
            if role is not None:
                _set_role(handler, role)
        if role is None:
            role = _role_cookie(handler)
        if not access.allowed(role, handler.request.path):
            return None
        return User(username=str(role), name=str(role), display_name=str(role))

    def get_handlers(self) -> list[tuple[str, object]]:
        return [(r"/login", JoinHandler)]


def _both(message: str, **values: Any) -> str:
    """*message* in French, then in English, escaped."""
    parts = []
    for lang in ("fr", "en"):
        text = translate(message, lang).format(**values) if values else translate(message, lang)
        parts.append(f'<span lang="{lang}">{html.escape(text)}</span>')
    return f'{parts[0]}<br><span class="en">{parts[1]}</span>'


class JoinHandler(web.RequestHandler):
    """``/login``: the page every request without a valid code ends on, and the short code's form."""

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
        pages = _access().participant_pages
        return f"/voila/render/{pages[0]}" if pages else "/"

    def get(self) -> None:
        role = _role_cookie(self)
        if role == PARTICIPANT and self.get_query_argument("next", None):
            self._page(403, _both(_PARTICIPANTS_ONLY), self._participant_page())
        elif self.get_query_argument("next", None):
            self._page(403, _both(_NEED_CODE))
        else:
            self._page(200)

    def post(self) -> None:
        now = time.monotonic()
        while _failures and now - _failures[0] > 60:
            _failures.popleft()
        if len(_failures) >= JOIN_ATTEMPTS_PER_MINUTE:
            self._page(429, _both(_TOO_MANY))
            return
        role = _access().role_of(self.get_body_argument("code", "")[:200])
        if role is None:
            _failures.append(now)
            self._page(403, _both(_WRONG))
            return
        _set_role(self, role)
        self.redirect(self._participant_page() if role == PARTICIPANT else "/")
