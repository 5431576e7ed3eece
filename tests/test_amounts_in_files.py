"""Issue 19: one amount parser — « 1,234 » and « 1.234 » in a file are refused with their line and
both readings, unless the file's other amounts settle its decimal separator."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kpawidgets.cli import main
from kpawidgets.i18n import use_language
from kpawidgets.model.money import AmbiguousAmountError, decimal_convention, parse_amount
from kpawidgets.storage import spreadsheets as sp

D = Decimal
HEAD = "compte;libelle;montant\r\n"


def lines(*amounts: str) -> bytes:
    return (HEAD + "".join(f"606;Ligne {i};{a}\r\n" for i, a in enumerate(amounts))).encode("utf-8")


@pytest.mark.parametrize("typed", ["1,234", "1.234"])
def test_an_amount_the_file_does_not_settle_is_refused_with_both_readings(typed: str) -> None:
    result = sp.parse_import("b.csv", lines("500", typed, "12 000"))
    assert [line.amount for line in result.lines] == [D("500"), D("12000")]
    (problem,) = result.problems
    with use_language("fr"):
        text = problem.message().replace("\u202f", " ").replace("\xa0", " ")
    assert "ligne 3" in text and f"« {typed} »" in text and "1,23 €" in text and "1 234 €" in text


def test_the_files_other_amounts_settle_the_convention() -> None:
    comma = sp.parse_import("b.csv", lines("1 250,50", "1.234"))  # a decimal comma elsewhere: the dot groups thousands
    assert comma.clean and [x.amount for x in comma.lines] == [D("1250.50"), D("1234")]
    dot = sp.parse_import("b.csv", lines("1,250.50", "1,234"))  # a decimal dot elsewhere: the comma groups thousands
    assert dot.clean and [x.amount for x in dot.lines] == [D("1250.50"), D("1234")]
    three = sp.parse_import("b.csv", lines("1 250,50", "1,234"))  # comma decimal: three decimals are a mistake
    assert [p.line for p in three.problems] == [3]
    assert decimal_convention(["1 250,50", "12.5"]) is None  # both conventions: nothing settled


def test_kpa_import_refuses_it_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  example_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    target = workspace / example_path.name
    shutil.copy(example_path, target)
    before = target.read_bytes()
    file = tmp_path / "b.csv"
    file.write_bytes(lines("300", "1,234"))
    assert main(["import", example_path.stem, str(file), "--add", "--workspace", str(workspace)]) == 1
    err = capsys.readouterr().err.replace("\u202f", " ").replace("\xa0", " ")
    assert "ligne 3" in err.lower() and "1,23 €" in err and "1 234 €" in err
    assert target.read_bytes() == before


def test_the_page_asks_for_a_dot_too() -> None:
    with use_language("fr"), pytest.raises(AmbiguousAmountError):
        parse_amount("1.234", ask_if_ambiguous=True)
    assert parse_amount("1.234", decimal=",") == D("1234")
