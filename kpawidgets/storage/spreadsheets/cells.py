"""What one spreadsheet cell holds: text for a person, safe from formulas, read back the same."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from kpawidgets.errors import KpaError

__all__ = ["SpreadsheetError", "FORMULA_START", "safe_text", "unsafe_text", "xlsx_text", "fold", "column_key",
           "cell_text"]

#: First characters a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters an .xlsx file cannot hold (XML 1.0 forbids them; openpyxl raises IllegalCharacterError).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A cached float within this distance of a whole cent is that cent (Excel stores 1234.56 as 1234.5600000000002).
_CENT_TOLERANCE = Decimal("0.000001")
_CENT = Decimal("0.01")
_LARGEST_AMOUNT = Decimal("1e12")  # beyond it no amount is valid anyway; quantize() would overflow


class SpreadsheetError(KpaError):
    """A file that cannot be imported or written (the message says why)."""


def safe_text(text: str) -> str:
    """Text for a CSV cell: a leading ``'`` keeps a spreadsheet from running it as a formula.

    Text that already starts with ``'`` gets one more, so that :func:`unsafe_text` gives it back as typed.
    """
    return "'" + text if text.startswith(FORMULA_START) or text.startswith("'") else text


def unsafe_text(text: str) -> str:
    """Undo :func:`safe_text` on a CSV cell read back."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith((*FORMULA_START, "'")):
        return text[1:]
    return text


def xlsx_text(text: str) -> str:
    """Text an .xlsx cell can hold: the control characters XML forbids are left out."""
    return _ILLEGAL_XML.sub("", text)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how column names and status words are compared."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.lower().replace("\ufeff", "").split())


_COLUMN_SYNONYMS = {"libelles": "libelle", "intitule": "libelle", "montant_eur": "montant", "avance": "avance_pct",
                    "avance_%": "avance_pct", "sous_ligne_cerfa": "sous_ligne", "identifiant": "id"}


def column_key(header: str) -> str:
    """The import column a header names (``Libellé`` → ``libelle``, ``Montant (€)`` → ``montant``)."""
    key = fold(header).replace("(eur)", "").replace("(€)", "").strip().replace(" ", "_").replace("-", "_")
    return _COLUMN_SYNONYMS.get(key, key)


def cell_text(value: object) -> str:
    """The text of a cell value read from an .xlsx file.

    Whole floats lose their ``.0``; a float within a millionth of a cent is read as the amount
    it displays (``299.96999999999997`` → ``299.97``); dates are written ``YYYY-MM-DD``.
    """
    if value is None or (isinstance(value, float) and value != value):  # None or NaN (an empty cell)
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        exact = Decimal(repr(value))
        if exact.is_finite() and abs(exact) < _LARGEST_AMOUNT:
            cents = exact.quantize(_CENT)
            if abs(exact - cents) <= _CENT_TOLERANCE:
                return f"{cents:f}"
            text = f"{exact:f}"
            # Three decimals would read as a thousands separator (12.345 → 12 345): one more zero says it is not.
            return text + "0" if len(text.partition(".")[2]) == 3 else text
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
