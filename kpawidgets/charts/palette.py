"""The one palette: every colour a page, a chart or the PDF gives to a meaning.

A status has one colour everywhere (page, PDF, spreadsheet): look it up here, never
write a hex code elsewhere. The stylesheets receive the same values as CSS custom
properties (:func:`css_variables`).
"""

from __future__ import annotations

__all__ = ["PALETTE", "KIND_COLOURS", "FUNDING_COLOURS", "STATUS_COLOURS", "LIGHT_COLOURS", "css_variables",
           "palette_stylesheet"]

#: Base colours, by role.
PALETTE: dict[str, str] = {
    "ink": "#1b1b2f",
    "muted": "#5b5d70",
    "accent": "#0b5d54",
    "accent_soft": "#d7ece8",
    "warm": "#b3470f",
    "warm_soft": "#f6dccd",
    "ok": "#1e7b34",
    "warn": "#c98a00",
    "warn_ink": "#8a5a00",  # the warning's colour for text on white (5.9:1; the fill colour is 2.6:1)
    "bad": "#b00020",
    "info": "#2b5fb3",
    "neutral": "#9aa0b4",
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


def css_variables() -> str:
    """The palette as CSS custom properties (``--kpa-ok: #1e7b34; …``) for a ``:root`` rule."""
    names = {**PALETTE, **{f"funding-{k}": v for k, v in FUNDING_COLOURS.items()},
             **{f"status-{k}": v for k, v in STATUS_COLOURS.items()},
             **{f"kind-{k}": v for k, v in KIND_COLOURS.items()}}
    return " ".join(f"--kpa-{key.replace('_', '-')}: {value};" for key, value in names.items())


def palette_stylesheet() -> str:
    """The palette as a ``:root`` rule: the content of ``templates/voila/templates/kpa/static/palette.css`` (included by the Voilà template, linked by the participant page).

    A test checks that the file is up to date; regenerate it with ``python -c "from
    kpawidgets.charts.palette import palette_stylesheet as p; print(p(), end='')" > …/palette.css``.
    """
    return ":root { " + css_variables() + " }\n"
