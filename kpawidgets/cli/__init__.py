"""The ``kpa`` command. Nothing in the package imports it: it sits on top of storage and report."""

from __future__ import annotations

from kpawidgets.cli.commands import check_report
from kpawidgets.cli.main import build_parser, main
from kpawidgets.cli.serve import serve_environment, voila_command

__all__ = ["main", "build_parser", "check_report", "voila_command", "serve_environment"]
