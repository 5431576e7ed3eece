"""The group's facts: one compact row per person.

The people who added themselves on a phone in the workshop are members of this same list
(:mod:`kpawidgets.model.room.group`): their rows appear here as their phones save (the page
follows the file), the facilitator may correct or remove them like any row, and a line above
the rows says who joined from a phone.
"""

from __future__ import annotations

import ipywidgets as widgets

from kpawidgets.app.checklist.html import (
    mix_html,
    mix_rules_html,
)
from kpawidgets.app.checklist.kit import App, ListEditor
from kpawidgets.app.fields import (
    bind,
    choice_field,
    text_field,
)
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, ngettext, translate
from kpawidgets.model.checklist import (
    AGE_BANDS,
    GENDERS,
    SITUATIONS,
    GroupMember,
    workbook_mix,
)
from kpawidgets.model.room.group import phone_members


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
        self.phones = widgets.HTML()
        self.phones.add_class("kpa-cl-gr-phones")
        self.top = widgets.VBox([self.mix, widgets.HTML(mix_rules_html())])
        super().__init__([hint, self.phones, self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.mix.value = mix_html(workbook_mix(self.app.workbook))
        phones = phone_members(self.app.workbook)
        names = [m.alias or _("sans prénom") for m in self.app.checklist.group if m.id in phones]
        # each name isolated (<bdi>): a direction override typed in a row cannot turn the line around
        listed = ", ".join(f"<bdi>{esc(name)}</bdi>" for name in names)
        text = esc(ngettext("Inscrite depuis son téléphone en atelier : {count} personne ({names}).",
                            "Inscrites depuis leur téléphone en atelier : {count} personnes ({names}).",
                            len(names))).replace("{names}", listed).replace("{count}", str(len(names)))
        html = f'<p class="kpa-cl-hint">{text}</p>' if names else ""
        if self.phones.value != html:
            self.phones.value = html


