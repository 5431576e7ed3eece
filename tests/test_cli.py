"""The ``kpa`` command, through its entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpawidgets.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_prints_the_path_last_and_list_shows_it(capsys, workspace_dir: Path) -> None:
    code, out, _ = run(capsys, "new", "Quartier de l'Épeule", "--workspace", str(workspace_dir))
    assert code == 0
    path = Path(out.strip().splitlines()[-1])
    assert path.exists() and path.parent == workspace_dir
    code, out, _ = run(capsys, "list", "--workspace", str(workspace_dir))
    assert "Quartier de l'Épeule" in out


def test_check_json_has_the_core_keys(capsys, example_path: Path) -> None:
    code, out, _ = run(capsys, "check", str(example_path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["territory"] == "KPA des Tisserands"
    assert report["launch_date"] == "2027-03-15"
    assert report["schema_version"] == 1
    assert report["errors"] == []


def test_check_by_name_in_workspace(capsys, workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    code, out, _ = run(capsys, "check", example_path.stem, "--workspace", str(workspace_dir), "--json")
    assert code == 0 and json.loads(out)["territory"] == "KPA des Tisserands"


def test_check_corrupt_file_lists_errors_and_fails(capsys, workspace_dir: Path) -> None:
    bad = workspace_dir / "bad.json"
    bad.write_text('{"schema_version": 1, "identity": {"territory": ""}}')
    code, out, _ = run(capsys, "check", str(bad), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["errors"] and report["territory"] is None
    assert bad.read_text() == '{"schema_version": 1, "identity": {"territory": ""}}'


def test_errors_are_one_line_without_traceback(capsys, workspace_dir: Path) -> None:
    code, out, err = run(capsys, "check", "nowhere", "--workspace", str(workspace_dir))
    assert code != 0
    assert err.startswith("Erreur : ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    code, out, err = run(capsys, "--lang", "en", "check", "nowhere", "--workspace", str(workspace_dir))
    assert err.startswith("Error: ")


def test_usage_errors_are_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and len(err.strip().splitlines()) == 1


def test_schema_is_json(capsys) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out)["properties"]["identity"]


@pytest.mark.parametrize("command", ["serve", "new", "list", "check", "schema", "import", "export"])
def test_every_command_has_help(capsys, command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "--workspace" in capsys.readouterr().out or command == "schema"


def test_installed_entry_point_runs() -> None:
    kpa = Path(sys.executable).with_name("kpa")
    result = subprocess.run([str(kpa), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_serve_refuses_a_busy_port(capsys, workspace_dir: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, _, err = run(capsys, "serve", "--no-browser", "--port", str(port), "--workspace", str(workspace_dir))
    assert code == 1
    assert str(port) in err
