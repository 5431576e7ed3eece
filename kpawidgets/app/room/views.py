"""HTML pieces of the projector, each a function of :class:`RoomSummary` (every user text escaped).

The big numbers are the participant page's own (:func:`kpawidgets.web.phone.counts_html`):
the phones and the projector show the same ones.
"""

from __future__ import annotations

from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, translate
from kpawidgets.model.room.records import IDEA_KINDS, VOTE_CHOICES
from kpawidgets.model.room.summary import KindColumn, Phrase, RoomSummary, VoteTotal, WallIdea
from kpawidgets.web.phone import counts_html

__all__ = ["join_html", "qr_svg", "counts_html", "wall_html", "votes_html", "phrases_html",
           "dots_html"]


def qr_svg(url: str) -> str:
    """The QR code of *url* as inline SVG (segno), sized by the stylesheet."""
    import segno  # only the projector in workshop mode draws one

    from kpawidgets.charts.palette import PALETTE

    qr = segno.make(url, error="m", micro=False)
    return str(qr.svg_inline(scale=1, border=2, dark=PALETTE["ink"], light=PALETTE["paper"], omitsize=True))


def join_html(url: str, join_code: str, address: str) -> str:
    """The « join » box of the projector: QR code, short address and join code in large type."""
    code = (f'<div class="kpa-room-code"><span>{esc(_("Code"))}</span> <b>{esc(join_code)}</b></div>'
            if join_code else "")
    return (f'<div class="kpa-room-join"><div class="kpa-room-qr" role="img" aria-label="{esc(_("QR code pour rejoindre"))}">'
            f'{qr_svg(url)}</div><div class="kpa-room-join-text"><div class="kpa-room-join-title">'
            f'{esc(_("Rejoignez avec votre téléphone"))}</div><div class="kpa-room-address">{esc(address)}</div>{code}</div></div>')


def phrases_html(title: str, phrases: tuple[Phrase, ...], limit: int = 12) -> str:
    """Wishes or skills, aggregated (how many people wrote each)."""
    if not phrases:
        items = f'<li class="kpa-muted">{esc(_("Rien pour l’instant"))}</li>'
    else:
        items = "".join(f'<li><bdi class="kpa-room-phrase">{esc(p.text)}</bdi>'
                        f'{f" <b>×{p.count}</b>" if p.count > 1 else ""}</li>' for p in phrases[:limit])
        if len(phrases) > limit:
            items += f'<li class="kpa-muted">{esc(_("et {count} de plus").format(count=len(phrases) - limit))}</li>'

    return f'<div class="kpa-room-phrases"><h3>{esc(title)}</h3><ul>{items}</ul></div>'


#: Dots drawn one by one up to this count; past it, one dot and the number.
DOT_ROW = 4


def dots_html(count: int) -> str:
    """A dot count: a few dots drawn, then one dot and the number (a row of 12 took a column's width)."""
    drawn = "●" * count if count <= DOT_ROW else "●"
    return (f'<span class="kpa-room-dots" aria-label="{esc(_("gommettes"))} {count}"><span aria-hidden="true">{drawn}</span>'
            f' <b>{count}</b></span>')


def _note_html(idea: WallIdea, *, kind: bool = False) -> str:
    merged = "".join(f'<li><bdi>{esc(text)}</bdi></li>' for text in idea.merged)
    merged = f'<ul class="kpa-room-merged" aria-label="{esc(_("Regroupées ici"))}">{merged}</ul>' if merged else ""
    marks = "".join(mark for mark, on in (("💶", idea.activity_id), ("📅", idea.step_id)) if on)
    label = f'<span class="kpa-room-note-kind">{esc(kind_label(idea.kind))}</span>' if kind else ""
    return (f'<li class="kpa-room-note" data-idea="{esc(idea.id)}">{label}<bdi class="kpa-room-note-text">'
            f'{esc(idea.text)}</bdi>{merged}<span class="kpa-room-note-foot">{marks} {dots_html(idea.dots)}</span></li>')


def _column_html(column: KindColumn) -> str:
    notes = "".join(_note_html(idea) for idea in column.shown)
    folded = column.folded
    more = ""
    if folded:
        more = (f'<details class="kpa-room-more" data-fold="wall-{esc(column.kind)}"><summary>{esc(_("et {count} de plus").format(count=len(folded)))}</summary>'
                f'<ul>{"".join(_note_html(idea) for idea in folded)}</ul></details>')
    return (f'<section class="kpa-room-column kpa-room-kind-{esc(column.kind)}"><h3><span class="kpa-room-column-title">'
            f'{esc(translate(column.label))}</span> <span class="kpa-room-column-dots">{dots_html(column.dots)}</span></h3>'
            f'<ul>{notes}</ul>{more}</section>')


def wall_html(summary: RoomSummary) -> str:
    """The ideas wall: the newest ideas in a lane of their own, then the kinds, most dots first.

    Every visible idea is in the page: in its column, or folded under its column's « et N de plus »
    (a ``<details>`` the facilitator opens; ``room.js`` keeps it open across the wall's live redraws).
    """
    if not summary.wall:
        return f'<div class="kpa-room-wall kpa-room-empty">{esc(_("Pas encore d’idée au mur."))}</div>'
    lane = (f'<section class="kpa-room-newest"><h3>{esc(_("Nouvelles idées"))}</h3>'
            f'<ul>{"".join(_note_html(idea, kind=True) for idea in summary.newest)}</ul></section>')
    return f'{lane}<div class="kpa-room-wall">' + "".join(_column_html(c) for c in summary.wall) + "</div>"


def _vote_row(total: VoteTotal) -> str:
    whole = total.total or 1
    adopt = 100 * total.adopt // whole if total.total else 0
    discuss = 100 * total.discuss // whole if total.total else 0
    return (f'<li class="kpa-room-vote"><span class="kpa-room-vote-label">{esc(translate(total.label))}</span>'
            f'<span class="kpa-room-vote-bar" aria-hidden="true"><i class="kpa-room-adopt" style="width:{adopt}%"></i>'
            f'<i class="kpa-room-discuss" style="width:{discuss}%"></i></span>'
            f'<span class="kpa-room-vote-figures">✓ {total.adopt} · ? {total.discuss}</span></li>')


def votes_html(summary: RoomSummary) -> str:
    """Adopt / discuss totals per commitment (never who voted what)."""
    adopt, discuss = esc(translate(VOTE_CHOICES["adopt"])), esc(translate(VOTE_CHOICES["discuss"]))
    legend = (f'<p class="kpa-room-legend"><span class="kpa-room-key kpa-room-adopt"></span>✓ {adopt} '
              f'<span class="kpa-room-key kpa-room-discuss"></span>? {discuss}</p>')
    return f'<div class="kpa-room-votes">{legend}<ul>{"".join(_vote_row(t) for t in summary.votes)}</ul></div>'


def kind_label(kind: str) -> str:
    return translate(IDEA_KINDS.get(kind, IDEA_KINDS["autre"]))
