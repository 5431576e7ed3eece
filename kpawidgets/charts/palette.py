"""The one palette: every colour a page, a chart or the PDF gives to a meaning.

A status has one colour everywhere (page, PDF, spreadsheet): look it up here, never
write a hex code elsewhere. The stylesheets receive the same values as CSS custom
properties (:func:`css_variables`).
"""

from __future__ import annotations

__all__ = ["PALETTE", "KIND_COLOURS", "FUNDING_COLOURS", "STATUS_COLOURS", "LIGHT_COLOURS", "PAIRS", "TEXT", "GRAPHIC",
           "HIGH_CONTRAST", "HIGH_CONTRAST_CLASS", "HIGH_TEXT", "contrast", "css_variables", "palette_stylesheet"]

#: Base colours, by role.
PALETTE: dict[str, str] = {
    "ink": "#1b1b2f",
    "muted": "#5b5d70",
    "accent": "#0b5d54",
    "accent_soft": "#d7ece8",
    "warm": "#b3470f",
    "warm_soft": "#f6dccd",
    "ok": "#1e7b34",
    "warn": "#a06800",  # 4.7:1 on white (WCAG AA for text; #c98a00 was 2.9:1, below even the 3:1 of a graphic)
    "warn_ink": "#8a5a00",  # the warning's colour for text on tinted backgrounds too (5.9:1 on white)
    "bad": "#b00020",
    "info": "#2b5fb3",
    "neutral": "#767b8f",  # a gauge or bar without a status: 4.2:1 on white (3:1 for a graphic; #9aa0b4 was 2.6:1)
    "slate": "#4a4a5e",
    "line": "#c9ccd6",
    "grid": "#e6e7ec",
    "band": "#f4f5f8",  # every other month of the Gantt chart
    "track": "#d9dce4",
    "paper": "#ffffff",
}

#: The parts of the funding coverage (budget page bars, PDF stacked bar, legends).
FUNDING_COLOURS: dict[str, str] = {
    "secured": PALETTE["ok"],
    "requested": PALETTE["info"],
    "considered": PALETTE["warn"],
    "revenue": PALETTE["accent"],
    "gap": PALETTE["bad"],
    "charges": PALETTE["slate"],
}

#: A funder line's status (envisagé → demandé → voté → versé, or refusé).
STATUS_COLOURS: dict[str, str] = {
    "envisage": FUNDING_COLOURS["considered"],
    "demande": FUNDING_COLOURS["requested"],
    "vote": FUNDING_COLOURS["secured"],
    "verse": FUNDING_COLOURS["secured"],
    "refuse": PALETTE["bad"],
}

#: Traffic lights of readiness and of the figures' cards.
LIGHT_COLOURS: dict[str, str] = {"green": PALETTE["ok"], "orange": PALETTE["warn"], "red": PALETTE["bad"]}

#: Colour of each kind of timeline step.
KIND_COLOURS: dict[str, str] = {
    "venue": "#6a4c93",
    "equipment": "#8e6c3a",
    "group": "#b3470f",
    "team": "#3d6fb6",
    "host": "#2f7f8f",
    "partners": "#5c7a29",
    "funding": PALETTE["warn"],
    "training": PALETTE["accent"],
    "launch": PALETTE["bad"],
    "review": PALETTE["slate"],
    "report": "#7a5c8e",
    "action": "#d0602a",
    "custom": "#37474f",
}


#: The contrast WCAG 2.1 AA asks: text (1.4.3, normal size) and the parts of a chart or a control (1.4.11).
TEXT = 4.5
GRAPHIC = 3.0

