"""The workspace: atomic saves, history, conflicts, corrupt files, safe names, trash."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from kpawidgets.cli import main as cli_main
from kpawidgets.errors import KpaError
from kpawidgets.model.workbook import SCHEMA_VERSION, Workbook, WorkbookError, dump_workbook
from kpawidgets.storage.atomic import WriteError, write_atomic
from kpawidgets.storage.workspace import (
    ConflictError,
    NotFoundError,
    SaveError,
    Workspace,
    WorkspaceError,
    copy_into,
    slugify,
)


@pytest.fixture
def workspace(workspace_dir: Path) -> Workspace:
    return Workspace(workspace_dir)


def test_create_list_open(workspace: Workspace) -> None:
    opened = workspace.create("KPA du Pont-Neuf", town="Lille")
    assert opened.path.exists()
    assert [e.name for e in workspace.list()] == ["kpa-du-pont-neuf"]
    again = workspace.open("kpa-du-pont-neuf")
    assert again.workbook.identity.town == "Lille"
    assert workspace.open(str(opened.path)).name == "kpa-du-pont-neuf"


@pytest.mark.parametrize(
    ("territory", "expected"),
    [
        ("Quartier de l'Épeule", "quartier-de-l-epeule"),
        ("Roubaix / Tourcoing", "roubaix-tourcoing"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "carnet"),
        ("   ", "carnet"),
        ("Œuvre à Mons-en-Barœul", "oeuvre-a-mons-en-baroeul"),
        ("東京", "carnet"),
    ],
)
def test_file_names_are_safe(territory: str, expected: str) -> None:
    assert slugify(territory) == expected


def test_very_long_and_duplicate_names(workspace: Workspace) -> None:
    long_name = "Quartier " + "très " * 80
    first = workspace.create(long_name[:200])
    second = workspace.create(long_name[:200])
    assert len(first.path.name) <= 70 and len(second.path.name) <= 70
    assert first.name != second.name
    assert second.name.endswith("-2")
    assert all(p.parent == workspace.root for p in (first.path, second.path))


@pytest.mark.parametrize("name", ["../x", "x/../../y", "/etc/passwd", "a\x00b", ".hidden", "A-UPPER", "x" * 200, ""])
def test_unsafe_names_never_reach_the_disk(workspace: Workspace, name: str) -> None:
    with pytest.raises(NotFoundError):
        workspace.open(name)


def test_save_keeps_history_and_restores(workspace: Workspace) -> None:
    opened = workspace.create("Histoire")
    for town in ("Lille", "Roubaix", "Mons"):
        opened.workbook.identity.town = town
        workspace.save(opened)
    versions = workspace.history("histoire")
    assert len(versions) == 3
    first_town = json.loads(versions[0].path.read_text())["identity"]["town"]
    assert first_town == ""
    restored = workspace.restore_version("histoire", versions[1])
    assert restored.workbook.identity.town == "Lille"
    assert len(workspace.history("histoire")) == 4


def test_unchanged_save_writes_nothing(workspace: Workspace) -> None:
    opened = workspace.create("Stable")
    before = opened.path.read_bytes()
    workspace.save(opened)
    assert opened.path.read_bytes() == before
    assert workspace.history("stable") == []


def test_history_is_bounded(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpawidgets.storage.workspace as module

    monkeypatch.setattr(module, "HISTORY_LIMIT", 5)
    opened = workspace.create("Borne")
    for index in range(12):
        opened.workbook.identity.town = f"ville {index}"
        workspace.save(opened)
    assert 1 <= len(workspace.history("borne")) <= 5  # the bound thins the last hour (tests/test_history_rate.py)


def test_same_field_on_two_tabs_the_later_save_wins_and_says_what_it_replaced(workspace: Workspace) -> None:
    """Issue 10: no longer refused (the merge; more in tests/test_merge_save.py)."""
    created = workspace.create("Deux onglets")
    tab_a = workspace.open(created.name)
    tab_b = workspace.open(created.name)
    tab_a.workbook.identity.town = "Écrit par A"
    workspace.save(tab_a)
    tab_b.workbook.identity.town = "Écrit par B"
    saved = workspace.save(tab_b)
    assert [(c.key, c.replaced) for c in saved.events] == [(("identity", "town"), "Écrit par A")]
    assert workspace.open(created.name).workbook.identity.town == "Écrit par B"


def test_a_save_without_the_base_it_read_is_refused_when_the_file_changed(workspace: Workspace) -> None:
    created = workspace.create("Sans base")
    tab = workspace.open(created.name)
    tab.base = b""  # nothing to merge against
    other = workspace.open(created.name)
    other.workbook.identity.town = "Écrit ailleurs"
    workspace.save(other)
    tab.workbook.identity.town = "Écrit ici"
    with pytest.raises(ConflictError) as info:
        workspace.save(tab)
    assert "modifié ailleurs" in info.value.message("fr")
    assert "changed elsewhere" in info.value.message("en")
    assert workspace.open(created.name).workbook.identity.town == "Écrit ailleurs"


def test_failure_mid_write_leaves_previous_file_intact(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = workspace.create("Coupure")
    before = opened.path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    opened.workbook.identity.town = "jamais écrit"
    with pytest.raises(SaveError) as info:
        workspace.save(opened)
    monkeypatch.undo()
    assert "disque est plein" in info.value.message("fr")
    assert opened.path.read_bytes() == before
    assert not list(workspace.root.glob(".tmp-*")), "temporary file left behind"


def test_failure_at_rename_leaves_previous_file_intact(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = workspace.create("Renommage")
    before = opened.path.read_bytes()
    real_replace = os.replace

    def broken_replace(src: str, dst: str) -> None:
        if str(dst).endswith("renommage.json"):
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", broken_replace)
    opened.workbook.identity.town = "perdu ?"
    with pytest.raises(SaveError):
        workspace.save(opened)
    monkeypatch.undo()
    assert opened.path.read_bytes() == before
    assert opened.workbook.identity.town == "perdu ?", "the edit stays in memory"


def test_corrupt_and_newer_files_are_listed_and_never_overwritten(workspace: Workspace) -> None:
    workspace.create("Sain")
    corrupt = workspace.root / "casse.json"
    corrupt.write_text('{"identity": ')
    newer = workspace.root / "futur.json"
    newer.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 3, "identity": {"territory": "Futur"}}))
    entries = {e.name: e for e in workspace.list()}
    assert entries["sain"].workbook is not None
    assert entries["casse"].workbook is None and "casse.json" in entries["casse"].error.message()
    assert "plus récente" in entries["futur"].error.message("fr")
    with pytest.raises(WorkbookError):
        workspace.open("casse")
    assert corrupt.read_text() == '{"identity": '
    assert json.loads(newer.read_text())["schema_version"] == SCHEMA_VERSION + 3


def test_duplicate_rename_delete_restore(workspace: Workspace) -> None:
    original = workspace.create("Les Coop'ains")
    copy = workspace.duplicate(original.name)
    assert copy.workbook.identity.territory == "Les Coop'ains (copie)"
    renamed = workspace.rename(original.name, "Les Coopains à bord")
    assert renamed.name == "les-coopains-a-bord"
    assert not original.path.exists()
    trashed = workspace.delete(renamed.name)
    assert trashed.exists() and not renamed.path.exists()
    assert workspace.trash() == [trashed]
    back = workspace.restore_from_trash(trashed)
    assert back.workbook.identity.territory == "Les Coopains à bord"
    assert workspace.trash() == []


def test_new_workbook_is_never_an_existing_file(workspace: Workspace) -> None:
    names = {workspace.add(Workbook.new("Même nom")).name for _ in range(5)}
    assert len(names) == 5


def test_saves_keep_the_file_mode_and_new_files_follow_the_umask(workspace: Workspace) -> None:
    previous = os.umask(0o022)
    try:
        opened = workspace.create("Partagé")
        assert stat.S_IMODE(opened.path.stat().st_mode) == 0o644
        opened.path.chmod(0o660)  # a team's shared folder
        opened.workbook.identity.town = "Lille"
        workspace.save(opened)
        assert stat.S_IMODE(opened.path.stat().st_mode) == 0o660
        history = workspace.history(opened.name)
        assert [stat.S_IMODE(v.path.stat().st_mode) for v in history] == [0o644]
    finally:
        os.umask(previous)


# ------------------------------------------------------- one atomic write for every file
def _export(kind: str, workspace: Workspace, target: Path) -> None:
    """Write *target* the way the project does for *kind* (the real code path)."""
    if kind == "workbook":
        opened = workspace.open(workspace.names()[0])
        opened.workbook.identity.town = f"ville {target.stat().st_size if target.exists() else 0}"
        workspace.save(opened)
    elif kind == "history":
        opened = workspace.open(workspace.names()[0])
        workspace._keep_in_history(opened.name, b"{}")
    elif kind in ("xlsx", "csv", "html", "pdf"):
        code = cli_main(["export", workspace.names()[0], f"--{kind}", str(target), "--workspace", str(workspace.root)])
        if code != 0:
            raise SystemExit(code)
    else:  # the plan page's button and make workshop go through the same function
        write_atomic(target, b"%PDF-1.7 plan", make_parents=True)


WRITERS = ["workbook", "xlsx", "csv", "html", "write_atomic"]


@pytest.fixture
def seeded(workspace: Workspace, example_path: Path) -> Workspace:
    copy_into(workspace, example_path)
    return workspace


def _target(kind: str, workspace: Workspace) -> Path:
    if kind == "workbook":
        return workspace.path_for(workspace.names()[0])
    return workspace.root.parent / "exports" / f"plan.{ 'pdf' if kind == 'write_atomic' else kind}"


@pytest.mark.parametrize("kind", [*WRITERS, "pdf"])
def test_every_written_file_follows_the_umask_and_keeps_its_mode(seeded: Workspace, kind: str, capsys) -> None:
    target = _target(kind, seeded)
    previous = os.umask(0o022)
    try:
        if kind != "workbook":
            _export(kind, seeded, target)
            assert stat.S_IMODE(target.stat().st_mode) == 0o644, "a new file gets 0666 less the umask"
        target.chmod(0o640)
        _export(kind, seeded, target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o640, "a rewritten file keeps its mode"
    finally:
        os.umask(previous)
    assert not list(target.parent.glob(".tmp-*"))


@pytest.mark.parametrize("kind", [*WRITERS, "history"])
@pytest.mark.parametrize("fault", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_previous_file_intact(seeded: Workspace, kind: str, fault: str,
                                                             monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    target = _target(kind, seeded)
    if kind == "history":
        target = seeded._history_dir(seeded.names()[0]) / "x.json"
        target.parent.mkdir(parents=True)
    if kind != "workbook":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"previous version")
    before = target.read_bytes()
    history_before = sorted(seeded.root.rglob("*.json"))
    real_replace = os.replace

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def broken_replace(src: object, dst: object) -> None:
        if str(src).rpartition("/")[2].startswith(".tmp-"):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)  # type: ignore[arg-type]

    if fault == "fsync":
        monkeypatch.setattr(os, "fsync", broken_fsync)
    else:
        monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises((KpaError, SystemExit)):
        _export(kind, seeded, target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert not list(target.parent.glob(".tmp-*")), "temporary file left behind"
    if kind != "history":
        assert sorted(seeded.root.rglob("*.json")) == history_before, "a refused save adds no history entry"


def test_write_error_says_why_in_both_languages(tmp_path: Path) -> None:
    missing = tmp_path / "absent" / "plan.pdf"
    with pytest.raises(WriteError) as info:
        write_atomic(missing, b"x")
    assert "le dossier n'existe pas" in info.value.message("fr")
    assert "the folder does not exist" in info.value.message("en")
    write_atomic(missing, b"x", make_parents=True)
    assert missing.read_bytes() == b"x"


# ------------------------------------------ only regular files of the workspace are workbooks
@pytest.fixture
def outside_secret(tmp_path: Path) -> Path:
    """A valid workbook outside the workspace: its territory must never show inside."""
    secret = tmp_path / "outside" / "secret.json"
    secret.parent.mkdir()
    secret.write_text(dump_workbook(Workbook.new("SECRET OUTSIDE")))
    return secret


def _opened_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every path opened from now on (os.open, open(), Path.read_bytes)."""
    import builtins
    import io

    opened: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def recording_os_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        opened.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def recording_open(file: object, *args: object, **kwargs: object) -> object:
        if not isinstance(file, int):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "open", recording_os_open)
    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    return opened


