"""The launch checklist: six ingredients, the philosophy, the KPA-Cité support path.

What is stored (``workbook.checklist``)
---------------------------------------
``ingredients``  one :class:`IngredientState` per ingredient (``venue``, ``equipment``,
                 ``group``, ``team``, ``host``, ``partners``): status (``todo`` à faire /
                 ``in_progress`` en cours / ``done`` acquis), the ids of the criteria the
                 group answered « oui » to, notes, owner (who takes it on) and due date.
``venue``        the venue's facts (:class:`Venue`). **Read by the budget**:
                 ``venue.monthly_cost`` is the rent actually paid each month (compte 613),
                 ``venue.in_kind_value`` the monthly value of a free or discounted loan
                 (an in-kind contribution, comptes 861 / 871), ``venue.lent_by`` who lends it.
``equipment``    :class:`EquipmentItem` lines (``have`` / ``borrow`` / ``buy`` with a
                 ``cost``): **the budget builds equipment purchases from the ``buy`` lines**.
``group``        :class:`GroupMember` entries, without names (an optional first name or
                 initials), with age band, gender, situations, interests.
``team``         :class:`TeamMember` lines with ``fte`` and ``paid_by`` (``project``,
                 ``partner`` = seconded, an in-kind contribution, ``volunteer``):
                 **the budget builds staff costs from them**.
``host``         the legal and financial host (:class:`Host`, usually a CAE).
``partners``     :class:`Partner` lines: roles (client, funder, relay) and status. **The one
                 list of partners and funders**: a budget line names its funder by the
                 partner's id; roles, status and « engagé » follow the lines
                 (rules in :mod:`kpawidgets.model.checklist.partners`).
``philosophy``   one :class:`Commitment` per commitment of the deck (adopted + the
                 group's own words).
``support``      the KPA-Cité support path (:class:`SupportPath`): dates of the 3-day
                 micro-accompagnement, the two 3-day training sessions and the start of
                 custom support; :func:`support_dates` lists them for the timeline.

Readiness rule (:func:`readiness`)
----------------------------------
Each ingredient has *checks*: the deck's criteria asked as questions (the group
ticks those it meets) and automatic checks computed from the facts (a venue named,
1.5 FTE reached, a committed client…). An ingredient's score (0–100) is::

    40 × status value (à faire 0, en cours 0.5, acquis 1)  +  60 × checks met / checks

except that an ingredient the group sets « Acquis » scores 100 (green): its status and
light agree, and the checks still unanswered are told beside it (``open_checks``).

The overall score is the weighted mean of the six scores, weights
venue 2, equipment 1, group 2, team 2, host 2, partners 1 (people, the place and
the legal host cannot be missing at launch; equipment and partners grow after).
Traffic lights: green from 75, orange from 40, red below. The overall light is green
only when the overall score is at least 75 and no ingredient is red.

Group mix (:func:`group_mix`)
-----------------------------
Indicators: size, count and share per gender (over the people whose gender is
known), age bands present (and how many ages are missing), number of distinct
situations and the most frequent one. Warnings, with their thresholds:

* fewer than :data:`MIN_GROUP_SIZE` (6) people: the group is small (the network's
  KPA started with 7 to 22 members);
* from :data:`MIN_MIX_SIZE` (3) people only, because below that a « share » means
  nothing: one gender at :data:`MAX_GENDER_SHARE` (70 %) or more; all known ages in
  one band; a single situation (« un seul profil »), or one situation held by
  :data:`MAX_SITUATION_SHARE` (70 %) or more of the group;
* information (not a mix problem): ages or genders not filled in.

Messages are :class:`Message` objects (a French message id + parameters), translated
when shown: ``message.text("en")``.

Where it lives: the records in :mod:`kpawidgets.model.records.checklist`; here
``messages`` (:class:`Message`), ``mix`` (group mix), ``readiness`` (checks and scores),
``actions`` (next actions, support dates) and ``fields`` (``kpa check``). Records and
computations are re-exported from this package.
"""

from __future__ import annotations

