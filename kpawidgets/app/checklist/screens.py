"""The screens of the launch checklist workshop: one per ingredient, the philosophy,
the support path and the summary. Each is a VBox built once and bound to the model."""

from __future__ import annotations

import ipywidgets as widgets

from kpawidgets.app.checklist.facts import (
    EquipmentFacts,
    TeamFacts,
    host_facts,
    venue_facts,
)
from kpawidgets.app.checklist.group import GroupFacts
from kpawidgets.app.checklist.html import (
    actions_html,
    commitments_count,
    folded_actions_html,
    readiness_html,
    rule_html,
    score_badge_html,
)
from kpawidgets.app.checklist.kit import (
    INTROS,
    SECTION_TITLES,
    App,
    Screen,
    heading,
    title_html,
)
from kpawidgets.app.checklist.partners import PartnerFacts
from kpawidgets.app.fields import (
    assign,
    bind,
    check_field,
    date_field,
    text_field,
    wire,
)
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, format_date, translate
from kpawidgets.model.checklist import (
    CHECKS,
    COMMITMENTS,
    STATUS_LABELS,
    SUPPORT_STEPS,
    check_results,
    prioritized_actions,
    readiness,
    support_dates,
    support_warnings,
)

__all__ = ["Screen", "IngredientScreen", "PhilosophyScreen", "SupportScreen", "SummaryScreen", "build_screens",
           "SECTION_TITLES", "INTROS", "SCREEN_KEYS", "build_screen"]

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
                questions.append(heading(_("Les étapes") if section == "steps" else _("Les points juridiques")))
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
        head = widgets.HTML(title_html(number, key))
        header = widgets.Box([head, self.badge])
        header.add_class("kpa-cl-header")
        sectioned = any(check.section for check in CHECKS[key])
        criteria_box = widgets.VBox([*([] if sectioned else [heading(_("Les critères"))]), *questions, self.auto])
        criteria_box.add_class("kpa-cl-criteria")
        children: list[widgets.Widget] = [header, *([top] if top is not None else []), criteria_box]
        if facts:
            children.append(heading(_("Les faits")))
            children.extend(facts)
        children.extend([heading(_("La décision")), decision])
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
        self.badge.value = score_badge_html(readiness(self.app.workbook).get(self.key))
        autos = [(check, ok) for check, ok in check_results(self.app.workbook, self.key) if check.auto]
        items = "".join(f'<li class="{"kpa-cl-ok" if ok else "kpa-cl-ko"}">{"✓" if ok else "✗"} {esc(translate(check.question))}</li>'
                        for check, ok in autos)
        self.auto.value = (f'<div class="kpa-cl-auto"><p>{esc(_("Vérifié à partir des faits :"))}</p><ul>{items}</ul></div>'
                           if items else "")


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
        super().__init__(app, number, [widgets.HTML(title_html(number, "philosophy")), self.count, *cards])
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
        super().__init__(app, number, [widgets.HTML(title_html(number, "support")), info, self.warnings, *cards])
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
        super().__init__(app, number, [widgets.HTML(title_html(number, "summary")), self.board,
                                       widgets.HTML(rule_html()), self.extra,
                                       heading(_("Prochaines actions")), self.actions])
        self.refresh()

    def refresh(self) -> None:
        checklist = self.app.checklist
        self.board.value = readiness_html(readiness(self.app.workbook))
        adopted, total = commitments_count(checklist)
        dates = "".join(f'<li><strong>{esc(format_date(d.start, style="medium"))}</strong> — {esc(translate(d.label))}</li>'
                        for d in support_dates(checklist))
        self.extra.value = (
            f'<div class="kpa-cl-mix"><div class="kpa-cl-stat"><div class="kpa-big">{adopted} / {total}</div>'
            f'<div class="kpa-big-label">{esc(_("engagements adoptés"))}</div></div>'
            f'<div class="kpa-cl-stat kpa-cl-stat-wide"><div class="kpa-cl-stat-title">{esc(_("Accompagnement KPA-Cité"))}</div>'
            f'<ul class="kpa-cl-dates">{dates or "<li>" + esc(_("Aucune date fixée")) + "</li>"}</ul></div></div>'
        )
        priorities = prioritized_actions(self.app.workbook, self.app.workbook.identity.launch_date)
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
        return IngredientScreen(app, number, key, venue_facts(app))
    if key == "host":
        return IngredientScreen(app, number, key, host_facts(app))
    facts = {"equipment": EquipmentFacts, "group": GroupFacts, "team": TeamFacts, "partners": PartnerFacts}
    if key in facts:
        return FactsScreen(app, number, key, facts[key](app))
    screens: dict[str, type[Screen]] = {"philosophy": PhilosophyScreen, "support": SupportScreen, "summary": SummaryScreen}
    return screens[key](app, number)  # type: ignore[call-arg]


def build_screens(app: App) -> list[Screen]:
    """Every screen of the workshop, in order."""
    return [build_screen(app, index) for index in range(len(SCREEN_KEYS))]

