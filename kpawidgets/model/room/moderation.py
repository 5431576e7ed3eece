"""What the facilitator does with the wall: hide, merge, and turn ideas into the budget and the plan.

Pure functions on the workbook's parts (``workbook.room``, ``workbook.budget``,
``workbook.plan``). Turning an idea into an activity or an action is done once: doing it
again returns what was created the first time.
"""

from __future__ import annotations

import datetime as dt

from kpawidgets.model.budget import Activity, BudgetPlan
from kpawidgets.model.plan import CustomStep, Plan, add_custom_step
from kpawidgets.model.room.contributions import RoomError
from kpawidgets.model.room.records import Idea, Room
from kpawidgets.model.room.summary import merged_root

__all__ = ["idea", "hide_idea", "merge_ideas", "unmerge_idea", "idea_to_activity", "idea_to_action"]


def idea(room: Room, idea_id: str) -> Idea:
    """The idea *idea_id* (RoomError if it is gone)."""
    for item in room.ideas:
        if item.id == idea_id:
            return item
    raise RoomError("Cette contribution n'existe plus (retirée entre-temps).")


def _replace(room: Room, updated: Idea) -> Idea:
    room.ideas = [updated if item.id == updated.id else item for item in room.ideas]
    return updated


def hide_idea(room: Room, idea_id: str, hidden: bool = True) -> Idea:
    """Take an idea off the wall (or put it back); its dots stay with their owners' counts."""
    return _replace(room, idea(room, idea_id).model_copy(update={"hidden": hidden}))


def merge_ideas(room: Room, keep_id: str, merged_id: str) -> Idea:
    """Put idea *merged_id* under *keep_id* (same idea in other words); their dots add up."""
    keep, merged = idea(room, keep_id), idea(room, merged_id)
    if merged_root(room, keep.id) == merged.id or keep.id == merged.id:
        raise RoomError("Une idée ne peut pas être regroupée avec elle-même.")
    _replace(room, merged.model_copy(update={"merged_into": keep.id}))
    return keep


def unmerge_idea(room: Room, idea_id: str) -> Idea:
    """Put a merged idea back on the wall on its own."""
    return _replace(room, idea(room, idea_id).model_copy(update={"merged_into": None}))


def idea_to_activity(room: Room, budget: BudgetPlan, idea_id: str) -> Activity:
    """An activity of the budget named after the idea (units and price to fill in on the budget page)."""
    item = idea(room, idea_id)
    for activity in budget.activities:
        if item.activity_id and activity.id == item.activity_id:
            return activity
    activity = Activity(name=item.text)
    budget.activities = [*budget.activities, activity]
    _replace(room, item.model_copy(update={"activity_id": activity.id}))
    return activity


def idea_to_action(room: Room, plan: Plan, idea_id: str, start: dt.date, owner: str = "") -> CustomStep:
    """A next action of the plan, titled after the idea, starting on *start*."""
    item = idea(room, idea_id)
    for step in plan.custom_steps:
        if item.step_id and step.id == item.step_id:
            return step
    step = add_custom_step(plan, item.text, start, owner=owner)
    _replace(room, item.model_copy(update={"step_id": step.id}))
    return step
