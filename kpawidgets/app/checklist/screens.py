"""The screens of the launch checklist workshop: one per ingredient, the philosophy,
the support path and the summary. Each is a VBox built once and bound to the model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import ipywidgets as widgets
from pydantic import BaseModel

from kpawidgets.app.checklist.html import (
    actions_html,
    folded_actions_html,
    commitments_count,
    equipment_totals_html,
    fte_gauge_html,
    mix_html,
    mix_rules_html,
    partner_counts_html,
    readiness_html,
    rule_html,
    score_badge_html,
    team_breakdown_html,
)
from kpawidgets.app.fields import (
    AMOUNT,
    FTE,
    Editor,
    assign,
    bind,
    check_field,
    choice_field,
    date_field,
    text_field,
    wire,
)
from kpawidgets.app.live import follow_widgets
from kpawidgets.app.shell import esc, guarded
from kpawidgets.app.undo import remove_undoably
from kpawidgets.i18n import N_, _, format_date, translate
from kpawidgets.model.checklist import (
    AGE_BANDS,
    CHECKS,
    COMMITMENTS,
    EQUIPMENT_CATEGORIES,
    EQUIPMENT_STATUS_LABELS,
    GENDERS,
    INGREDIENT_TITLES,
    PAID_BY_LABELS,
    PARTNER_ROLES,
    PARTNER_STATUS_LABELS,
    SITUATIONS,
    STATUS_LABELS,
    SUPPORT_STEPS,
    Checklist,
    EquipmentItem,
    GroupMember,
    Partner,
    TeamMember,
    check_results,
    group_mix,
    prioritized_actions,
    readiness,
    support_dates,
    support_warnings,
    team_total_fte,
)
from kpawidgets.model.workbook import Workbook

__all__ = ["Screen", "IngredientScreen", "PhilosophyScreen", "SupportScreen", "SummaryScreen", "build_screens",
           "SECTION_TITLES", "INTROS", "SCREEN_KEYS", "build_screen"]

#: Titles of every section of the workshop (message ids).
SECTION_TITLES: dict[str, str] = {**INGREDIENT_TITLES, "philosophy": N_("La philosophie"),
                                  "support": N_("L'accompagnement KPA-Cité"), "summary": N_("Où en est-on ?")}

#: The deck's words for each ingredient.
INTROS: dict[str, str] = {
    "venue": N_("Un lieu ouvert, partagé, convivial, multifonctionnel."),
    "equipment": N_("Un équipement de base : de quoi démarrer les premières activités."),
    "group": N_("Un groupe mixte (social, genre, âge) de personnes intéressées par le développement d'une activité économique."),
    "team": N_("Une équipe d'accompagnement sur la base d'1,5 ETP, souvent partagée entre plusieurs personnes."),
    "host": N_("Une structure de portage juridique et financière, en pratique une CAE : les coopérant·es y signent un "
               "CAPE et font leurs devis et factures sur sa plateforme."),
    "partners": N_("Des partenaires : clients, financeurs, relais."),
    "philosophy": N_("S'approprier la philosophie : chaque engagement est discuté, puis adopté avec les mots du groupe."),
    "support": N_("En présentiel : 3 jours de micro-accompagnement avant le lancement, puis deux sessions de formation "
                  "de 3 jours, puis un accompagnement sur mesure (gouvernance, répartition financière, méthodes d'animation)."),
    "summary": N_("Le score de chaque ingrédient, le score global et ce qu'il reste à faire."),
}


class App(Editor, Protocol):
    """What a screen needs from the page (see :class:`kpawidgets.app.checklist.ChecklistApp`)."""

    workbook: Workbook
    checklist: Checklist

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None: ...


def _title_html(number: int, key: str) -> str:
    return (f'<h2 class="kpa-cl-title"><span class="kpa-cl-number">{number}</span>{esc(translate(SECTION_TITLES[key]))}</h2>'
            f'<p class="kpa-cl-intro">{esc(translate(INTROS[key]))}</p>')


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f'<h3 class="kpa-cl-h3">{esc(text)}</h3>')


class Screen(widgets.VBox):
    """One step of the workshop."""

    key: str = ""

    def __init__(self, app: App, number: int, children: list[widgets.Widget]) -> None:
        self.app = app
        self.number = number
        super().__init__(children)
        self.add_class("kpa-cl-screen")
        self.add_class(f"kpa-cl-screen-{self.key}")

    def refresh(self) -> None:
        """Redraw what is computed from the model (scores, indicators)."""


# ----------------------------------------------------------------- list editors
def _close(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


M = TypeVar("M", bound=BaseModel)


class ListEditor(widgets.VBox, Generic[M]):
    """Rows bound to the items of a model list, with « add » and « remove » buttons.

    Each row is kept in a dict by its item's stable ``id``: adding or removing an item adds or
    removes one row and leaves the others' widgets as they are (with ten people a full redraw
    took 1.9 s). A removal can be undone from the page's notice.
    """

    def __init__(self, app: App, items: list[M], factory: Callable[[], M],
                 row: Callable[[M], list[widgets.Widget]], add_label: str, css: str,
                 name: Callable[[M], str] = lambda _item: "", header: widgets.Widget | None = None) -> None:
        self.app, self.items, self.factory, self.row, self.css, self.name = app, items, factory, row, css, name
        self.rows = widgets.VBox()
        self.rows.add_class("kpa-cl-rows")
        #: item id → (the item drawn, its row, its number)
        self._rows: dict[str, tuple[M, widgets.Box, widgets.HTML]] = {}
        self.add_button = widgets.Button(description=add_label, icon="plus", button_style="primary")
        self.add_button.add_class(f"{css}-add")
        self.add_button.on_click(self._safe(lambda _b: self.add()))
        super().__init__([*([header] if header is not None else []), self.rows, self.add_button])
        self.add_class(f"{css}-list")
        self.redraw()

    def follow_model(self) -> None:
        """After another device's save: add or drop the rows of items that came or went, then let
        every row follow its item."""
        self.redraw()
        follow_widgets(self.rows)

    def _safe(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        return guarded(self.app.report, self.app.lang)(callback)

    def _build_row(self, item: M) -> tuple[M, widgets.Box, widgets.HTML]:
        remove = widgets.Button(description=_("Retirer"), icon="trash", tooltip=_("Retirer cette ligne"),
                                layout=widgets.Layout(width="auto"))
        remove.add_class("kpa-cl-remove")
        item_id = str(getattr(item, "id"))
        remove.on_click(self._safe(lambda _button: self.remove(item_id)))
        number = widgets.HTML()
        box = widgets.Box([number, *self.row(item), remove])
        box.add_class("kpa-cl-row")
        box.add_class(self.css)
        return item, box, number

    def redraw(self) -> None:
        """Show one row per item, in order: rows of items already drawn are kept, new items get a row."""
        kept: dict[str, tuple[M, widgets.Box, widgets.HTML]] = {}
        for item in self.items:
            item_id = str(getattr(item, "id"))
            drawn = self._rows.get(item_id)
            kept[item_id] = drawn if drawn is not None and drawn[0] is item else self._build_row(item)
        for index, (_item, _box, number) in enumerate(kept.values()):
            text = f'<span class="kpa-cl-rownum">{index + 1}</span>'
            if number.value != text:
                number.value = text
        gone = [entry[1] for item_id, entry in self._rows.items() if kept.get(item_id) is not entry]
        self._rows = kept
        children = tuple(box for _item, box, _number in kept.values())
        if children != self.rows.children:
            self.rows.children = children
        for box in gone:  # the kernel forgets the widgets of rows no longer shown
            _close(box)

    def row_of(self, item_id: str) -> widgets.Box | None:
        """The row showing the item *item_id*, if any."""
        entry = self._rows.get(item_id)
        return entry[1] if entry is not None else None

    def add(self) -> None:
        self.items.append(self.factory())
        self.redraw()
        self.app.changed()

    def remove(self, item_id: str) -> None:
        """Remove the item *item_id*; the page's notice offers « Annuler »."""
        index = next((i for i, item in enumerate(self.items) if str(getattr(item, "id")) == item_id), None)
        number = (index or 0) + 1
        removed, undo = remove_undoably(self.items, index, self.redraw)
        if removed is None:
            return
        name = self.name(removed).strip()

        def undo_and_say() -> None:
            undo()
            self.app.changed()
            self.app.say(_("Ligne rétablie."))

        text = (_("« {name} » retiré·e de la liste.").format(name=name) if name
                else _("Ligne {number} retirée.").format(number=number))
        self.app.changed()
        self.app.say(text, "info", undo_and_say)


