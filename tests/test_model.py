"""The workbook model: validation, exact money, migrations, JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kpawidgets.i18n import format_money, use_language
from kpawidgets.model.money import AmountError, parse_amount, to_money
from kpawidgets.model.workbook import (
    SCHEMA_VERSION,
    Identity,
    NewerVersionError,
    Workbook,
    WorkbookError,
    dump_workbook,
    load_workbook_text,
    migrate,
    workbook_json_schema,
)


def test_new_workbook_round_trips_through_its_file_text() -> None:
    workbook = Workbook.new("Quartier de l'Épeule", town="Roubaix", launch_date=dt.date(2027, 3, 15))
    again = load_workbook_text(dump_workbook(workbook), source="x.json")
    assert again == workbook
    assert again.schema_version == SCHEMA_VERSION


def test_example_workbook_is_valid(example_path) -> None:
    workbook = load_workbook_text(example_path.read_bytes(), source=example_path.name)
    assert workbook.identity.territory == "KPA des Tisserands"
    assert workbook.identity.qpv is True


@pytest.mark.parametrize("territory", ["", "a" * 201, "tab\tname"])
def test_identity_rejects_bad_territory_names(territory: str) -> None:
    with pytest.raises(ValueError):
        Identity(territory=territory)


def test_launch_date_outside_plausible_years_is_refused() -> None:
    with pytest.raises(ValueError):
        Identity(territory="X", launch_date=dt.date(1899, 1, 1))


def test_unknown_keys_are_an_error_not_a_silent_loss() -> None:
    text = json.dumps({"schema_version": 1, "identity": {"territory": "X", "twon": "typo"}})
    with pytest.raises(WorkbookError) as info:
        load_workbook_text(text, source="typo.json")
    assert "typo.json" in info.value.message("fr")
    assert "identity.twon" in info.value.message("fr")


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"identity": NaN}', "\xff\xfe"])
def test_unreadable_text_names_the_file(text: str) -> None:
    with pytest.raises(WorkbookError) as info:
        load_workbook_text(text, source="broken.json")
    assert "broken.json" in info.value.message("fr")
    assert "broken.json" in info.value.message("en")


def test_newer_schema_version_is_refused_in_both_languages() -> None:
    text = json.dumps({"schema_version": SCHEMA_VERSION + 1, "identity": {"territory": "Futur"}})
    with pytest.raises(NewerVersionError) as info:
        load_workbook_text(text, source="futur.json")
    assert "plus récente" in info.value.message("fr")
    assert "newer version" in info.value.message("en")


def test_version_0_files_are_migrated() -> None:
    old = {"territory": "Ancien", "town": "Lille", "qpv": True, "launch_date": "2027-01-10"}
    migrated = migrate(dict(old))
    assert migrated["schema_version"] == SCHEMA_VERSION
    workbook = Workbook.model_validate(migrated)
    assert workbook.identity.town == "Lille"
    assert load_workbook_text(json.dumps(old)).identity.territory == "Ancien"


def test_json_schema_describes_the_file() -> None:
    schema = workbook_json_schema()
    assert schema["type"] == "object"
    assert "identity" in schema["properties"]
    assert "schema_version" in schema["properties"]


# ------------------------------------------------------------------ money
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234 €", "1234.00"),
        ("1\u202f234,5", "1234.50"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234", "1234.00"),
        ("-50", "-50.00"),
        ("0,1", "0.10"),
        ("35000", "35000.00"),
    ],
)
def test_french_amounts_are_read_exactly(typed: str, expected: str) -> None:
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["12k", "12 K", "abc", "", "1,234,5", "1.2.3,4", "0,001", "12,345,67", "--5", "€"])
def test_bad_amounts_are_refused_with_a_message(typed: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    assert info.value.message("fr")
    assert info.value.message("en") != info.value.message("fr") or not typed


def test_12k_is_refused_politely_in_both_languages() -> None:
    with pytest.raises(AmountError) as info:
        parse_amount("12k")
    assert "12 000" in info.value.message("fr")
    assert "instead of 12k" in info.value.message("en")


def test_negative_refused_when_not_allowed() -> None:
    with pytest.raises(AmountError):
        parse_amount("-3", allow_negative=False)


def test_sums_never_drift() -> None:
    total = sum((to_money("0.1") for _ in range(1000)), Decimal("0"))
    assert total == Decimal("100.00")
    assert to_money(0.1) + to_money(0.2) == Decimal("0.30")


def test_money_is_stored_as_a_two_decimal_string() -> None:
    from kpawidgets.model.checklist import EquipmentItem

    item = EquipmentItem(label="Plancha", cost="1 234,5")
    assert item.cost == Decimal("1234.50")
    assert json.loads(item.model_dump_json())["cost"] == "1234.50"


def test_amounts_are_formatted_for_the_language() -> None:
    with use_language("fr"):
        assert format_money(Decimal("3886.08")) == "3\u202f886,08\u00a0€"
    assert format_money(Decimal("3886.08"), "en") == "€3,886.08"
