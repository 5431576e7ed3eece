"""The home page's fields for the PDF's cover: a short summary, the contact block, the territory's logo.

They are bound with the one field kit (:mod:`kpawidgets.app.fields`) to ``identity.summary``,
``identity.contact`` and ``identity.logo``. The logo is a file upload: its bytes are checked
and written beside the workbook by :func:`kpawidgets.storage.logo.save_logo` (PNG or plain SVG,
1 MB at most, one atomic write); a refused file leaves its reason beside the field and the
previous logo in place. The accepted logo is shown in an ``<img>`` with a ``data:`` URL: a
browser runs no script and loads nothing from such an image.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from kpawidgets.app.fields import TEXT, Editor, Field, FieldError, bind, labelled, text_field
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import esc, guarded
from kpawidgets.i18n import _, format_number, ngettext
from kpawidgets.model.records.workbook import SUMMARY_MAX, Contact, Identity
from kpawidgets.storage.logo import MAX_LOGO_BYTES, logo_media_type, read_logo, save_logo, too_big

__all__ = ["CoverFields", "logo_preview_html", "summary_count_html"]

_WIDE = "220px"


def summary_count_html(text: str) -> str:
    """« 312 caractères sur 800 » under the summary (in the error colour beyond the limit)."""
    count = len(text)
    words = ngettext("{count} caractère sur {limit}", "{count} caractères sur {limit}", count).format(
        count=count, limit=SUMMARY_MAX)
    css = "kpa-field-error" if count > SUMMARY_MAX else "kpa-muted"
    return f'<span class="{css} kpa-summary-count">{esc(words)}</span>'


def logo_preview_html(data: bytes | None, name: str) -> str:
    """The logo as the PDF's cover will print it, or a line saying there is none (or that its file is gone)."""
    media_type = logo_media_type(data)
    if data is not None and media_type is not None:
        source = f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")
        kind = "SVG" if media_type == "image/svg+xml" else "PNG"
        size = format_number(max(1, len(data) // 1024), digits=0)
        return (f'<figure class="kpa-logo-preview" style="margin:4px 0">'
                f'<img src="{esc(source)}" alt="{esc(_("Logo du territoire"))}" '
                f'style="max-height:96px;max-width:260px;border:1px solid var(--kpa-line);padding:6px;'
                f'background:var(--kpa-paper)">'
                f'<figcaption class="kpa-muted">{esc(_("Sur la couverture du plan ({kind}, {size} Ko).").format(kind=kind, size=size))}'
                f'</figcaption></figure>')
    if name:
        return (f'<p class="kpa-field-warning kpa-logo-preview">'
                f'{esc(_("Le fichier du logo « {name} » manque ou ne se lit plus : choisissez-le à nouveau.").format(name=name))}</p>')
    return f'<p class="kpa-muted kpa-logo-preview">{esc(_("Pas de logo : la couverture n’en imprime pas."))}</p>'


class CoverFields(widgets.VBox):
    """What the partners' PDF says on its cover, typed by the lead: summary, contact, logo."""

    def __init__(self, editor: Editor, session: WorkbookSession) -> None:
        self.editor, self.session = editor, session
        identity: Callable[[], Identity | None] = lambda: session.workbook.identity if session.workbook else None
        contact: Callable[[], Contact | None] = lambda: session.workbook.identity.contact if session.workbook else None
        self.summary = text_field(editor, identity, "summary", _("Résumé"), TEXT, multiline=True,
                                  rows=5, width="100%", css="kpa-f-identity-summary",
                                  placeholder=_("Quelques lignes : qui lance le KPA, avec qui, ce qui est prévu la "
                                                "première année."))
        self.summary.input.description = ""  # its label stands above it: the box keeps the whole width on a phone
        labelled(self.summary.input, _("Résumé"))  # … and the box keeps the label's name
        self.summary_count = widgets.HTML()
        self.summary.input.observe(lambda change: self._count(str(change["new"] or "")), names="value")
        self.role = text_field(editor, contact, "role", _("Fonction du contact"), label_width=_WIDE,
                               css="kpa-f-contact-role",
                               placeholder=_("par ex. cheffe de projet KPA (pas de nom)"))
        self.email = text_field(editor, contact, "email", _("E-mail"), label_width=_WIDE, css="kpa-f-contact-email",
                                placeholder="kpa@exemple.fr")
        self.phone = text_field(editor, contact, "phone", _("Téléphone"), label_width=_WIDE, css="kpa-f-contact-phone",
                                placeholder="03 20 00 00 00")
        self.upload = widgets.FileUpload(accept=".png,.svg,image/png,image/svg+xml", multiple=False,
                                         description=_("Choisir un logo"), icon="upload",
                                         layout=widgets.Layout(width="240px"))
        self.logo = bind(editor, identity, "logo", self.upload, parse=self._save_upload, show=lambda _name: (),
                         label=_("Logo du territoire"), after=lambda _name: self._show_logo())
        self.logo.add_class("kpa-f-identity-logo")
        self.preview = widgets.HTML()
        self.remove_button = widgets.Button(description=_("Retirer le logo"), icon="trash",
                                            layout=widgets.Layout(display="none"))
        self.remove_button.on_click(self._guard(lambda _b: self.remove_logo()))
        hint = _("Ces champs sont imprimés sur la couverture du plan de lancement (PDF) ; le logo : PNG ou SVG, "
                 "{size} Ko au plus.").format(size=format_number(MAX_LOGO_BYTES // 1024, digits=0))
        self.fields: list[Field] = [self.summary, self.role, self.email, self.phone]
        super().__init__([
            widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Pour la couverture du plan"))}</h3>'
                         f'<p class="kpa-help">{esc(hint)}</p>'),
            widgets.HTML(f'<p class="kpa-label">{esc(_("Résumé"))}</p>'), self.summary, self.summary_count, self.role, self.email, self.phone,
            widgets.HTML(f'<p class="kpa-label">{esc(_("Logo du territoire"))}</p>'),
            widgets.HBox([self.preview, self.remove_button], layout=widgets.Layout(align_items="center")), self.logo,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("kpa-cover-fields")

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        return guarded(self.editor.report, self.editor.lang)(callback)

    # ------------------------------------------------------------------ showing
    def refresh(self) -> None:
        """Show the open workbook's summary, contact and logo (no save)."""
        workbook = self.session.workbook
        if workbook is None:
            return
        identity = workbook.identity
        self.summary.show(identity.summary)
        self._count(identity.summary)
        for field in (self.role, self.email, self.phone):
            field.show(getattr(identity.contact, field.attr))
        self.logo.say(None)
        self._show_logo()

    def follow_external(self) -> None:
        """Another device saved: the counter and the logo follow (the fields follow by themselves)."""
        workbook = self.session.workbook
        if workbook is not None:
            if not self.summary.invalid:  # a refused text being corrected keeps its own count
                self._count(workbook.identity.summary)
            self._show_logo()

    def _count(self, text: str) -> None:
        self.summary_count.value = summary_count_html(text)

    def _show_logo(self) -> None:
        opened, workbook = self.session.opened, self.session.workbook
        name = workbook.identity.logo if workbook is not None else ""
        data = read_logo(opened.path, name) if opened is not None and name else None
        self.preview.value = logo_preview_html(data, name)
        self.remove_button.layout.display = "inline-flex" if name else "none"

    # ------------------------------------------------------------------ editing
    def _save_upload(self, files: Any) -> str:
        """The uploaded file checked and written beside the workbook: its name for ``identity.logo``.

        A refused file raises (its reason goes beside the field) and writes nothing.
        """
        chosen = list(files or ())
        if not chosen or self.session.opened is None:
            raise FieldError("Aucun fichier choisi.")
        upload = chosen[-1]
        if int(upload.get("size") or 0) > MAX_LOGO_BYTES:
            raise too_big(int(upload["size"]))
        # Once accepted, the field shows no file again (``show``): the bytes do not stay in the page's state.
        return save_logo(self.session.opened.path, bytes(upload["content"]))

    def remove_logo(self) -> None:
        """Take the logo off the cover (its file stays beside the workbook, so an earlier version still has it)."""
        workbook = self.session.workbook
        if workbook is None or not workbook.identity.logo:
            return
        workbook.identity.logo = ""
        self.editor.changed()
        self.logo.say(None)
        self._show_logo()
