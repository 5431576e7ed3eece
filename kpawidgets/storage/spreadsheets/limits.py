"""How much an import file may hold, checked before the file is read.

An .xlsx is a zip of XML parts: 1 MB on disk can unpack to a gigabyte (one shared string) or
to millions of cells (one row). Before openpyxl sees it, :func:`check_xlsx` reads the zip's
directory (sizes and ratios), then unpacks every part as a stream, counting bytes, and counts
in the XML text (with bytes searches, not a parser: a parser's callbacks cost a second for
200 000 cells) the tags, the cells, the columns they reach and the length of each text; it
stops at the first limit passed. Whether the XML is well formed is openpyxl's to find out
(its errors are caught where the sheet is read).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO

from kpawidgets.storage.spreadsheets.cells import SpreadsheetError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "MAX_FILE_ROWS", "MAX_COLUMNS", "MAX_UNPACKED_BYTES", "MAX_SHEET_CELLS", "MAX_PART_TAGS",
           "MAX_CELL_TEXT", "check_xlsx"]

#: Largest file accepted for an import (a budget of 2 000 lines is well under 1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most budget lines in a file, and in a budget.
MAX_ROWS = 2000
#: Most rows in a file, the carnet's calculated rows (staff, activities…) of an export included.
MAX_FILE_ROWS = 2 * MAX_ROWS
#: Most columns a row may reach (the import format has a dozen; a treasurer's own sheet a few dozen).
MAX_COLUMNS = 256  # column IV: _WIDE_REFERENCE spells it
#: Most bytes the parts of an .xlsx may unpack to, all together.
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
#: Most parts in an .xlsx (a workbook of a few sheets has about twenty).
MAX_PARTS = 1000
#: A part bigger than this may not unpack to more than MAX_RATIO times its packed size.
_RATIO_FROM_BYTES = 1024 * 1024
MAX_RATIO = 500
#: Most cells in one part (sheet) of an .xlsx.
MAX_SHEET_CELLS = 100_000
#: Most "<" in one part, opening and closing tags together (a sheet of 2 000 budget lines has about 120 000).
MAX_PART_TAGS = 600_000
#: Longest text of a cell: Excel's own limit.
MAX_CELL_TEXT = 32_767
_CHUNK = 256 * 1024


class _Refused(Exception):
    """Carries a refusal out of the scan."""

    def __init__(self, error: SpreadsheetError) -> None:
        super().__init__(error.template)
        self.error = error


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError("Ce fichier n'est pas un classeur .xlsx lisible.")


def _too_big() -> SpreadsheetError:
    return SpreadsheetError("Ce classeur se décompresse en plus de {limit} Mo : trop pour des lignes de budget.",
                            limit=MAX_UNPACKED_BYTES // (1024 * 1024))


def _too_many_columns() -> _Refused:
    return _Refused(SpreadsheetError("Une feuille de ce classeur va au-delà de {limit} colonnes : trop pour des lignes de budget.",
                                     limit=MAX_COLUMNS))


_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL = re.compile(_PREFIX + rb"c[\s/>]")
_ROW = re.compile(_PREFIX + rb"row[\s/>]")
#: A cell's reference (rows have digits only) beyond column IV (256): three letters, or two from IW on.
_WIDE_REFERENCE = re.compile(rb""" r=["'](?:[A-Za-z]{3}|[J-Zj-z][A-Za-z]|[Ii][W-Zw-z])\d""")
_REFERENCE = re.compile(rb"""\sr=["'][A-Za-z]""")
_WINDOW = MAX_CELL_TEXT // 2
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _longest_text_over_limit(xml: bytes) -> bool:
    """Whether a run without "<" (a text, or a tag) is longer than Excel's cell limit.

    Windows of half the limit are checked with ``find`` (a run over the limit covers one whole),
    and only a window without "<" is measured exactly.
    """
    for start in range(0, len(xml) - _WINDOW + 1, _WINDOW):
        if xml.find(b"<", start, start + _WINDOW) < 0:
            begin = xml.rfind(b"<", 0, start) + 1
            end = xml.find(b"<", start)
            if (len(xml) if end < 0 else end) - begin > MAX_CELL_TEXT:
                return True
    return False


def _count_cells(xml: bytes) -> int:
    if b":c" in xml:  # prefixed tags (<x:c>): rare, counted by a regular expression
        return len(_CELL.findall(xml))
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>") + xml.count(b"<c\t") + xml.count(b"<c\n") + xml.count(b"<c\r")


class _PartScanner:
    """Counts the tags, cells, columns and text lengths of one XML part, refusing at the first limit passed."""

    def __init__(self) -> None:
        self.tags = 0
        self.cells = 0
        self.row_cells = 0  # cells of the current row so far (a row of cells without references widens the sheet too)
        self.pending = b""  # the text after the last "<": a tag or a text that the next chunk completes

    def feed(self, chunk: bytes) -> None:
        buffer = self.pending + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            cut = 0
        whole, self.pending = buffer[:cut], buffer[cut:]
        if _longest_text_over_limit(buffer):
            raise _Refused(SpreadsheetError("Une cellule de ce classeur contient plus de {limit} caractères (la limite d'Excel).",
                                            limit=MAX_CELL_TEXT))
        if not whole:
            return
        if _DECLARATION.search(whole):  # no DTD in an .xlsx: entity tricks are refused outright
            raise _Refused(_unreadable())
        self.tags += whole.count(b"<")
        if self.tags > MAX_PART_TAGS:
            raise _Refused(SpreadsheetError("Une partie de ce classeur a plus de {limit} éléments : trop pour des lignes de budget.",
                                            limit=MAX_PART_TAGS))
        cells = _count_cells(whole)
        self.cells += cells
        if self.cells > MAX_SHEET_CELLS:
            raise _Refused(SpreadsheetError("Une feuille de ce classeur a plus de {limit} cellules : trop pour des lignes de budget.",
                                            limit=MAX_SHEET_CELLS))
        if _WIDE_REFERENCE.search(whole):
            raise _too_many_columns()
        referenced = whole.count(b'<c r="')
        if referenced < cells and len(_REFERENCE.findall(whole)) < cells:
            # Cells without a reference (Excel, LibreOffice and openpyxl write one): count row by row.
            for index, piece in enumerate(_ROW.split(whole)):
                if index:
                    self.row_cells = 0
                self.row_cells += _count_cells(piece)
                if self.row_cells > MAX_COLUMNS:
                    raise _too_many_columns()

    def close(self) -> None:
        self.feed(b"<")


def _scan(stream: IO[bytes], name: str, unpacked: int) -> int:
    """Unpack one part as a stream; return the bytes unpacked so far (all parts)."""
    scanner = _PartScanner() if name.endswith((".xml", ".rels", ".vml")) else None
    while chunk := stream.read(_CHUNK):
        unpacked += len(chunk)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _Refused(_too_big())
        if scanner is not None:
            scanner.feed(chunk)
    if scanner is not None:
        scanner.close()
    return unpacked


def check_xlsx(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than a budget ever needs, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise _unreadable()
        if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
            raise _too_big()
        for info in parts:
            if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _too_big()
        unpacked = 0
        try:
            for info in parts:
                with archive.open(info) as stream:
                    unpacked = _scan(stream, info.filename, unpacked)
        except _Refused as refused:
            raise refused.error from None
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            # A damaged part, an unknown compression or an encrypted member.
            raise _unreadable() from None
