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


@pytest.mark.parametrize(("lang", "words"), [("fr", "avec --workbook CARNET"), ("en", "with --workbook WORKBOOK")])
def test_serve_help_says_that_the_workshop_needs_a_workbook(capsys: pytest.CaptureFixture[str], lang: str, words: str) -> None:
    from kpawidgets.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", lang, "serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--atelier" in text and words in text


def test_the_readme_says_how_to_keep_the_browser_closed_and_change_the_port() -> None:
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("## ")[0]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "NO_BROWSER=1" in top and "PORT=" in top
    assert "NO_BROWSER" in makefile and "PORT ?=" in makefile


@pytest.mark.slow
def test_a_page_visit_leaves_no_trust_warning_in_the_servers_terminal(voila_server) -> None:
    """jupyter_server logged « Notebook 00_accueil.ipynb is not trusted » at every visit."""
    import urllib.request

    with urllib.request.urlopen(voila_server.url("00_accueil.ipynb"), timeout=120) as answer:
        assert answer.status == 200
    log = voila_server.log()
    assert "Kernel started" in log or "Voilà is running" in log, log[-2000:]
    assert "is not trusted" not in log, log[-2000:]
