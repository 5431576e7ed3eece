"""Issue 23: text colours meet WCAG 2.1 AA (4.5:1), a chart's or a control's parts 3:1 — the palette tested.

``PAIRS`` in ``charts/palette.py`` names every pair of the palette the pages, charts and PDF put one on the
other; the stylesheets' own rules that set a text colour on a background of their own are read too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpawidgets.charts.palette import (
    FUNDING_COLOURS,
    HIGH_CONTRAST,
    HIGH_CONTRAST_CLASS,
    HIGH_TEXT,
    GRAPHIC,
    KIND_COLOURS,
    LIGHT_COLOURS,
    PAIRS,
    PALETTE,
    STATUS_COLOURS,
    TEXT,
    contrast,
)

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "templates" / "voila" / "templates" / "kpa" / "static"


def test_the_contrast_ratio_is_wcags() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known grey at the AA mark
    assert contrast("#1b1b2f", "#1b1b2f") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        contrast("#fff", "#000000")


def test_the_old_warning_and_neutral_colours_would_fail() -> None:
    """What main had: the warning's #c98a00 and the neutral #9aa0b4 on white were below even 3:1."""
    assert contrast("#c98a00", PALETTE["paper"]) < GRAPHIC
    assert contrast("#9aa0b4", PALETTE["paper"]) < GRAPHIC


@pytest.mark.parametrize(("front", "back", "asked"), PAIRS, ids=[f"{f}-on-{b}" for f, b, _ in PAIRS])
def test_every_pair_of_the_palette_meets_aa(front: str, back: str, asked: float) -> None:
    assert contrast(PALETTE[front], PALETTE[back]) >= asked


def test_every_text_colour_of_the_palette_is_in_a_pair() -> None:
    texts = {front for front, _back, asked in PAIRS if asked == TEXT}
    assert {"ink", "muted", "accent", "warn", "warn_ink", "bad", "ok", "info"} <= texts


@pytest.mark.parametrize("table", ["STATUS", "FUNDING", "LIGHT", "KIND"])
def test_every_status_light_and_kind_colour_shows_on_white(table: str) -> None:
    colours = {"STATUS": STATUS_COLOURS, "FUNDING": FUNDING_COLOURS, "LIGHT": LIGHT_COLOURS, "KIND": KIND_COLOURS}[table]
    weak = {name: round(contrast(colour, PALETTE["paper"]), 2) for name, colour in colours.items()
            if contrast(colour, PALETTE["paper"]) < GRAPHIC}
    assert weak == {}


HEX = r"#[0-9a-fA-F]{6}\b"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _own_pairs(css: str) -> list[tuple[str, str, str]]:
    """The rules that set both a text colour and a background as hex codes of their own."""
    found = []
    for selector, body in RULE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        text = re.search(rf"(?<![-\w])color:\s*({HEX})", body)
        back = re.search(rf"background(?:-color)?:\s*({HEX})", body)
        if text and back:
            found.append((selector.strip(), text.group(1), back.group(1)))
    return found


def test_the_stylesheets_own_text_on_background_pairs_meet_aa() -> None:
    sheets = sorted(STATIC.glob("*.css")) + sorted((ROOT / "templates" / "nbconvert").rglob("*.css"))
    pairs = [(sheet.name, *pair) for sheet in sheets for pair in _own_pairs(sheet.read_text(encoding="utf-8"))]
    assert pairs, "the stylesheets were not read"
    weak = [(name, selector, text, back, round(contrast(text, back), 2))
            for name, selector, text, back in pairs if contrast(text, back) < TEXT]
    assert weak == []


# ------------------------------------------------------------------ the projector's high-contrast theme
def _high(role: str) -> str:
    return HIGH_CONTRAST.get(role, PALETTE[role])


@pytest.mark.parametrize(("front", "back", "asked"), PAIRS, ids=[f"high-{f}-on-{b}" for f, b, _ in PAIRS])
def test_the_high_contrast_theme_reaches_aaa_for_text(front: str, back: str, asked: float) -> None:
    """« Contraste élevé »: every text pair at 7:1 (WCAG AAA), every graphic at 4.5:1 — the white words on a
    coloured button or bar too."""
    needed = HIGH_TEXT if asked == TEXT else TEXT
    assert contrast(_high(front), _high(back)) >= needed


def test_the_high_contrast_theme_is_the_palettes_and_reaches_the_pages() -> None:
    from kpawidgets.charts.palette import _derived, css_variables, palette_stylesheet

    assert _derived(PALETTE) == {**PALETTE, **{f"funding-{k}": v for k, v in FUNDING_COLOURS.items()},
                                 **{f"status-{k}": v for k, v in STATUS_COLOURS.items()},
                                 **{f"kind-{k}": v for k, v in KIND_COLOURS.items()}}
    assert set(HIGH_CONTRAST) <= set(PALETTE)
    rule = f"html.{HIGH_CONTRAST_CLASS} {{ {css_variables(HIGH_CONTRAST)} }}"
    assert rule in palette_stylesheet() and "--kpa-status-envisage: #7a4f00;" in rule  # the statuses follow
    assert "--kpa-ink:" not in rule  # only what changes
    assert (STATIC / "palette.css").read_text(encoding="utf-8") == palette_stylesheet()
    template = (STATIC.parent / "index.html.j2").read_text(encoding="utf-8")
    assert "static/contrast.js" in template
