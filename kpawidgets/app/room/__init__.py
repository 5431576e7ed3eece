"""The workshop room's pages: the participant page (phones) and « Le groupe en direct » (projector)."""

from __future__ import annotations

__all__ = ["participant_page", "projector_page"]


def participant_page() -> object:
    """Display the participant page (``notebooks/04_participer.ipynb``)."""
    from kpawidgets.app.room.participant import participant_page as show

    return show()


def projector_page() -> object:
    """Display the projector screen (``notebooks/05_groupe.ipynb``)."""
    from kpawidgets.app.room.projector import projector_page as show

    return show()
