"""How much an import file may hold, checked before the file is read.

An .xlsx is a zip of XML parts: 1 MB on disk can unpack to a gigabyte (one shared string) or
to millions of cells (one row). Before openpyxl sees it, :func:`check_xlsx` reads the zip's
directory (sizes and ratios), then unpacks every part as a stream, counting bytes, and runs
the XML of each part through expat counting cells, columns and text lengths; it stops at the
first limit passed, so a bomb is refused after reading a few megabytes at most.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO
from xml.parsers import expat

from kpawidgets.storage.spreadsheets.cells import SpreadsheetError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_UNPACKED_BYTES", "MAX_SHEET_CELLS", "MAX_CELL_TEXT",
           "check_xlsx"]

#: Largest file accepted for an import (a budget of 2 000 lines is well under 1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most budget lines in a file, and in a budget.
MAX_ROWS = 2000
#: Most columns a row may reach (the import format has a dozen; a treasurer's own sheet a few dozen).
MAX_COLUMNS = 256
#: Most bytes the parts of an .xlsx may unpack to, all together.
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
#: Most parts in an .xlsx (a workbook of a few sheets has about twenty).
MAX_PARTS = 1000
#: A part bigger than this may not unpack to more than MAX_RATIO times its packed size.
_RATIO_FROM_BYTES = 1024 * 1024
MAX_RATIO = 500
#: Most cells in one part (sheet) of an .xlsx.
MAX_SHEET_CELLS = 200_000
#: Longest text of a cell: Excel's own limit.
MAX_CELL_TEXT = 32_767
_CHUNK = 64 * 1024
_COLUMN = re.compile(r"([A-Za-z]{1,3})")


class _Refused(Exception):
    """Carries the refusal out of expat's callbacks."""

    def __init__(self, error: SpreadsheetError) -> None:
        super().__init__(error.template)
        self.error = error


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError("Ce fichier n'est pas un classeur .xlsx lisible.")


def _too_big() -> SpreadsheetError:
    return SpreadsheetError("Ce classeur se décompresse en plus de {limit} Mo : trop pour des lignes de budget.",
                            limit=MAX_UNPACKED_BYTES // (1024 * 1024))


def _column_number(reference: str) -> int:
    """``A1`` → 1, ``XFD7`` → 16384."""
    letters = _COLUMN.match(reference)
    number = 0
    for letter in letters.group(1).upper() if letters else "":
        number = number * 26 + ord(letter) - 64
    return number


class _PartScanner:
    """Counts the cells, columns and text lengths of one XML part, refusing at the first limit passed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = 0
        self.column = 0
        self.text: int | None = None
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        parser.StartDoctypeDeclHandler = self._doctype  # no DTD in an .xlsx: entity tricks are refused outright
        parser.EntityDeclHandler = self._doctype
        self.parser = parser

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local == "row":
            self.column = 0
        elif local == "c":
            self.cells += 1
            if self.cells > MAX_SHEET_CELLS:
                raise _Refused(SpreadsheetError("Une feuille de ce classeur a plus de {limit} cellules : trop pour des lignes de budget.",
                                                limit=MAX_SHEET_CELLS))
            reference = attributes.get("r")
            self.column = _column_number(reference) if reference else self.column + 1
            if self.column > MAX_COLUMNS:
                raise _Refused(SpreadsheetError("Une feuille de ce classeur va au-delà de {limit} colonnes : trop pour des lignes de budget.",
                                                limit=MAX_COLUMNS))
        elif local in ("t", "v", "f"):
            self.text = 0

    def _end(self, tag: str) -> None:
        self.text = None

    def _characters(self, data: str) -> None:
        if self.text is not None:
            self.text += len(data)
            if self.text > MAX_CELL_TEXT:
                raise _Refused(SpreadsheetError("Une cellule de ce classeur contient plus de {limit} caractères (la limite d'Excel).",
                                                limit=MAX_CELL_TEXT))

    def _doctype(self, *args: object) -> None:
        raise _Refused(_unreadable())

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError:
            raise _Refused(_unreadable()) from None


def _scan(stream: IO[bytes], name: str, unpacked: int) -> int:
    """Unpack one part as a stream; return the bytes unpacked so far (all parts)."""
    scanner = _PartScanner(name) if name.endswith((".xml", ".rels", ".vml")) else None
    while chunk := stream.read(_CHUNK):
        unpacked += len(chunk)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _Refused(_too_big())
        if scanner is not None:
            scanner.feed(chunk)
    if scanner is not None:
        scanner.feed(b"", final=True)
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
