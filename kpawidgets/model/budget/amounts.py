"""Amounts and percentages typed by a person, and amounts rounded or shared to the cent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from kpawidgets.errors import KpaError
from kpawidgets.model.money import CENT, AmountError, parse_amount
from kpawidgets.model.budget.rounding import to_euro
from kpawidgets.model.records.budget import HUNDRED

__all__ = ["BudgetError", "parse_money_field", "parse_percent", "to_cent", "to_euro", "split_evenly"]

class BudgetError(KpaError):
    """An invalid budget entry (a percentage, a month…), with a message for the person."""


def parse_money_field(text: str) -> Decimal:
    """A non-negative amount typed in a field (``1 234,56``); raises AmountError."""
    return parse_amount(text, allow_negative=False)


def parse_percent(text: str) -> Decimal:
    """A percentage typed as ``30``, ``12,5`` or ``30 %`` (0 to 100); raises BudgetError."""
    raw = text if isinstance(text, str) else str(text)
    cleaned = raw.replace("%", "").strip()
    try:
        value = parse_amount(cleaned, allow_negative=False) if cleaned else None
    except AmountError:
        value = None
    if value is None or value > HUNDRED:
        raise BudgetError("« {value} » n'est pas un pourcentage entre 0 et 100.", value=raw)
    return value.normalize() if value == value.to_integral() else value


def to_cent(value: Decimal) -> Decimal:
    """*value* rounded to the cent (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_evenly(amount: Decimal, months: Sequence[int]) -> dict[int, Decimal]:
    """*amount* shared over *months* in whole cents; the leftover cents go to the first months."""
    if not months:
        return {}
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    base, rest = divmod(cents, len(months))
    return {month: Decimal(base + (1 if index < rest else 0)) * CENT for index, month in enumerate(months)}
