"""How much an import file may hold, checked before the file is read."""

from __future__ import annotations

import io
import zipfile

from kpawidgets.storage.spreadsheets.cells import SpreadsheetError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_UNPACKED_BYTES", "check_xlsx"]

#: Largest file accepted for an import (a budget of 2 000 lines is well under 1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most budget lines in a file, and in a budget.
MAX_ROWS = 2000
#: Most columns in a row (the import format has a dozen).
MAX_COLUMNS = 64
#: Most bytes the parts of an .xlsx may unpack to, all together.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError("Ce fichier n'est pas un classeur .xlsx lisible.")


def check_xlsx(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than a budget ever needs, before reading them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    with archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > MAX_UNPACKED_BYTES:
            raise SpreadsheetError("Ce classeur se décompresse en plus de {limit} Mo : trop pour des lignes de budget.",
                                   limit=MAX_UNPACKED_BYTES // (1024 * 1024))
