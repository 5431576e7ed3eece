"""Workshop mode's rule and setup without a server: codes, who opens what, the run's URLs and settings."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kpawidgets.cli.atelier import preheat_config, prepare_atelier
from kpawidgets.cli.commands import CliError
from kpawidgets.config.atelier import (
    FACILITATOR,
    JOIN_ALPHABET,
    KERNEL as KERNEL_ROLE,
    KERNEL_USER,
    PARTICIPANT,
    AtelierAccess,
    new_codes,
    normalize_join_code,
)
from kpawidgets.storage.workspace import Workspace

KERNEL = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _access() -> tuple[AtelierAccess, object]:
    codes = new_codes()
    return AtelierAccess.for_codes(codes), codes


def test_codes_are_random_and_long_enough() -> None:
    first, second = new_codes(), new_codes()
    assert first != second
    assert len(first.participant) * 6 >= 64 and len(first.facilitator) * 6 >= 64  # base64url: 6 bits a character
    join = normalize_join_code(first.join)
    assert len(join) == 6 and set(join) <= set(JOIN_ALPHABET)
    assert len(join) * math.log2(len(JOIN_ALPHABET)) > 29


def test_who_opens_what() -> None:
    access, codes = _access()
    assert access.role_of(codes.participant) == PARTICIPANT  # type: ignore[attr-defined]
    assert access.role_of(codes.facilitator) == FACILITATOR  # type: ignore[attr-defined]
    assert access.role_of(codes.join.lower().replace("-", " "), typed=True) == PARTICIPANT  # type: ignore[attr-defined]
    assert access.role_of(codes.join) is None  # the short code opens nothing in a URL (?code=): the join form only
    assert access.role_of("") is None and access.role_of("x" * 500) is None and access.role_of("nope") is None
    for path in ("/atelier", "/atelier/live"):  # the participant page, drawn by the server: no kernel
        assert access.allowed(PARTICIPANT, path), path
    for path in ("/", "/voila/tree", "/voila/render/01_checklist.ipynb", "/voila/render/05_groupe.ipynb",
                 "/atelier/../voila/tree", "/atelierx", "/atelier/live/x", "/api/kernels", "/api/sessions",
                 f"/api/kernels/{KERNEL}", f"/api/kernels/{KERNEL}/channels", f"/voila/api/shutdown/{KERNEL}",
                 f"/voila/query/{KERNEL}", "/api/contents/"):
        assert not access.allowed(PARTICIPANT, path), path
        assert access.allowed(FACILITATOR, path)
        assert not access.allowed(None, path)
    # the kernels' key opens the preheated kernels' request, nothing else
    assert access.is_kernel_key(codes.kernel) and not access.is_kernel_key(codes.participant)  # type: ignore[attr-defined]
    assert not access.is_kernel_key("") and access.role_of(codes.kernel) is None  # type: ignore[attr-defined]
    assert access.allowed(KERNEL_ROLE, f"/voila/query/{KERNEL}")
    for path in ("/atelier", f"/api/kernels/{KERNEL}/channels", f"/voila/api/shutdown/{KERNEL}", "/"):
        assert not access.allowed(KERNEL_ROLE, path), path


def test_the_rule_travels_as_hashes_and_unreadable_means_nobody() -> None:
    access, codes = _access()
    text = access.to_json()
    assert codes.participant not in text and codes.facilitator not in text  # type: ignore[attr-defined]
    assert AtelierAccess.from_json(text) == access
    for broken in (None, "", "not json", "[]", json.dumps({"roles": {"x": "admin"}})):
        rule = AtelierAccess.from_json(broken)
        assert not rule.allowed(rule.role_of("x"), "/atelier")


def test_prepare_a_run(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    run = prepare_atelier(Workspace(workspace_dir), None, "0.0.0.0", 8866, "en")
    assert run.ip == "0.0.0.0" and run.workbook == example_path.stem
    participant, facilitator = urlparse(run.participant_url), urlparse(run.facilitator_url)
    assert participant.path == "/atelier" and facilitator.path == "/voila/render/05_groupe.ipynb"
    assert parse_qs(participant.query)["code"] == [run.codes.participant] and parse_qs(participant.query)["lang"] == ["en"]
    assert parse_qs(facilitator.query)["workbook"] == [example_path.stem]
    assert run.codes.facilitator not in json.dumps(run.env)  # the kernels never learn it
    assert run.env["KPA_ATELIER_JOIN_URL"] == run.participant_url
    assert run.voila_config["Voila"]["identity_provider_class"].endswith("AtelierIdentityProvider")
    assert run.voila_config["Voila"]["tornado_settings"] == {"disable_check_xsrf": True}  # (not loopback)
    assert run.voila_config["KpaKernelManager"]["disconnected_timeout"] == 90  # a phone gone without its beacon
    # the preheated kernels read their visitor's request with the kernels' key, on an address the server listens on
    assert run.env["VOILA_APP_IP"] == f"{KERNEL_USER}:{run.codes.kernel}@127.0.0.1"
    assert run.codes.kernel not in run.participant_url + run.facilitator_url + run.env["KPA_ATELIER_ACCESS"]
    assert prepare_atelier(Workspace(workspace_dir), None, "192.168.1.20", 8866, "fr").env["VOILA_APP_IP"].endswith("@192.168.1.20")
    assert "tornado_settings" not in prepare_atelier(Workspace(workspace_dir), None, "127.0.0.1", 8866, "fr").voila_config["Voila"]


def test_a_run_needs_its_workbook(workspace_dir: Path, example_path: Path) -> None:
    shutil.copy(example_path, workspace_dir)
    shutil.copy(example_path, workspace_dir / "autre.json")
    with pytest.raises(CliError) as refused:
        prepare_atelier(Workspace(workspace_dir), None, "127.0.0.1", 8866, "fr")
    assert "--workbook" in refused.value.message("fr")
    assert prepare_atelier(Workspace(workspace_dir), "autre", "127.0.0.1", 8866, "fr").workbook == "autre"


def test_preheated_pools_skip_the_projector() -> None:
    config = preheat_config(2)
    assert config["VoilaConfiguration"] == {"preheat_kernel": True, "default_pool_size": 2}
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 2 and pools["05_groupe.ipynb"]["pool_size"] == 0


def test_a_workshops_codes_are_kept_until_it_ends(workspace_dir: Path, example_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from kpawidgets.cli.main import main
    from kpawidgets.config import atelier_auth
    from kpawidgets.config.atelier import CODES_ENV, codes_path, read_codes

    shutil.copy(example_path, workspace_dir)
    first = prepare_atelier(Workspace(workspace_dir), None, "127.0.0.1", 8866, "fr")
    again = prepare_atelier(Workspace(workspace_dir), None, "127.0.0.1", 8866, "fr")
    assert again.codes == first.codes and again.participant_url == first.participant_url  # a restart: the same QR
    kept = codes_path(workspace_dir, example_path.stem)
    assert kept.stat().st_mode & 0o777 == 0o600 and read_codes(kept) == first.codes
    assert Workspace(workspace_dir).names() == [example_path.stem]  # not a workbook
    # the server follows the file: a rotation lets the new codes in and the old ones out, at once
    monkeypatch.setenv(CODES_ENV, str(kept))
    monkeypatch.setenv("KPA_ATELIER_JOIN_URL", first.participant_url)
    monkeypatch.setenv("KPA_ATELIER_JOIN_CODE", first.codes.join)
    assert atelier_auth._access().role_of(first.codes.participant) == PARTICIPANT
    assert main(["atelier", "rotate", "--workspace", str(workspace_dir)]) == 0
    rotated = read_codes(kept)
    assert rotated is not None and rotated.join in capsys.readouterr().out
    assert rotated.participant != first.codes.participant and rotated.join != first.codes.join
    assert (rotated.facilitator, rotated.secret) == (first.codes.facilitator, first.codes.secret)  # phones in stay in
    access = atelier_auth._access()
    assert access.role_of(first.codes.participant) is None and access.role_of(first.codes.join, typed=True) is None
    assert access.role_of(rotated.join, typed=True) == PARTICIPANT
    assert access.role_of(rotated.participant) == PARTICIPANT and access.role_of(rotated.facilitator) == FACILITATOR
    import os
    assert rotated.participant in os.environ["KPA_ATELIER_JOIN_URL"] and os.environ["KPA_ATELIER_JOIN_CODE"] == rotated.join
    # the end: nobody in, and the next run draws new codes
    assert main(["atelier", "end", "--workspace", str(workspace_dir)]) == 0
    assert not kept.exists() and atelier_auth._access().role_of(rotated.facilitator) is None
    assert prepare_atelier(Workspace(workspace_dir), None, "127.0.0.1", 8866, "fr").codes.facilitator != first.codes.facilitator
