"""The home page: what a KPA is, the network dashboard, the workbook picker.

The picker opens a workbook of the workspace, creates a new one, or starts from
the example; the chosen workbook then travels to the other pages in the links
(``?workbook=<name>``). When a workbook is open, its identity (town, neighbourhood,
QPV, launch date, language) and what the PDF's cover says (summary, contact, logo:
:mod:`kpawidgets.app.home.cover`) are edited here, and it can be duplicated, deleted (to
the trash) or brought back to an earlier version.
"""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.fields import TEXT, Field, Kind, check_field, choice_field, date_field, text_field
from kpawidgets.app.home.cover import CoverFields
from kpawidgets.app.home.privacy import GroupPrivacy
from kpawidgets.app.home.sharing import NetworkSharing
from kpawidgets.app.live import Changes
from kpawidgets.app.request import query_params
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PAGES, PageShell, esc, message_html, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, format_date, format_money_rounded, format_number, translate
from kpawidgets.model.network import REFERENCE_DATE, NetworkKpa, load_network
from kpawidgets.model.workbook import Identity
from kpawidgets.storage.history import Snapshot, differences, snapshot_workbook, snapshots, take_snapshot, version_bytes
from kpawidgets.storage.workspace import HistoryVersion, WorkbookEntry, load_workbook_file, read_workbook_bytes

__all__ = ["home_page", "build_home", "HomeApp", "network_dashboard_html", "presentation_html"]

#: (icon, title, text) of the "what is a KPA" infographic; texts are catalog ids.
_KPA_FACTS = [
    ("people", N_("Des habitant·es"), N_("De 16 à 62 ans : lycéen·nes, étudiant·es, demandeur·euses d'emploi, "
                                         "allocataires du RSA, parents au foyer, indépendant·es qui démarrent.")),
    ("shop", N_("Des services vendus ensemble"), N_("Traiteur et buffets, jardinage, événements festifs, sérigraphie, "
                                                     "arts numériques, conciergerie de quartier…")),
    ("house", N_("Une coopérative qui porte"), N_("Les coopérant·es entrent dans une CAE et signent un CAPE ; devis et "
                                                  "factures passent par sa plateforme.")),
    ("hands", N_("Une équipe qui accompagne"), N_("Environ 1,5 ETP partagé entre plusieurs personnes, qui part des envies "
                                                  "et des compétences de chacun·e.")),
]

_KPA_LEAD = N_("Un KPA est une coopérative d’habitant·es qui vendent ensemble des services, portée par une "
               "coopérative d’activité et d’emploi. KPA-Cité, programme d’éducation populaire à l’économie, aide un "
               "quartier à la lancer : on se donne le droit d’essayer, d’apprendre et de faire ensemble.")

_ICONS = {
    "people": '<circle cx="9" cy="8" r="3.2"/><circle cx="17" cy="9" r="2.6"/><path d="M3 20c0-3.6 2.7-6 6-6s6 2.4 6 6"/>'
              '<path d="M14.5 14.6c.8-.4 1.6-.6 2.5-.6 2.6 0 4.5 2 4.5 5"/>',
    "shop": '<path d="M4 9h16l-1.5-5h-13z"/><path d="M5 9v11h14V9"/><path d="M10 20v-6h4v6"/>',
    "house": '<path d="M3 11l9-7 9 7"/><path d="M5 10v10h14V10"/><path d="M9 20v-5h6v5"/>',
    "hands": '<path d="M3 13l4-4 4 3 3-3 7 6"/><path d="M7 16l3 3 4-3"/><path d="M3 13v4l4 3"/>',
}


def _icon(name: str) -> str:
    return (f'<svg class="kpa-icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" '
            f'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{_ICONS[name]}</svg>')


def presentation_html() -> str:
    """What a KPA is, in a title and a few words (from the KPA-Cité deck): the page's first lines."""
    return (
        f'<section class="kpa-hero"><h1>{esc(_("Lancer une coopérative de quartier"))}</h1>'
        f'<p class="kpa-lead">{esc(_(_KPA_LEAD))}</p></section>'
    )


