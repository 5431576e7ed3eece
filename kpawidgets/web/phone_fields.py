"""The participant page's fields (:mod:`kpawidgets.web.phone`): one way to draw a field, its counter and its error.

Every field of the page has the id ``kpa-<name>``, a label, and beside it two elements the field
names in ``aria-describedby``: its counter (``kpa-<name>-count``, « 25 / 300 », drawn by the server
and kept current by ``phone.js``; the field's ``maxlength`` is the file's own limit) and its error
slot (``kpa-<name>-error``, empty until a send is refused). A refused card says every problem at
once, each in the slot of its field; the slots are sections the server sends back by id.

Also here: the page's language on a phone's first visit (:func:`phone_language`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

from kpawidgets.i18n import LANGUAGES, N_, _, ngettext, normalize_language, translate

__all__ = ["LANG_COOKIE", "esc", "label", "select", "text_field", "shared_count", "error_slot", "errors_of", "FIELD_IDS",
           "phone_language", "fields_summary"]

#: The page's language once a person chose it (or their phone said it): the next visits keep it.
LANG_COOKIE = "kpa-lang"

#: The form's field name → the id of the field on the page (its error slot is ``<id>-error``).
FIELD_IDS = {"alias": "kpa-alias", "age_band": "kpa-age_band", "gender": "kpa-gender", "situations": "kpa-situations",
             "wishes": "kpa-wishes", "skills": "kpa-skills", "text": "kpa-idea", "kind": "kpa-kind"}
_FIELD_WORDS = {"alias": N_("Prénom ou pseudonyme"), "age_band": N_("Âge"), "gender": N_("Genre"),
                "situations": N_("Ma situation"), "wishes": N_("Ce que j'ai envie de faire"),
                "skills": N_("Ce que je sais faire"), "text": N_("Mon idée"), "kind": N_("Type d'activité")}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def label(for_id: str, text: str, hint: str = "") -> str:
    extra = f' <span class="kpa-hint">{esc(hint)}</span>' if hint else ""
    return f'<label for="{for_id}">{esc(text)}{extra}</label>'


def _described(field_id: str, counted: bool, also: str = "") -> str:
    ids = [f"{field_id}-count"] * counted + [f"{field_id}-error"] + ([also] if also else [])
    return f' aria-describedby="{" ".join(ids)}"'


def select(name: str, choices: Sequence[tuple[str, str]], value: str) -> str:
    field_id = f"kpa-{name}"
    options = "".join(f'<option value="{esc(key)}"{" selected" if key == value else ""}>{esc(words)}</option>'
                      for key, words in choices)
    return f'<select id="{field_id}" name="{name}"{_described(field_id, False)}>{options}</select>'


def text_field(name: str, field_id: str, words: str, value: str, limit: int, *, hint: str = "", placeholder: str = "",
               multiline: bool = False, also: str = "") -> str:
    """A bounded text field: its label and counter on one line, the field (``maxlength`` *limit*), its error slot
    (*also*: the id of one more element that describes it, a bound it shares with another field)."""
    count = f'<span class="kpa-count" id="{field_id}-count">{len(value)} / {limit}</span>'
    attributes = (f'id="{field_id}" name="{name}" maxlength="{limit}" placeholder="{esc(placeholder)}" autocomplete="off"'
                  f'{_described(field_id, True, also)}')
    field = (f'<textarea {attributes} rows="2">{esc(value)}</textarea>' if multiline
             else f'<input {attributes} value="{esc(value)}">')
    return f'<div class="kpa-labelrow">{label(field_id, words, hint)}{count}</div>{field}{error_slot(field_id)}'


def shared_count(count_id: str, field_ids: Sequence[str], limit: int, values: Sequence[str]) -> str:
    """The count of a bound several fields share (« à eux deux : 420 / 500 »), drawn once they near it (``phone.js``
    keeps it current: the fields' lengths, plus the two characters that join two texts)."""
    texts = [value.strip() for value in values if value.strip()]
    used = sum(len(text) for text in texts) + 2 * max(len(texts) - 1, 0)
    words = _("À eux deux : {count} / {max} caractères")
    near = used > limit * 0.8
    return (f'<p class="kpa-count kpa-shared{" kpa-full" if used > limit else ""}" id="{count_id}" data-of="{" ".join(field_ids)}" '
            f'data-max="{limit}" data-words="{esc(words)}"{"" if near else " hidden"}>'
            f'{esc(words.format(count=used, max=limit))}</p>')


def error_slot(field_id: str, message: str = "") -> str:
    """The place of a field's error, beside it: empty, or the reason its value was refused."""
    if not message:
        return f'<p id="{field_id}-error" class="kpa-field-error" hidden></p>'
    return f'<p id="{field_id}-error" class="kpa-field-error kpa-banner kpa-banner-error">{esc(message)}</p>'


def errors_of(names: Iterable[str], problems: Mapping[str, str]) -> dict[str, str]:
    """The error slots of the fields *names* (form names), as sections: each with its problem, or empty."""
    return {f"{FIELD_IDS[name]}-error": error_slot(FIELD_IDS[name], problems.get(name, "")) for name in names
            if name in FIELD_IDS}


def fields_summary(names: Sequence[str]) -> str:
    """« 2 champs à corriger : « Âge », « Ma situation » » for the form's status, above the button."""
    words = ", ".join(_("« {field} »").format(field=translate(_FIELD_WORDS[name])) for name in names if name in _FIELD_WORDS)
    return ngettext("{count} champ à corriger : {fields}.", "{count} champs à corriger : {fields}.",
                    len(names)).format(count=len(names), fields=words)


def phone_language(asked: str | None, kept: str | None, accept: str | None) -> str:
    """The page's language: the one asked in the address (``?lang=``, the page's own switch), else the one
    kept in the phone's :data:`LANG_COOKIE`, else the first language of the phone's ``Accept-Language`` the
    page speaks (an en-GB phone reads English from its first visit), else French."""
    for choice in (asked, kept):
        if choice and choice.strip().lower()[:2] in LANGUAGES:
            return normalize_language(choice)
    ranked = []
    for order, part in enumerate((accept or "")[:500].split(",")[:20]):
        code, _semi, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                weight = 0.0
        if code and weight > 0:
            ranked.append((-weight, order, code.strip().lower()[:2]))
    for _weight, _order, code in sorted(ranked):
        if code in LANGUAGES:
            return code
    return normalize_language(None)
