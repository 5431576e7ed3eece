"""The room's model: owners and their keys, the card that is a member of the group, bounds,
refusals that change nothing, anonymous totals computed from the checklist's group."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from pydantic import ValidationError

from kpawidgets.model.budget import Budget
from kpawidgets.model.checklist import group_mix, readiness, workbook_mix
from kpawidgets.model.merge import merge_workbooks
from kpawidgets.model.plan import Plan
from kpawidgets.model.records.workbook import Identity, Workbook
from kpawidgets.model.room.contributions import (
    RoomError,
    add_idea,
    dots_of,
    edit_idea,
    ideas_of,
    remove_idea,
    set_vote,
    toggle_dot,
    votes_of,
)
from kpawidgets.model.room.group import add_member, adopt, card_of, combined, needs_adoption, save_card
from kpawidgets.model.room.moderation import hide_idea, idea_to_action, idea_to_activity, merge_ideas, unmerge_idea
from kpawidgets.model.room.records import (
    DOTS_PER_PERSON,
    FACILITATOR,
    IDEA_MAX,
    MAX_IDEAS_PER_PERSON,
    Participant,
    Room,
    owner_of,
    valid_key,
)
from kpawidgets.model.room.summary import phrases, room_summary


def _phone() -> str:
    return owner_of(secrets.token_urlsafe(16))


def _workbook() -> Workbook:
    return Workbook(identity=Identity(territory="Les Tisserands"))


# ------------------------------------------------------------------ keys
def test_the_file_holds_a_hash_never_the_key() -> None:
    key = secrets.token_urlsafe(16)
    workbook = _workbook()
    save_card(workbook, owner_of(key), alias="Awa")
    text = workbook.model_dump_json()
    assert key not in text and owner_of(key) in text
    assert valid_key(key) and not valid_key("short") and not valid_key("a" * 22 + "<")


# ------------------------------------------------------------------ the card is a member of the group
def test_a_phones_card_is_a_member_of_the_group_under_one_id() -> None:
    workbook, me = _workbook(), _phone()
    first = save_card(workbook, me, alias="Awa", age_band="18_25", gender="undisclosed", situations=["student"],
                      wishes="cuisiner", skills="coudre")
    second = save_card(workbook, me, alias="Awa B.", age_band="18_25", gender="undisclosed", situations=["student"],
                       wishes="cuisiner", skills="coudre, conduire")
    assert first.id == second.id
    [member] = workbook.checklist.group
    [entry] = workbook.room.participants
    assert member.id == entry.id and entry.owner == me
    assert (member.alias, member.age_band, member.gender, member.situations) == ("Awa B.", "18_25", None, ["student"])
    assert member.interests == "cuisiner; coudre, conduire"
    # the room keeps no second copy of what the member holds
    assert (entry.alias, entry.age_band, entry.situations, entry.gender) == ("", None, [], "undisclosed")
    card = card_of(workbook, me)
    assert card is not None and not card.removed
    assert (card.alias, card.gender, card.wishes, card.skills) == ("Awa B.", "undisclosed", "cuisiner", "coudre, conduire")
    # the checklist's mix and readiness count the person
    assert group_mix(workbook.checklist).size == 1
    for number, (age, gender) in enumerate([("26_35", "man"), ("36_50", "woman"), ("51_plus", "man"),
                                            ("18_25", "other"), ("26_35", "man")]):
        save_card(workbook, _phone(), alias=f"P{number}", age_band=age, gender=gender, situations=["rsa"])
    group_score = {s.name: s for s in readiness(workbook).ingredients}["group"]
    assert group_score.checks_met > {s.name: s for s in readiness(_workbook()).ingredients}["group"].checks_met
    Workbook.model_validate(workbook.model_dump(mode="json"))


def test_the_facilitators_corrections_show_on_the_phone() -> None:
    workbook, me = _workbook(), _phone()
    save_card(workbook, me, alias="Awa", wishes="cuisiner", skills="coudre")
    member = workbook.checklist.group[0]
    member.alias, member.gender, member.interests = "Awa D.", "woman", "cuisine, couture, vélo"
    card = card_of(workbook, me)
    assert card is not None
    assert (card.alias, card.gender, card.wishes, card.skills) == ("Awa D.", "woman", "cuisine, couture, vélo", "")
    # the phone then changes its age only: the corrections stay
    save_card(workbook, me, age_band="26_35", skills="réparer des vélos")
    now = workbook.checklist.group[0]
    assert (now.alias, now.gender, now.age_band) == ("Awa D.", "woman", "26_35")
    assert workbook.checklist.group[0].interests == "cuisine, couture, vélo; réparer des vélos"


def test_a_phone_cannot_change_another_phones_entries() -> None:
    workbook, me, other = _workbook(), _phone(), _phone()
    save_card(workbook, me, alias="Awa")
    idea = add_idea(workbook.room, me, "Un repas de quartier", "cuisine")
    save_card(workbook, other, alias="Karim")  # the other phone's own card, never Awa's
    assert [m.alias for m in workbook.checklist.group] == ["Awa", "Karim"]
    before = workbook.model_dump()
    with pytest.raises(RoomError) as refused:
        edit_idea(workbook.room, other, idea.id, "pirate", "autre")
    assert "autre téléphone" in refused.value.message("fr")
    assert "another phone" in refused.value.message("en")
    with pytest.raises(RoomError):
        remove_idea(workbook.room, other, idea.id)
    assert workbook.model_dump() == before
    # a facilitator's member is nobody's card
    add_member(workbook, alias="Jo")
    assert card_of(workbook, FACILITATOR) is None


def test_a_removed_card_says_so_and_comes_back_under_its_id() -> None:
    workbook, me = _workbook(), _phone()
    member = save_card(workbook, me, alias="Awa", wishes="cuisiner")
    workbook.checklist.group = []  # the facilitator removed the row
    card = card_of(workbook, me)
    assert card is not None and card.removed and card.wishes == "cuisiner"
    assert not needs_adoption(workbook) and adopt(workbook) == 0  # a removal is not undone behind their back
    again = save_card(workbook, me, alias="Awa")
    assert again.id == member.id and [m.id for m in workbook.checklist.group] == [member.id]
    assert len(workbook.room.participants) == 1


def test_the_phone_and_the_facilitator_editing_at_once_both_land() -> None:
    base, me = _workbook(), _phone()
    save_card(base, me, alias="Awa", age_band="18_25")
    phone, laptop = base.model_copy(deep=True), base.model_copy(deep=True)
    save_card(phone, me, alias="Awa", age_band="26_35", wishes="jardiner")  # the phone changes its age
    laptop.checklist.group[0].alias = "Awa D."  # the facilitator corrects the alias
    add_member(laptop, alias="Jo")
    save_card(phone, _phone(), alias="Karim")  # meanwhile another phone joins
    result = merge_workbooks(base, phone, laptop)
    merged = Workbook.model_validate(result.merged)
    assert sorted((m.alias, m.age_band or "") for m in merged.checklist.group) == [
        ("Awa D.", "26_35"), ("Jo", ""), ("Karim", "")]
    assert {p.owner for p in merged.room.participants} >= {me}
    card = card_of(merged, me)
    assert card is not None and card.wishes == "jardiner"
    # removed on the laptop while the phone edited: the person is kept (and the merge says so)
    laptop = base.model_copy(deep=True)
    laptop.checklist.group = []
    phone = base.model_copy(deep=True)
    save_card(phone, me, alias="Awa", age_band="36_50")
    kept = merge_workbooks(base, phone, laptop)
    assert [m["age_band"] for m in kept.merged["checklist"]["group"]] == ["36_50"] and kept.kept_edits


def test_older_room_entries_join_the_group_the_same_way_on_every_device() -> None:
    me = _phone()
    workbook = _workbook()
    workbook.room.participants = [
        Participant(id="0123456789ab", owner=me, alias="Awa", age_band="18_25", gender="woman", situations=["rsa"],
                    wishes="cuisiner", skills="coudre"),
        Participant(id="ba9876543210", owner=FACILITATOR, alias="Jo", wishes="jardiner"),
    ]
    assert needs_adoption(workbook)
    one, two = workbook.model_copy(deep=True), workbook.model_copy(deep=True)
    assert adopt(one) == 2 and adopt(two) == 2 and adopt(one) == 0
    assert one.model_dump() == two.model_dump()
    assert [(m.id, m.alias, m.gender, m.interests) for m in one.checklist.group] == [
        ("0123456789ab", "Awa", "woman", "cuisiner; coudre"), ("ba9876543210", "Jo", None, "jardiner")]
    assert [(p.id, p.alias, p.gender) for p in one.room.participants] == [("0123456789ab", "", None)]
    card = card_of(one, me)
    assert card is not None and (card.alias, card.wishes, card.skills) == ("Awa", "cuisiner", "coudre")
    merged = merge_workbooks(workbook, one, two)
    assert merged.clean and len(merged.merged["checklist"]["group"]) == 2


# ------------------------------------------------------------------ bounds and refusals
@pytest.mark.parametrize("text, reason", [
    ("x" * (IDEA_MAX + 1), "trop long"),
    ("a\x00b", "contrôle"),
    ("\u200b\u3164\u2800\u00ad", "invisibles"),
    ("e" + "\u0301" * 139, "accents"),
    ("   ", "vide"),
])
def test_refused_ideas_say_why_and_change_nothing(text: str, reason: str) -> None:
    room, me = Room(), _phone()
    with pytest.raises(RoomError) as refused:
        add_idea(room, me, text, "cuisine")
    assert reason in refused.value.message("fr")
    assert refused.value.message("en") != refused.value.message("fr")
    assert room.ideas == []


def test_markup_and_emoji_are_kept_as_text() -> None:
    room, me = Room(), _phone()
    idea = add_idea(room, me, "<script>alert(1)</script> 🍲", "cuisine")
    assert idea.text == "<script>alert(1)</script> 🍲"  # stored as typed; every view escapes it


@pytest.mark.parametrize("fields, reason", [
    ({"wishes": "é" * 10_000}, "Ce que j'ai envie de faire"),
    ({"alias": "x" * 10_000}, "Prénom ou pseudonyme"),
    ({"alias": "Awa\x1b[31m"}, "contrôle"),
    ({"alias": "\u200b\u200b"}, "invisibles"),
    ({"wishes": "x" + "\u0300" * 5}, "accents"),
    ({"skills": "a\x00b"}, "contrôle"),
    ({"wishes": "w" * 300, "skills": "s" * 300}, "à eux deux"),
])
def test_a_refused_card_says_why_and_changes_nothing(fields: dict[str, str], reason: str) -> None:
    workbook = _workbook()
    before = workbook.model_dump()
    with pytest.raises(RoomError) as refused:
        save_card(workbook, _phone(), **fields)
    assert reason in refused.value.message("fr")
    assert refused.value.message("en") != refused.value.message("fr")
    assert workbook.model_dump() == before


def test_markup_and_emoji_in_a_card_are_kept_as_text() -> None:
    workbook, me = _workbook(), _phone()
    member = save_card(workbook, me, alias="<b>Awa</b> 🌱", wishes="<script>alert(1)</script> 🍲")
    assert member.alias == "<b>Awa</b> 🌱" and member.interests == "<script>alert(1)</script> 🍲"


def test_per_person_limits() -> None:
    room, me = Room(), _phone()
    for number in range(MAX_IDEAS_PER_PERSON):
        add_idea(room, me, f"idée {number}", "autre")
    with pytest.raises(RoomError):
        add_idea(room, me, "une de trop", "autre")
    for idea in room.ideas[:DOTS_PER_PERSON]:
        assert toggle_dot(room, me, idea.id)
    with pytest.raises(RoomError):
        toggle_dot(room, me, room.ideas[DOTS_PER_PERSON].id)
    assert not toggle_dot(room, me, room.ideas[0].id)  # taking a dot back frees it
    assert len(dots_of(room, me)) == DOTS_PER_PERSON - 1


def test_the_file_refuses_what_the_functions_refuse() -> None:
    me = _phone()
    workbook = _workbook()
    save_card(workbook, me, alias="Awa")
    data = workbook.room.model_dump(mode="json")
    data["participants"].append({**data["participants"][0], "id": "0123456789ab"})
    with pytest.raises(ValidationError):
        Room.model_validate(data)
    with pytest.raises(ValidationError):
        Room.model_validate({"participants": [{"owner": "not-a-hash"}]})


# ------------------------------------------------------------------ votes
def test_votes_are_one_per_person_and_commitment() -> None:
    room, me, other = Room(), _phone(), _phone()
    set_vote(room, me, "reciprocity", "adopt")
    set_vote(room, me, "reciprocity", "discuss")
    set_vote(room, other, "reciprocity", "adopt")
    set_vote(room, other, "charters", "adopt")
    assert votes_of(room, me) == {"reciprocity": "discuss"}
    workbook = _workbook()
    workbook.room = room
    totals = {t.commitment: (t.adopt, t.discuss) for t in room_summary(workbook).votes}
    assert totals["reciprocity"] == (1, 1) and totals["charters"] == (1, 0) and totals["open_coop"] == (0, 0)
    set_vote(room, me, "reciprocity", None)
    assert votes_of(room, me) == {}
    with pytest.raises(RoomError):
        set_vote(room, me, "not-a-commitment", "adopt")


# ------------------------------------------------------------------ summary
def test_summary_mix_wishes_wall_and_anonymity() -> None:
    workbook = _workbook()
    room = workbook.room
    people = [_phone() for _ in range(4)]
    for owner, gender in zip(people, ["woman", "woman", "woman", "undisclosed"]):
        save_card(workbook, owner, alias="", age_band="18_25", gender=gender, situations=["student"],
                  wishes="Cuisine, jardinage", skills="cuisiner; Cuisiner.")
        room = workbook.room
    soup = add_idea(room, people[0], "Soupe du marché", "cuisine")
    soup_again = add_idea(room, people[1], "Soupes au marché", "cuisine")
    garden = add_idea(room, people[2], "Jardin partagé", "jardin")
    for owner in people:
        toggle_dot(room, owner, soup_again.id)
    toggle_dot(room, people[0], garden.id)
    merge_ideas(room, soup.id, soup_again.id)
    summary = room_summary(workbook)
    assert summary.joined == 4 and summary.by_phone == 4 and summary.gender_undisclosed == 1
    assert summary.mix == workbook_mix(workbook)  # the checklist's own computation, knowing the phones
    assert summary.mix.gender_unknown == 0 and "gender_missing" not in {w.code for w in summary.mix.warnings}
    assert {w.code for w in summary.mix.warnings} >= {"small", "gender", "age", "situation"}
    assert summary.wishes[0].count == 4 and summary.skills == (summary.skills[0],) and summary.skills[0].count == 4
    cuisine = summary.wall[0]
    assert cuisine.kind == "cuisine" and [i.text for i in cuisine.ideas] == ["Soupe du marché"]
    assert cuisine.ideas[0].dots == 4 and cuisine.ideas[0].merged == ("Soupes au marché",)
    assert summary.wall[1].ideas[0].dots == 1
    assert summary.dots_cast == 5 and summary.dots_available == 4 * DOTS_PER_PERSON
    text = repr(summary)
    assert all(owner not in text for owner in people)  # no owner, so nobody's votes can be traced
    unmerge_idea(room, soup_again.id)
    assert len(room_summary(workbook).wall[0].ideas) == 2
    hide_idea(room, garden.id)
    summary = room_summary(workbook)
    assert summary.hidden == 1 and [c.kind for c in summary.wall] == ["cuisine"]
    with pytest.raises(RoomError):
        toggle_dot(room, people[3], garden.id)


def test_summary_counts_the_people_typed_in_and_the_phones_once() -> None:
    workbook, me = _workbook(), _phone()
    save_card(workbook, me, alias="Awa", gender="woman", wishes="cuisiner", skills="coudre")
    add_member(workbook, alias="Jo", gender="man", wishes="jardiner")
    workbook.checklist.group[1].interests = "jardiner"
    summary = room_summary(workbook)
    assert (summary.joined, summary.by_phone, summary.aliases) == (2, 1, ("Awa", "Jo"))
    assert summary.mix == workbook_mix(workbook) and summary.mix.genders["man"] == 1
    assert [p.text for p in summary.wishes] == ["cuisiner", "jardiner"] and [p.text for p in summary.skills] == ["coudre"]
    assert combined("", "coudre") == "coudre" and combined("cuisiner\njardiner", "coudre") == "cuisiner, jardiner; coudre"


def test_phrases_count_people_not_repetitions() -> None:
    result = phrases(["Cuisine, cuisine!", "cuisine\njardin", ""])
    assert [(p.text, p.count) for p in result] == [("Cuisine", 2), ("jardin", 1)]


def test_merge_refuses_a_loop() -> None:
    room, me = Room(), _phone()
    a, b = add_idea(room, me, "a", "autre"), add_idea(room, me, "b", "autre")
    merge_ideas(room, a.id, b.id)
    with pytest.raises(RoomError):
        merge_ideas(room, b.id, a.id)
    with pytest.raises(RoomError):
        merge_ideas(room, a.id, a.id)


def test_removing_an_idea_frees_its_dots_and_merges() -> None:
    room, me, other = Room(), _phone(), _phone()
    a, b = add_idea(room, me, "a", "autre"), add_idea(room, other, "b", "autre")
    toggle_dot(room, other, a.id)
    merge_ideas(room, a.id, b.id)
    remove_idea(room, me, a.id)
    assert dots_of(room, other) == [] and room.ideas[0].merged_into is None
    assert ideas_of(room, other) == [room.ideas[0]]
    Room.model_validate(room.model_dump())


# ------------------------------------------------------------------ into the budget and the plan
def test_ideas_become_an_activity_and_an_action_once() -> None:
    workbook, budget, plan = _workbook(), Budget(), Plan()
    room = workbook.room
    idea = add_idea(room, _phone(), "Buffets pour les associations", "cuisine")
    activity = idea_to_activity(room, budget, idea.id)
    assert idea_to_activity(room, budget, idea.id) == activity
    assert [a.name for a in budget.activities] == ["Buffets pour les associations"]
    step = idea_to_action(room, plan, idea.id, dt.date(2026, 3, 1))
    assert idea_to_action(room, plan, idea.id, dt.date(2026, 4, 1)) == step
    assert [s.title for s in plan.custom_steps] == ["Buffets pour les associations"]
    wall_idea = room_summary(workbook).wall[0].ideas[0]
    assert wall_idea.activity_id == activity.id and wall_idea.step_id == step.id