#: Every pair of the palette a page, a chart or the PDF puts one on the other: (foreground, background, ratio asked).
#: Keys are the palette's roles; ``tests/test_palette_contrast.py`` checks each one with :func:`contrast`.
PAIRS: tuple[tuple[str, str, float], ...] = (
    *((text, back, TEXT) for text in ("ink", "muted", "accent", "warm", "ok", "warn_ink", "bad", "info", "slate")
      for back in ("paper", "band")),
    ("warn", "paper", TEXT),  # the budget's « envisagé » amounts
    ("ink", "accent_soft", TEXT), ("muted", "accent_soft", TEXT), ("accent", "accent_soft", TEXT),  # chips, counts
    ("ink", "warm_soft", TEXT), ("warm", "warm_soft", GRAPHIC),  # the door pages' note and its border
    ("paper", "accent", TEXT), ("paper", "ok", TEXT), ("paper", "bad", TEXT), ("paper", "info", TEXT),
    ("paper", "slate", TEXT), ("paper", "warn", TEXT), ("paper", "ink", TEXT),  # white words on a bar or a button
    ("neutral", "paper", GRAPHIC), ("neutral", "band", GRAPHIC), ("warn", "band", GRAPHIC),
    *((colour, "paper", GRAPHIC) for colour in ("ok", "warn", "bad", "info", "accent", "slate", "warm")),
)


#: The projector's high-contrast theme (« Contraste élevé »: a washed-out projector, a lit room, eyes that need more):
#: the same roles, each darker or plainer so that every text reaches 7:1 (WCAG AAA) on white, soft backgrounds
#: white and every line as dark as the ink. The pages get it as the ``--kpa-*`` variables again, under
#: ``html.kpa-high-contrast`` (kpa.js sets the class: the button, ``?contraste=eleve|normal``, the browser's memory).
HIGH_CONTRAST: dict[str, str] = {
    "muted": "#3b3d50",
    "accent": "#064039",
    "accent_soft": "#ffffff",
    "warm": "#8a3409",
    "warm_soft": "#ffffff",
    "ok": "#14532a",
    "warn": "#7a4f00",
    "warn_ink": "#7a4f00",
    "bad": "#8c0019",
    "info": "#1d437f",
    "neutral": "#3b3d50",
    "line": "#1b1b2f",
    "grid": "#3b3d50",
    "band": "#ffffff",
    "track": "#5b5d70",
}
#: The class on ``<html>`` that turns the high-contrast theme on.
HIGH_CONTRAST_CLASS = "kpa-high-contrast"
#: The contrast every text of the high-contrast theme reaches on white (WCAG 2.1 AAA, 1.4.6).
HIGH_TEXT = 7.0


def _luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of ``#rrggbb``."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two ``#rrggbb`` colours, from 1 to 21 (the order does not matter)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _derived(base: dict[str, str]) -> dict[str, str]:
    """Every variable's colour from the base colours *base* (the funding, status, light and kind tables follow them)."""
    funding = {"secured": base["ok"], "requested": base["info"], "considered": base["warn"], "revenue": base["accent"],
               "gap": base["bad"], "charges": base["slate"]}
    status = {"envisage": funding["considered"], "demande": funding["requested"], "vote": funding["secured"],
              "verse": funding["secured"], "refuse": base["bad"]}
    kinds = {key: base[role] for key, role in _KIND_ROLES.items()}
    return {**base, **{f"funding-{k}": v for k, v in funding.items()}, **{f"status-{k}": v for k, v in status.items()},
            **{f"kind-{k}": kinds.get(k, v) for k, v in KIND_COLOURS.items()}}


#: The kinds of timeline step whose colour is a base colour's (the others have their own).
_KIND_ROLES = {"funding": "warn", "training": "accent", "launch": "bad", "review": "slate"}


def css_variables(overrides: dict[str, str] | None = None) -> str:
    """The palette as CSS custom properties (``--kpa-ok: #1e7b34; …``) for a ``:root`` rule; with *overrides*
    (base colours by role), only the variables they change."""
    names = _derived(PALETTE)
    if overrides:
        changed = _derived({**PALETTE, **overrides})
        names = {key: value for key, value in changed.items() if value != names[key]}
    return " ".join(f"--kpa-{key.replace('_', '-')}: {value};" for key, value in names.items())


def palette_stylesheet() -> str:
    """The palette as a ``:root`` rule: the content of ``templates/voila/templates/kpa/static/palette.css`` (included by the Voilà template, linked by the participant page).

    A test checks that the file is up to date; regenerate it with ``python -c "from
    kpawidgets.charts.palette import palette_stylesheet as p; print(p(), end='')" > …/palette.css``.
    """
    return ":root { " + css_variables() + " }\n" + f"html.{HIGH_CONTRAST_CLASS} {{ " + css_variables(HIGH_CONTRAST) + " }\n"
