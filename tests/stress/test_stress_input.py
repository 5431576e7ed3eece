"""The bad-input properties of tests/test_reliability_input.py with many more examples (``make stress``).

Random (not derandomized) so each run explores new cases; ``KPA_STRESS_SCALE`` multiplies the counts.
Case counts go to ``out/reliability/hypothesis-stress.json``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stress import inputs

pytestmark = [pytest.mark.stress, pytest.mark.timeout(7200)]
SCALE = float(os.environ.get("KPA_STRESS_SCALE", "1"))


def many(examples: int) -> settings:
    return settings(max_examples=int(examples * SCALE), deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def case_counts() -> Iterator[None]:
    inputs.CASES.clear()
    inputs.OUTCOMES.clear()
    yield
    counts = inputs.write_case_counts("hypothesis-stress")
    print(f"\nhypothesis cases (stress): {counts['total']} {counts['cases']}\noutcomes: {counts['outcomes']}")


@many(20000)
@given(inputs.amount_texts)
def test_parse_amount_never_crashes(text: str) -> None:
    inputs.check_parse_amount(text)


@many(5000)
@given(inputs.cents, st.sampled_from(["fr", "en"]))
def test_formatted_amounts_read_back(value: Decimal, lang: str) -> None:
    inputs.check_amount_round_trip(value, lang)


@many(10000)
@given(inputs.workbook_texts)
def test_workbook_loader_never_crashes(text: str | bytes) -> None:
    inputs.check_load_workbook(text)


@many(1000)
@given(inputs.negative_amount_example())
def test_negative_and_odd_amounts_in_a_file(text: str) -> None:
    inputs.check_load_workbook(text, "amounts")


@many(3000)
@given(inputs.csv_files())
def test_csv_import_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "csv")


@many(500)
@given(inputs.xlsx_files())
def test_xlsx_import_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "xlsx")


@many(1000)
@given(inputs.damaged_xlsx_files())
def test_damaged_xlsx_never_crashes(file: tuple[str, bytes]) -> None:
    inputs.check_import(*file, "damaged xlsx")


def test_xlsx_bombs_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """The bombs of issue 13, each refused before it is read; the times go to the output, not to an assertion."""
    for name, data in inputs.bombs().items():
        seconds = inputs.check_bomb(name, data)
        with capsys.disabled():
            print(f"\n[bomb] {name}: {len(data)} bytes on disk, refused in {seconds * 1000:.0f} ms")
