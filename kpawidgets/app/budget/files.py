"""The « Tableur » tab: export the budget as xlsx or CSV, import lines from a spreadsheet."""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as widgets

from kpawidgets.app.budget.tab import Host, Tab, layout
from kpawidgets.app.shell import esc, message_html
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, ngettext

__all__ = ["FilesTab"]


class FilesTab(Tab):
    key = "files"

    def __init__(self, page: Host) -> None:
        xlsx = widgets.Button(description=_("Préparer le classeur .xlsx"), icon="download")
        csv_button = widgets.Button(description=_("Préparer le fichier CSV"), icon="download")
        self.download = widgets.HTML()
        xlsx.on_click(page.guard(lambda _b: self.prepare_download("xlsx")))
        csv_button.on_click(page.guard(lambda _b: self.prepare_download("csv")))
        self.upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=_("Importer des lignes"))
        self.upload.observe(page.guard(self.on_upload), names="value")
        self.import_report = widgets.HTML()
        self.import_skip = widgets.Button(description=_("Importer quand même les lignes valides"), button_style="warning",
                                          layout=layout(display="none"))
        self.import_skip.on_click(page.guard(lambda _b: self.import_pending(skip=True)))
        # A file that is not an export of this budget: replace the budget's lines, or add to them?
        self.mode_question = widgets.HTML()
        self.replace_button = widgets.Button(description=_("Remplacer les lignes du budget"), button_style="warning")
        self.add_button = widgets.Button(description=_("Ajouter aux lignes du budget"), button_style="primary")
        self.replace_button.on_click(page.guard(lambda _b: self.import_pending(skip=self._skip, mode="replace")))
        self.add_button.on_click(page.guard(lambda _b: self.import_pending(skip=self._skip, mode="add")))
        self.mode_box = widgets.VBox([self.mode_question, widgets.HBox([self.add_button, self.replace_button])],
                                     layout=layout(display="none"))
        self.mode_box.add_class("kpa-import-mode")
        # every import says what it will do (lines and totals before → after) before anything is written
        self.confirm_button = widgets.Button(description=_("Importer"), button_style="primary", icon="check",
                                             layout=layout(display="none"))
        self.confirm_button.on_click(page.guard(lambda _b: self.import_pending(skip=self._skip, mode=self._mode, confirmed=True)))
        self._mode: str | None = None
        self._pending_import: Any = None
        self._skip = False
        help_text = _("Colonnes : compte, libelle, montant ; pour un financeur : financeur, statut, avance_pct, avance_mois, "
                      "solde_mois. Séparateur ; ou , — UTF-8 — montants à la française (1 234,56). Rien n'est importé tant "
                      "qu'une ligne est fausse, sauf si vous choisissez de l'ignorer.")
        super().__init__(page, [
            widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Exporter"))}</h3>'), widgets.HBox([xlsx, csv_button]), self.download,
            widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Importer"))}</h3><p class="kpa-help">{esc(help_text)}</p>'),
            self.upload, self.import_report, self.import_skip, self.mode_box, self.confirm_button])

    def prepare_download(self, kind: str) -> None:
        from kpawidgets.storage import spreadsheets
        from kpawidgets.storage.workspace import slugify

        workbook = self.page.workbook
        name = slugify(workbook.identity.territory) + "-budget"
        if kind == "xlsx":
            data = spreadsheets.budget_xlsx(workbook)
            mime, filename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"
        else:
            data = spreadsheets.budget_csv(workbook).encode("utf-8")
            mime, filename = "text/csv;charset=utf-8", name + ".csv"
        encoded = base64.b64encode(data).decode("ascii")
        self.download.value = (f'<a class="kpa-download" download="{esc(filename)}" href="data:{mime};base64,{encoded}">'
                               f'{esc(_("Télécharger {name}").format(name=filename))}</a>')

    def on_upload(self, change: dict[str, Any]) -> None:
        from kpawidgets.storage import spreadsheets

        files = change["new"] or ()
        if not files:
            return
        item = files[0]
        name = str(item.get("name", "import.csv"))[:200]
        data = bytes(item.get("content", b""))
        self._pending_import = None
        self.import_skip.layout.display = "none"
        self.mode_box.layout.display = "none"
        self.confirm_button.layout.display = "none"
        try:
            spreadsheets.check_file_size(int(item.get("size") or 0))  # a file too big for the page arrives empty
            result = spreadsheets.parse_import(name, data)
        except KpaError as exc:
            self.import_report.value = message_html(exc.message(), "error")
            return
        self._pending_import = result
        if result.problems:
            items = "".join(f"<li>{esc(p.message())}</li>" for p in result.problems[:50])
            more = len(result.problems) - 50
            extra = f"<li>{esc(_('… et {count} autres.').format(count=more))}</li>" if more > 0 else ""
            count = len(result.problems)
            refused = ngettext("{count} ligne invalide : rien n'a été importé.",
                               "{count} lignes invalides : rien n'a été importé.", count).format(count=count)
            self.import_report.value = message_html(refused, "error") + f'<ul class="kpa-import-problems">{items}{extra}</ul>'
            if result.lines:
                self.import_skip.description = _("Importer quand même les {count} lignes valides").format(count=len(result.lines))
                self.import_skip.layout.display = "inline-flex"
            return
        self.import_pending(skip=False)

    def import_pending(self, *, skip: bool, mode: str | None = None, confirmed: bool = False) -> None:
        """Import the file read last: a file from elsewhere first asks « replace or add »; then the page says what
        the import will do (lines added, updated, removed, kept, computed lines, totals before → after) and
        writes only on « Importer »."""
        from kpawidgets.storage import spreadsheets

        result = self._pending_import
        if result is None:
            return
        workbook = self.page.workbook
        self._skip = skip
        try:
            if mode is None and spreadsheets.asks_mode(workbook, result):
                self.import_skip.layout.display = "none"
                added = spreadsheets.plan_import(workbook, result, "add")
                replaced = spreadsheets.plan_import(workbook, result, "replace")
                question = _("Ce fichier ne vient pas de ce budget. Ajouter ses {count} lignes à celles du budget, ou "
                             "remplacer les {existing} lignes du budget par celles du fichier (la version d'avant reste "
                             "dans l'historique) ?").format(count=replaced.outcome.imported, existing=len(workbook.budget.lines))
                self.mode_question.value = message_html(question, "warning") + (
                    f'<ul class="kpa-import-plan"><li>{esc(_("Ajouter : {totals}").format(totals=spreadsheets.totals_sentence(added)))}'
                    f' {esc(spreadsheets.counts_sentence(added.outcome))}</li>'
                    f'<li>{esc(_("Remplacer : {totals}").format(totals=spreadsheets.totals_sentence(replaced)))}'
                    f' {esc(spreadsheets.counts_sentence(replaced.outcome))}</li></ul>')
                self.mode_box.layout.display = "flex"
                return
            chosen: spreadsheets.ImportMode = "replace" if mode == "replace" else "add"
            preview = spreadsheets.plan_import(workbook, result, chosen)
            if not confirmed and mode is None:
                self._mode = chosen
                self.import_skip.layout.display = "none"
                self.import_report.value = self._plan_html(preview, done=False)
                self.confirm_button.layout.display = "inline-flex"
                return
            spreadsheets.apply_import(workbook, result, mode=chosen, skip_bad_rows=skip)
        except KpaError as exc:  # a cost the carnet computes, too many lines: nothing imported, said here
            self._pending_import = None
            self.mode_box.layout.display = "none"
            self.confirm_button.layout.display = "none"
            self.import_report.value = message_html(exc.message(), "error")
            return
        self._pending_import = None
        self._mode = None
        self.import_skip.layout.display = "none"
        self.mode_box.layout.display = "none"
        self.confirm_button.layout.display = "none"
        self.page.structure_changed()
        self.import_report.value = self._plan_html(preview, done=True)

    @staticmethod
    def _plan_html(preview: Any, *, done: bool) -> str:
        """What the import does (*done*) or will do: the lines, the totals before → after, a file already imported."""
        from kpawidgets.storage import spreadsheets

        outcome = preview.outcome
        parts = [ngettext("{count} ligne ajoutée", "{count} lignes ajoutées", outcome.added).format(count=outcome.added),
                 ngettext("{count} ligne mise à jour", "{count} lignes mises à jour", outcome.updated).format(count=outcome.updated)]
        if outcome.unchanged:
            parts.append(ngettext("{count} ligne inchangée", "{count} lignes inchangées", outcome.unchanged).format(count=outcome.unchanged))
        if outcome.removed:
            parts.append(ngettext("{count} ligne retirée", "{count} lignes retirées", outcome.removed).format(count=outcome.removed))
        if outcome.kept:
            parts.append(ngettext("{count} ligne du budget gardée", "{count} lignes du budget gardées",
                                  outcome.kept).format(count=outcome.kept))
        if outcome.computed:
            parts.append(ngettext("{count} ligne calculée par le carnet gardée", "{count} lignes calculées par le carnet gardées",
                                  outcome.computed).format(count=outcome.computed))
        if done:
            report = message_html(_("Import terminé : {parts}.").format(parts=", ".join(parts)), "ok")
        else:
            report = message_html(_("Si vous importez ce fichier : {parts}. Rien n'est écrit avant « Importer ».").format(
                parts=", ".join(parts)), "info")
        report += f'<p class="kpa-muted kpa-import-totals">{esc(spreadsheets.totals_sentence(preview))}</p>'
        if outcome.duplicates:
            report += message_html(spreadsheets.duplicates_sentence(outcome), "warning")
        if not done and spreadsheets.kinds_sentence(outcome):
            report += f'<p class="kpa-muted">{esc(spreadsheets.kinds_sentence(outcome))}</p>'
        return report