def _special_files(workspace: Workspace, secret: Path) -> dict[str, str]:
    """Entries named like workbooks that are not regular files; name → the reason's key words."""
    root = workspace.root
    (root / "leak.json").symlink_to(secret)
    (root / "zero.json").symlink_to("/dev/zero")
    (root / "dossier.json").mkdir()
    os.mkfifo(root / "tube.json")
    with open(root / "enorme.json", "wb") as handle:  # sparse: 300 MB by its size, no disk used
        handle.truncate(300 * 1024 * 1024)
    return {"leak": "lien symbolique", "zero": "lien symbolique", "dossier": "dossier",
            "tube": "fichier ordinaire", "enorme": "trop gros"}


def test_links_fifos_folders_and_huge_files_are_listed_never_read(workspace: Workspace, outside_secret: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    def blocked(signum: int, frame: object) -> None:
        raise TimeoutError("a read blocked (a FIFO?)")

    workspace.create("Sain")
    expected = _special_files(workspace, outside_secret)
    previous_handler = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(60)  # a FIFO read would block for ever: fail instead of hanging the suite
    try:
        opened = _opened_paths(monkeypatch)
        entries = {e.name: e for e in workspace.list()}
        for name, words in expected.items():
            with pytest.raises(WorkspaceError) as info:
                workspace.open(name)
            assert words in info.value.message("fr")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous_handler)
    monkeypatch.undo()
    assert entries["sain"].workbook is not None
    for name, words in expected.items():
        entry = entries[name]
        assert entry.workbook is None and entry.error is not None, name
        fr, en = entry.error.message("fr"), entry.error.message("en")
        assert words in fr and f"{name}.json" in fr and en != fr
        assert "SECRET" not in fr and str(outside_secret) not in fr
    special = {str(workspace.root / f"{name}.json") for name in expected}
    assert not special & set(opened), "a special or oversized file was opened"
    assert "20 Mo" in entries["enorme"].error.message("fr") and "300 Mo" in entries["enorme"].error.message("fr")


