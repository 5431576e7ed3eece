"""Emoji typed by the group (ideas, pseudonyms, a summary) are drawn, not left as empty boxes.

The carnet names no emoji font: WeasyPrint and Chromium take one from fontconfig when the
machine has it (Debian's fonts-noto-color-emoji, which `.ci/run` installs). Naming it in
report.css changed the PDF's spacing and digits, so this checks the machine and the PDF.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from kpawidgets.model.workbook import dump_workbook, load_workbook_text
from kpawidgets.report.export import export_plan
from kpawidgets.resources import example_workbook_path


def _emoji_font() -> str | None:
    try:
        listed = subprocess.run(["fc-list", ":charset=1f372", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return next((line for line in listed.stdout.splitlines() if "emoji" in line.lower()), None)


@pytest.fixture
def emoji_font() -> str:
    found = _emoji_font()
    if found is None:
        if os.environ.get("KPA_REQUIRE_EMOJI_FONT") == "1":
            pytest.fail("KPA_REQUIRE_EMOJI_FONT=1 but fontconfig has no emoji font (Debian: fonts-noto-color-emoji)")
        pytest.skip("no emoji font on this machine (Debian: fonts-noto-color-emoji)")
    return found


def _fonts(page: object) -> set[str]:
    resources = page["/Resources"]  # type: ignore[index]
    fonts = resources.get("/Font", {})
    return {str(font.get_object().get("/BaseFont", "")) for font in fonts.values()}


def test_emoji_in_the_summary_are_drawn_in_the_pdf(tmp_path: Path, emoji_font: str) -> None:
    workbook = load_workbook_text(example_workbook_path().read_bytes())
    workbook.identity.summary = "Cuisine 🍲, jardin 🌱 et sérigraphie 🎨 : la coopérative des Tisserands."
    target = tmp_path / "emoji.json"
    target.write_text(dump_workbook(workbook), encoding="utf-8")
    written = export_plan(str(target), pdf=tmp_path / "plan.pdf")
    cover = PdfReader(io.BytesIO(written["pdf"].read_bytes())).pages[0]
    fonts = _fonts(cover)
    assert any("emoji" in name.lower() for name in fonts), (emoji_font, fonts)
    assert "la coopérative des Tisserands" in cover.extract_text()
