"""Fault injection helpers shared by the fast reliability tests and ``make stress``.

Everything here drives the real :class:`~kpawidgets.storage.workspace.Workspace` in real
processes: a forked child writes workbooks in a loop and is killed with SIGKILL at
a random moment; two forked children hold a :class:`WorkbookSession` each and
edit the same workbook.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.model.checklist import EquipmentItem
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.storage.workspace import HISTORY_DIR, Workspace, copy_into

EXAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "exemple-quartier-des-tisserands.json"
COUNTER_PREFIX = "sauvegarde n° "


def seed_workspace(root: Path, copies: int = 1) -> list[str]:
    """A workspace holding *copies* copies of the example workbook, each with 40 equipment lines."""
    workspace = Workspace(root)
    names = []
    for index in range(copies):
        opened = copy_into(workspace, EXAMPLE, territory=f"Territoire {index}")
        opened.workbook.checklist.equipment = [
            EquipmentItem(label=f"Objet {i} « é » ✓", status="buy", cost=Decimal(i) + Decimal("0.99")) for i in range(40)
        ]
        opened.workbook.identity.town = f"{COUNTER_PREFIX}0"
        workspace.save(opened)
        names.append(opened.name)
    return names


def counter_of(text: str) -> int:
    """The save counter a writer child put in the workbook's town field."""
    return int(text[len(COUNTER_PREFIX):])


def _writer_child(root: Path, names: list[str], write_fd: int, seed: int) -> None:
    """Child process body: save the workbooks in a loop, report each committed counter."""
    rng = random.Random(seed)
    workspace = Workspace(root)
    opened = {name: workspace.open(name) for name in names}
    os.write(write_fd, b"ready\n")
    while True:
        name = rng.choice(names)
        current = opened[name]
        counter = counter_of(current.workbook.identity.town) + 1
        current.workbook.identity.town = f"{COUNTER_PREFIX}{counter}"
        # Change the size too, so that a torn write would show as truncated JSON.
        items = current.workbook.checklist.equipment
        if rng.random() < 0.5 and len(items) > 1:
            items.pop()
        else:
            items.append(EquipmentItem(label="x" * rng.randint(0, 200), status="have"))
        workspace.save(current)
        os.write(write_fd, f"{name} {counter}\n".encode())
        if rng.random() < 0.05:
            copy = workspace.add(current.workbook.model_copy(deep=True))
            os.write(write_fd, f"added {copy.name}\n".encode())


@dataclass
class CrashStats:
    trials: int = 0
    saves_committed: int = 0
    killed_in_flight: int = 0  # file on disk newer than the last reported save
    temp_files_left: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"trials": self.trials, "saves_committed": self.saves_committed,
                "killed_in_flight": self.killed_in_flight, "temp_files_left": self.temp_files_left,
                "failures": len(self.failures)}


def _read_reports(read_fd: int) -> list[str]:
    chunks = []
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode().splitlines()


