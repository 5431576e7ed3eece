"""Budget spreadsheets: export to ``.xlsx`` (Cerfa budget, funders, monthly cash, lines) and CSV,
and import of budget lines from CSV or ``.xlsx``.

- :mod:`.read`: a file → a table of text cells numbered by line (pandas; encodings, separator, BOM);
- :mod:`.limits`: what a file may hold, checked before it is read (size, xlsx parts);
- :mod:`.rows`: each row → a budget line through the line's own model (:class:`ImportRow`);
- :mod:`.apply`: the lines into a budget, by id (a round trip updates, never copies);
- :mod:`.export`: the budget → xlsx and CSV (pandas DataFrames for the tables);
- :mod:`.cells`: one cell's text (formula neutralisation, Excel's cached floats).

Nothing here knows about argparse: ``kpa import`` / ``kpa export`` call :func:`read_lines`,
:func:`apply_import`, :func:`export_xlsx` and :func:`export_csv`.
"""

from __future__ import annotations

from kpawidgets.storage.spreadsheets.apply import (
    ImportMode,
    ImportOutcome,
    ImportPreview,
    apply_import,
    asks_mode,
    check_not_twice,
    counts_sentence,
    duplicates_sentence,
    kinds_sentence,
    plan_import,
    preview_import,
    totals_sentence,
)
from kpawidgets.storage.spreadsheets.cells import SpreadsheetError, safe_text
from kpawidgets.storage.spreadsheets.export import budget_csv, budget_xlsx, export_csv, export_xlsx
from kpawidgets.storage.spreadsheets.limits import MAX_FILE_BYTES, MAX_ROWS
from kpawidgets.storage.spreadsheets.read import check_file_size, read_table
from kpawidgets.storage.spreadsheets.rows import (
    IMPORT_COLUMNS,
    ImportResult,
    ImportRow,
    RowProblem,
    guess_subline,
    parse_import,
    read_lines,
)

__all__ = [
    "SpreadsheetError", "RowProblem", "ImportResult", "ImportRow", "IMPORT_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS",
    "ImportMode", "ImportOutcome", "budget_xlsx", "budget_csv", "export_xlsx", "export_csv", "parse_import",
    "read_lines", "apply_import", "asks_mode", "preview_import", "plan_import", "ImportPreview", "check_not_twice",
    "totals_sentence", "counts_sentence", "duplicates_sentence", "kinds_sentence",
    "check_file_size", "read_table", "safe_text", "guess_subline",
]
