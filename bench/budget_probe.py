"""Edit → updated coverage on the budget page, as a person does it: type an amount, press Enter."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

FUNDER_AMOUNT = ".kpa-funder-card .kpa-amount input"
AMOUNTS = ["20 000", "8 000"]


async def measure_budget_edit(browser: Any, url: str, runs: int,
                              rendered: Callable[[Any, str], Awaitable[None]]) -> list[float]:
    """Seconds from pressing Enter to the coverage figure and the stacked bar showing the new value."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    tab = await context.new_page()
    await tab.goto(url)
    await rendered(tab, "02_budget.ipynb")
    await tab.wait_for_selector(".kpa-coverage-pct", state="visible")
    await tab.get_by_role("tab", name="Financeurs").click()
    field = tab.locator(FUNDER_AMOUNT).first
    await field.wait_for(state="visible")
    times = []
    for index in range(runs):
        before = await tab.eval_on_selector(".kpa-coverage-pct", "e => e.dataset.value")
        bar = await tab.get_attribute(".kpa-coverage-bar .kpa-seg-secured", "style")
        await field.fill(AMOUNTS[index % 2])
        start = time.perf_counter()
        await field.press("Enter")
        await tab.wait_for_function(
            "([value, bar]) => document.querySelector('.kpa-coverage-pct').dataset.value !== value && "
            "document.querySelector('.kpa-coverage-bar .kpa-seg-secured').getAttribute('style') !== bar",
            arg=[before, bar], timeout=30_000)
        times.append(time.perf_counter() - start)
    await context.close()
    return times
