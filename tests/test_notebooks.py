"""Every notebook in notebooks/ runs headless with a real kernel, without any error output."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_notebook_executes_without_errors(notebook: Path, lang: str, workspace_dir: Path, example_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(example_path, workspace_dir)
    monkeypatch.setenv("KPA_WORKSPACE", str(workspace_dir))
    monkeypatch.setenv("KPA_QUERY", f"workbook={example_path.stem}&lang={lang}")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{notebook.name}: {output.get('ename')}: {output.get('evalue')}"
            if output["output_type"] == "stream" and output["name"] == "stderr":
                assert "Traceback" not in output["text"], output["text"]
    assert any(cell.get("outputs") for cell in nb.cells), "the page displayed nothing"


def test_notebooks_are_thin() -> None:
    for notebook in NOTEBOOKS:
        nb = nbformat.read(notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert len(code) <= 3, f"{notebook.name} has logic that belongs in kpawidgets"
        assert sum(len(c.source.splitlines()) for c in code) <= 12
