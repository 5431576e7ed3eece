"""Edit → updated coverage on the budget page, as a person does it: type an amount, press Enter."""

from __future__ import annotations

import json
import time
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any
from bench.tabs import close_like_a_person

FUNDER_AMOUNT = ".kpa-funder-card .kpa-amount input"
AMOUNTS = ["20 000", "8 000"]
#: The secured part of the summary's coverage bar (the SVG drawn by kpawidgets.charts.coverage).
SECURED = ".kpa-budget-summary .kpa-coverage rect[data-part=secured]"


def big_budget(example: Path, target: Path, lines: int = 200, scenarios: int = 12) -> None:
    """The example grown to *lines* budget lines and *scenarios* scenarios (issue 19's figure), written to *target*."""
    data = json.loads(example.read_text(encoding="utf-8"))
    rows = data["budget"]["lines"]
    groups = ["606", "613", "616", "622", "623", "625", "626", "627", "65", "861"]
    while len(rows) < lines:
        n = len(rows)
        rows.append({"account": groups[n % len(groups)], "label": f"Ligne {n}", "amount": f"{100 + n}.{n % 100:02d}",
                     "month": (n % 12) + 1 if n % 3 else None})
    scenario = {"name": "S", "plan": {k: v for k, v in data["budget"].items() if k != "scenarios"}}
    data["budget"]["scenarios"] = [dict(scenario, name=f"Scénario {i}") for i in range(scenarios)]
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


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
        bar = await tab.get_attribute(SECURED, "width")
        await field.fill(AMOUNTS[index % 2])
        start = time.perf_counter()
        await field.press("Enter")
        await tab.wait_for_function(
            "([value, bar]) => document.querySelector('.kpa-coverage-pct').dataset.value !== value && "
            f"document.querySelector('{SECURED}').getAttribute('width') !== bar",
            arg=[before, bar], timeout=30_000)
        times.append(time.perf_counter() - start)
    await close_like_a_person(context)
    return times
