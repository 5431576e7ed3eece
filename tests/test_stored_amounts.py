"""A save reads every amount and text of the workbook back: the quick readings give what the full rules give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from kpawidgets.model.base import multi_line, single_line
from kpawidgets.model.money import AmountError, parse_amount, to_money


@given(st.decimals(min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=2))
def test_an_amount_as_the_file_stores_it_reads_as_parse_amount_reads_it(amount: Decimal) -> None:
    stored = f"{amount:.2f}"
    assert to_money(stored) == parse_amount(stored) == amount
    assert to_money(f"{amount:.0f}") == parse_amount(f"{amount:.0f}")


@pytest.mark.parametrize("typed", ["1.234", "1,234", "1 234,56", "12k", "1.2345", "", "abc", "1e5", "--1", "1.234.567"])
def test_typed_amounts_keep_the_typed_rules(typed: str) -> None:
    """What is not a stored amount goes through parse_amount: the same value or the same refusal."""
    try:
        expected: Decimal | type[AmountError] = parse_amount(typed)
    except AmountError:
        expected = AmountError
    if expected is AmountError:
        with pytest.raises(AmountError):
            to_money(typed)
    else:
        assert to_money(typed) == expected


def test_too_large_a_stored_amount_is_refused() -> None:
    with pytest.raises(AmountError):
        to_money("9" * 16)


@pytest.mark.parametrize(("text", "check", "position"), [
    ("Cuisine\x00", single_line, 8), ("a\tb", single_line, 2), ("ligne\nsuivante", single_line, 6),
    ("a\tb\nc\r\n", multi_line, None), ("a\x7fb", multi_line, 2), ("ok\x1b", multi_line, 3), ("é🌱 ok", single_line, None),
])
def test_control_characters_are_found_at_their_position(text: str, check, position: int | None) -> None:
    if position is None:
        assert check(text) == text
    else:
        with pytest.raises(PydanticCustomError) as found:
            check(text)
        assert found.value.type == "kpa_control_character" and found.value.context == {"position": position}
