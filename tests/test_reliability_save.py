"""Reliability of saving (issue 6): crash during save, two writers, full disk, read-only workspace.

Fast versions of the fault loops; ``make stress`` runs the long ones (tests/stress/).
Every fault here is real: SIGKILL of a writing process, two processes on one file,
a full filesystem (a 1 MiB tmpfs when this machine lets us mount one, else a file
size limit), a read-only filesystem (remounted read-only, or chmod when not root).
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell
from kpawidgets.errors import KpaError
from kpawidgets.storage.workspace import ConflictError, SaveError, Workspace, copy_into
from tests.stress.faults import EXAMPLE, SessionProcess, race_imports, race_two_writers, run_crash_loop, write_counts

DISK_FULL = ("Enregistrement impossible : le disque est plein. La dernière version enregistrée est intacte ; "
             "vos saisies restent dans la page.")
READ_ONLY = ("Enregistrement impossible : le dossier de travail est en lecture seule. La dernière version "
             "enregistrée est intacte ; vos saisies restent dans la page.")
HAND_BROKEN = ("Le carnet « {name} » a été modifié en dehors de Carnet KPA et ne se lit plus. Il est laissé tel "
               "quel et vos saisies restent dans la page : gardez-les dans une copie, ou faites réparer le fichier.")


def english(template: str, **params: object) -> str:
    """The English message of a KpaError template; fails if the catalog has no translation."""
    text = KpaError(template, **params).message("en")
    assert text and text != KpaError(template, **params).message("fr"), f"no English for: {template}"
    return text


# ----------------------------------------------------------- crash during save
def test_crash_during_save_leaves_every_file_complete(tmp_path: Path) -> None:
    # The kill delay follows this machine's save time: the test is about whole files, not speed.
    stats = run_crash_loop(tmp_path / "workspace", trials=20, seed=20260101, max_delay=None)
    write_counts("crash-fast", stats.as_dict())
    assert stats.failures == []
    assert stats.trials == 20
    assert stats.saves_committed > 0
    # Hidden temporary files may stay after a SIGKILL, but the workspace never lists them.
    workspace = Workspace(tmp_path / "workspace")
    assert all(not entry.name.startswith(".") and entry.error is None for entry in workspace.list())


# ----------------------------------------------------------------- two writers
@pytest.fixture
def shared_workbook(workspace_dir: Path) -> str:
    return copy_into(Workspace(workspace_dir), EXAMPLE).name


@pytest.fixture
def two_sessions(workspace_dir: Path) -> Iterator[tuple[SessionProcess, SessionProcess]]:
    first, second = SessionProcess(workspace_dir), SessionProcess(workspace_dir)
    yield first, second
    first.close()
    second.close()


def test_second_writer_wins_and_is_told_what_it_replaced(two_sessions, shared_workbook, workspace_dir) -> None:
    """Issue 10: the same field on two devices is no longer refused; the later save wins and says so."""
    first, second = two_sessions
    assert first("open", shared_workbook) and second("open", shared_workbook)
    assert first("set_town", "Roubaix") is True
    assert second("set_town", "Mons-en-Barœul") is True
    state = second("state")
    kind, message = state["statuses"][-1]
    assert kind == "saved"
    assert "« Roubaix »" in message and "« Mons-en-Barœul »" in message
    assert state["conflict_actions"] == "none"
    assert Workspace(workspace_dir).open(shared_workbook).workbook.identity.town == "Mons-en-Barœul"
    # the first writer's next save keeps the second's town (its own was replaced, not re-imposed)
    assert first("append", "vidéoprojecteur") is True
    on_disk = Workspace(workspace_dir).open(shared_workbook).workbook
    assert on_disk.identity.town == "Mons-en-Barœul" and on_disk.checklist.equipment[-1].label == "vidéoprojecteur"


def break_by_hand(workspace_dir: Path, name: str) -> bytes:
    """Someone edits the file by hand and leaves it unreadable."""
    path = workspace_dir / f"{name}.json"
    broken = path.read_bytes()[:-40] + b"oops"
    path.write_bytes(broken)
    return broken


def test_keep_a_copy_when_the_file_was_broken_by_hand(two_sessions, shared_workbook, workspace_dir) -> None:
    _, second = two_sessions
    second("open", shared_workbook)
    broken = break_by_hand(workspace_dir, shared_workbook)
    assert second("set_town", "Mons-en-Barœul") is False
    state = second("state")
    assert state["statuses"][-1] == ("conflict", HAND_BROKEN.format(name=shared_workbook))
    assert state["conflict_actions"] == "flex" and state["town"] == "Mons-en-Barœul"
    copy_name = second("keep_copy")
    assert copy_name and copy_name != shared_workbook
    workspace = Workspace(workspace_dir)
    copy = workspace.open(copy_name).workbook
    assert copy.identity.town == "Mons-en-Barœul" and copy.identity.territory.endswith("(copie)")
    assert (workspace_dir / f"{shared_workbook}.json").read_bytes() == broken  # left untouched
    state = second("state")
    assert state["name"] == copy_name and state["conflict_actions"] == "none"
    assert copy_name in state["status_html"]
    # Later edits of the second visitor go to the copy, and save.
    assert second("set_town", "Lille") is True
    assert workspace.open(copy_name).workbook.identity.town == "Lille"


def test_appends_on_two_pages_both_land_and_each_page_shows_both(two_sessions, shared_workbook,
                                                                 workspace_dir) -> None:
    first, second = two_sessions
    first("open", shared_workbook), second("open", shared_workbook)
    initial = first("state")["labels"]
    assert first("append", "vidéoprojecteur") is True
    assert second("append", "nappes") is True
    assert second("state")["labels"] == [*initial, "vidéoprojecteur", "nappes"]
    labels = [i.label for i in Workspace(workspace_dir).open(shared_workbook).workbook.checklist.equipment]
    assert labels == [*initial, "vidéoprojecteur", "nappes"]
    second("reload")
    state = second("state")
    assert state["labels"] == [*initial, "vidéoprojecteur", "nappes"] and "kpa-banner-ok" in state["status_html"]


def test_hand_broken_file_message_in_english(workspace_dir, shared_workbook) -> None:
    page = SessionProcess(workspace_dir, "en")
    try:
        page("open", shared_workbook)
        break_by_hand(workspace_dir, shared_workbook)
        assert page("set_town", "Lille") is False
        kind, message = page("state")["statuses"][-1]
    finally:
        page.close()
    assert kind == "conflict"
    assert message == english(HAND_BROKEN, name=shared_workbook)


def test_two_racing_writers_lose_no_update(workspace_dir, shared_workbook) -> None:
    result = race_two_writers(workspace_dir, shared_workbook, count=25, seed=7)
    write_counts("two-writers-fast", {"writers": 2, "updates_each": 25, "conflicts": result["conflicts"],
                                      "updates_on_disk": len(result["labels"])})
    assert result["exitcodes"] == [0, 0]
    expected = {f"{tag}-{i}" for tag in "AB" for i in range(25)}
    raced = [label for label in result["labels"] if label[:2] in ("A-", "B-")]
    assert sorted(raced) == sorted(expected)  # each exactly once, none lost
    for tag in "AB":  # each writer's own updates keep their order
        mine = [label for label in raced if label.startswith(tag)]
        assert mine == [f"{tag}-{i}" for i in range(25)]


def test_imports_racing_a_page_lose_nothing(workspace_dir, shared_workbook) -> None:
    """Issue 13: an import saved a copy read before, over what a page or another import saved."""
    result = race_imports(workspace_dir, shared_workbook, imports=3, lines_each=4, seed=13)
    edits = result["page_edits"]
    write_counts("import-race-fast", {"imports": 3, "lines_each": 4, "page_edits": edits,
                                      "page_conflicts": result["page_conflicts"],
                                      "imported_on_disk": len(result["imported"]),
                                      "page_items_on_disk": len(result["page_items"])})
    assert result["exitcodes"] == [0, 0, 0, 0], result["errors"]
    assert sorted(result["imported"]) == sorted(f"import-{i}-{line}" for i in range(3) for line in range(4))
    assert edits and sorted(result["page_items"]) == sorted(f"P-{i}" for i in range(edits))


# ------------------------------------------------------ full disk, read-only
def _mount_tmpfs(folder: Path, size: str = "64k") -> bool:
    """Mount a tiny tmpfs on *folder* (root only); False when this machine does not allow it."""
    if os.geteuid() != 0 or os.environ.get("KPA_NO_MOUNT") == "1":
        return False
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                            capture_output=True, check=False)
    return result.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 1 MiB filesystem (filled up by the test), or None when mounting is not possible here."""
    folder = tmp_path / "small-disk"
    mounted = _mount_tmpfs(folder, "1m")
    yield folder if mounted else None
    if mounted:
        _umount(folder)


