"""Read a CSV or .xlsx file into a table of text cells numbered by their line in the file (pandas).

Every cell is read as text: amounts are parsed by the budget's own ``parse_amount``, never as
floats (pandas' ``decimal=","`` would give binary floats, and a budget is exact to the cent).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from kpawidgets.storage.spreadsheets.cells import SpreadsheetError, cell_text, column_key, unsafe_text
from kpawidgets.storage.spreadsheets.limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_FILE_ROWS, check_xlsx

__all__ = ["check_file_size", "read_table", "read_file", "ENCODINGS"]

#: Tried in this order: UTF-8 (with or without BOM), then what Excel writes on Windows, then Latin-1.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = (";", ",", "\t")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PANDAS_LINE = re.compile(r"(line|row) (\d+)")


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    """The separator the header line uses most (``;`` when none or tied: the French default)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=lambda sep: (first.count(sep), sep == ";"))


def _read_csv(data: bytes) -> pd.DataFrame:
    text = _decode(data)
    if "\x00" in text:
        raise SpreadsheetError("Ce fichier n'est pas un CSV lisible (caractères binaires).")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_sniff_delimiter(text), header=None, names=range(MAX_COLUMNS),
                            index_col=False, dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"', doublequote=True)
    except pd.errors.EmptyDataError:
        raise SpreadsheetError("Le fichier est vide.") from None
    except (pd.errors.ParserError, ValueError) as exc:
        found = _PANDAS_LINE.search(str(exc))
        # pandas counts lines from 1 ("line 3") but records from 0 ("row 2" is the third).
        line = int(found.group(2)) + (found.group(1) == "row") if found else "?"
        if "fields" in str(exc):
            raise SpreadsheetError("Ligne {line} : plus de {limit} colonnes, ce fichier n'est pas un budget.",
                                   line=line, limit=MAX_COLUMNS) from None
        raise SpreadsheetError("CSV illisible à la ligne {line} (un guillemet qui n'est pas refermé ?).", line=line) from None
    used = frame.ne("").to_numpy().any(axis=0).nonzero()[0]
    frame = frame.iloc[:, : (used[-1] + 1 if len(used) else 1)].map(unsafe_text)
    # The line where each record starts: one per record, plus the line breaks inside quoted cells before it.
    breaks = frame.map(lambda cell: len(_LINE_BREAK.findall(cell))).sum(axis=1)
    frame.index = pd.Index(1 + pd.RangeIndex(len(frame)) + breaks.cumsum().shift(fill_value=0), name="line")
    return frame


def _read_xlsx(data: bytes) -> pd.DataFrame:
    check_xlsx(data)
    # openpyxl reads a sheet lazily, so a damaged cell (bad XML, a shared-string index out of range,
    # <v>abc</v>, a bad date) only fails while reading rows: everything is inside this try.
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            names = list(book.sheet_names)
            if not names:
                raise SpreadsheetError("Le classeur ne contient aucune feuille.")
            chosen = names[0]
            for name in names:  # the first sheet whose first row names the import columns
                first = pd.read_excel(book, sheet_name=name, header=None, nrows=1, dtype=object)
                keys = {column_key(cell_text(v)) for v in first.iloc[0]} if len(first) else set()
                if {"compte", "montant"} <= keys:
                    chosen = name
                    break
            frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object, nrows=2 * MAX_FILE_ROWS + 2)
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises a dozen types on hostile XML; each is "unreadable"
        raise SpreadsheetError("Ce fichier n'est pas un classeur .xlsx lisible.") from None
    frame = frame.map(cell_text)
    frame.index = pd.Index(1 + pd.RangeIndex(len(frame)), name="line")
    return frame


def check_file_size(size: int) -> None:
    """Refuse a file to import by its size, before it is read."""
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError("Le fichier est trop gros (plus de 5 Mo) pour des lignes de budget.")


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """Every non-empty row of a CSV or .xlsx file as text cells, indexed by line number, header first."""
    check_file_size(len(data))
    if not data.strip():
        raise SpreadsheetError("Le fichier est vide.")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:2] == b"PK":
        frame = _read_xlsx(data)
    elif suffix in (".csv", ".txt", ""):
        frame = _read_csv(data)
    else:
        raise SpreadsheetError("Format non reconnu : « {name} ». Importez un fichier .csv ou .xlsx.", name=filename)
    frame = frame[frame.map(lambda cell: bool(cell.strip())).any(axis=1)]
    if frame.empty:
        raise SpreadsheetError("Le fichier est vide.")
    return frame


def read_file(path: str | Path) -> tuple[str, bytes]:
    """The name and bytes of a file to import, refused by its size before it is read."""
    source = Path(path).expanduser()
    try:
        if not source.is_file():
            raise SpreadsheetError("Le fichier {path} n'existe pas ou n'est pas un fichier.", path=str(source))
        check_file_size(source.stat().st_size)
        with source.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SpreadsheetError("Le fichier {path} ne peut pas être lu : {detail}", path=str(source),
                               detail=exc.strerror or str(exc)) from None
    return source.name, data
