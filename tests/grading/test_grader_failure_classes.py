"""The failure classes of issue 10, each with an example of our own (LLM foundations)."""

from __future__ import annotations

from typing import Any

import pytest

from grading.freetext import grade
from grading.rubric import Rubric, rubric_from_dict

QUESTION = (
    "A shop's assistant must quote prices that change every day. Why is retrieval at query "
    "time a better fit than fine-tuning the model on the price list?"
)


def two_idea_rubric(ideas: list[list[str]], model_answer: str = "A model answer.") -> Rubric:
    data: dict[str, Any] = {
        "model_answers": [model_answer],
        "criteria": [
            {
                "id": "why",
                "title": "Explains why",
                "key_ideas": [{"id": f"idea-{i}", "phrasings": phr} for i, phr in enumerate(ideas)],
                "levels": [
                    {"points": 0, "descriptor": "Nothing relevant."},
                    {"points": 1, "descriptor": "One idea.", "min_ideas": 1},
                    {"points": 2, "descriptor": "Both ideas.", "min_ideas": 2},
                ],
            }
        ],
    }
    return rubric_from_dict(data)


RAG = two_idea_rubric(
    [
        ["looks up the latest prices at query time", "fetches current prices"],
        ["no retraining when prices change", "weights stay the same"],
    ],
    "Retrieval looks up the latest prices at query time, so nothing needs retraining when prices "
    "change.",
)


@pytest.mark.parametrize("answer", ["", "   ", "\n\t", "...", "?!"])
def test_a_blank_answer_earns_nothing_and_says_so(answer: str) -> None:
    res = grade(RAG, answer, prompt=QUESTION)
    assert res.score == 0
    assert "blank" in res.criteria[0].note.lower()


def test_pasting_the_question_as_the_answer_earns_nothing() -> None:
    rubric = two_idea_rubric(
        [["prices change every day", "daily price changes"], ["retrieval at query time"]]
    )
    res = grade(rubric, QUESTION, prompt=QUESTION)
    assert res.score == 0
    assert "question" in res.criteria[0].note.lower()


def test_a_copied_question_with_a_few_words_changed_earns_nothing_either() -> None:
    rubric = two_idea_rubric(
        [["prices change every day", "daily price changes"], ["retrieval at query time"]]
    )
    answer = "Because the prices change every day, retrieval at query time is a better fit."
    assert grade(rubric, answer, prompt=QUESTION).score == 0
    # the same words earn credit when nobody asked them in the question
    assert grade(rubric, answer, prompt="Which method would you choose?").score == 2


def test_half_found_ideas_do_not_pile_up_to_a_level() -> None:
    # two topic words, each half of a different idea, are not one idea
    rubric = two_idea_rubric([["current prices"], ["frozen weights"]])
    res = grade(rubric, "Prices and weights.")
    assert res.criteria[0].level_index == 0
    assert grade(rubric, "Current prices and frozen weights.").criteria[0].level_index == 2


def test_a_negated_lookup_is_not_credited_as_a_lookup() -> None:
    answer = "The latest prices are not looked up at query time; the model guesses them."
    res = grade(RAG, answer, prompt=QUESTION)
    assert "idea-0" not in res.criteria[0].matched_ideas


def test_price_is_not_a_synonym_of_cost() -> None:
    rubric = two_idea_rubric([["saves the cost of training"], ["the answer stays current"]])
    res = grade(rubric, "It saves the price of training.")
    assert "idea-0" not in res.criteria[0].matched_ideas
    res = grade(rubric, "It saves the cost of training.")
    assert "idea-0" in res.criteria[0].matched_ideas


@pytest.mark.parametrize(
    ("phrasing", "answer"),
    [
        ("teach the model new facts", "Fine-tuning taught the model new facts."),
        ("the retriever runs first", "The retriever ran first."),
        ("the loss sinks", "During training the loss sank."),
        ("children of the root node", "The child of the root node holds a token."),
    ],
)
def test_irregular_forms_match_their_lemma(phrasing: str, answer: str) -> None:
    rubric = two_idea_rubric([[phrasing], ["something else entirely"]])
    assert "idea-0" in grade(rubric, answer).criteria[0].matched_ideas


def test_a_word_that_changes_the_meaning_stays_inside_a_phrasing() -> None:
    rubric = two_idea_rubric([["almost nothing but the prompt"], ["something else entirely"]])
    assert (
        "idea-0"
        not in grade(rubric, "It sees almost anything in the prompt.").criteria[0].matched_ideas
    )
    assert (
        "idea-0"
        in grade(rubric, "It gets almost nothing but the prompt.").criteria[0].matched_ideas
    )


def test_words_every_answer_uses_weigh_less_than_informative_ones() -> None:
    from grading.text import word_weights

    rubric = two_idea_rubric([["GPT reads Claude's prompt"], ["something else entirely"]])
    answers = [
        "GPT and Claude write a prompt.",
        "Claude gives GPT a prompt to answer.",
        "GPT answers the prompt Claude wrote.",
        "The prompt from Claude goes to GPT.",
        "GPT reads Claude's prompt and replies.",
    ]
    weights = word_weights(answers)
    # names that every answer repeats are not evidence of the idea by themselves
    assert weights["gpt"] < weights["read"]
    assert "idea-0" in grade(rubric, answers[0]).criteria[0].matched_ideas
    res = grade(rubric, answers[0], word_weights=weights)
    assert "idea-0" not in res.criteria[0].matched_ideas
    assert "idea-0" in grade(rubric, answers[4], word_weights=weights).criteria[0].matched_ideas