# ----------------------------------------------------------------- ingredients
class IngredientScreen(Screen):
    """An ingredient: questions, facts, then status / owner / due date / notes."""

    def __init__(self, app: App, number: int, key: str, facts: list[widgets.Widget],
                 top: widgets.Widget | None = None) -> None:
        self.key = key
        self.state = app.checklist.ingredients.get(key)
        self.badge = widgets.HTML()
        self.auto = widgets.HTML()
        self.boxes: dict[str, widgets.Checkbox] = {}
        self._following = False
        questions: list[widgets.Widget] = []
        section = None
        for check in CHECKS[key]:
            if check.auto:
                continue
            if check.section and check.section != section:
                section = check.section
                questions.append(_heading(_("Les étapes") if section == "steps" else _("Les points juridiques")))
            box = widgets.Checkbox(value=check.id in self.state.criteria, description=translate(check.question),
                                   indent=False, layout=widgets.Layout(width="auto"))
            box.add_class("kpa-cl-question")
            box.add_class(f"kpa-f-{key}-{check.id}")
            wire(app, box, lambda _new: self._criteria_changed())
            self.boxes[check.id] = box
            questions.append(box)
        status = widgets.ToggleButtons(options=[(translate(label), code) for code, label in STATUS_LABELS.items()],
                                       value=self.state.status, description=_("Statut"))
        status.add_class("kpa-cl-status")
        status.add_class(f"kpa-f-{key}-status")
        decision = widgets.Box([
            bind(app, self.state, "status", status, label=_("Statut")),
            text_field(app, self.state, "owner", _("Qui s'en charge ?"), placeholder=_("Rôle ou prénom"),
                      css=f"kpa-f-{key}-owner"),
            date_field(app, self.state, "due", _("Pour quand ?"), css=f"kpa-f-{key}-due"),
            text_field(app, self.state, "notes", _("Notes"), multiline=True, css=f"kpa-f-{key}-notes"),
        ])
        decision.add_class("kpa-cl-decision")
        head = widgets.HTML(_title_html(number, key))
        header = widgets.Box([head, self.badge])
        header.add_class("kpa-cl-header")
        sectioned = any(check.section for check in CHECKS[key])
        criteria_box = widgets.VBox([*([] if sectioned else [_heading(_("Les critères"))]), *questions, self.auto])
        criteria_box.add_class("kpa-cl-criteria")
        children: list[widgets.Widget] = [header, *([top] if top is not None else []), criteria_box]
        if facts:
            children.append(_heading(_("Les faits")))
            children.extend(facts)
        children.extend([_heading(_("La décision")), decision])
        super().__init__(app, number, children)
        self.refresh()

    def _criteria_changed(self) -> None:
        if self._following:
            return
        met = [check_id for check_id, box in self.boxes.items() if box.value]
        assign(self.app, self.state, "criteria", met, _("Les critères"))

    def refresh(self) -> None:
        self._following = True  # ticks another device saved: shown, not saved again
        try:
            for check_id, box in self.boxes.items():
                box.value = check_id in self.state.criteria
        finally:
            self._following = False
        self.badge.value = score_badge_html(readiness(self.app.checklist).get(self.key))
        autos = [(check, ok) for check, ok in check_results(self.app.checklist, self.key) if check.auto]
        items = "".join(f'<li class="{"kpa-cl-ok" if ok else "kpa-cl-ko"}">{"✓" if ok else "✗"} {esc(translate(check.question))}</li>'
                        for check, ok in autos)
        self.auto.value = (f'<div class="kpa-cl-auto"><p>{esc(_("Vérifié à partir des faits :"))}</p><ul>{items}</ul></div>'
                           if items else "")


