"""The « Scénarios » tab: named copies of the budget, compared side by side, loaded back (undoable)."""

from __future__ import annotations

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import clean_text, labelled
from kpawidgets.app.shell import esc
from kpawidgets.i18n import N_, _
from kpawidgets.model import budget as b

__all__ = ["ScenariosTab", "SCENARIO_NAMES", "MAX_SCENARIOS"]

SCENARIO_NAMES = (N_("Prudent"), N_("Central"), N_("Ambitieux"))
MAX_SCENARIOS = 50


class ScenariosTab(Tab):
    key = "scenarios"

    def __init__(self, page: Host) -> None:
        self.scenario_name = labelled(widgets.Combobox(options=[_(n) for n in SCENARIO_NAMES], placeholder=_("Nom du scénario"),
                                                       ensure_option=False, layout=layout(width="320px")),
                                      _("Nom du scénario"))
        self.save_button = widgets.Button(description=_("Enregistrer le budget actuel comme scénario"),
                                          button_style="primary")
        self.save_button.on_click(page.guard(lambda _b: self.save_scenario()))
        self.scenario_list = widgets.VBox(layout=layout(width="100%"))
        self.scenario_view = widgets.HTML()
        intro = _("Un scénario est une copie nommée du budget (prudent, central, ambitieux…). Comparez-les côte à côte ; "
                  "« Charger » remet un scénario dans le budget actuel (annulable).")
        super().__init__(page, [help_html(intro), widgets.HBox([self.scenario_name, self.save_button]),
                                self.scenario_list, self.scenario_view])
        self.structure_changed()

    def structure_changed(self) -> None:
        rows = []
        for index, scenario in enumerate(self.plan.scenarios):
            load = widgets.Button(description=_("Charger"))
            update = widgets.Button(description=_("Remplacer par le budget actuel"))
            remove = widgets.Button(description=_("Supprimer"), button_style="danger")
            load.on_click(self.page.guard(lambda _b, i=index: self.load_scenario(i)))
            update.on_click(self.page.guard(lambda _b, i=index: self.update_scenario(i)))
            remove.on_click(self.page.guard(lambda _b, i=index: self.remove_scenario(i)))
            name = widgets.HTML(f'<b class="kpa-scenario-name">{esc(scenario.name)}</b>', layout=layout(width="220px"))
            row = widgets.HBox([name, load, update, remove])
            row.add_class("kpa-scenario-row")
            rows.append(row)
        self.scenario_list.children = tuple(rows)

    def refresh(self, figures: Figures) -> None:
        workbook = self.page.workbook
        self.scenario_view.value = H.scenarios_html([*b.scenario_comparison(workbook), b.grants_end(workbook)])

    def save_scenario(self) -> None:
        name = clean_text(self.scenario_name.value, 80)
        if not name:
            raise b.BudgetError("Donnez un nom au scénario.")
        existing = next((i for i, s in enumerate(self.plan.scenarios) if s.name == name), None)
        scenario = b.Scenario(name=name, plan=b.copy_plan(self.plan))
        scenarios = list(self.plan.scenarios)
        if existing is None:
            if len(scenarios) >= MAX_SCENARIOS:
                raise b.BudgetError("Cinquante scénarios au plus : supprimez-en un.")
            scenarios.append(scenario)
        else:
            scenarios[existing] = scenario
        self.plan.scenarios = scenarios
        self.scenario_name.value = ""
        self.page.structure_changed()
        self.page.say(_("Scénario « {name} » enregistré.").format(name=name))

    def update_scenario(self, index: int) -> None:
        scenarios = list(self.plan.scenarios)
        old = scenarios[index]
        scenarios[index] = b.Scenario(name=old.name, plan=b.copy_plan(self.plan))
        self.plan.scenarios = scenarios

        def undo() -> None:
            restored = list(self.plan.scenarios)
            restored[index] = old
            self.plan.scenarios = restored
            self.page.changed()

        self.page.changed()
        self.page.say(_("Scénario « {name} » remplacé par le budget actuel.").format(name=old.name), "info", undo)

    def load_scenario(self, index: int) -> None:
        scenario = self.plan.scenarios[index]
        before = b.copy_plan(self.plan)
        self.page.replace_plan(scenario.plan)

        def undo() -> None:
            self.page.replace_plan(before)
            self.page.say(_("Budget d'avant rétabli."))

        self.page.say(_("Scénario « {name} » chargé dans le budget actuel.").format(name=scenario.name), "info", undo)

    def remove_scenario(self, index: int) -> None:
        removed, undo = self.page.remove_undoably("scenarios", index, self.page.structure_changed)
        if removed is not None:
            self.page.say(_("Scénario « {name} » supprimé.").format(name=removed.name), "info", undo)
