"""Validation problems of the records: a type, parameters and a French template each.

A record's validator raises :func:`problem`, a :class:`pydantic_core.PydanticCustomError`
whose ``type`` names the problem (``kpa_date_range``…) and whose context holds its
parameters. :func:`problem_text` turns one problem of a ``ValidationError`` — ours or
pydantic's own (``string_too_long``, ``missing``…) — into words in the person's language,
by its type and parameters, never by its wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import ErrorDetails, PydanticCustomError

from kpawidgets.i18n import N_, translate, translate_plural

__all__ = ["PROBLEMS", "PLURAL_PROBLEMS", "problem", "problem_text", "error_problem"]

#: Problem type → French template (message id of the catalogs, ``{name}`` placeholders).
#: Parameters ending in ``_label`` are message ids themselves, translated when shown.
PROBLEMS: dict[str, str] = {
    # The records' own rules (model/base.py, model/records/).
    "kpa_date_range": N_("date hors de la période {min}–{max}"),
    "kpa_control_character": N_("caractère de contrôle interdit (position {position})"),
    "kpa_email": N_("« {value} » n'est pas une adresse e-mail (nom@exemple.fr)"),
    "kpa_phone": N_("« {value} » n'est pas un numéro de téléphone (chiffres, espaces, +, points, tirets)"),
    "kpa_logo_name": N_("« {value} » n'est pas un nom de logo (un fichier .png ou .svg à côté du carnet)"),
    "kpa_duplicate_id": N_("identifiant « {id} » en double dans {list_label}"),
    "kpa_unknown_account": N_("compte « {account} » inconnu du plan Cerfa (ou 87, déduit des lignes 86)"),
    "kpa_negative_amount": N_("le montant ne peut pas être négatif"),
    "kpa_unknown_criteria": N_("critère inconnu pour {ingredient} : {criteria}"),
    "kpa_end_before_start": N_("la fin est avant le début"),
    "kpa_override_id": N_("l'identifiant d'une étape modifiée doit être sa clé"),
    "kpa_growth_below": N_("une évolution ne peut pas être inférieure à −100 % par an ({value} %)"),
    "kpa_share_over": N_("une part ne peut pas dépasser 100 % de l'aide de l'année 1 ({value} %)"),
    "kpa_fte_range": N_("un temps de travail se compte de 0 à {most} ETP ({value})"),
    "kpa_years_order": N_("la ligne finit (année {last}) avant de commencer (année {first})"),
    # pydantic's own types, as a file or a field meets them.
    "missing": N_("champ obligatoire"),
    "extra_forbidden": N_("champ inconnu"),
    "greater_than_equal": N_("valeur trop petite (au moins {ge})"),
    "greater_than": N_("valeur trop petite (plus de {gt})"),
    "less_than_equal": N_("valeur trop grande (au plus {le})"),
    "less_than": N_("valeur trop grande (moins de {lt})"),
    "literal_error": N_("valeur non permise (valeurs permises : {expected})"),
    "enum": N_("valeur non permise (valeurs permises : {expected})"),
    "string_type": N_("texte attendu"),
    "string_pattern_mismatch": N_("format non valide"),
    "int_type": N_("nombre entier attendu"),
    "int_parsing": N_("nombre entier attendu"),
    "int_from_float": N_("nombre entier attendu"),
    "decimal_type": N_("nombre attendu"),
    "decimal_parsing": N_("nombre attendu"),
    "float_type": N_("nombre attendu"),
    "float_parsing": N_("nombre attendu"),
    "decimal_max_digits": N_("nombre trop long"),
    "bool_type": N_("oui ou non attendu (true ou false)"),
    "bool_parsing": N_("oui ou non attendu (true ou false)"),
    "date_type": N_("date attendue (AAAA-MM-JJ)"),
    "date_parsing": N_("date attendue (AAAA-MM-JJ)"),
    "date_from_datetime_parsing": N_("date attendue (AAAA-MM-JJ)"),
    "date_from_datetime_inexact": N_("date attendue (AAAA-MM-JJ)"),
    "datetime_type": N_("date et heure attendues (AAAA-MM-JJTHH:MM:SS)"),
    "datetime_parsing": N_("date et heure attendues (AAAA-MM-JJTHH:MM:SS)"),
    "datetime_from_date_parsing": N_("date et heure attendues (AAAA-MM-JJTHH:MM:SS)"),
    "list_type": N_("liste attendue"),
    "dict_type": N_("objet attendu"),
    "model_type": N_("objet attendu"),
    "model_attributes_type": N_("objet attendu"),
}

#: Problem types whose words depend on a number: type → (singular, plural, parameter holding the number).
PLURAL_PROBLEMS: dict[str, tuple[str, str, str]] = {
    "string_too_short": (N_("{min_length} caractère au moins"), N_("{min_length} caractères au moins"), "min_length"),
    "string_too_long": (N_("{max_length} caractère au plus"), N_("{max_length} caractères au plus"), "max_length"),
    "too_short": (N_("{min_length} élément au moins"), N_("{min_length} éléments au moins"), "min_length"),
    "too_long": (N_("{max_length} élément au plus"), N_("{max_length} éléments au plus"), "max_length"),
    "decimal_max_places": (N_("{decimal_places} décimale au plus"), N_("{decimal_places} décimales au plus"),
                           "decimal_places"),
}

#: A problem of an unknown type (its pydantic text is shown after it).
_UNKNOWN = N_("valeur non valide")
#: A :class:`kpawidgets.errors.KpaError` raised inside a validator (an amount's own message…).
_KPA_ERROR = "kpa_error"


def problem(kind: str, **params: Any) -> PydanticCustomError:
    """The validation error of type *kind* (a key of :data:`PROBLEMS`) with *params*."""
    return PydanticCustomError(kind, PROBLEMS[kind], params)


def error_problem(template: str, params: Mapping[str, Any]) -> PydanticCustomError:
    """The validation error carrying a KpaError's French *template* and *params* (translated when shown)."""
    text = template
    try:
        text = template.format(**params)
    except (KeyError, IndexError, ValueError):
        pass
    return PydanticCustomError(_KPA_ERROR, "{text}", {"text": text, "template": template, "params": dict(params)})


def _fill(template: str, context: Mapping[str, Any], lang: str | None) -> str:
    values = {key: translate(str(value), lang) if key.endswith("_label") else value for key, value in context.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def problem_text(error: ErrorDetails, lang: str | None = None) -> str:
    """One problem of a ``ValidationError.errors()`` in words, in *lang* (default: the current language)."""
    kind = error.get("type", "")
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind == _KPA_ERROR:
        return _fill(translate(str(context.get("template", "")), lang), context.get("params") or {}, lang)
    if kind in PROBLEMS:
        return _fill(translate(PROBLEMS[kind], lang), context, lang)
    if kind in PLURAL_PROBLEMS:
        singular, plural, count_key = PLURAL_PROBLEMS[kind]
        count = context.get(count_key)
        form = translate_plural(singular, plural, count if isinstance(count, int) else 2, lang)
        return _fill(form, context, lang)
    message = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        message = str(context.get("error", message))
    translated = translate(message, lang)
    if translated != message:
        return translated
    return f"{translate(_UNKNOWN, lang)} ({message})" if message else translate(_UNKNOWN, lang)