def crash_trial(root: Path, names: list[str], expected: dict[str, int], rng: random.Random,
                max_delay: float, stats: CrashStats) -> None:
    """Fork a writer, SIGKILL it after a random delay, then check every file in *root*.

    *expected* maps each workbook to its last committed counter and is updated.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        status = 0
        try:
            os.close(read_fd)
            _writer_child(root, names, write_fd, rng.randrange(2**32))
        except BaseException:  # noqa: BLE001 - report through the exit status only
            status = 3
        os._exit(status)
    os.close(write_fd)
    # Wait until the child is ready (imports are shared by fork; opening takes a few ms).
    with os.fdopen(os.dup(read_fd), "rb", buffering=0) as reader:
        first = reader.readline()
    if first != b"ready\n":
        os.waitpid(pid, 0)
        os.close(read_fd)
        stats.failures.append(f"writer did not start: {first!r}")
        return
    time.sleep(rng.uniform(0, max_delay))  # a random moment, not an assertion
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    reports = _read_reports(read_fd)
    os.close(read_fd)
    stats.trials += 1
    if os.WIFEXITED(status):
        stats.failures.append(f"writer exited by itself (status {os.WEXITSTATUS(status)}) instead of being killed")
    for line in reports:
        head, _, value = line.partition(" ")
        if head in expected:
            expected[head] = int(value)
            stats.saves_committed += 1
    problems, in_flight, temps = check_workspace(root, expected)
    stats.killed_in_flight += in_flight
    stats.temp_files_left = temps  # hidden .tmp-* files now on disk (cumulative over trials)
    stats.failures.extend(problems)
    if problems:
        return
    # Keep the workspace small: trash the copies the child added.
    workspace = Workspace(root)
    for name in workspace.names():
        if name not in expected:
            workspace.delete(name)


def check_workspace(root: Path, expected: dict[str, int]) -> tuple[list[str], int, int]:
    """Every workbook and history file complete and loadable; counters never behind.

    Returns (problems, how many files hold a save the child had not reported yet,
    how many temporary files a killed write left behind).
    """
    problems: list[str] = []
    in_flight = 0
    workspace = Workspace(root)
    for entry in workspace.list():
        if entry.workbook is None:
            problems.append(f"{entry.name}: unreadable after a crash: {entry.error}")
            continue
        if entry.name in expected:
            counter = counter_of(entry.workbook.identity.town)
            last = expected[entry.name]
            if counter == last + 1:
                in_flight += 1
                expected[entry.name] = counter  # the save was on disk before the kill
            elif counter != last:
                problems.append(f"{entry.name}: counter {counter} on disk, last committed {last}")
    for name in expected:
        if not workspace.path_for(name).is_file():
            problems.append(f"{name}: file missing after a crash")
    temps = 0
    for path in root.rglob("*"):
        if path.name.startswith(".tmp-"):
            temps += 1
            if path.stem in workspace.names():
                problems.append(f"temporary file listed as a workbook: {path}")
            continue
        if path.is_file() and path.suffix == ".json" and HISTORY_DIR in path.parts:
            try:
                load_workbook_text(path.read_bytes(), source=path.name)
            except KpaError as exc:
                problems.append(f"history file {path.name} unreadable: {exc}")
    listed = {entry.name for entry in workspace.list()}
    if any(name.startswith(".") for name in listed):
        problems.append(f"hidden file listed: {sorted(listed)}")
    return problems, in_flight, temps


def _save_seconds(root: Path, name: str) -> float:
    """How long one save takes on this machine now (the median of three)."""
    workspace = Workspace(root)
    opened = workspace.open(name)
    durations = []
    for _ in range(3):
        opened.workbook.identity.town = f"{COUNTER_PREFIX}0"
        opened.workbook.checklist.equipment.append(EquipmentItem(label="mesure", status="have"))
        started = time.perf_counter()
        workspace.save(opened)
        durations.append(time.perf_counter() - started)
    opened.workbook.checklist.equipment = opened.workbook.checklist.equipment[:-3]
    workspace.save(opened)
    return sorted(durations)[1]


def run_crash_loop(root: Path, trials: int, seed: int, max_delay: float | None = 0.03, workbooks: int = 2) -> CrashStats:
    """*trials* kill-during-save trials on a fresh workspace in *root*.

    ``max_delay=None`` scales the kill delay to this machine's speed (up to five saves'
    time, at least 30 ms), so that a loaded machine still commits saves between kills.
    """
    names = seed_workspace(root, workbooks)
    if max_delay is None:
        max_delay = max(0.03, 5 * _save_seconds(root, names[0]))
    expected = {name: 0 for name in names}
    rng = random.Random(seed)
    stats = CrashStats()
    for _ in range(trials):
        crash_trial(root, names, expected, rng, max_delay, stats)
    return stats


def write_counts(name: str, counts: dict[str, Any]) -> Path:
    """Record a run's figures in ``out/reliability/<name>.json`` (for the report)."""
    folder = Path(os.environ.get("KPA_RELIABILITY_OUT", Path(__file__).resolve().parents[2] / "out" / "reliability"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(counts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------- two writers
def _session_child(root: str, lang: str, conn: Any) -> None:
    """A visitor's kernel: one WorkbookSession and its PageShell, driven by commands."""
    from kpawidgets.app.session import WorkbookSession
    from kpawidgets.app.shell import PageShell

    session = WorkbookSession(Workspace(root), lang)
    shell: PageShell | None = None
    statuses: list[tuple[str, str]] = []
    session.on_status(lambda status: statuses.append((status.kind, status.message)))
    while True:
        command, *args = conn.recv()
        try:
            if command == "stop":
                conn.send(None)
                return
            if command == "open":
                ok = session.open(args[0])
                shell = PageShell("01_checklist.ipynb", session)
                result: Any = ok
            elif command == "set_town":
                assert session.workbook is not None
                session.workbook.identity.town = args[0]
                result = session.changed()
            elif command == "append":
                assert session.workbook is not None
                session.workbook.checklist.equipment.append(EquipmentItem(label=args[0]))
                result = session.changed()
            elif command == "reload":
                assert shell is not None
                shell.reload_button.click()
                result = True
            elif command == "keep_copy":
                assert shell is not None
                shell.copy_button.click()
                result = session.name
            elif command == "state":
                workbook = session.workbook
                result = {
                    "name": session.name,
                    "town": workbook.identity.town if workbook else None,
                    "territory": workbook.identity.territory if workbook else None,
                    "labels": [item.label for item in workbook.checklist.equipment] if workbook else [],
                    "status_html": shell.status.value if shell else "",
                    "conflict_actions": shell.conflict_actions.layout.display if shell else None,
                    "statuses": list(statuses),
                }
            else:
                raise ValueError(command)
            conn.send(("ok", result))
        except Exception as exc:  # noqa: BLE001 - sent back to the test
            conn.send(("error", repr(exc)))


class SessionProcess:
    """A WorkbookSession living in another process (like a second visitor's kernel)."""

    def __init__(self, root: Path, lang: str = "fr") -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_session_child, args=(str(root), lang, child_conn), daemon=True)
        self.process.start()

    def __call__(self, command: str, *args: Any) -> Any:
        self.conn.send((command, *args))
        if not self.conn.poll(120):
            raise RuntimeError(f"session process did not answer {command!r}")
        kind, result = self.conn.recv()
        if kind != "ok":
            raise RuntimeError(f"{command}: {result}")
        return result

    def close(self) -> None:
        if self.process.is_alive():
            try:
                self.conn.send(("stop",))
                self.conn.poll(30) and self.conn.recv()
            except (OSError, EOFError):
                pass
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _racing_writer(root: str, name: str, tag: str, count: int, seed: int, conn: Any) -> None:
    """Append *count* labelled items to one workbook, as fast as possible, against a rival."""
    from kpawidgets.storage.workspace import ConflictError

    rng = random.Random(seed)
    workspace = Workspace(root)
    conflicts = 0
    opened = workspace.open(name)
    for index in range(count):
        label = f"{tag}-{index}"
        while True:
            opened.workbook.checklist.equipment.append(EquipmentItem(label=label, status="have"))
            try:
                workspace.save(opened)
                break
            except ConflictError:
                conflicts += 1
                opened = workspace.open(name)  # reload, then redo the edit on the fresh copy
        if rng.random() < 0.3:
            time.sleep(rng.uniform(0, 0.002))
    conn.send(conflicts)


def race_two_writers(root: Path, name: str, count: int, seed: int) -> dict[str, Any]:
    """Two processes append *count* items each to the same workbook; return what is on disk."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    rng = random.Random(seed)
    workspace = Workspace(root)
    start = workspace.open(name)
    start.workbook.checklist.equipment = []  # room for 2 × count items (the list is bounded)
    workspace.save(start)
    pipes, processes = [], []
    for tag in ("A", "B"):
        parent_conn, child_conn = context.Pipe()
        process = context.Process(target=_racing_writer,
                                  args=(str(root), name, tag, count, rng.randrange(2**32), child_conn))
        process.start()
        pipes.append(parent_conn)
        processes.append(process)
    conflicts = [conn.recv() if conn.poll(600) else None for conn in pipes]
    for process in processes:
        process.join(60)
    labels = [item.label for item in Workspace(root).open(name).workbook.checklist.equipment]
    return {"conflicts": conflicts, "labels": labels, "exitcodes": [p.exitcode for p in processes]}


def _page_until_stopped(root: str, name: str, conn: Any) -> None:
    """Append items ``P-0``, ``P-1``… one by one, as a page would, until told to stop; send the count and conflicts."""
    from kpawidgets.storage.workspace import ConflictError

    workspace = Workspace(root)
    opened = workspace.open(name)
    count = conflicts = 0
    while not conn.poll() and count < 190:  # the list is bounded at 200
        label = f"P-{count}"
        while True:
            opened.workbook.checklist.equipment.append(EquipmentItem(label=label, status="have"))
            try:
                workspace.save(opened)
                break
            except ConflictError:
                conflicts += 1
                opened = workspace.open(name)  # reload, then redo the edit on the fresh copy
        count += 1
        time.sleep(0.01)
    conn.send((count, conflicts))


def race_imports(root: Path, name: str, imports: int, lines_each: int, seed: int) -> dict[str, Any]:
    """*imports* real ``kpa import`` processes and one page-like writer on one workbook, all at once.

    The page writer saves every ~10 ms for as long as the imports run. Returns the imported
    labels and the page's items found on disk, with the exit codes: an import must land on
    the file as it is when it saves, never over what others saved.
    """
    import multiprocessing
    import subprocess
    import sys

    context = multiprocessing.get_context("fork")
    rng = random.Random(seed)
    workspace = Workspace(root)
    start = workspace.open(name)
    start.workbook.checklist.equipment = []
    workspace.save(start)
    files = []
    for index in range(imports):
        csv_path = root.parent / f"import-{index}.csv"
        rows = "".join(f"606;import-{index}-{line};{rng.randint(1, 999)},50\n" for line in range(lines_each))
        csv_path.write_text("compte;libelle;montant\n" + rows, encoding="utf-8")
        files.append(csv_path)
    parent_conn, child_conn = context.Pipe()
    page = context.Process(target=_page_until_stopped, args=(str(root), name, child_conn))
    kpa = Path(sys.executable).with_name("kpa")
    page.start()
    processes = [subprocess.Popen([str(kpa), "import", name, str(path), "--add", "--workspace", str(root)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in files]
    outputs = [process.communicate(timeout=600) for process in processes]
    parent_conn.send("stop")
    page_edits, page_conflicts = parent_conn.recv() if parent_conn.poll(600) else (None, None)
    page.join(60)
    final = Workspace(root).open(name).workbook
    return {
        "exitcodes": [process.returncode for process in processes] + [page.exitcode],
        "errors": [err for _out, err in outputs if err.strip()],
        "imported": [line.label for line in final.budget.lines if line.label.startswith("import-")],
        "page_items": [item.label for item in final.checklist.equipment if item.label.startswith("P-")],
        "page_edits": page_edits,
        "page_conflicts": page_conflicts,
    }
