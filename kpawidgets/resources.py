"""Where the project's files are: in the source tree, or inside the installed package."""

from __future__ import annotations

from pathlib import Path

__all__ = ["project_dir", "notebooks_dir", "templates_dir", "sample_data_dir", "example_workbook_path"]

_PACKAGE = Path(__file__).resolve().parent


def project_dir(name: str) -> Path:
    """The folder *name* (``notebooks``, ``templates``, ``sample_data``).

    A wheel ships them as ``kpawidgets/_data/<name>``; a source checkout (and an
    editable install) has them beside the package.
    """
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def notebooks_dir() -> Path:
    return project_dir("notebooks")


def templates_dir() -> Path:
    """A Jupyter data dir: ``voila/templates/kpa`` and ``nbconvert/templates/…`` inside."""
    return project_dir("templates")


def static_dir() -> Path:
    """The Voilà template's static files (style sheets, scripts, fonts), served under ``/voila/templates/kpa/static``."""
    return templates_dir() / "voila" / "templates" / "kpa" / "static"


def sample_data_dir() -> Path:
    return project_dir("sample_data")


def example_workbook_path() -> Path:
    """The complete example workbook of the fictitious territory."""
    return sample_data_dir() / "exemple-quartier-des-tisserands.json"
