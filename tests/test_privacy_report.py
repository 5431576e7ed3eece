"""Issue 23: nobody identifiable in what leaves the laptop (the partners' PDF): the group as aggregates,
counts below 3 masked (« moins de 3 »), no names."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from kpawidgets.model import checklist as model
from kpawidgets.model.records.checklist import GroupMember
from kpawidgets.model.workbook import Workbook
from kpawidgets.report import render_pdf

TODAY = dt.date(2026, 11, 26)
NAMES = ["Aïcha", "Bastien", "Chloé", "Dorian", "Élodie", "Farid", "Gaëlle"]


def seven() -> Workbook:
    workbook = Workbook.new("KPA des Sept")
    people = []
    for index, name in enumerate(NAMES):
        situations = ["jobseeker"] if index < 5 else ["student"]
        if index == 3:
            situations.append("disability_worker")  # one person « en situation de handicap »
        people.append(GroupMember(alias=name, gender="woman" if index < 6 else "man",
                                  age_band="18_25" if index < 4 else "26_35", situations=situations))
    workbook.checklist.group = people
    return workbook


def pdf_text(workbook: Workbook, lang: str = "fr") -> str:
    reader = PdfReader(io.BytesIO(render_pdf(workbook, lang, TODAY)))
    return re.sub(r"[\u00a0\u202f\u2009]", " ", "\n".join(page.extract_text() or "" for page in reader.pages))


def test_counts_below_three_are_masked_and_a_lone_one_takes_its_neighbour_along() -> None:
    small, withheld = model.SMALL, model.WITHHELD
    assert model.masked_counts({"a": 5, "b": 1, "c": 0}) == {"a": withheld, "b": small, "c": 0}
    assert model.masked_counts({"a": 5, "b": 1, "c": 4}) == {"a": 5, "b": small, "c": withheld}
    assert model.masked_counts({"a": 5, "b": 1, "c": 2}) == {"a": 5, "b": small, "c": small}
    assert model.masked_counts({"a": 5, "b": 1}, total_shown=False) == {"a": 5, "b": small}
    assert model.masked_counts({"a": 3, "b": 4}) == {"a": 3, "b": 4}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_group_of_seven_with_one_disabled_person_points_at_nobody(lang: str) -> None:
    text = pdf_text(seven(), lang)
    situation = "travailleur·euses en" if lang == "fr" else "workers with a"  # the chart's label may be cut short
    masked = "moins de 3" if lang == "fr" else "fewer than 3"
    lines = text.splitlines()
    found = [index for index, line in enumerate(lines) if situation in line]
    assert found, text
    for index in found:  # the chart's label, then its figure on the next line
        beside = " ".join(lines[index:index + 2])
        assert not re.search(r"(?<![\d,])1(?![\d,])", beside), beside
        assert masked in beside, beside
    # the one man too: no count of 1 in the gender chart, no share of women that would give him away
    assert not re.search(r"\b86 ?%", text)
    for name in NAMES:
        assert name not in text
    assert "7" in text  # the group's size is still there
