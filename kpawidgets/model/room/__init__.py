"""The workshop room: what the group says from their phones, and what the projector shows of it.

``records``       what the workbook stores (``workbook.room``): participants, ideas, commitment
                  votes and dots, each with a stable id and the hash of its owner's key.
``group``         a phone's card is a member of the checklist's group (same id); the room keeps
                  only its owner's key hash and what the group step has no place for.
``contributions`` what a phone may do (propose, vote, spend dots), owner-checked.
``summary``       pure aggregation for the projector and the PDF: the group mix, wishes and
                  skills, the ideas wall with dot counts, vote totals — anonymous.
``moderation``    what the facilitator may do: hide, merge, turn an idea into a budget activity
                  or a next action of the plan.

This package imports nothing at its top level, so that the workbook's record can import
:mod:`kpawidgets.model.room.records` without pulling the computations in (no cycle).
"""
