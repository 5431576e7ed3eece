"""The participant page's word on the person's data: what is kept, by whom, why and how long, said
before the first send; the sensitive situation asked apart; « Effacer mes réponses ».

Pure functions of the workbook and the phone, like the page's other sections (:mod:`kpawidgets.web.phone`
draws them in place). Disability is data of a special category (GDPR art. 9): it is not one of the
situations' checkboxes but a question of its own, with two explicit answers, none chosen in advance.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from kpawidgets.i18n import _, translate
from kpawidgets.model.records.checklist import SITUATIONS
from kpawidgets.model.workbook import Workbook

__all__ = ["SENSITIVE", "notice_html", "sensitive_html", "forget_html", "forget_fields",
           "with_sensitive", "general_situations"]

#: Situations of a special category (GDPR art. 9): asked apart, never among the others.
SENSITIVE = ("disability_worker",)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def general_situations() -> dict[str, str]:
    """The situations asked as checkboxes: all but the sensitive ones."""
    return {code: label for code, label in SITUATIONS.items() if code not in SENSITIVE}


def _keeper(workbook: Workbook) -> str:
    contact = workbook.identity.contact
    who = contact.role or _("l'équipe qui anime l'atelier")
    reach = " · ".join(part for part in (contact.email, contact.phone) if part)
    return f"{who} ({reach})" if reach else who


def notice_html(workbook: Workbook) -> str:
    """« Vos réponses » in plain words, at the top of the card « Qui je suis », above its first field: read
    before anything is sent."""
    points = [
        (_("Qui les garde"), _("Le carnet de « {territory} », sur l'ordinateur de l'animation. Responsable : {keeper}.")
         .format(territory=workbook.identity.territory, keeper=_keeper(workbook))),
        (_("Pour quoi"), _("Préparer le lancement de la coopérative : composer un groupe mixte, choisir les activités. "
                           "Les partenaires ne reçoivent que des totaux, sans aucun nom, et rien en dessous de 3 personnes.")),
        (_("Combien de temps"), _("Jusqu'au lancement, puis {months} mois au plus : ensuite les prénoms et ce que "
                                  "chacun·e a dit de soi sont effacés.").format(months=workbook.room.retention_months)),
        (_("Tout est facultatif"), _("Un pseudonyme suffit (par exemple « Tournesol ») ; laissez vide ce que vous "
                                     "préférez ne pas dire.")),
        (_("Reprendre vos réponses"), _("« Effacer mes réponses », en bas de cette page, retire votre fiche et vos "
                                        "contributions du carnet et de ses versions gardées.")),
    ]
    items = "".join(f"<li><b>{esc(_('{title} :').format(title=title))}</b> {esc(text)}</li>" for title, text in points)
    # In two layers (as the EDPB's guidelines on transparency advise): the essentials in one sentence, the
    # whole notice one tap away — the full text took the phone's first screen.
    essentials = _("Vos réponses restent dans le carnet de « {territory} », sur l'ordinateur de l'animation. Tout est "
                   "facultatif, et « Effacer mes réponses » les retire.").format(territory=workbook.identity.territory)
    return (f'<div class="kpa-privacy" id="privacy" role="note" aria-labelledby="privacy-title">'
            f'<h3 id="privacy-title">{esc(_("Vos réponses"))}</h3><p>{esc(essentials)}</p>'
            f'<details class="kpa-more" id="privacy-more"><summary>{esc(_("Qui les garde, pour quoi, combien de temps"))}</summary>'
            f'<ul>{items}</ul></details></div>')


def sensitive_html(situations: Sequence[str]) -> str:
    """The sensitive situation as a question of its own: « Oui, je l'indique » or « Je préfère ne pas le dire »;
    neither is chosen until the person chooses (or chose it on an earlier send)."""
    code = SENSITIVE[0]
    said = code in situations
    choices = [("yes", _("Oui, je l'indique"), said), ("no", _("Je préfère ne pas le dire"), False)]
    radios = "".join(
        f'<label class="kpa-check"><input type="radio" name="sensitive" value="{value}"{" checked" if on else ""}>'
        f' <span>{esc(words)}</span></label>' for value, words, on in choices)
    hint = _("donnée sensible, facultative : elle ne sert qu'aux totaux du groupe")
    question = _("Êtes-vous {situation} ?").format(situation=translate(SITUATIONS[code]))
    return (f'<fieldset class="kpa-checks kpa-sensitive"><legend>{esc(question)} <span class="kpa-hint">{esc(hint)}</span>'
            f'</legend>{radios}</fieldset>')


def with_sensitive(args: Mapping[str, Sequence[str]], situations: list[str]) -> list[str]:
    """The situations a card form sent: the checkboxes, plus the sensitive one only on an explicit « oui »."""
    answer = (args.get("sensitive") or [""])[-1]
    general = [code for code in situations if code not in SENSITIVE]
    return general + list(SENSITIVE[:1]) if answer == "yes" else general


def forget_html(form: str) -> str:
    """« Effacer mes réponses »: *form* is the page's form around :func:`forget_fields`."""
    text = _("Votre fiche, vos idées, vos votes et vos gommettes sont retirés du carnet et de ses versions gardées. "
             "Vous pouvez revenir ensuite, comme quelqu'un de nouveau.")
    return (f'<section class="kpa-card" id="forget" aria-labelledby="forget-title"><h2 id="forget-title">'
            f'{esc(_("Reprendre mes réponses"))}</h2><p class="kpa-hint">{esc(text)}</p>{form}</section>')


def forget_fields(confirming: bool = False) -> str:
    """« Effacer mes réponses » (action ``forget-ask``); then, asked again, the choice for the ideas and
    « Oui, tout effacer » (``forget``) or « Annuler » (``forget-cancel``)."""
    if not confirming:
        return f'<button type="submit" name="action" value="forget-ask">{esc(_("Effacer mes réponses"))}</button>'
    keep = _("Laisser mes idées au mur, sans mon nom")
    sure = _("Cela ne peut pas être annulé. Effacer votre fiche et vos contributions ?")
    return (f'<p role="alert"><b>{esc(sure)}</b></p>'
            f'<label class="kpa-check"><input type="checkbox" name="keep_ideas" value="yes"> <span>{esc(keep)}</span></label>'
            f'<button type="submit" name="action" value="forget">{esc(_("Oui, effacer mes réponses"))}</button>'
            f'<button type="submit" name="action" value="forget-cancel" class="kpa-plain">{esc(_("Annuler"))}</button>')
