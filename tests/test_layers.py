"""The house's layers, checked by tools (issue 9): the import-linter contracts of pyproject.toml,
no import cycle in ``kpawidgets`` (counting imports under TYPE_CHECKING and inside functions),
no module over 600 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kpawidgets"
MAX_LINES = 600


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def import_cycles(package: str = "kpawidgets") -> list[list[str]]:
    """Groups of modules of *package* that import each other, directly or through others (grimp's graph)."""
    import grimp

    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    # Tarjan's strongly connected components, iterative (the graph is small, but no recursion limit).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, []))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in edges.get(node, []):
                        groups.append(sorted(group))
    return groups


def long_modules() -> dict[str, int]:
    """Modules of the package over the line limit, with their line counts."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found[str(path.relative_to(ROOT))] = lines
    return found


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: two modules importing each other (under TYPE_CHECKING, inside a function) are a cycle."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from cyclic.b import B\n")
    (package / "b.py").write_text("def f():\n    from cyclic import a\n    return a\n")
    (package / "c.py").write_text("import cyclic.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [["cyclic.a", "cyclic.b"]]


def test_no_import_cycle_and_no_long_module() -> None:
    cycles = import_cycles()
    assert cycles == [], "import cycles: " + "; ".join(" ↔ ".join(group) for group in cycles)
    assert long_modules() == {}, f"modules over {MAX_LINES} lines: {long_modules()}"
