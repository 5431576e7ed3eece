"""The room's model: owners and their keys, bounds, refusals that change nothing, anonymous totals."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from pydantic import ValidationError

from kpawidgets.model.budget import Budget
from kpawidgets.model.plan import Plan
from kpawidgets.model.room.contributions import (
    RoomError,
    add_idea,
    add_participant,
    dots_of,
    edit_idea,
    ideas_of,
    remove_idea,
    save_participant,
    set_vote,
    toggle_dot,
    update_participant,
    votes_of,
)
from kpawidgets.model.room.moderation import hide_idea, idea_to_action, idea_to_activity, merge_ideas, unmerge_idea
from kpawidgets.model.room.records import (
    DOTS_PER_PERSON,
    FACILITATOR,
    IDEA_MAX,
    MAX_IDEAS_PER_PERSON,
    Room,
    owner_of,
    valid_key,
)
from kpawidgets.model.room.summary import phrases, room_summary


def _phone() -> str:
    return owner_of(secrets.token_urlsafe(16))


# ------------------------------------------------------------------ keys
def test_the_file_holds_a_hash_never_the_key() -> None:
    key = secrets.token_urlsafe(16)
    room = Room()
    save_participant(room, owner_of(key), alias="Awa")
    text = room.model_dump_json()
    assert key not in text and owner_of(key) in text
    assert valid_key(key) and not valid_key("short") and not valid_key("a" * 22 + "<")


def test_a_phone_describes_itself_once_and_updates_its_entry() -> None:
    room, me = Room(), _phone()
    first = save_participant(room, me, alias="Awa", age_band="18_25")
    second = save_participant(room, me, alias="Awa B.", skills="cuisine")
    assert len(room.participants) == 1 and first.id == second.id
    assert room.participants[0].alias == "Awa B." and room.participants[0].age_band == "18_25"
    with pytest.raises(RoomError):
        add_participant(room, me, alias="again")


def test_a_phone_cannot_change_another_phones_entries() -> None:
    room, me, other = Room(), _phone(), _phone()
    person = save_participant(room, me, alias="Awa")
    idea = add_idea(room, me, "Un repas de quartier", "cuisine")
    before = room.model_dump()
    with pytest.raises(RoomError) as refused:
        update_participant(room, other, person.id, alias="pirate")
    assert "autre téléphone" in refused.value.message("fr")
    assert "another phone" in refused.value.message("en")
    with pytest.raises(RoomError):
        edit_idea(room, other, idea.id, "pirate", "autre")
    with pytest.raises(RoomError):
        remove_idea(room, other, idea.id)
    assert room.model_dump() == before
    # the facilitator may
    update_participant(room, FACILITATOR, person.id, alias="Awa (animée)")
    assert room.participants[0].alias == "Awa (animée)"


# ------------------------------------------------------------------ bounds and refusals
@pytest.mark.parametrize("text, reason", [
    ("x" * (IDEA_MAX + 1), "trop long"),
    ("a\x00b", "contrôle"),
    ("abc\u202edef", "contrôle"),
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


def test_a_ten_thousand_character_wish_is_refused() -> None:
    room, me = Room(), _phone()
    with pytest.raises(RoomError) as refused:
        save_participant(room, me, wishes="é" * 10_000)
    assert "Ce que j'ai envie de faire" in refused.value.message("fr")
    assert room.participants == []


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
    room = Room()
    save_participant(room, me, alias="Awa")
    data = room.model_dump(mode="json")
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
    totals = {t.commitment: (t.adopt, t.discuss) for t in room_summary(room).votes}
    assert totals["reciprocity"] == (1, 1) and totals["charters"] == (1, 0) and totals["open_coop"] == (0, 0)
    set_vote(room, me, "reciprocity", None)
    assert votes_of(room, me) == {}
    with pytest.raises(RoomError):
        set_vote(room, me, "not-a-commitment", "adopt")


# ------------------------------------------------------------------ summary
def test_summary_mix_wishes_wall_and_anonymity() -> None:
    room = Room()
    people = [_phone() for _ in range(4)]
    for owner, gender in zip(people, ["woman", "woman", "woman", "undisclosed"]):
        save_participant(room, owner, alias="", age_band="18_25", gender=gender, situations=["student"],
                         wishes="Cuisine, jardinage", skills="cuisiner; Cuisiner.")
    soup = add_idea(room, people[0], "Soupe du marché", "cuisine")
    soup_again = add_idea(room, people[1], "Soupes au marché", "cuisine")
    garden = add_idea(room, people[2], "Jardin partagé", "jardin")
    for owner in people:
        toggle_dot(room, owner, soup_again.id)
    toggle_dot(room, people[0], garden.id)
    merge_ideas(room, soup.id, soup_again.id)
    summary = room_summary(room)
    assert summary.joined == 4 and summary.gender_undisclosed == 1
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
    assert len(room_summary(room).wall[0].ideas) == 2
    hide_idea(room, garden.id)
    summary = room_summary(room)
    assert summary.hidden == 1 and [c.kind for c in summary.wall] == ["cuisine"]
    with pytest.raises(RoomError):
        toggle_dot(room, people[3], garden.id)


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
    room, budget, plan = Room(), Budget(), Plan()
    idea = add_idea(room, _phone(), "Buffets pour les associations", "cuisine")
    activity = idea_to_activity(room, budget, idea.id)
    assert idea_to_activity(room, budget, idea.id) == activity
    assert [a.name for a in budget.activities] == ["Buffets pour les associations"]
    step = idea_to_action(room, plan, idea.id, dt.date(2026, 3, 1))
    assert idea_to_action(room, plan, idea.id, dt.date(2026, 4, 1)) == step
    assert [s.title for s in plan.custom_steps] == ["Buffets pour les associations"]
    wall_idea = room_summary(room).wall[0].ideas[0]
    assert wall_idea.activity_id == activity.id and wall_idea.step_id == step.id
