"""A normal ``kpa`` command says what it did and nothing else: no Python warning on the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_export_of_a_plan_with_emoji_prints_no_warning(tmp_path: Path, example_path: Path) -> None:
    """An emoji in a plan step (drawn in the Gantt chart) once printed matplotlib's « Glyph 128690
    (\\N{BICYCLE}) missing from font(s) DejaVu Sans » with a source path."""
    data = json.loads(example_path.read_text(encoding="utf-8"))
    data["plan"]["custom_steps"][0]["title"] = "Tournée à vélo 🚲 des jardins 🌱"
    workbook = tmp_path / "emoji.json"
    workbook.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kpawidgets.cli", "export", str(workbook), "--pdf", str(tmp_path / "plan.pdf")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plan.pdf").stat().st_size > 0
    assert "Warning" not in done.stderr and "warn" not in done.stderr.lower(), done.stderr
    assert done.stderr.strip() == "", done.stderr
