"""Exact money amounts and the French way of typing them.

Amounts are :class:`decimal.Decimal` values quantized to the cent. They are stored
in workbook files as strings (``"1234.56"``) so that no float ever touches a sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, format_money
from kpawidgets.model.problems import error_problem

__all__ = ["CENT", "MAX_AMOUNT", "Money", "AmountError", "AmbiguousAmountError", "parse_amount", "to_money", "ZERO",
           "decimal_convention"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Largest amount accepted anywhere: a neighbourhood cooperative never budgets a billion.
MAX_AMOUNT = Decimal("999999999.99")


class AmountError(KpaError):
    """An amount that could not be read; ``message`` says why in the person's language."""


class AmbiguousAmountError(AmountError):
    """``1,234``: a French reader may mean 1,23 € or 1 234 €; the person is asked, not guessed for."""


#: A lone comma or dot followed by exactly three digits (``1,234``, ``12.500``): thousands, or a decimal separator?
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[,.]\d{3}")
#: An amount that shows its decimal separator: one or two decimals, or both separators (the last is the decimal one).
_DECIMAL_COMMA = re.compile(r"[+-]?[\d.]*\d,\d{1,2}")
_DECIMAL_DOT = re.compile(r"[+-]?[\d,]*\d\.\d{1,2}")


def _cleaned(text: str) -> str:
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace("eur", "")
    return _SPACES.sub("", cleaned).replace("\u2212", "-")


def decimal_convention(texts: Iterable[str]) -> str | None:
    """The decimal separator a file's amounts settle: ``","`` when some amount shows a decimal comma
    (``1 250,50``, ``1.234,56``) and none a decimal dot, ``"."`` for the reverse, None when none
    does or both do. ``1,234`` and ``1.234`` settle nothing (they are what is to be settled)."""
    comma = dot = False
    for text in texts:
        cleaned = _cleaned(str(text))
        comma = comma or bool(_DECIMAL_COMMA.fullmatch(cleaned))
        dot = dot or bool(_DECIMAL_DOT.fullmatch(cleaned))
    return "," if comma and not dot else "." if dot and not comma else None


def to_money(value: object) -> Decimal:
    """Return *value* as a Decimal rounded to the cent (half up), or raise AmountError."""
    if isinstance(value, bool):
        raise AmountError("Montant invalide : « {value} ».", value=value)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest decimal that round-trips, so 0.1 stays 0.1.
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        if not _STORED.fullmatch(value):
            return parse_amount(value)
        amount = Decimal(value)  # as the file stores it (« 1234.56 »): the one reading parse_amount gives too
    else:
        raise AmountError("Montant invalide : « {value} ».", value=value)
    if not amount.is_finite():
        raise AmountError("Montant invalide : « {value} ».", value=value)
    if abs(amount) > MAX_AMOUNT:
        raise AmountError("Montant trop grand : « {value} ».", value=value)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


_SPACES = re.compile(r"[\s\u00a0\u202f']+")
#: An amount as a file stores it: digits, and a dot with two of them. Read without the typed-text rules,
#: since a save reads every amount of the workbook back (thousands of them in a big one).
_STORED = re.compile(r"-?\d{1,16}(?:\.\d\d)?")
_NOT_A_NUMBER = N_("« {value} » n'est pas un montant : tapez des chiffres, par exemple 1 234,56.")


def _normalize_separators(text: str) -> str | None:
    """Turn ``1.234,56`` / ``1,234.56`` / ``1234,5`` into ``1234.56``-style text.

    The last separator is the decimal one when both kinds appear. A lone separator
    followed by exactly three digits is a thousands separator (nobody types a tenth
    of a cent), otherwise it is the decimal one. Returns None when groups are malformed.
    """
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        whole, _, fraction = text.rpartition(decimal_sep)
        if thousands_sep in fraction or decimal_sep in whole:
            return None
        groups = whole.split(thousands_sep)
    else:
        sep = "," if "," in text else "."
        parts = text.split(sep)
        if len(parts) == 1:
            return sign + text
        if len(parts) == 2 and len(parts[1]) != 3:
            whole, fraction = parts
            groups = [whole]
        else:
            groups, fraction = parts, ""
    if not groups[0] or not fraction and len(groups) == 1:
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or groups[0].startswith("0") or any(len(g) != 3 for g in groups[1:])):
        return None
    if not all(g.isdigit() for g in groups) or (fraction and not fraction.isdigit()):
        return None
    return sign + "".join(groups) + ("." + fraction if fraction else "")