def facts_html() -> str:
    """What a KPA is, in four pictures (from the KPA-Cité deck), below the workbooks."""
    cards = "".join(
        f'<div class="kpa-fact">{_icon(icon)}<h3>{esc(_(title))}</h3><p>{esc(_(text))}</p></div>'
        for icon, title, text in _KPA_FACTS
    )
    return f'<section class="kpa-hero"><div class="kpa-facts">{cards}</div></section>'


def _bar_rows(kpas: list[NetworkKpa], value_of: object, formatter: object) -> str:
    values = [(kpa, value_of(kpa)) for kpa in kpas]  # type: ignore[operator]
    top = max((float(v) for _, v in values if v is not None), default=0.0) or 1.0
    rows = []
    for kpa, value in values:
        if value is None:
            bar, label = "", f'<span class="kpa-muted" title="{esc(_("pas encore de chiffre"))}">—</span>'
        else:
            width = max(2.0, 100.0 * float(value) / top)
            bar = f'<span class="kpa-bar" style="width:{width:.1f}%"></span>'
            label = esc(formatter(value))  # type: ignore[operator]
        rows.append(f'<div class="kpa-bar-row"><span class="kpa-bar-name">{esc(kpa.name)}</span>'
                    f'<span class="kpa-bar-track">{bar}</span><span class="kpa-bar-value">{label}</span></div>')
    return "".join(rows)


def network_dashboard_html(kpas: tuple[NetworkKpa, ...] | None = None) -> str:
    """The four KPAs side by side: members, revenue per month of activity, support FTE, and bar charts."""
    kpas_list = list(kpas if kpas is not None else load_network())
    cards = []
    for kpa in kpas_list:
        per_month = kpa.revenue_per_month
        basis = f" {esc(_('HT'))}" if kpa.revenue_basis == "HT" else ""
        since = format_date(kpa.since, style="LLLL y") if kpa.since_precision == "mois" else esc(_(kpa.since_precision))
        figures = [
            (str(kpa.members) if kpa.members is not None else "—", _("membres")),
            (format_money_rounded(per_month) + basis if per_month is not None else "—", _("de chiffre d’affaires par mois")),
            (format_number(kpa.support_fte) if kpa.support_fte is not None else "—",
             _("ETP d’accompagnement") + (f" ({kpa.support_people} {_('personnes')})" if kpa.support_people else "")),
        ]
        figures_html = "".join(f'<div class="kpa-figure"><span class="kpa-big">{esc(v)}</span>'
                               f'<span class="kpa-big-label">{esc(label)}</span></div>' for v, label in figures)
        ages = (f"{kpa.age_min}–{kpa.age_max} {_('ans')}" if kpa.age_min is not None else _("public jeune"))
        status = _("depuis") + " " + since if kpa.status != "lancement" else _("lancement") + " : " + since
        qpv = f' <span class="kpa-tag">{esc(_("QPV"))}</span>' if kpa.qpv else ""
        cards.append(
            f'<article class="kpa-card kpa-kpa-card"><h3>{esc(kpa.name)}{qpv}</h3>'
            f'<p class="kpa-muted">{esc(kpa.town)} · {esc(status)} · {esc(ages)}</p>{figures_html}</article>'
        )
    note = _("Chiffres de la présentation KPA-Cité (vers {date}) ; chiffre d’affaires depuis le démarrage divisé "
             "par les mois d’activité.").format(date=format_date(REFERENCE_DATE, style="LLLL y"))
    charts = (
        f'<div class="kpa-charts"><figure class="kpa-chart"><figcaption>{esc(_("Membres"))}</figcaption>'
        f'{_bar_rows(kpas_list, lambda k: k.members, str)}</figure>'
        f'<figure class="kpa-chart"><figcaption>{esc(_("Chiffre d’affaires par mois d’activité"))}</figcaption>'
        f'{_bar_rows(kpas_list, lambda k: k.revenue_per_month, format_money_rounded)}</figure>'
        f'<figure class="kpa-chart"><figcaption>{esc(_("ETP d’accompagnement"))}</figcaption>'
        f'{_bar_rows(kpas_list, lambda k: k.support_fte, format_number)}</figure></div>'
    )
    return (f'<section class="kpa-network" aria-label="{esc(_("Le réseau"))}">'
            f'<h2 class="kpa-section-title">{esc(_("Le réseau KPA-Cité"))}</h2>'
            f'<div class="kpa-cards kpa-network-cards">{"".join(cards)}</div>{charts}'
            f'<p class="kpa-muted kpa-note">{esc(note)}</p></section>')