from kpawidgets.model.records.checklist import (
    Checklist,
    TeamMember,
    EquipmentItem,
    Venue,
    GroupMember,
    Host,
    Partner,
    IngredientState,
    Ingredients,
    Commitment,
    Philosophy,
    SupportSession,
    SupportPath,
    Check,
    INGREDIENTS,
    INGREDIENT_TITLES,
    CHECKS,
    STATUS_LABELS,
    AGE_BANDS,
    GENDERS,
    SITUATIONS,
    SITUATIONS_PLURAL,
    PAID_BY_LABELS,
    EQUIPMENT_STATUS_LABELS,
    EQUIPMENT_CATEGORIES,
    PARTNER_ROLES,
    PARTNER_STATUS_LABELS,
    COMMITMENTS,
    SUPPORT_STEPS,
    PlausibleDate,
    ShortText,
)
from kpawidgets.model.checklist.messages import (
    Message,
)
from kpawidgets.model.checklist.mix import (
    MixWarning,
    GroupMix,
    counted_members,
    group_mix,
    workbook_mix,
    MIN_GROUP_SIZE,
    MIN_MIX_SIZE,
    MAX_GENDER_SHARE,
    MAX_SITUATION_SHARE,
    SMALL_COUNT,
    SMALL,
    WITHHELD,
    masked_counts,
)
from kpawidgets.model.checklist.readiness import (
    INGREDIENT_WEIGHTS,
    STATUS_VALUE,
    STATUS_WEIGHT,
    CHECKS_WEIGHT,
    GREEN_FROM,
    ORANGE_FROM,
    TEAM_FTE_TARGET,
    IngredientScore,
    Readiness,
    readiness,
    check_results,
    team_total_fte,
)
from kpawidgets.model.checklist.partners import (
    UNKNOWN_FUNDER,
    SECURED_STATUSES,
    PartnerFunding,
    normalised_name,
    find_partner,
    partners_by_id,
    funder_name,
    line_funder_text,
    partner_roles,
    shown_status,
    partner_funding,
    partner_counts,
    unknown_partner_lines,
    unknown_funder_warnings,
    KIND_HINTS,
    suggest_kind,
    line_subline,
    kindless_funders,
    kindless_funder_warnings,
    all_plans,
    funder_partner,
    tick_funder_roles,
)
from kpawidgets.model.checklist.actions import (
    Action,
    next_actions,
    Priorities,
    prioritized_actions,
    TOP_ACTIONS,
    SupportDate,
    support_dates,
    support_warnings,
)
from kpawidgets.model.checklist.fields import (
    ChecklistCheckFields,
    check_fields,
)

__all__ = [
    "Checklist", "TeamMember", "EquipmentItem", "Venue", "GroupMember", "Host", "Partner", "IngredientState",
    "Ingredients", "Commitment", "Philosophy", "SupportSession", "SupportPath", "Check", "INGREDIENTS",
    "INGREDIENT_TITLES", "CHECKS", "STATUS_LABELS", "AGE_BANDS", "GENDERS", "SITUATIONS", "SITUATIONS_PLURAL",
    "PAID_BY_LABELS", "EQUIPMENT_STATUS_LABELS", "EQUIPMENT_CATEGORIES", "PARTNER_ROLES",
    "PARTNER_STATUS_LABELS", "COMMITMENTS", "SUPPORT_STEPS", "PlausibleDate", "ShortText", "Message",
    "MixWarning", "GroupMix", "group_mix", "workbook_mix", "counted_members", "MIN_GROUP_SIZE", "MIN_MIX_SIZE",
    "MAX_GENDER_SHARE", "MAX_SITUATION_SHARE", "SMALL_COUNT", "SMALL", "WITHHELD", "masked_counts",
    "INGREDIENT_WEIGHTS", "STATUS_VALUE", "STATUS_WEIGHT", "CHECKS_WEIGHT",
    "GREEN_FROM", "ORANGE_FROM", "TEAM_FTE_TARGET", "IngredientScore", "Readiness", "readiness",
    "check_results", "team_total_fte", "partner_counts", "UNKNOWN_FUNDER", "SECURED_STATUSES", "PartnerFunding",
    "normalised_name", "find_partner", "partners_by_id", "funder_name", "line_funder_text", "partner_roles",
    "shown_status", "partner_funding", "unknown_partner_lines", "unknown_funder_warnings", "all_plans",
    "KIND_HINTS", "suggest_kind", "line_subline", "kindless_funders", "kindless_funder_warnings",
    "funder_partner", "tick_funder_roles", "Action", "next_actions", "Priorities", "prioritized_actions", "TOP_ACTIONS", "SupportDate",
    "support_dates", "support_warnings", "ChecklistCheckFields", "check_fields",
]
