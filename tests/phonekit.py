"""A phone without a browser, for tests: the participant page's forms sent through
:func:`kpawidgets.web.phone.act` as ``phone.js`` sends them (the whole form, the card as shown)."""

from __future__ import annotations

import html
import re
import secrets
from typing import Any

from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web.phone import Phone, Reply, act, live_sections, page_html

_CARD = ("alias", "age_band", "gender", "situations", "wishes", "skills")


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]* value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


class PhoneKit:
    """One phone (its own key) on workbook *name*: ``form`` is what its card's fields hold now."""

    def __init__(self, workspace: Workspace, name: str, lang: str = "fr", key: str | None = None) -> None:
        self.workspace, self.name = workspace, name
        self.key = key or secrets.token_urlsafe(16)
        self.phone = Phone(owner_of(self.key), lang)
        self.form: dict[str, Any] = {}
        self.shown: dict[str, str] = {}
        self.reload()

    def page(self) -> str:
        return page_html(self.phone, self.workspace.open(self.name).workbook, "")

    def live(self) -> dict[str, str]:
        """What the page's following of the file would draw now."""
        sections = live_sections(self.phone, self.workspace.open(self.name).workbook)
        self._take_shown(sections.get("me-shown", ""))
        return sections

    def reload(self) -> None:
        """Open the page again: the card's fields as the file holds them."""
        page = self.page()
        self._take_shown(page)
        self.form = {name: self.shown[name] for name in _CARD}
        self.form["situations"] = [s for s in self.shown["situations"].split(",") if s]
        self.form["alias"] = _value(page, "alias")

    def _take_shown(self, page: str) -> None:
        if 'name="shown-alias"' in page:
            self.shown = {name: _value(page, f"shown-{name}") for name in _CARD}

    def send(self, action: str, **fields: Any) -> Reply:
        args = {key: value if isinstance(value, list) else [str(value)] for key, value in fields.items()}
        reply = act(self.workspace, self.name, self.phone, {"action": [action], **args})
        self._take_shown(reply.sections.get("me-shown", ""))
        return reply

    def save_card(self, **changes: Any) -> Reply:
        """Type *changes* into the card's fields, then tap « Enregistrer ma fiche »."""
        self.form.update(changes)
        shown = {f"shown-{name}": value for name, value in self.shown.items()}
        return self.send("card", **self.form, **shown)
