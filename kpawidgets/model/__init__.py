"""The pure model of a workbook: no widgets, no notebooks, no plotting."""

from __future__ import annotations

from kpawidgets.model.money import Money, parse_amount, to_money, AmountError
from kpawidgets.model.workbook import (
    SCHEMA_VERSION,
    Identity,
    NewerVersionError,
    Workbook,
    WorkbookError,
    dump_workbook,
    load_workbook_text,
    workbook_json_schema,
)

__all__ = [
    "SCHEMA_VERSION",
    "AmountError",
    "Identity",
    "Money",
    "NewerVersionError",
    "Workbook",
    "WorkbookError",
    "dump_workbook",
    "load_workbook_text",
    "parse_amount",
    "to_money",
    "workbook_json_schema",
]