def parse_amount(text: str, *, allow_negative: bool = True, ask_if_ambiguous: bool = False,
                 decimal: str | None = None) -> Decimal:
    """Read an amount typed the French (or English) way.

    Accepts ``1 234,56``, ``1234.56``, ``1 234 €``, ``1.234,56``, ``1,234.56`` and
    ``-50``. Refuses shorthand such as ``12k``, more than two decimals after a
    decimal comma that is not a thousands separator, and anything not a number.
    Raises :class:`AmountError` whose message names the problem.

    ``1,234`` and ``1.234`` (one separator, three digits after it) are 1 234 € or 1,23 € depending
    on the writer's decimal separator. *decimal* (``","`` or ``"."``, e.g. settled by a file's other
    amounts, :func:`decimal_convention`) says it: the other separator is a thousands one, and three
    decimals after the decimal one are refused. Without it, *ask_if_ambiguous* (a field read by a
    French reader, a file whose amounts settle nothing) raises :class:`AmbiguousAmountError` naming
    both readings; otherwise the separator is taken for a thousands one.
    """
    raw = text if isinstance(text, str) else str(text)
    cleaned = raw.strip()
    if not cleaned:
        raise AmountError("Le montant est vide.")
    cleaned = cleaned.replace("€", "").replace("EUR", "").replace("eur", "")
    cleaned = _SPACES.sub("", cleaned)
    cleaned = cleaned.replace("\u2212", "-")
    if re.search(r"\d\s*[kKmM]\b|\d[kKmM]$", cleaned):
        raise AmountError(
            "« {value} » : écrivez le montant en chiffres, par exemple 12 000 au lieu de 12k.",
            value=raw,
        )
    if not cleaned or not re.fullmatch(r"[+-]?\d[\d.,]*", cleaned):
        raise AmountError(_NOT_A_NUMBER, value=raw)
    if _AMBIGUOUS.fullmatch(cleaned):
        separator = "," if "," in cleaned else "."
        if decimal is not None and separator == decimal:
            raise AmountError("« {value} » : pas plus de deux chiffres après la virgule.", value=raw)
        if decimal is None and ask_if_ambiguous:
            as_decimal = Decimal(cleaned.replace(",", ".")).quantize(CENT, rounding=ROUND_HALF_UP)
            thousands = Decimal(cleaned.replace(",", "").replace(".", ""))
            raise AmbiguousAmountError(
                "« {value} » : voulez-vous dire {decimal} ou {thousands} ? Tapez {typed_decimal} ou {typed_thousands}.",
                value=raw.strip(), decimal=format_money(as_decimal), thousands=format_money(thousands, cents=False),
                typed_decimal=f"{as_decimal:.2f}".replace(".", ","), typed_thousands=f"{thousands:,.0f}".replace(",", " "))
    normalized = _normalize_separators(cleaned)
    if normalized is None:
        raise AmountError(_NOT_A_NUMBER, value=raw)
    try:
        amount = Decimal(normalized)
    except InvalidOperation:
        raise AmountError(_NOT_A_NUMBER, value=raw) from None
    if abs(amount) > MAX_AMOUNT:  # before quantize(), which fails beyond 28 digits
        raise AmountError("Montant trop grand : « {value} ».", value=raw)
    if amount != amount.quantize(CENT):
        raise AmountError("« {value} » : pas plus de deux chiffres après la virgule.", value=raw)
    if amount < 0 and not allow_negative:
        raise AmountError("« {value} » : le montant ne peut pas être négatif.", value=raw)
    return amount.quantize(CENT)


def _validate_money(value: object) -> Decimal:
    try:
        return to_money(value)
    except AmountError as exc:
        # The amount's own message, translated when shown (model/problems.py).
        raise error_problem(exc.template, exc.params) from None


Money = Annotated[
    Decimal,
    BeforeValidator(_validate_money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Montant en euros, au centime (ex. \"1234.56\")"}),
]
"""A euro amount exact to the cent, stored as a string with two decimals."""
