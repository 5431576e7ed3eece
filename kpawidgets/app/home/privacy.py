"""« Les données du groupe » on the home page: when the group's names are to go, and anonymising it after the workshop.

The same rule as ``kpa anonymise`` (:func:`~kpawidgets.storage.erasure.anonymise_everywhere`): names,
self-descriptions and links to people leave the workbook, its history, its snapshots and the trash;
the mix, the counts and the ideas stay. Asked twice, like the trash.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import esc, message_html
from kpawidgets.i18n import _, format_date, ngettext
from kpawidgets.model.room import privacy
from kpawidgets.storage.erasure import anonymise_everywhere

__all__ = ["GroupPrivacy"]


class GroupPrivacy(widgets.VBox):
    """The group's retention in words, and « Anonymiser le groupe » with its confirmation."""

    def __init__(self, session: WorkbookSession, guard: Callable[[Callable[..., None]], Callable[..., None]]) -> None:
        self.session = session
        self.summary = widgets.HTML()
        self.ask = widgets.Button(description=_("Anonymiser le groupe"))
        self.confirm = widgets.Button(description=_("Oui, retirer les prénoms et les liens aux personnes"),
                                      button_style="danger", layout=widgets.Layout(display="none"))
        self.message = widgets.HTML()
        self.ask.on_click(guard(lambda _b: self._toggle()))
        self.confirm.on_click(guard(lambda _b: self.anonymise()))
        super().__init__([self.summary, widgets.HBox([self.ask, self.confirm]), self.message],
                         layout=widgets.Layout(width="100%"))
        self.add_class("kpa-group-privacy")
        self.refresh()

    def refresh(self) -> None:
        workbook = self.session.workbook
        if workbook is None:
            return
        left = privacy.personal_fields(workbook)
        until = privacy.retention_until(workbook)
        when = (_("À effacer le {day} ({months} mois après le lancement).").format(
                    day=format_date(until), months=workbook.room.retention_months) if until else
                _("À effacer {months} mois après le lancement (date de lancement à fixer).").format(
                    months=workbook.room.retention_months))
        held = (ngettext("Le groupe contient encore {count} prénom ou texte personnel.",
                         "Le groupe contient encore {count} prénoms ou textes personnels.", left).format(count=left)
                if left else _("Le groupe est anonyme : ni prénom ni lien aux personnes."))
        self.summary.value = (f'<h3 class="kpa-subtitle">{esc(_("Les données du groupe"))}</h3>'
                              f'<p>{esc(held)} {esc(when)}</p>')

    def _toggle(self) -> None:
        self.confirm.layout.display = "inline-flex" if self.confirm.layout.display == "none" else "none"

    def anonymise(self) -> None:
        if self.session.name is None:
            return
        self.session.changed()  # what this page holds is saved first, then anonymised with the rest
        anonymise_everywhere(self.session.workspace, self.session.name)
        self.session.reload()
        self.confirm.layout.display = "none"
        self.refresh()
        self.message.value = message_html(_("Groupe anonymisé : prénoms et liens aux personnes retirés du carnet, de son "
                                            "historique et de ses instantanés ; la mixité, les effectifs et les idées "
                                            "restent."), "ok")