def _session_with_edit(root: Path, lang: str = "fr") -> tuple[WorkbookSession, PageShell, bytes]:
    """A session on a copy of the example, and the file's bytes before the edit."""
    workspace = Workspace(root)
    name = copy_into(workspace, EXAMPLE).name
    session = WorkbookSession(workspace, lang)
    assert session.open(name)
    shell = PageShell("01_checklist.ipynb", session)
    return session, shell, workspace.path_for(name).read_bytes()


def _fill(folder: Path) -> Path:
    """Fill the filesystem holding *folder* until the disk refuses one more byte."""
    filler = folder / "remplissage.bin"
    with open(filler, "wb", buffering=0) as handle:
        block = b"\0" * 4096
        while True:
            try:
                handle.write(block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
        while True:
            try:
                handle.write(b"\0")
            except OSError:
                break
    return filler


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_full_disk(small_disk: Path | None, lang: str) -> None:
    if small_disk is None:
        pytest.skip("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN): "
                    "the file-size-limit test below covers the disk-full path")
    root = small_disk / "workspace"
    session, shell, before = _session_with_edit(root, lang)
    filler = _fill(small_disk)
    history_before = sorted(root.rglob(".historique/*/*"))
    session.workbook.identity.town = "Roubaix, quartier du Pile"
    assert session.changed() is False
    assert sorted(root.rglob(".historique/*/*")) == history_before  # a refused save adds no version
    expected = DISK_FULL if lang == "fr" else english(DISK_FULL)
    assert expected in shell.status.value.replace("&#x27;", "'")
    assert "kpa-banner-error" in shell.status.value
    assert session.path.read_bytes() == before  # last good version intact
    assert session.workbook.identity.town == "Roubaix, quartier du Pile"  # edit still in the page
    assert not [p for p in root.rglob(".tmp-*")]  # the refused write cleaned up after itself
    filler.unlink()
    assert session.changed() is True  # once space is back, the same edit saves
    assert Workspace(root).open(session.name).workbook.identity.town == "Roubaix, quartier du Pile"


def _in_child(function, *args) -> dict:
    """Run *function(*args)* in a forked child (a separate kernel-like process); return its JSON result."""
    import json

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            os.write(write_fd, json.dumps(function(*args)).encode())
        except BaseException as exc:  # noqa: BLE001
            os.write(write_fd, json.dumps({"child_error": repr(exc)}).encode())
            code = 3
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as reader:
        report = reader.read()
    _, status = os.waitpid(pid, 0)
    result = json.loads(report or b"{}")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, result
    return result


def _edit_as_nobody(root: str, name: str, lang: str) -> dict:
    """Child: drop root privileges (like a server run as an unprivileged user), then edit."""
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    session = WorkbookSession(Workspace(root), lang)
    assert session.open(name)
    shell = PageShell("01_checklist.ipynb", session)
    session.workbook.identity.neighbourhood = "Quartier du Pile"
    return {"saved": session.changed(), "status": shell.status.value,
            "neighbourhood": session.workbook.identity.neighbourhood}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_read_only_workspace(tmp_path: Path, lang: str) -> None:
    """A read-only filesystem (remount ro) when possible, else a folder its user may not write."""
    folder = tmp_path / "ro-disk"
    mounted = _mount_tmpfs(folder, "1m")
    if not mounted and os.geteuid() == 0:
        # pytest's temporary folders are private to root: use one "nobody" can walk through.
        folder = Path(tempfile.mkdtemp(prefix="kpa-ro-"))
        folder.chmod(0o755)
    root = folder / "workspace"
    session, shell, before = _session_with_edit(root, lang)
    expected = READ_ONLY if lang == "fr" else english(READ_ONLY)
    read_only = mounted and subprocess.run(["mount", "-o", "remount,ro", str(folder)],
                                           capture_output=True).returncode == 0
    try:
        if not read_only:
            for path in [root, *root.rglob("*")]:
                # Let the other user read them, not write.
                path.chmod(0o555 if path.is_dir() else 0o644)
        if read_only or os.geteuid() != 0:
            session.workbook.identity.neighbourhood = "Quartier du Pile"
            result = {"saved": session.changed(), "status": shell.status.value,
                      "neighbourhood": session.workbook.identity.neighbourhood}
        else:  # root ignores permissions: edit from a child that runs as nobody
            result = _in_child(_edit_as_nobody, str(root), session.name, lang)
        assert result["saved"] is False
        assert expected in result["status"].replace("&#x27;", "'")
        assert "kpa-banner-error" in result["status"]
        assert result["neighbourhood"] == "Quartier du Pile"  # the edit is still in the page
        assert session.path.read_bytes() == before  # the last good version is intact
    finally:
        if mounted:
            _umount(folder)
        else:
            for path in [root, *root.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o755)
            if not folder.is_relative_to(tmp_path):
                shutil.rmtree(folder)


def _save_under_file_size_limit(root: str, name: str, lang: str) -> dict:
    """Child: a file size limit (RLIMIT_FSIZE) below the workbook's size, then one edit."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    session = WorkbookSession(Workspace(root), lang)
    session.open(name)
    shell = PageShell("02_budget.ipynb", session)
    session.workbook.identity.town = "Lille-Moulins"
    return {"saved": session.changed(), "status": shell.status.value, "town": session.workbook.identity.town}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_file_size_limit_reads_as_full_disk(workspace_dir: Path, lang: str) -> None:
    """No mount needed: a process whose writes hit RLIMIT_FSIZE gets EFBIG, shown as a full disk."""
    workspace = Workspace(workspace_dir)
    name = copy_into(workspace, EXAMPLE).name
    before = workspace.path_for(name).read_bytes()
    result = _in_child(_save_under_file_size_limit, str(workspace_dir), name, lang)
    assert result["saved"] is False and result["town"] == "Lille-Moulins"
    expected = DISK_FULL if lang == "fr" else english(DISK_FULL)
    assert expected in result["status"].replace("&#x27;", "'")
    assert workspace.path_for(name).read_bytes() == before
    assert not list(workspace_dir.rglob(".tmp-*"))


def test_save_error_is_a_save_error_not_a_crash(workspace_dir: Path) -> None:
    """Workspace.save itself raises SaveError (a KpaError) with the disk-full message on EFBIG/ENOSPC/EDQUOT."""
    workspace = Workspace(workspace_dir)
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        error = workspace._save_error(OSError(code, os.strerror(code)))
        assert isinstance(error, SaveError) and error.message("fr") == DISK_FULL
    for code in (errno.EROFS, errno.EACCES, errno.EPERM):
        assert workspace._save_error(OSError(code, os.strerror(code))).message("fr") == READ_ONLY
    assert issubclass(ConflictError, KpaError)


# ------------------------------------------------- never write what cannot load
def test_save_refuses_a_workbook_that_would_not_load(workspace_dir: Path) -> None:
    """Lists mutated in place skip pydantic's validation: the save must not write an unreadable file."""
    session, shell, before = _session_with_edit(workspace_dir)
    session.workbook.identity.__dict__["town"] = "x" * 500  # as an in-place mutation would, unvalidated
    assert session.changed() is False
    assert "Enregistrement refusé" in shell.status.value and "identity.town" in shell.status.value
    assert session.path.read_bytes() == before
    assert all(entry.error is None for entry in Workspace(workspace_dir).list())
    # The same refusal for a list grown past its limit with .append().
    session.workbook.identity.__dict__["town"] = "Roubaix"
    from kpawidgets.model.checklist import EquipmentItem

    limit = next((m.max_length for m in type(session.workbook.checklist).model_fields["equipment"].metadata
                  if getattr(m, "max_length", None)), None)
    if limit is not None:
        session.workbook.checklist.equipment.extend(EquipmentItem(label=f"objet {i}") for i in range(limit + 1))
        assert session.changed() is False
        assert session.path.read_bytes() == before
    with pytest.raises(SaveError) as caught:
        Workspace(workspace_dir).add(session.workbook)
    assert caught.value.message("en").startswith("Save refused: the workbook would contain invalid values")
