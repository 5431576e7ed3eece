"""The « Réseau » page: every territory that shares its figures, at a glance, for KPA-Cité's core team.

Thin widgets over :mod:`kpawidgets.model.network.rows` (the rows, their colours by written rules, the totals)
and :mod:`kpawidgets.storage.network_folder` (the folder read, bounded). The page follows its folder live:
the folder is one entry of the kernel's watcher (:mod:`kpawidgets.app.live`), and a change re-reads only the
files that changed. Outputs: the « État du réseau » PDF (:mod:`kpawidgets.report.network`) and the table as
CSV or .xlsx (:mod:`kpawidgets.storage.spreadsheets.network`), as download links.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.live import FollowRefused, running_loop, watcher
from kpawidgets.app.request import query_params
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, esc, message_html
from kpawidgets.i18n import _, format_date, format_money_rounded, format_number, ngettext, use_language
from kpawidgets.model.network.rows import (FILTERS, RULES, SORTS, NetworkRow, deck_totals, filter_rows, light_count,
                                           light_word, network_totals, sort_rows, state_figures)
from kpawidgets.model.network.shared import NOT_SHARED, SHARED_ITEMS
from kpawidgets.storage.network_folder import MAX_FILES, FolderReader, FolderScan, network_dir

__all__ = ["PAGE", "NetworkBody", "build_network", "network_page", "rows_html", "totals_html"]

PAGE = "06_reseau.ipynb"
#: At most this many rows drawn at once (the export has them all; the filter narrows the rest).
SHOWN_ROWS = 100


def _dot(light: str) -> str:
    return f'<span class="kpa-rs-dot kpa-rs-{light}" aria-hidden="true"></span>'


def _row_html(row: NetworkRow) -> str:
    f = row.figures
    word = esc(light_word(row.light))
    if f is None:
        return (f'<tr class="kpa-rs-row kpa-rs-row-problem"><td>{_dot(row.light)}<strong>{esc(row.source)}</strong>'
                f'</td><td colspan="6" class="kpa-rs-why">{esc(row.problem or "")}</td></tr>')
    size = str(f.group_size) if isinstance(f.group_size, int) else _("moins de 3")
    mix = ngettext("{n} alerte de mixité", "{n} alertes de mixité", len(f.mix_warnings)).format(
        n=len(f.mix_warnings)) if f.mix_warnings else ""
    fte_class = "kpa-rs-low" if f.team_fte < f.team_fte_target else ""
    pct = f"{f.secured_pct} %" if f.secured_pct is not None else "—"
    launch = format_date(f.launch_date, style="medium") if f.launch_date else _("à fixer")
    slip = ngettext("{n} jour de retard", "{n} jours de retard", f.slip_days).format(n=f.slip_days) \
        if f.slip_days else _("à l'heure")
    blocking = row.ingredient_words(f.blocking)
    reasons = "".join(f'<li>{esc(reason.text())}</li>' for reason in row.reasons)
    changed = format_date(f.updated_at.date(), style="medium") if f.updated_at else ""
    return (
        f'<tr class="kpa-rs-row kpa-rs-row-{row.light}" data-source="{esc(row.source)}">'
        f'<td>{_dot(row.light)}<strong>{esc(f.territory)}</strong><span class="kpa-sr"> ({word})</span>'
        f'<br><span class="kpa-muted">{esc(f.town)}{" · " + esc(_("QPV")) if f.qpv else ""}</span></td>'
        f'<td class="num"><strong>{f.readiness_pct} %</strong>'
        + (f'<br><span class="kpa-rs-why">{esc(_("bloque : {what}").format(what=blocking))}</span>' if blocking else "")
        + f'</td><td class="num">{esc(size)}' + (f'<br><span class="kpa-rs-why">{esc(mix)}</span>' if mix else "")
        + f'</td><td class="num {fte_class}">{esc(format_number(f.team_fte))} / {esc(format_number(f.team_fte_target))}</td>'
        f'<td class="num">{esc(format_money_rounded(f.secured))} <span class="kpa-muted">({esc(pct)})</span>'
        f'<br><span class="kpa-muted">{esc(_("demandé {requested}").format(requested=format_money_rounded(f.requested)))}'
        f'</span><br><span class="kpa-rs-gap">{esc(_("reste {gap}").format(gap=format_money_rounded(f.gap)))}</span></td>'
        f'<td class="num">{esc(launch)}<br><span class="kpa-muted">{esc(slip)}</span></td>'
        f'<td><ul class="kpa-rs-reasons">{reasons or "<li>" + esc(_("rien ne bloque")) + "</li>"}</ul>'
        + (f'<span class="kpa-muted">{esc(_("modifié le {date}").format(date=changed))}</span>' if changed else "")
        + '</td></tr>')


def rows_html(rows: list[NetworkRow]) -> str:
    """The table of *rows* (at most :data:`SHOWN_ROWS`; the rest counted)."""
    if not rows:
        return f'<p class="kpa-muted kpa-rs-empty">{esc(_("Aucun territoire ne correspond."))}</p>'
    head = "".join(f'<th{" class=num" if num else ""} scope="col">{esc(text)}</th>' for text, num in (
        (_("Territoire"), False), (_("Préparation"), True), (_("Groupe"), True), (_("Équipe (ETP / 1,5)"), True),
        (_("Année 1 : acquis"), True), (_("Lancement"), True), (_("Pourquoi cette couleur"), False)))
    body = "".join(_row_html(row) for row in rows[:SHOWN_ROWS])
    more = len(rows) - SHOWN_ROWS
    note = (f'<p class="kpa-muted">{esc(ngettext("… et {n} autre ligne : filtrez, ou exportez le tableau.", "… et {n} autres lignes : filtrez, ou exportez le tableau.", more).format(n=more))}</p>'
            if more > 0 else "")
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-rs-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>{note}')


def totals_html(rows: list[NetworkRow], today: dt.date) -> str:
    """The network's big numbers, each beside the 2019 deck's."""
    totals, deck = network_totals(rows, today), deck_totals()
    source = _("présentation KPA-Cité ({date})").format(date=format_date(deck.date, style="LLLL y"))
    pct = f"{totals.secured_pct} %" if totals.secured_pct is not None else "—"
    small = (" " + ngettext("(+ {n} petit groupe)", "(+ {n} petits groupes)", totals.small_groups).format(
        n=totals.small_groups)) if totals.small_groups else ""
    cards = [
        (str(totals.territories), _("territoires partagent leurs chiffres"), _("{n} KPA").format(n=deck.kpas)),
        (str(totals.members), _("membres des groupes") + small, _("{n} membres").format(n=deck.members)),
        (format_number(totals.team_fte), _("ETP d'accompagnement"), _("{n} ETP").format(n=format_number(deck.team_fte))),
        (format_money_rounded(totals.secured), _("acquis sur {charges} (année 1, {pct})").format(
            charges=format_money_rounded(totals.charges), pct=pct),
         _("{revenue} de chiffre d'affaires depuis le démarrage").format(revenue=format_money_rounded(deck.revenue))),
    ]
    html = "".join(f'<div class="kpa-rs-card"><span class="kpa-big">{esc(value)}</span>'
                   f'<span class="kpa-big-label">{esc(label)}</span>'
                   f'<span class="kpa-rs-deck">{esc(_("en 2019 : {figure}").format(figure=deck_figure))}</span></div>'
                   for value, label, deck_figure in cards)
    lights = "".join(f'<span class="kpa-rs-count">{_dot(light)}{esc(light_count(light, totals.lights[light]))}</span>'
                     for light in ("red", "orange", "green", "problem") if totals.lights[light])
    note = esc(_("Les chiffres de 2019 sont ceux de la {source}.").format(source=source))
    return (f'<div class="kpa-rs-cards">{html}</div>'
            f'<p class="kpa-rs-lights">{lights}<span class="kpa-muted kpa-rs-note">{note}</span></p>')


def _rules_html() -> str:
    items = "".join(f'<li>{_dot(rule.light)}{esc(_(rule.text))}</li>' for rule in RULES)
    return (f'<details class="kpa-rs-rules" open><summary>{esc(_("Comment les couleurs sont calculées"))}</summary>'
            f'<ul>{items}<li>{_dot("green")}{esc(_("Vert : aucune de ces règles."))}</li></ul></details>')


def _shared_html() -> str:
    items = "".join(f"<li>{esc(_(item))}</li>" for item in SHARED_ITEMS)
    return (f'<details class="kpa-rs-shared"><summary>{esc(_("Ce que chaque territoire partage, par son choix"))}'
            f'</summary><ul>{items}</ul><p class="kpa-muted">{esc(_(NOT_SHARED))}</p></details>')


class NetworkBody(widgets.VBox):
    """The page's body: the folder, totals, sort and filter, the table, the rules, the exports."""

    def __init__(self, session: WorkbookSession, shell: PageShell, folder: Path | None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.session, self.shell, self.folder, self._today = session, shell, folder, today
        self.reader = FolderReader(folder) if folder is not None else None
        self.scan: FolderScan | None = None
        self.stop_following: Callable[[], None] | None = None
        guard = shell.guard

        def wide() -> widgets.Layout:  # a grid inside an HTML widget is laid out at the widget's width
            return widgets.Layout(width="100%")

        self.where = widgets.HTML(layout=wide())
        self.totals = widgets.HTML(layout=wide())
        self.sort = widgets.Dropdown(options=[(_(label), code) for code, label in SORTS], value="urgency",
                                     description=_("Trier"))
        self.light = widgets.Dropdown(options=[(_(label), code) for code, label in FILTERS], value="all",
                                      description=_("Montrer"))
        self.search = widgets.Text(placeholder=_("territoire, commune ou fichier"), description=_("Chercher"),
                                   continuous_update=False)
        for control, css, width in ((self.sort, "kpa-rs-sort", "430px"), (self.light, "kpa-rs-filter", "330px"),
                                    (self.search, "kpa-rs-search", "400px")):
            control.style.description_width = "90px"
            control.layout.width = width
            control.add_class(css)
            control.observe(guard(lambda _change: self.draw()), names="value")
        self.notes = widgets.HTML(layout=wide())
        self.table = widgets.HTML(layout=wide())
        self.table.add_class("kpa-rs-rows")
        self.pdf_button = widgets.Button(description=_("État du réseau (PDF)"), button_style="primary", icon="file-pdf")
        self.csv_button = widgets.Button(description=_("Tableau en CSV"))
        self.xlsx_button = widgets.Button(description=_("Tableau en Excel"))
        self.pdf_button.on_click(guard(lambda _b: self.export("pdf")))
        self.csv_button.on_click(guard(lambda _b: self.export("csv")))
        self.xlsx_button.on_click(guard(lambda _b: self.export("xlsx")))
        self.export_status = widgets.HTML()
        self.export_status.add_class("kpa-rs-export")
        super().__init__([
            widgets.HTML(f'<h1 class="kpa-section-title kpa-rs-title">{esc(_("Le réseau : tous les territoires"))}</h1>'),
            self.where, self.totals,
            widgets.HBox([self.sort, self.light, self.search], layout=widgets.Layout(flex_flow="row wrap")),
            self.notes, self.table, widgets.HTML(_rules_html() + _shared_html(), layout=wide()),
            widgets.HBox([self.pdf_button, self.csv_button, self.xlsx_button], layout=widgets.Layout(flex_flow="row wrap")),
            self.export_status,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("kpa-network-page")
        self.reload()

    @property
    def today(self) -> dt.date:
        return self._today()

    # ------------------------------------------------------------ reading and drawing
    def reload(self) -> FolderScan | None:
        """Read the folder again (only changed files are parsed) and redraw."""
        if self.reader is None:
            self.where.value = message_html(_("Pas de dossier du réseau : lancez « kpa reseau DOSSIER », ou donnez "
                                              "le dossier dans la variable KPA_NETWORK_DIR."), "info")
            return None
        self.scan = self.reader.scan(self.today)
        self.draw()
        return self.scan

    def draw(self) -> None:
        scan = self.scan
        if scan is None:
            return
        self.where.value = (f'<p class="kpa-muted kpa-rs-folder">{esc(_("Dossier lu : {folder}").format(folder=scan.folder))}'
                            f' · {esc(_("au {date}").format(date=format_date(self.today)))}</p>')
        if scan.missing is not None:
            self.where.value += message_html(scan.missing.message(), "error")
        self.totals.value = totals_html(scan.rows, self.today)
        notes = []
        if scan.left_out:
            notes.append(message_html(ngettext(
                "Le dossier a plus de {max} fichiers : {n} fichier n'est pas lu (les premiers par nom le sont).",
                "Le dossier a plus de {max} fichiers : {n} fichiers ne sont pas lus (les premiers par nom le sont).",
                scan.left_out).format(max=MAX_FILES, n=scan.left_out), "warning"))
        if scan.timed_out:
            notes.append(message_html(ngettext(
                "Lecture arrêtée au bout du temps permis : {n} fichier n'est pas lu.",
                "Lecture arrêtée au bout du temps permis : {n} fichiers ne sont pas lus.",
                scan.timed_out).format(n=scan.timed_out), "warning"))
        if scan.not_sharing:
            notes.append(f'<p class="kpa-muted">{esc(ngettext("{n} carnet du dossier ne partage pas ses chiffres.", "{n} carnets du dossier ne partagent pas leurs chiffres.", scan.not_sharing).format(n=scan.not_sharing))}</p>')
        self.notes.value = "".join(notes)
        self.notes.layout.display = None if notes else "none"  # no empty line between the controls and the table
        shown = filter_rows(sort_rows(scan.rows, str(self.sort.value)), str(self.light.value), self.search.value)
        self.table.value = rows_html(shown)

    # ------------------------------------------------------------ following the folder
    def follow(self) -> bool:
        """Follow the folder live (one watcher entry for the folder); False without a running loop."""
        loop = running_loop()
        if self.folder is None or loop is None or not self.folder.is_dir():
            return False
        if self.stop_following is not None:  # following again (another loop): one entry, never two
            self.stop_following()
            self.stop_following = None
        try:
            self.stop_following = watcher().add(self.folder, self.shell.guard(self._followed), loop)
        except FollowRefused:
            return False
        return True

    def _followed(self) -> None:
        with use_language(self.session.lang):
            self.reload()

    # ------------------------------------------------------------ outputs
    def export(self, kind: str) -> bytes:
        """The PDF, CSV or .xlsx of the rows (as sorted and filtered: the PDF takes them all) as a download link."""
        from kpawidgets.report.network import network_pdf
        from kpawidgets.storage.network_states import keep_state, last_state
        from kpawidgets.storage.spreadsheets.network import network_csv, network_xlsx

        rows = self.scan.rows if self.scan is not None else []
        shown = filter_rows(sort_rows(rows, str(self.sort.value)), str(self.light.value), self.search.value)
        stamp = self.today.isoformat()
        if kind == "pdf":  # with the trend since the last export, whose figures the workspace keeps
            root = self.session.workspace.root
            data = network_pdf(rows, self.today, str(self.folder or ""), last_state(root))
            keep_state(root, state_figures(network_totals(rows, self.today)), self.today, folder=str(self.folder or ""))
            mime, name, label = ("application/pdf", f"etat-du-reseau-{stamp}.pdf",
                                 _("Télécharger l'état du réseau (PDF)"))
        elif kind == "csv":
            data, mime, name, label = (network_csv(shown).encode("utf-8"), "text/csv", f"reseau-{stamp}.csv",
                                       _("Télécharger le tableau (CSV)"))
        else:
            data, mime, name, label = (network_xlsx(shown),
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                       f"reseau-{stamp}.xlsx", _("Télécharger le tableau (Excel)"))
        encoded = base64.b64encode(data).decode("ascii")
        self.export_status.value = (f'<p><a class="kpa-rs-download kpa-rs-download-{kind}" download="{esc(name)}" '
                                    f'href="data:{mime};base64,{encoded}">⬇ {esc(label)}</a> <span class="kpa-muted">'
                                    f'{esc(_("{size} Ko").format(size=max(1, len(data) // 1024)))}</span></p>')
        return data


def build_network(session: WorkbookSession, folder: Path | None = None,
                  today: Callable[[], dt.date] = dt.date.today) -> PageShell:
    """The page's widget tree (folder: *folder*, else :func:`~kpawidgets.storage.network_folder.network_dir`)."""
    shell = PageShell(PAGE, session)
    folder = folder if folder is not None else network_dir(session.workspace.root)
    body = NetworkBody(session, shell, folder, today)
    shell.set_body(body)
    body.follow()
    return shell


def network_page() -> PageShell:
    """Build and display the Réseau page for the current Voilà request."""
    session = WorkbookSession.from_request(query_params())
    shell = build_network(session)
    display(shell)
    return shell
