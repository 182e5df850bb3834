"""Comparatives, agent nouns, misspellings that are real words, and a negated verb's object
(issue 10, remaining classes), with examples of our own about LLM foundations."""

from __future__ import annotations

import pytest

from grading.freetext import grade
from grading.text import AnswerIndex, compile_phrase, match_phrase, stem

from .test_grader_failure_classes import two_idea_rubric


def strength(phrasing: str, answer: str) -> float:
    return match_phrase(compile_phrase(phrasing), AnswerIndex.of(answer)).strength


@pytest.mark.parametrize(
    ("comparative", "base"),
    [("cooler", "cool"), ("hotter", "hot"), ("noisier", "noisy"), ("bigger", "big")],
)
def test_a_comparative_is_read_as_its_adjective(comparative: str, base: str) -> None:
    assert stem(comparative) == stem(base)


def test_a_cooler_sampling_temperature_says_a_cool_one() -> None:
    assert strength("a cool sampling temperature", "Use a cooler sampling temperature.") == 1.0


@pytest.mark.parametrize(("noun", "other"), [("layer", "lay"), ("number", "numb")])
def test_a_noun_in_er_is_not_taken_for_a_comparative(noun: str, other: str) -> None:
    assert stem(noun) != stem(other)


@pytest.mark.parametrize(
    ("noun", "verb"),
    [("encoder", "encodes"), ("retriever", "retrieves"), ("transformers", "transforms")],
)
def test_an_agent_noun_is_not_its_verb(noun: str, verb: str) -> None:
    assert stem(noun) != stem(verb)
    assert stem(noun) == stem(noun.rstrip("s") + "s")  # plural and singular stay one word


def test_the_encoder_does_not_say_the_model_encodes_the_prompt() -> None:
    assert strength("the model encodes the prompt", "The encoder reads the prompt.") < 0.7


@pytest.mark.parametrize(
    ("phrasing", "answer"),
    [
        ("weights stay frozen", "The weighty frozen model stays."),
        ("the lengths of the prompts", "lengthy prompts"),
    ],
)
def test_a_plural_noun_is_not_taken_for_an_adjective_by_the_fuzzy_match(
    phrasing: str, answer: str
) -> None:
    assert strength(phrasing, answer) < 0.7


def test_a_misspelling_and_a_british_spelling_still_match() -> None:
    assert strength("memorizes the training data", "it memorises the training data") >= 0.85
    assert strength("retrieves documents", "it retreives documents") >= 0.85


MEMO = two_idea_rubric([["repeats the training data word for word"], ["learns general patterns"]])


@pytest.mark.parametrize(
    "answer",
    [
        "The model does not memorise and repeat the training data word for word.",
        "The model doesn't store and repeat the training data word for word.",
        "The model does not repeat the training data word for word.",
    ],
)
def test_a_negated_verb_denies_its_object_also_in_a_pair_of_verbs(answer: str) -> None:
    res = grade(MEMO, answer)
    assert res.score == 0
    assert res.criteria[0].contradicted_ideas == ("idea-0",)


def test_a_negation_still_ends_at_and_before_a_new_predicate() -> None:
    res = grade(
        MEMO,
        "It does not need more data and repeats the training data word for word.",
    )
    assert res.criteria[0].matched_ideas == ("idea-0",)


@pytest.mark.parametrize(
    "answer",
    [
        "The model not only repeats the training data word for word but also learns general "
        "patterns.",
        "Not only does the model repeat the training data word for word, it also learns general "
        "patterns.",
    ],
)
def test_not_only_x_but_also_y_credits_both(answer: str) -> None:
    assert grade(MEMO, answer).score == 2
