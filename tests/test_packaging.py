"""pyproject.toml and environment.yml ask for the same packages with the same bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's.
CONDA_NAMES = {"matplotlib-base": "matplotlib"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


# Development tools of the test extra that the conda environments carry too.
CONDA_DEV_TOOLS = {"import-linter", "pikepdf"}


def _conda_packages(path: Path) -> dict[str, str]:
    conda: dict[str, str] = {}
    text = path.read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        item = re.match(r"^  - ([A-Za-z].*)$", line)
        if item and not item.group(1).startswith(("pip", "python")):
            name, bound = _split(item.group(1))
            conda[CONDA_NAMES.get(name, name)] = bound
    return conda


@pytest.mark.parametrize("environment", ["environment.yml", "binder/environment.yml"])
def test_environment_yml_matches_pyproject(environment: str) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    test_extra = dict(_split(r) for r in project["optional-dependencies"]["test"])
    wanted.update({name: test_extra[name] for name in CONDA_DEV_TOOLS})
    assert _conda_packages(ROOT / environment) == wanted


def test_issue_dependencies_are_declared() -> None:
    """What the live workbook (watchfiles), the room (segno; websockets for a preheated kernel's request) and the layer
    contract (import-linter) need."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_split(r)[0] for r in project["dependencies"]}
    assert {"watchfiles", "segno", "websockets", "pandas", "matplotlib"} <= names
    assert "import-linter" in {_split(r)[0] for r in project["optional-dependencies"]["test"]}


def test_wheel_ships_notebooks_templates_and_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert set(included) == {"notebooks", "templates", "sample_data"}
