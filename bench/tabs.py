"""Closing a visitor's tab as a person does, for the benches.

Closing a browser context drops its pages without their unload events, so Voilà never gets the
tab's beacon and the kernel stays until the idle culling: over one bench the kernels piled up to
``kpa serve``'s cap (40 in all, 30 a page) and later visitors got the « too many pages » answer.
"""

from __future__ import annotations

from typing import Any

__all__ = ["close_like_a_person"]


async def close_like_a_person(context: Any) -> None:
    """Close every tab of *context* with its unload events (Voilà's beacon shuts its kernel), then *context*."""
    for tab in list(context.pages):
        if not tab.is_closed():
            await tab.close(run_before_unload=True)
    await context.close()
