"""Which answers a person grades first, and groups of similar answers (grading/pick.py)."""

from __future__ import annotations

import pytest

from grading.pick import group_answers, pick_for_grading
from grading.rubric import rubric_from_dict

# Three kinds of answers to "What does attention let a token do?", in several wordings each.
LOOK = [
    "Attention lets each token look at the other tokens of the context.",
    "Attention lets every token look at other tokens in the context.",
    "With attention a token can look at the other tokens in its context.",
    "Each token looks at the other tokens of the context through attention.",
]
WEIGH = [
    "It weighs how relevant each earlier word is and mixes their vectors.",
    "It weighs how relevant every earlier word is, then mixes the vectors.",
    "The model weighs the relevance of earlier words and mixes their vectors.",
]
MEMORY = ["Attention stores facts in long term memory.", "It stores facts in memory."]
ANSWERS = [(f"a{i}", t) for i, t in enumerate([*LOOK, *WEIGH, *MEMORY, "", "   "])]


def kind(ident: str) -> str:
    text = dict(ANSWERS)[ident]
    return "look" if text in LOOK else "weigh" if text in WEIGH else "memory"


def test_the_first_picks_cover_the_kinds_of_answers() -> None:
    picked = pick_for_grading(ANSWERS, 3)
    assert len(picked) == 3
    assert {kind(i) for i in picked} == {"look", "weigh", "memory"}
    # the biggest kind first: grading it first teaches the most
    assert kind(picked[0]) == "look"


def test_picking_is_deterministic_and_never_picks_blanks_while_others_are_left() -> None:
    first = pick_for_grading(ANSWERS, 9)
    assert first == pick_for_grading(list(ANSWERS), 9)
    assert "a9" not in first and "a10" not in first
    assert len(set(first)) == 9


def test_asking_for_more_than_there_are_gives_every_answer_once() -> None:
    picked = pick_for_grading(ANSWERS, 50)
    assert sorted(picked) == sorted(i for i, _ in ANSWERS)
    assert picked[-2:] == ["a9", "a10"]  # blanks last


def test_a_rubric_steers_picks_and_bad_input_is_refused() -> None:
    rubric = rubric_from_dict(
        {
            "model_answers": ["Each token looks at the other tokens and mixes their vectors."],
            "criteria": [
                {
                    "id": "what",
                    "title": "What attention does",
                    "key_ideas": [
                        {"id": "look", "phrasings": ["token looks at other tokens"]},
                        {"id": "mix", "phrasings": ["mixes their vectors"]},
                    ],
                    "levels": [
                        {"points": 0, "descriptor": "No."},
                        {"points": 1, "descriptor": "One.", "min_ideas": 1},
                        {"points": 2, "descriptor": "Both.", "min_ideas": 2},
                    ],
                }
            ],
        }
    )
    picked = pick_for_grading(ANSWERS, 3, rubric, "What does attention let a token do?")
    assert {kind(i) for i in picked} == {"look", "weigh", "memory"}
    assert pick_for_grading(ANSWERS, 0) == []
    with pytest.raises(ValueError, match="at least 0"):
        pick_for_grading(ANSWERS, -1)
    with pytest.raises(ValueError, match="distinct"):
        pick_for_grading([("x", "one"), ("x", "two")], 1)


def test_similar_answers_form_groups_and_every_answer_is_in_one() -> None:
    texts = [t for _, t in ANSWERS]
    groups = group_answers(texts, threshold=0.3)
    assert sorted(i for g in groups for i in g) == list(range(len(texts)))
    as_kinds = [{kind(f"a{i}") for i in g} for g in groups[:-1]]
    assert all(len(k) == 1 for k in as_kinds)  # no group mixes kinds
    assert groups[-1] == [9, 10]  # blanks together, last
    assert groups[0] == [0, 1, 2, 3]


def test_identical_answers_are_always_grouped_whatever_the_threshold() -> None:
    texts = ["Tokens are subwords.", "tokens are subwords", "Tokens ARE subwords!", "Other."]
    assert group_answers(texts, threshold=1.0) == [[0, 1, 2], [3]]
    with pytest.raises(ValueError):
        group_answers(texts, threshold=0)
