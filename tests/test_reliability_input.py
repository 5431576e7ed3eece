"""Bad input, property-based (issue 6): thousands of generated cases, never a crash.

Amounts (random text, French and English formats, format → parse round trips), the
workbook loader (random and truncated JSON, wrong types, huge numbers, NaN/Infinity,
negative amounts, future schema versions, deep nesting) and the CSV/xlsx budget import
(random cells, formulas, wrong encodings). Every rejection is a KpaError with a message
in French and in English. Case counts go to ``out/reliability/hypothesis-fast.json``;
``make stress`` runs the same properties with many more examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stress import inputs

def fast(examples: int) -> settings:
    """Reproducible in CI (derandomized), no time limits (no timed assertions), no example database."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def case_counts() -> Iterator[None]:
    inputs.CASES.clear()
    inputs.OUTCOMES.clear()
    yield
    counts = inputs.write_case_counts("hypothesis-fast")
    print(f"\nhypothesis cases: {counts['total']} {counts['cases']}")


@fast(1500)
@given(inputs.amount_texts)
def test_parse_amount_never_crashes(text: str) -> None:
    inputs.check_parse_amount(text)


@fast(400)
@given(inputs.cents, st.sampled_from(["fr", "en"]))
def test_formatted_amounts_read_back(value: Decimal, lang: str) -> None:
    inputs.check_amount_round_trip(value, lang)


@fast(1000)
@given(inputs.workbook_texts)
def test_workbook_loader_never_crashes(text: str | bytes) -> None:
    inputs.check_load_workbook(text)


def test_an_old_file_with_a_list_for_an_id_gets_a_message() -> None:
    # Found by the test above: the format-1 migration put every id in a set, and a list is
    # not hashable (TypeError instead of the file's message).
    text = json.dumps({"schema_version": 0, "identity": {"territory": "X"},
                       "budget": {"sharing": {"people": [{"id": [], "name": "S", "hours": "1"}]}}})
    inputs.check_load_workbook(text)


@fast(150)
@given(inputs.truncated_example())
def test_every_truncation_of_a_workbook_is_refused_clearly(data: bytes) -> None:
    inputs.check_load_workbook(data, "truncated")


@fast(100)
@given(inputs.future_versions)
def test_future_or_odd_schema_versions(version: object) -> None:
    inputs.check_load_workbook(inputs.version_example(version), "schema version")


@fast(100)
@given(inputs.negative_amount_example())
def test_negative_and_odd_amounts_in_a_file(text: str) -> None:
    inputs.check_load_workbook(text, "amounts")


@fast(40)
@given(inputs.deep_nesting())
def test_deep_nesting(text: str) -> None:
    inputs.check_load_workbook(text, "deep nesting")


@fast(400)
@given(inputs.csv_files())
def test_csv_import_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "csv")


@fast(60)
@given(inputs.xlsx_files())
def test_xlsx_import_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "xlsx")


def test_specific_hostile_files() -> None:
    """A few cases worth naming, whatever hypothesis draws."""
    for text in ['{"schema_version": 1, "identity": {"territory": "x"}, "budget": {"lines": [{"account": "606", "amount": NaN}]}}',
                 '{"schema_version": 1e400}', "[" * 200_000, '{"schema_version": 99, "identity": {}}',
                 '{"identity": {"territory": "T"}, "schema_version": 1, "x": 1}', "\ufeff{}", "", "null"]:
        inputs.check_load_workbook(text, "named")


@pytest.mark.parametrize("text", ["100000000000000000000000000", "1" * 40, "-" + "9" * 30 + ",5", "1 000 000 000 000 000 000 000 000 000"])
def test_huge_amounts_are_refused_not_crashed(text: str) -> None:
    """Regression: more than 28 digits used to raise decimal.InvalidOperation from quantize()."""
    from kpawidgets.model.money import AmountError, parse_amount

    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.template == "Montant trop grand : « {value} »."
    inputs.assert_clear_rejection(caught.value)


def test_superscript_digits_in_a_month_column_are_a_bad_row_not_a_crash() -> None:
    """Regression (found by ``make stress``): "²".isdigit() is True but int("²") raises ValueError."""
    from kpawidgets.storage.spreadsheets import parse_import

    result = parse_import("budget.csv", "compte;avance_mois;montant;libelle;mois\r\n606;²;10;x;³\r\n".encode())
    assert result.problems and all(p.message("fr").strip() and p.message("en").strip() for p in result.problems)


def test_superscript_digits_in_a_typed_whole_number_are_refused() -> None:
    from kpawidgets.app.fields import whole_number
    from kpawidgets.errors import KpaError

    with pytest.raises(KpaError):
        whole_number(1, 24).parse("²")


@fast(80)
@given(inputs.damaged_xlsx_files())
def test_damaged_xlsx_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "damaged xlsx")


def test_every_xlsx_bomb_is_refused_clearly() -> None:
    for name, data in inputs.bombs().items():
        seconds = inputs.check_bomb(name, data)
        print(f"\n{name}: {len(data)} bytes on disk, refused in {seconds * 1000:.0f} ms")
