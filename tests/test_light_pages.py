"""Light kernels (issue 21): a page loads matplotlib only when it draws a chart and pandas only when
it reads or writes a spreadsheet, so a page that draws nothing at its first paint carries neither.

Each check runs in a fresh interpreter (the test process has long imported everything).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE, ROOT

#: Libraries a page's kernel should not carry unless it uses them.
HEAVY = ("matplotlib", "pandas", "openpyxl", "weasyprint")

_PROBE = """
import json, shutil, sys, tempfile
from pathlib import Path
module, builder, example = sys.argv[1], sys.argv[2], Path(sys.argv[3])
page = __import__(module, fromlist=[builder])
after_import = [name for name in {heavy!r} if name in sys.modules]
built = []
if builder != "-":
    from kpawidgets.app.session import WorkbookSession
    from kpawidgets.storage.workspace import Workspace
    folder = Path(tempfile.mkdtemp())
    shutil.copy(example, folder / example.name)
    session = WorkbookSession(Workspace(folder), "fr")
    session.open(example.stem)
    shell = getattr(page, builder)(session)
    built = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"import": after_import, "build": built}}))
""".format(heavy=HEAVY)


def _loaded(module: str, builder: str = "-") -> dict[str, list[str]]:
    """The heavy libraries in ``sys.modules`` after importing *module*, and after *builder* built the example's page."""
    done = subprocess.run([sys.executable, "-c", _PROBE, module, builder, str(EXAMPLE)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", [
    "kpawidgets.app.home", "kpawidgets.app.checklist", "kpawidgets.app.budget", "kpawidgets.app.plan",
    "kpawidgets.app.room", "kpawidgets.charts", "kpawidgets.report",
])
def test_importing_a_page_loads_no_heavy_library(module: str) -> None:
    """What a notebook's first cell imports (and the charts and report packages themselves) loads
    none of them: matplotlib comes with the first chart drawn, pandas with the first spreadsheet."""
    assert _loaded(module)["import"] == []


@pytest.mark.parametrize(("module", "builder"), [
    ("kpawidgets.app.home.page", "build_home"),
    ("kpawidgets.app.checklist.page", "build_checklist"),
    ("kpawidgets.app.budget.page", "build_budget"),
])
def test_a_page_without_a_chart_at_first_paint_loads_no_heavy_library(module: str, builder: str) -> None:
    """The home page, the checklist's first step and the budget's first tab draw no matplotlib chart."""
    assert _loaded(module, builder)["build"] == []


def test_the_plan_page_draws_its_timeline_but_reads_no_spreadsheet() -> None:
    """The plan page shows its Gantt chart at once (matplotlib, as it should), never pandas."""
    loaded = _loaded("kpawidgets.app.plan.page", "build_plan")["build"]
    assert "matplotlib" in loaded and "pandas" not in loaded and "openpyxl" not in loaded


def test_a_chart_drawn_loads_matplotlib_there() -> None:
    """The other side of the lazy import: drawing a chart works from a fresh interpreter."""
    code = ("import sys; from kpawidgets.charts import light; assert 'matplotlib' not in sys.modules; "
            "svg = light('ok'); assert svg.startswith('<svg') and 'matplotlib' in sys.modules; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
