"""« Partager avec le réseau » on the home page: the territory's choice to share its figures (off by default).

The checkbox is bound with the one field kit to ``workbook.network.share`` (file format 6); beside it the
page lists exactly what is shared and what never is (:data:`~kpawidgets.model.network.shared.SHARED_ITEMS`),
and where the figures go on this machine (``KPA_SHARE_DIR``, :mod:`kpawidgets.storage.network_share`).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from kpawidgets.app.fields import Editor, Field, check_field
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _
from kpawidgets.model.network.shared import NOT_SHARED, SHARED_ITEMS
from kpawidgets.model.records.workbook import NetworkChoice
from kpawidgets.storage.network_share import share_dir

__all__ = ["NetworkSharing", "sharing_html"]


def sharing_html(share: bool, folder: str | None) -> str:
    """What is shared, what never is, and where it goes here (or that it goes nowhere from this machine)."""
    items = "".join(f"<li>{esc(_(item))}</li>" for item in SHARED_ITEMS)
    if not share:
        where = _("Rien n'est partagé tant que la case n'est pas cochée.")
    elif folder:
        where = _("À chaque enregistrement, ces chiffres sont écrits pour le réseau dans {folder}.").format(folder=folder)
    else:
        where = _("Sur cet ordinateur, aucun dossier du réseau n'est configuré : rien ne part d'ici ; sur le hub, "
                  "les chiffres suivent chaque enregistrement.")
    return (f'<p class="kpa-help">{esc(_("Ce qui est partagé, sans aucun nom :"))}</p>'
            f'<ul class="kpa-share-list">{items}</ul>'
            f'<p class="kpa-help">{esc(_(NOT_SHARED))}</p>'
            f'<p class="kpa-muted kpa-share-where" role="status">{esc(where)}</p>')


class NetworkSharing(widgets.VBox):
    """The choice to share the territory's figures with the network, and exactly what that shares."""

    def __init__(self, editor: Editor, session: WorkbookSession) -> None:
        self.session = session
        choice: Callable[[], NetworkChoice | None] = lambda: session.workbook.network if session.workbook else None
        self.share: Field = check_field(editor, choice, "share", _("Partager nos chiffres avec le réseau KPA-Cité"),
                                        css="kpa-f-network-share", after=lambda value: self._say(bool(value)))
        self.details = widgets.HTML()
        why = _("Réciprocité : le réseau compare ses territoires et ses chiffres de référence avec ceux que chacun "
                "choisit de partager.")
        super().__init__([
            widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Partager avec le réseau"))}</h3>'
                         f'<p class="kpa-help">{esc(why)}</p>'),
            self.share, self.details,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("kpa-network-sharing")

    def refresh(self) -> None:
        """Show the open workbook's choice (no save)."""
        workbook = self.session.workbook
        if workbook is None:
            return
        self.share.show(workbook.network.share)
        self._say(workbook.network.share)

    def follow_external(self) -> None:
        """Another device saved: the details follow the choice (the checkbox follows by itself)."""
        if self.session.workbook is not None:
            self._say(self.session.workbook.network.share)

    def _say(self, share: bool) -> None:
        folder = share_dir()
        self.details.value = sharing_html(share, str(folder) if folder else None)
