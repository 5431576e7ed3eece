"""The network's table as spreadsheets: a CSV and an .xlsx, one row a territory (``kpa reseau``, the Réseau page).

The columns are :data:`~kpawidgets.model.network.rows.CSV_COLUMNS`, headers in the current language; text a
spreadsheet would run as a formula is kept as text (a territory's name comes from a file the core team did not
write).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from kpawidgets.i18n import _
from kpawidgets.model.network.rows import CSV_COLUMNS, NetworkRow, row_values
from kpawidgets.storage.spreadsheets.cells import safe_text
from kpawidgets.storage.spreadsheets.export import _frame_sheet, _style_header

__all__ = ["network_frame", "network_csv", "network_xlsx"]


def network_frame(rows: Iterable[NetworkRow]) -> pd.DataFrame:
    """The table as a DataFrame (numbers stay numbers; an empty cell is None)."""
    keys = [key for key, _label in CSV_COLUMNS]
    data = [[row_values(row).get(key) for key in keys] for row in rows]
    return pd.DataFrame(data, columns=[_(label) for _key, label in CSV_COLUMNS], dtype=object)


def network_csv(rows: Iterable[NetworkRow]) -> str:
    """The table as CSV (``;``, with a BOM so spreadsheets read UTF-8), as the budget's CSV."""
    frame = network_frame(rows).map(_csv_cell)
    return "\ufeff" + frame.to_csv(sep=";", index=False, lineterminator="\r\n")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")  # decimal comma, as the budget's CSV
    return safe_text(value) if isinstance(value, str) else str(value)


def network_xlsx(rows: Iterable[NetworkRow]) -> bytes:
    """The table as an .xlsx workbook of one sheet « Réseau »."""
    frame = network_frame(rows)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        sheet = _frame_sheet(writer, frame, _("Réseau")[:31])
        _style_header(sheet, [18, 28, 22, 12, 50, 12, 24, 12, 24, 10, 14, 12, 12, 14, 10, 12, 10, 14, 12])
    return out.getvalue()
