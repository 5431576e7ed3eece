"""``/atelier/animation``: the facilitator's door of the workshop (facilitator's code only).

What it shows: the short code, how many new phones came in the last minute and since the
server started, how many were refused (a flood). What it does: close the door to new phones
(or open it again; phones already in keep going), rotate the participants' codes (for a code
that leaked: phones already in keep their place, the old QR code and short code open nothing
any more), end the workshop (its codes are forgotten; nobody gets in any more, the facilitator
included, and the next ``kpa serve --atelier`` draws new codes). The same as ``kpa atelier
rotate`` / ``kpa atelier end`` on the command line.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from tornado import web

from kpawidgets.charts.palette import PALETTE
from kpawidgets.config.atelier import CODES_ENV, end_workshop, read_codes, rotate_codes
from kpawidgets.i18n import N_, normalize_language, translate
from kpawidgets.web.handlers import BoundedBody, mint_stats, set_door

__all__ = ["AnimationHandler", "ANIMATION_PATH"]

ANIMATION_PATH = "/atelier/animation"

_TITLE = N_("La porte de l'atelier")
_CODE = N_("Code court : {code}")
_NEW = N_("Nouveaux téléphones : {minute} dans la dernière minute ({addresses} adresses), {total} depuis le lancement.")
_REFUSED = N_("Refusés (trop nombreux ou porte fermée) : {refused}.")
_CLOSE = N_("Fermer la porte aux nouveaux téléphones")
_OPEN = N_("Rouvrir la porte aux nouveaux téléphones")
_CLOSED = N_("La porte est fermée : les téléphones déjà entrés continuent, les nouveaux attendent.")
_ROTATE = N_("Changer les codes des participant·es")
_ROTATE_HELP = N_("Si le code a fuité : les téléphones déjà entrés gardent leur place ; l'ancien QR code et l'ancien "
                  "code court n'ouvrent plus rien. Rechargez la page projetée pour montrer le nouveau QR code.")
_END = N_("Terminer l'atelier")
_END_HELP = N_("Les codes ne servent plus, pour personne. Le prochain « kpa serve --atelier » en donnera de nouveaux.")
_SURE = N_("Oui, l'atelier est fini : plus personne n'entre avec ces codes.")
_ENDED = N_("Atelier terminé : ses codes ne servent plus. Vous pouvez arrêter le serveur (Ctrl+C).")
_NO_WORKSHOP = N_("Aucun atelier en cours.")


def _codes_file() -> Path | None:
    path = os.environ.get(CODES_ENV)
    return Path(path) if path else None


class AnimationHandler(BoundedBody):
    """GET: the door's state and buttons; POST ``action=close|open|rotate|end`` (a body of at most
    :attr:`body_limit` bytes, refused before it is read, as the join form's: this page answers anyone
    who reaches the server)."""

    body_limit = 1024

    def prepare(self) -> None:
        super().prepare()
        if self._finished:
            return
        provider = self.settings.get("identity_provider")
        user = provider.get_user(self) if provider is not None else None
        if user is None or user.username != "facilitator":
            raise web.HTTPError(403)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                                   "frame-ancestors 'none'")
        self.set_header("X-Frame-Options", "DENY")

    def _lang(self) -> str:
        return normalize_language(self.get_argument("lang", "fr"))

    def _page(self, note: str = "") -> None:
        lang = self._lang()

        def t(message: str, **values: Any) -> str:
            text = translate(message, lang)
            return html.escape(text.format(**values) if values else text)

        path = _codes_file()
        codes = read_codes(path) if path else None
        stats = mint_stats()
        form = self.xsrf_form_html() if self.settings.get("xsrf_cookies") else ""
        action = html.escape(ANIMATION_PATH + ("?lang=en" if lang == "en" else ""))

        def button(name: str, label: str, help_text: str = "") -> str:
            extra = f"<p>{t(help_text)}</p>" if help_text else ""
            # ending cannot be undone (the next run draws new codes): a box to tick first
            sure = (f'<label class="sure"><input type="checkbox" name="sure" value="1" required> {t(_SURE)}</label>'
                    if name == "end" else "")
            return (f'<form method="post" action="{action}">{form}<input type="hidden" name="action" value="{name}">'
                    f'{sure}<button type="submit" class="{name}">{t(label)}</button>{extra}</form>')

        if codes is None:
            body = f'<p class="note" role="status">{t(note or _NO_WORKSHOP)}</p>'
        else:
            door = button("open", _OPEN) if stats["closed"] else button("close", _CLOSE)
            body = (f'<p class="code">{t(_CODE, code=codes.join)}</p>'
                    + (f'<p class="note" role="status">{t(note)}</p>' if note else "")
                    + (f'<p class="note">{t(_CLOSED)}</p>' if stats["closed"] else "")
                    + f'<p>{t(_NEW, minute=stats["last_minute"], addresses=stats["addresses"], total=stats["minted"])}</p>'
                    + f'<p>{t(_REFUSED, refused=stats["refused"])}</p>'
                    + door + button("rotate", _ROTATE, _ROTATE_HELP) + button("end", _END, _END_HELP))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{t(_TITLE)}</title><style>
body {{ font-family: "Atkinson Hyperlegible", "DejaVu Sans", Arial, sans-serif; font-size: 19px; margin: 0; padding: 24px;
  color: {PALETTE['ink']}; background: {PALETTE['paper']}; line-height: 1.45; }}
main {{ max-width: 720px; margin: 0 auto; }} h1 {{ color: {PALETTE['accent']}; }}
.code {{ font-size: 28px; font-weight: 700; }}
.note {{ background: {PALETTE['warm_soft']}; border-left: 8px solid {PALETTE['warm']}; padding: 10px 14px; border-radius: 6px; }}
form {{ margin: 18px 0; }} button {{ font-size: 19px; min-height: 48px; padding: 0 18px; background: {PALETTE['accent']};
  color: {PALETTE['paper']}; border: 0; border-radius: 8px; }} form p {{ margin: 6px 0 0; color: {PALETTE['slate']}; }}
button.end {{ background: {PALETTE['warm']}; }} .sure {{ display: block; margin-bottom: 8px; }}
</style></head><body><main><h1>{t(_TITLE)}</h1>{body}</main></body></html>""")

    def get(self) -> None:
        self._page()

    def post(self) -> None:
        self.read_body()
        action = self.get_body_argument("action", "")
        path = _codes_file()
        note = ""
        if action in ("close", "open"):
            set_door(action == "close")
        elif action == "rotate" and path is not None and path.exists():
            rotate_codes(path.parent.parent, path.stem)
        elif action == "end" and path is not None and self.get_body_argument("sure", "") == "1":
            end_workshop(path.parent.parent, path.stem)
            note = _ENDED
        else:
            raise web.HTTPError(400)
        if note:
            self._page(note)
        else:
            self.redirect(ANIMATION_PATH + ("?lang=en" if self._lang() == "en" else ""), status=303)