def _venue_facts(app: App) -> list[widgets.Widget]:
    venue = app.checklist.venue
    fields = widgets.Box([
        text_field(app, venue, "name", _("Nom du lieu"), css="kpa-f-venue-name"),
        text_field(app, venue, "address", _("Adresse"), css="kpa-f-venue-address"),
        text_field(app, venue, "lent_by", _("Qui le prête ou le loue ?"), css="kpa-f-venue-lent_by"),
        text_field(app, venue, "monthly_cost", _("Loyer payé par mois (€)"), AMOUNT, css="kpa-f-venue-monthly_cost"),
        text_field(app, venue, "in_kind_value", _("Valeur du prêt par mois (€)"), AMOUNT, css="kpa-f-venue-in_kind_value"),
    ])
    fields.add_class("kpa-cl-grid")
    note = widgets.HTML(f'<p class="kpa-cl-hint">{esc(_("Un lieu prêté gratuitement compte comme une contribution en nature : notez sa valeur, le budget la reprendra."))}</p>')
    return [fields, note]


class EquipmentFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.totals = widgets.HTML()

        def row(item: EquipmentItem) -> list[widgets.Widget]:
            return [
                text_field(app, item, "label", _("Équipement"), css="kpa-f-eq-label"),
                choice_field(app, item, "category", _("Type"), EQUIPMENT_CATEGORIES, css="kpa-f-eq-category"),
                choice_field(app, item, "status", _("Situation"), EQUIPMENT_STATUS_LABELS, css="kpa-f-eq-status"),
                text_field(app, item, "cost", _("Coût estimé (€)"), AMOUNT, css="kpa-f-eq-cost"),
            ]

        self.editor = ListEditor(app, app.checklist.equipment, EquipmentItem, row, _("Ajouter un équipement"), "kpa-cl-eq",
                                 name=lambda item: item.label)
        self.top = self.totals
        super().__init__([self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.totals.value = equipment_totals_html(self.app.checklist)


def _situations_field(app: App, member: GroupMember) -> widgets.Widget:
    """The person's situations as chips (up to three), chosen among the known ones by their words."""
    codes = {translate(label): code for code, label in SITUATIONS.items()}
    words = {code: word for word, code in codes.items()}
    chips = widgets.TagsInput(value=[words[s] for s in member.situations if s in words], allowed_tags=list(codes),
                              allow_duplicates=False, layout=widgets.Layout(width="auto"))
    chips.add_class("kpa-f-gr-situations")
    return bind(app, member, "situations", chips, label=_("Situations"),
                parse=lambda chosen: list(dict.fromkeys(codes[w] for w in chosen if w in codes)),
                show=lambda situations: [words[s] for s in situations if s in words])


class GroupFacts(widgets.VBox):
    """The group: one compact row per person, the column titles once above the rows."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.mix = widgets.HTML()
        not_said = _("non dit")

        def row(member: GroupMember) -> list[widgets.Widget]:
            return [
                text_field(app, member, "alias", _("Prénom ou pseudo"), placeholder=_("facultatif"), css="kpa-f-gr-alias"),
                choice_field(app, member, "age_band", _("Âge"), AGE_BANDS, empty=not_said, css="kpa-f-gr-age"),
                choice_field(app, member, "gender", _("Genre"), GENDERS, empty=not_said, css="kpa-f-gr-gender"),
                _situations_field(app, member),
                text_field(app, member, "interests", _("Envies et savoir-faire"), css="kpa-f-gr-interests"),
            ]

        titles = [_("Prénom ou pseudo"), _("Âge"), _("Genre"), _("Situations"), _("Envies et savoir-faire")]
        header = widgets.HTML('<div class="kpa-cl-gr-head" aria-hidden="true"><span></span>'
                              + "".join(f"<span>{esc(t)}</span>" for t in titles) + "<span></span></div>")
        self.editor = ListEditor(app, app.checklist.group, GroupMember, row, _("Ajouter une personne"), "kpa-cl-gr",
                                 name=lambda member: member.alias, header=header)
        hint_text = _("Pas de nom de famille : un prénom, un pseudo ou rien, comme la personne préfère. Situations : "
                      "tapez les premières lettres et choisissez. Envies et savoir-faire : ce que la personne a envie "
                      "de faire, ce qu'elle sait faire.")
        hint = widgets.HTML(f'<p class="kpa-cl-hint">{esc(hint_text)}</p>')
        self.top = widgets.VBox([self.mix, widgets.HTML(mix_rules_html())])
        super().__init__([hint, self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.mix.value = mix_html(group_mix(self.app.checklist))


class TeamFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.gauge = widgets.HTML()

        def row(member: TeamMember) -> list[widgets.Widget]:
            return [
                text_field(app, member, "label", _("Rôle ou prénom"), css="kpa-f-team-label"),
                text_field(app, member, "organisation", _("Structure"), css="kpa-f-team-organisation"),
                text_field(app, member, "fte", _("Part d'ETP"), FTE, css="kpa-f-team-fte"),
                choice_field(app, member, "paid_by", _("Qui paie ?"), PAID_BY_LABELS, css="kpa-f-team-paid_by"),
            ]

        self.editor = ListEditor(app, app.checklist.team, TeamMember, row, _("Ajouter une personne"), "kpa-cl-team",
                                 name=lambda member: member.label)
        hint = widgets.HTML(f'<p class="kpa-cl-hint">{esc(_("Une personne mise à disposition par un partenaire compte comme une contribution en nature dans le budget."))}</p>')
        self.top = self.gauge
        super().__init__([hint, self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.gauge.value = (f'<div class="kpa-cl-team-top">{fte_gauge_html(team_total_fte(self.app.checklist))}'
                            f'{team_breakdown_html(self.app.checklist)}</div>')


def _host_facts(app: App) -> list[widgets.Widget]:
    host = app.checklist.host
    fields = widgets.Box([
        text_field(app, host, "name", _("Nom de la structure"), css="kpa-f-host-name"),
        choice_field(app, host, "kind", _("Type"), {"cae": N_("CAE (coopérative d'activité et d'emploi)"),
                                                   "other": N_("Autre structure")}, css="kpa-f-host-kind"),
        text_field(app, host, "contact_role", _("Personne contact (rôle)"), css="kpa-f-host-contact_role"),
        text_field(app, host, "platform", _("Plateforme de devis et factures"), css="kpa-f-host-platform"),
    ])
    fields.add_class("kpa-cl-grid")
    return [fields]


class PartnerFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.counts = widgets.HTML()

        def row(partner: Partner) -> list[widgets.Widget]:
            boxes = {}
            for role, label in PARTNER_ROLES.items():
                box = widgets.Checkbox(value=role in partner.roles, description=translate(label), indent=False,
                                       layout=widgets.Layout(width="auto"))
                box.add_class(f"kpa-f-pa-{role}")
                boxes[role] = box

            def roles_changed(_new: Any) -> None:
                assign(app, partner, "roles", [r for r, b in boxes.items() if b.value], _("Rôles"))

            for box in boxes.values():
                wire(app, box, roles_changed)
            roles = widgets.Box(list(boxes.values()))
            roles.add_class("kpa-cl-roles")
            return [
                text_field(app, partner, "name", _("Partenaire"), css="kpa-f-pa-name"),
                roles,
                choice_field(app, partner, "status", _("Où en est-on ?"), PARTNER_STATUS_LABELS, css="kpa-f-pa-status"),
                text_field(app, partner, "brings", _("Ce qu'il apporte"), css="kpa-f-pa-brings"),
            ]

        self.editor = ListEditor(app, app.checklist.partners, Partner, row, _("Ajouter un partenaire"), "kpa-cl-pa",
                                 name=lambda partner: partner.name)
        self.top = self.counts
        super().__init__([self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.counts.value = partner_counts_html(self.app.checklist)


class FactsScreen(IngredientScreen):
    """An ingredient screen whose facts panel has computed parts to refresh."""

    def __init__(self, app: App, number: int, key: str, facts: widgets.Widget) -> None:
        self.facts = facts
        super().__init__(app, number, key, [facts], top=getattr(facts, "top", None))

    def refresh(self) -> None:
        super().refresh()
        refresh = getattr(self.facts, "refresh", None)
        if refresh is not None:
            refresh()


# ----------------------------------------------------------------- philosophy, support
class PhilosophyScreen(Screen):
    key = "philosophy"

    def __init__(self, app: App, number: int) -> None:
        self.count = widgets.HTML()
        cards = []
        philosophy = app.checklist.philosophy
        for key, label in COMMITMENTS.items():
            commitment = philosophy.get(key)
            adopted = check_field(app, commitment, "adopted", translate(label), css=f"kpa-f-ph-{key}")
            adopted.add_class("kpa-cl-question")
            words = text_field(app, commitment, "words", _("Avec nos mots"), placeholder=_("Ce que le groupe en dit…"),
                              css=f"kpa-f-ph-{key}-words")
            card = widgets.VBox([adopted, words])
            card.add_class("kpa-cl-card")
            cards.append(card)
        super().__init__(app, number, [widgets.HTML(_title_html(number, "philosophy")), self.count, *cards])
        self.refresh()

    def refresh(self) -> None:
        adopted, total = commitments_count(self.app.checklist)
        self.count.value = (f'<div class="kpa-cl-stat kpa-cl-stat-inline"><span class="kpa-big">{adopted} / {total}</span> '
                            f'<span class="kpa-big-label">{esc(_("engagements adoptés"))}</span></div>')


class SupportScreen(Screen):
    key = "support"

    def __init__(self, app: App, number: int) -> None:
        self.warnings = widgets.HTML()
        support = app.checklist.support
        cards = []
        for key, label in SUPPORT_STEPS.items():
            session = support.get(key)
            parts: list[widgets.Widget] = [
                widgets.HTML(f'<h3 class="kpa-cl-h3">{esc(translate(label))}</h3>'),
                date_field(app, session, "start", _("Date de début"), css=f"kpa-f-su-{key}-start"),
            ]
            if key != "custom":
                parts.append(check_field(app, session, "done", _("Fait"), css=f"kpa-f-su-{key}-done"))
            parts.append(text_field(app, session, "notes", _("Thèmes, lieu, remarques") if key == "custom" else _("Remarques"),
                                   css=f"kpa-f-su-{key}-notes"))
            card = widgets.Box(parts)
            card.add_class("kpa-cl-card")
            card.add_class("kpa-cl-grid")
            cards.append(card)
        launch = app.workbook.identity.launch_date
        launch_text = (_("Lancement prévu le {date}.").format(date=format_date(launch)) if launch
                       else _("Pas encore de date de lancement : fixez-la sur la page d'accueil."))
        info = widgets.HTML(f'<p class="kpa-cl-hint">{esc(launch_text)} '
                            f'{esc(_("Ces dates apparaissent sur le calendrier du plan de lancement."))}</p>')
        super().__init__(app, number, [widgets.HTML(_title_html(number, "support")), info, self.warnings, *cards])
        self.refresh()

    def refresh(self) -> None:
        problems = support_warnings(self.app.checklist, self.app.workbook.identity.launch_date)
        self.warnings.value = "".join(f'<div class="kpa-banner kpa-banner-warning">{esc(p.text())}</div>' for p in problems)


class SummaryScreen(Screen):
    key = "summary"

    def __init__(self, app: App, number: int) -> None:
        self.board = widgets.HTML()
        self.actions = widgets.HTML()
        self.extra = widgets.HTML()
        super().__init__(app, number, [widgets.HTML(_title_html(number, "summary")), self.board,
                                       widgets.HTML(rule_html()), self.extra,
                                       _heading(_("Prochaines actions")), self.actions])
        self.refresh()

    def refresh(self) -> None:
        checklist = self.app.checklist
        self.board.value = readiness_html(readiness(checklist))
        adopted, total = commitments_count(checklist)
        dates = "".join(f'<li><strong>{esc(format_date(d.start, style="medium"))}</strong> — {esc(translate(d.label))}</li>'
                        for d in support_dates(checklist))
        self.extra.value = (
            f'<div class="kpa-cl-mix"><div class="kpa-cl-stat"><div class="kpa-big">{adopted} / {total}</div>'
            f'<div class="kpa-big-label">{esc(_("engagements adoptés"))}</div></div>'
            f'<div class="kpa-cl-stat kpa-cl-stat-wide"><div class="kpa-cl-stat-title">{esc(_("Accompagnement KPA-Cité"))}</div>'
            f'<ul class="kpa-cl-dates">{dates or "<li>" + esc(_("Aucune date fixée")) + "</li>"}</ul></div></div>'
        )
        priorities = prioritized_actions(checklist, self.app.workbook.identity.launch_date)
        self.actions.value = actions_html(list(priorities.top), SECTION_TITLES) + folded_actions_html(
            list(priorities.rest), SECTION_TITLES)


#: The workshop's steps, in order.
SCREEN_KEYS = ("venue", "equipment", "group", "team", "host", "partners", "philosophy", "support", "summary")


def build_screen(app: App, index: int) -> Screen:
    """Step *index* (0-based) of the workshop.

    Steps are built when first shown: all nine at once made about 1 250 widgets, whose
    models the browser had to create before the first screen appeared.
    """
    number = index + 1
    key = SCREEN_KEYS[index]
    if key == "venue":
        return IngredientScreen(app, number, key, _venue_facts(app))
    if key == "host":
        return IngredientScreen(app, number, key, _host_facts(app))
    facts = {"equipment": EquipmentFacts, "group": GroupFacts, "team": TeamFacts, "partners": PartnerFacts}
    if key in facts:
        return FactsScreen(app, number, key, facts[key](app))
    screens: dict[str, type[Screen]] = {"philosophy": PhilosophyScreen, "support": SupportScreen, "summary": SummaryScreen}
    return screens[key](app, number)  # type: ignore[call-arg]


def build_screens(app: App) -> list[Screen]:
    """Every screen of the workshop, in order."""
    return [build_screen(app, index) for index in range(len(SCREEN_KEYS))]