def _territory(text: str) -> str:
    name = TEXT.parse(text)
    if not name:
        raise KpaError("Le nom du territoire ne peut pas être vide.")
    return name


_TERRITORY: Kind[str] = Kind(_territory, TEXT.show, "kpa-text")


class HomeApp(widgets.VBox):
    """Workbook picker and, for the open workbook, its identity and file actions."""

    def __init__(self, session: WorkbookSession, shell: PageShell) -> None:
        self.session = session
        self.shell = shell
        self.lang = session.lang
        report = shell.guard
        # --- picker
        self.listing = widgets.HTML()
        self.new_name = widgets.Text(placeholder=_("Nom du territoire, par ex. KPA du Pont-Neuf"),
                                     description=_("Nouveau carnet"), continuous_update=False,
                                     layout=widgets.Layout(width="min(100%, 620px)"))
        self.new_name.style.description_width = "150px"  # « Nouveau carnet » whole, in French and English
        self.create_button = widgets.Button(description=_("Créer"), button_style="primary")
        self.example_button = widgets.Button(description=_("Partir de l’exemple"),
                                             layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.picker_message = widgets.HTML()
        self.create_button.on_click(report(lambda _b: self.create()))
        self.example_button.on_click(report(lambda _b: self.start_from_example()))
        picker = widgets.VBox([
            widgets.HTML(f'<h2 class="kpa-section-title">{esc(_("Les carnets"))}</h2>'),
            self.listing,
            widgets.HBox([self.new_name, self.create_button], layout=widgets.Layout(align_items="center")),
            self.example_button,
            self.picker_message,
        ], layout=widgets.Layout(width="100%"))
        # --- the open workbook
        self.current = widgets.VBox(layout=widgets.Layout(width="100%"))
        wide = "220px"
        self.territory = text_field(self, self._identity, "territory", _("Territoire"), _TERRITORY, label_width=wide,
                                    css="kpa-f-identity-territory")
        self.town = text_field(self, self._identity, "town", _("Commune"), label_width=wide, css="kpa-f-identity-town")
        self.neighbourhood = text_field(self, self._identity, "neighbourhood", _("Quartier"), label_width=wide,
                                        css="kpa-f-identity-neighbourhood")
        self.qpv = check_field(self, self._identity, "qpv", _("Quartier prioritaire (QPV)"), css="kpa-f-identity-qpv")
        self.launch_date = date_field(self, self._identity, "launch_date", _("Lancement prévu"), label_width=wide,
                                      css="kpa-f-identity-launch_date")
        self.language = choice_field(self, self._identity, "language", _("Langue du plan"),
                                     [("Français", "fr"), ("English", "en")], label_width=wide,
                                     css="kpa-f-identity-language")
        self.identity_fields: list[Field] = [self.territory, self.town, self.neighbourhood, self.qpv,
                                             self.launch_date, self.language]
        self.cover = CoverFields(self, session)
        self.duplicate_button = widgets.Button(description=_("Dupliquer"))
        self.delete_button = widgets.Button(description=_("Mettre à la corbeille"), button_style="danger")
        self.confirm_delete = widgets.Button(description=_("Oui, mettre à la corbeille"), button_style="danger",
                                             layout=widgets.Layout(display="none"))
        self.history = widgets.Dropdown(description=_("Versions"), options=[])
        self.restore_button = widgets.Button(description=_("Revenir à cette version"))
        # issue 10: a restore shows what it would change first; named snapshots are kept forever
        self.confirm_restore = widgets.Button(description=_("Oui, revenir à cette version"), button_style="warning",
                                              layout=widgets.Layout(display="none"))
        self.snapshot_name = widgets.Text(placeholder=_("par ex. avant l'atelier du 12 mars"),
                                          description=_("Instantané"), continuous_update=False)
        self.snapshot_name.style.description_width = "120px"
        self.snapshot_button = widgets.Button(description=_("Garder cette version sous ce nom"))
        self.confirm_restore.on_click(report(lambda _b: self.restore(confirmed=True)))
        self.snapshot_button.on_click(report(lambda _b: self.snapshot()))
        self.duplicate_button.on_click(report(lambda _b: self.duplicate()))
        self.delete_button.on_click(report(lambda _b: self._ask_delete()))
        self.confirm_delete.on_click(report(lambda _b: self.delete()))
        self.restore_button.on_click(report(lambda _b: self.restore()))
        self.history.style.description_width = "120px"
        self.actions_message = widgets.HTML()
        self.group_privacy = GroupPrivacy(session, report)
        self.sharing = NetworkSharing(self, session)
        # Choosing or creating a workbook comes first: it is what a facilitator does on arrival.
        super().__init__([picker, self.current], layout=widgets.Layout(width="100%"))
        self.add_class("kpa-home")
        session.on_workbook(lambda _wb: self.refresh())
        self.refresh()

    # ------------------------------------------------------------ rendering
    def refresh(self) -> None:
        """Redraw the list and the open workbook's panel from the workspace."""
        self.listing.value = self._listing_html(self.session.workspace.list())
        self.shell.render_header()
        workbook = self.session.workbook
        if workbook is None:
            self.current.children = ()
            if self.session.error is not None:
                self.shell.show_error(self.session.error.message())
            return
        identity = workbook.identity
        for field in self.identity_fields:
            field.show(getattr(identity, field.attr))
        self.cover.refresh()
        self.group_privacy.refresh()
        self.sharing.refresh()
        self._refresh_history()
        name, lang = self.session.name, self.session.lang
        steps = "".join(
            f'<a class="kpa-step-link" href="{esc(page_url(page, name, lang))}">{esc(translate(title, lang))} →</a>'
            for page, title in PAGES[1:]
        )
        self.current.children = (
            widgets.HTML(f'<h2 class="kpa-section-title">{esc(_("Carnet ouvert : {territory}").format(territory=identity.territory))}</h2>'
                         f'<div class="kpa-step-links">{steps}</div>'),
            *self.identity_fields,
            self.cover,
            widgets.HBox([self.duplicate_button, self.delete_button, self.confirm_delete]),
            widgets.HBox([self.history, self.restore_button, self.confirm_restore],
                         layout=widgets.Layout(align_items="center")),
            widgets.HBox([self.snapshot_name, self.snapshot_button], layout=widgets.Layout(align_items="center")),
            self.actions_message,
            self.group_privacy,
            self.sharing,
        )

    def _listing_html(self, entries: list[WorkbookEntry]) -> str:
        if not entries:
            return f'<p class="kpa-muted">{esc(_("Aucun carnet pour l’instant : créez-en un, ou partez de l’exemple."))}</p>'
        lang = self.session.lang
        rows = []
        for entry in entries:
            if entry.workbook is None:
                reason = entry.error.message() if entry.error else ""
                rows.append(f'<li class="kpa-wb kpa-wb-broken"><strong>{esc(entry.path.name)}</strong> — '
                            f'<span class="kpa-field-error">{esc(_("illisible"))}</span> : {esc(reason)}</li>')
                continue
            identity = entry.workbook.identity
            where = " · ".join(part for part in (identity.town, identity.neighbourhood) if part)
            when = format_date(identity.launch_date) if identity.launch_date else _("date de lancement à fixer")
            current = " kpa-wb-current" if entry.name == self.session.name else ""
            rows.append(
                f'<li class="kpa-wb{current}"><a href="{esc(page_url("00_accueil.ipynb", entry.name, lang))}">'
                f'{esc(identity.territory)}</a> <span class="kpa-muted">{esc(where)} · {esc(when)}</span></li>'
            )
        return f'<ul class="kpa-wb-list">{"".join(rows)}</ul>'

    def _refresh_history(self) -> None:
        if self.session.name is None:
            return
        versions: list[HistoryVersion | Snapshot] = [*self.session.workspace.history(self.session.name),
                                                      *snapshots(self.session.workspace.root, self.session.name)]
        versions.sort(key=lambda v: v.saved_at if isinstance(v, HistoryVersion) else v.taken_at)

        def title(v: HistoryVersion | Snapshot) -> str:
            at = v.saved_at if isinstance(v, HistoryVersion) else v.taken_at
            when = format_date(at.date(), style="medium") + " " + at.astimezone().strftime("%H:%M:%S")
            return f"★ {v.label} — {when}" if isinstance(v, Snapshot) else when

        self.history.options = [(title(v), index) for index, v in reversed(list(enumerate(versions)))]
        self._versions = versions
        self.restore_button.disabled = not versions
        self.confirm_restore.layout.display = "none"

    def _opened(self, name: str, text: str) -> None:
        lang = self.session.lang
        links = "".join(f'<a class="kpa-step-link" href="{esc(page_url(page, name, lang))}">{esc(translate(title, lang))} →</a>'
                        for page, title in PAGES)
        self.picker_message.value = (f'<div class="kpa-banner kpa-banner-ok" role="status">{esc(text)}'
                                     f'<div class="kpa-step-links">{links}</div></div>')
        self.refresh()

    # -------------------------------------------------------------- actions
    def create(self) -> None:
        """Create a workbook named after the text field and open it."""
        territory = self.new_name.value.strip()
        if not territory:
            self.picker_message.value = message_html(_("Donnez un nom au territoire."), "error")
            return
        if len(territory) > 200:
            self.picker_message.value = message_html(_("Ce nom est trop long (200 caractères au plus)."), "error")
            return
        opened = self.session.workspace.create(territory)
        self.session.open(opened.name)
        self.new_name.value = ""
        self._opened(opened.name, _("Carnet créé : {territory}.").format(territory=territory))

    def start_from_example(self) -> None:
        """Copy the example workbook and open the copy."""
        name = self.session.open_example()
        self._opened(name, _("Copie de l’exemple créée : vous pouvez la modifier librement."))

    # ------------------------------------------------------------ editing (the fields' Editor)
    def _identity(self) -> Identity | None:
        return self.session.workbook.identity if self.session.workbook is not None else None

    def report(self, text: str) -> None:
        self.shell.show_error(text)

    def changed(self) -> bool:
        """Save an identity edit; the header and the history follow."""
        saved = self.session.changed()
        if saved:
            self.shell.render_header()
            self._refresh_history()
        return saved

    def duplicate(self) -> None:
        if self.session.name is None:
            return
        copy = self.session.workspace.duplicate(self.session.name)
        url = page_url("00_accueil.ipynb", copy.name, self.session.lang)
        self.actions_message.value = (f'<div class="kpa-banner kpa-banner-ok">{esc(_("Copie créée :"))} '
                                      f'<a href="{esc(url)}">{esc(copy.workbook.identity.territory)}</a></div>')
        self.listing.value = self._listing_html(self.session.workspace.list())

    def _ask_delete(self) -> None:
        self.confirm_delete.layout.display = "inline-flex" if self.confirm_delete.layout.display == "none" else "none"

    def delete(self) -> None:
        if self.session.name is None:
            return
        territory = self.session.workbook.identity.territory if self.session.workbook else self.session.name
        self.session.workspace.delete(self.session.name)
        self.session.opened = None
        self.confirm_delete.layout.display = "none"
        self.picker_message.value = message_html(
            _("« {territory} » est dans la corbeille du dossier de travail (.corbeille) : il peut être récupéré.").format(
                territory=territory), "ok")
        self.refresh()

    def restore(self, confirmed: bool = False) -> None:
        """Say what going back to the chosen version would change; with *confirmed*, do it
        (the version replaced is kept in the history, so the restore can be undone)."""
        if self.session.name is None or self.history.value is None or self.session.workbook is None:
            return
        version = self._versions[int(self.history.value)]
        workspace = self.session.workspace
        old = snapshot_workbook(version) if isinstance(version, Snapshot) else \
            load_workbook_file(version_bytes(version.path), version.path.name)
        if not confirmed:
            changes = differences(self.session.workbook, old, limit=30)
            items = "".join(f"<li>{esc(str(change))}</li>" for change in changes)
            heading = _("Revenir à cette version changerait :") if changes else _("Cette version est identique au carnet.")
            self.actions_message.value = (f'<div class="kpa-banner kpa-banner-info kpa-restore-preview" role="status">'
                                          f'{esc(heading)}<ul>{items}</ul></div>')
            self.confirm_restore.layout.display = "inline-flex" if changes else "none"
            return
        self.session.opened = workspace.save(workspace.open(self.session.name), old)
        self.actions_message.value = message_html(_("Version rétablie ; la version remplacée reste dans l’historique."), "ok")
        self.refresh()

    def snapshot(self) -> None:
        """Keep the workbook as it is now under the name typed (forever)."""
        if self.session.opened is None:
            return
        kept = take_snapshot(self.session.workspace.root, self.session.opened.name,
                             read_workbook_bytes(self.session.opened.path), self.snapshot_name.value)
        self.snapshot_name.value = ""
        self.actions_message.value = message_html(_("Instantané « {label} » gardé.").format(label=kept.label), "ok")
        self._refresh_history()


class _HomeBody(widgets.VBox):
    """The page's body: what a KPA is in a few words, the app (which follows other devices' saves),
    then what a KPA is in pictures and the network."""

    def __init__(self, top: widgets.Widget, app: HomeApp, bottom: widgets.Widget) -> None:
        super().__init__([top, app, bottom], layout=widgets.Layout(width="100%"))
        self.app = app

    def follow_external(self, changes: Changes) -> None:
        """Another device saved: what is drawn from the identity follows (the bound fields follow by themselves)."""
        if changes.touches("identity"):
            self.app.cover.follow_external()
        if changes.touches("network"):
            self.app.sharing.follow_external()


def build_home(session: WorkbookSession) -> PageShell:
    """The home page's widget tree for *session*."""
    shell = PageShell("00_accueil.ipynb", session)
    top = widgets.HTML(presentation_html(), layout=widgets.Layout(width="100%"))
    network = (f'<p class="kpa-step-links"><a class="kpa-step-link kpa-network-link" '
               f'href="{esc(page_url("06_reseau.ipynb", session.name, session.lang))}">'
               f'{esc(_("Le réseau : tous les territoires qui partagent leurs chiffres"))} →</a></p>')
    bottom = widgets.HTML(facts_html() + network_dashboard_html() + network, layout=widgets.Layout(width="100%"))
    shell.set_body(_HomeBody(top, HomeApp(session, shell), bottom))
    shell.follow_others()  # the identity fields follow other devices' saves
    return shell


def home_page() -> PageShell:
    """Build and display the home page for the current Voilà request."""
    session = WorkbookSession.from_request(query_params())
    shell = build_home(session)
    display(shell)
    return shell
