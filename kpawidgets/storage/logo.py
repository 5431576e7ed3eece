"""The territory's logo for the PDF's cover: a PNG file beside the workbook, checked and saved atomically.

Only PNG is accepted (checked by its first bytes, at most :data:`MAX_LOGO_BYTES`): an SVG can
carry scripts and outside links, and cleaning one safely is more code than a cover needs; a
partner's SVG logo is exported as PNG first.
"""

from __future__ import annotations

import os
from pathlib import Path

from kpawidgets.errors import KpaError
from kpawidgets.storage.atomic import write_atomic

__all__ = ["MAX_LOGO_BYTES", "PNG_SIGNATURE", "LogoError", "logo_name_for", "check_logo", "save_logo", "read_logo"]

MAX_LOGO_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class LogoError(KpaError):
    """A logo file that cannot be used (too big, not a PNG)."""


def logo_name_for(workbook_path: Path) -> str:
    """The logo's file name beside *workbook_path*: ``<name>.logo.png``."""
    return workbook_path.stem + ".logo.png"


def check_logo(data: bytes) -> bytes:
    """*data* unchanged when it is a PNG of at most 1 MB; a :class:`LogoError` otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError("Le logo pèse {size} Ko : 1 024 Ko au plus.", size=len(data) // 1024)
    if not data.startswith(PNG_SIGNATURE):
        raise LogoError("Le logo doit être une image PNG (un SVG : l'exporter en PNG d'abord).")
    return data


def save_logo(workbook_path: str | os.PathLike[str], data: bytes) -> str:
    """Check *data* and write it whole beside the workbook; return the file name to put in ``identity.logo``."""
    path = Path(workbook_path)
    name = logo_name_for(path)
    write_atomic(path.with_name(name), check_logo(data))
    return name


def read_logo(workbook_path: str | os.PathLike[str], name: str) -> bytes | None:
    """The logo *name* beside the workbook when it is there and still a valid PNG; None otherwise."""
    if not name or Path(name).name != name:
        return None
    target = Path(workbook_path).with_name(name)
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size > MAX_LOGO_BYTES:
            return None
        return check_logo(target.read_bytes())
    except (OSError, LogoError):
        return None
