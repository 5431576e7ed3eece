"""Carnet KPA: the launch workbook of the KPA-Cité network.

The public API is small: the workbook model, the workspace, and the pages.
"""

from __future__ import annotations

from kpawidgets.errors import KpaError
from kpawidgets.model.workbook import SCHEMA_VERSION, Workbook, load_workbook_text
from kpawidgets.storage.workspace import Workspace

__all__ = ["KpaError", "SCHEMA_VERSION", "Workbook", "Workspace", "load_workbook_text", "__version__"]
__version__ = "0.1.0"