def test_a_page_asking_for_a_link_gets_the_reason_not_the_outside_file(workspace: Workspace,
                                                                        outside_secret: Path) -> None:
    from kpawidgets.app.session import WorkbookSession

    _special_files(workspace, outside_secret)
    session = WorkbookSession.from_request({"workbook": "leak"}, workspace)
    assert session.workbook is None and session.error is not None
    assert "lien symbolique" in session.error.message("fr")
    assert "SECRET" not in session.error.message("fr") and str(outside_secret) not in session.error.message("fr")
    assert "dossier de travail" in session.error.message("fr")


def test_a_file_swapped_for_a_link_after_listing_is_refused(workspace: Workspace, outside_secret: Path) -> None:
    opened = workspace.create("Bascule")
    opened.path.unlink()
    opened.path.symlink_to(outside_secret)
    opened.workbook.identity.town = "Lille"
    with pytest.raises(WorkspaceError) as info:
        workspace.save(opened)
    assert "lien symbolique" in info.value.message("fr")
    assert opened.path.is_symlink() and "SECRET OUTSIDE" in outside_secret.read_text()


def test_listing_reads_only_files_that_changed(workspace: Workspace, example_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    names = [copy_into(workspace, example_path, territory=f"Territoire {i}").name for i in range(50)]
    workspace.list()
    opened = _opened_paths(monkeypatch)
    again = workspace.list()
    assert [e.name for e in again] == sorted(names) and all(e.workbook is not None for e in again)
    assert opened == [], "an unchanged workbook was read again"
    monkeypatch.undo()
    changed = workspace.open(names[7])
    changed.workbook.identity.town = "Roubaix"
    workspace.save(changed)
    opened = _opened_paths(monkeypatch)
    entries = {e.name: e for e in workspace.list()}
    assert opened == [str(changed.path)]
    assert entries[names[7]].workbook is not None and entries[names[7]].workbook.identity.town == "Roubaix"


# ------------------------------------------------------------------ saves: clear refusals
def test_a_history_folder_that_is_a_file_is_named(workspace: Workspace) -> None:
    opened = workspace.create("Bouchon")
    before = opened.path.read_bytes()
    history = workspace.root / ".historique"
    history.mkdir()
    (history / "bouchon").write_text("pas un dossier")
    opened.workbook.identity.town = "Lille"
    with pytest.raises(SaveError) as info:
        workspace.save(opened)
    fr, en = info.value.message("fr"), info.value.message("en")
    assert ".historique/bouchon" in fr and "c'est un fichier" in fr and "File exists" not in fr
    assert ".historique/bouchon" in en and "is a file" in en
    assert opened.path.read_bytes() == before


def test_duplicate_keys_are_refused_with_their_name(workspace: Workspace) -> None:
    valid = dump_workbook(Workbook.new("Doublon"))
    twice = valid.replace('"identity": {', '"identity": {"town": "Lille", ', 1)
    assert twice.count('"town"') == 2
    (workspace.root / "doublon.json").write_text(twice)
    with pytest.raises(WorkbookError) as info:
        workspace.open("doublon")
    assert "« town »" in info.value.message("fr") and "deux fois" in info.value.message("fr")
    assert "twice" in info.value.message("en")
    entry = {e.name: e for e in workspace.list()}["doublon"]
    assert entry.workbook is None and "« town »" in entry.error.message("fr")
    assert (workspace.root / "doublon.json").read_text() == twice
