"""The default grader: levels, misconceptions, argues_for, confidence, padding, off-topic."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from grading.freetext import check_model_answers, grade
from grading.rubric import Rubric, rubric_from_dict
from grading.text import tokenize

from .conftest import DOCS_EXAMPLE, simple_rubric

DOCS_RUBRIC = rubric_from_dict(DOCS_EXAMPLE)

GOOD = (
    "Engineer B is right: one model steered by detailed instructions needs no additional "
    "training, and that saves the cost of fine-tuning two models."
)


def test_a_complete_answer_reaches_the_top_level(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, GOOD, {"choice": "b"})
    c = res.criteria[0]
    assert c.level_index == 2
    assert res.score == res.max_score == 2
    assert set(c.matched_ideas) == {"no-retraining", "saves-cost"}
    assert c.missed_ideas == ()


def test_a_negated_key_idea_earns_nothing() -> None:
    rubric = simple_rubric({"retrain": ["needs retraining"]})
    res = grade(rubric, "The model does not need retraining at all.")
    assert res.criteria[0].level_index == 0
    assert res.criteria[0].matched_ideas == ()
    assert res.criteria[0].contradicted_ideas == ("retrain",)


def test_a_negative_key_idea_is_found_in_a_negative_answer() -> None:
    rubric = simple_rubric({"no-retrain": ["no retraining", "without retraining"]})
    res = grade(rubric, "Prompting works with no retraining needed.")
    assert res.criteria[0].matched_ideas == ("no-retrain",)


def test_a_paraphrase_with_other_word_order_and_inflection_is_found() -> None:
    rubric = simple_rubric({"unchanged": ["weights stay unchanged"]})
    res = grade(rubric, "The model's weights would all stay completely unchanged.")
    assert res.criteria[0].level_index == 1


def test_a_misspelt_answer_is_found_with_lower_confidence() -> None:
    rubric = simple_rubric({"retrain": ["without retraining"]}, model="without retraining")
    exact = grade(rubric, "It works without retraining anything at all.")
    fuzzy = grade(rubric, "It works without retrainnig anything at all.")
    assert fuzzy.criteria[0].level_index == exact.criteria[0].level_index == 1
    assert fuzzy.confidence < exact.confidence


def test_the_default_min_ideas_spread_ideas_over_the_levels() -> None:
    rubric = simple_rubric(
        {"a": ["alpha"], "b": ["bravo"], "c": ["charlie"], "d": ["delta"]},
        levels=[(0, None), (1, None), (2, None)],
    )
    # 3 levels, 4 ideas: level 1 needs 2, level 2 needs 4
    assert grade(rubric, "alpha here").criteria[0].level_index == 0
    assert grade(rubric, "alpha and bravo here").criteria[0].level_index == 1
    assert grade(rubric, "alpha bravo charlie and delta here").criteria[0].level_index == 2


def test_an_idea_found_in_part_counts_as_half_an_idea() -> None:
    rubric = simple_rubric(
        {"a": ["context window limit"], "b": ["quality loss"]},
        levels=[(0, None), (1, 1), (2, 2)],
    )
    res = grade(rubric, "The window is small and the quality loss is real.")
    # "window" alone is 1/3 of idea a: too little; "quality loss" is idea b
    assert res.criteria[0].level_index == 1
    res = grade(rubric, "The context window is small; quality loss is real.")
    # 2 of 3 words of idea a: half an idea, 1.5 ideas in all
    assert res.criteria[0].level_index == 1
    assert res.criteria[0].near_boundary
    assert res.needs_review


def test_a_cap_misconception_limits_the_level(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, GOOD + " Prompting updates the weights, too.", {"choice": "b"})
    c = res.criteria[0]
    assert c.level_index == 0
    assert c.misconceptions == ("prompt-changes-weights",)
    assert "Misconception" in c.note


def test_a_negated_misconception_is_not_held_against_the_student(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, GOOD + " Prompting never updates the weights.", {"choice": "b"})
    assert res.criteria[0].misconceptions == ()
    assert res.criteria[0].level_index == 2


def test_a_deduct_misconception_subtracts_points() -> None:
    rubric = simple_rubric(
        {"a": ["alpha"], "b": ["bravo"]},
        misconceptions=[
            {"id": "m", "phrasings": ["zulu yankee"], "effect": "deduct", "points": 1.5}
        ],
    )
    res = grade(rubric, "alpha and bravo, but zulu yankee")
    assert res.criteria[0].level_index == 2
    assert res.criteria[0].points == 0.5
    assert res.score == 0.5


def test_arguing_for_another_option_gives_the_lowest_level(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, GOOD, {"choice": "a"})
    c = res.criteria[0]
    assert c.level_index == 0
    assert c.points == 0
    assert "picked option a" in c.note
    assert "option 'b'" in c.note


def test_argues_for_accepts_several_picked_options(docs_rubric: Rubric) -> None:
    assert grade(docs_rubric, GOOD, {"choice": ["a", "b"]}).criteria[0].level_index == 2
    assert grade(docs_rubric, GOOD, {"choice": "a,b"}).criteria[0].level_index == 2
    assert grade(docs_rubric, GOOD, {}).criteria[0].level_index == 0


def test_without_choices_argues_for_is_noted_but_not_applied(docs_rubric: Rubric) -> None:
    c = grade(docs_rubric, GOOD).criteria[0]
    assert c.level_index == 2
    assert "not known" in c.note


def test_an_off_topic_answer_gets_the_lowest_level_with_high_confidence(
    docs_rubric: Rubric,
) -> None:
    res = grade(docs_rubric, "I like bananas and sunny weather in July.", {"choice": "b"})
    assert res.score == 0
    assert res.confidence >= 0.9
    assert not res.needs_review
    assert "Off topic" in res.criteria[0].note


def test_an_empty_answer_is_off_topic(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, "", {"choice": "b"})
    assert res.score == 0 and res.confidence >= 0.9


def test_keyword_padding_gets_a_capped_level_and_low_confidence(docs_rubric: Rubric) -> None:
    padded = "retraining, additional training, cost, cheaper, compute, weights, unchanged, saves"
    res = grade(docs_rubric, padded, {"choice": "b"})
    c = res.criteria[0]
    assert c.level_index <= 1
    assert res.confidence <= 0.3
    assert res.needs_review
    assert "list of key terms" in c.note


def test_a_short_list_answer_to_a_list_question_is_not_padding() -> None:
    rubric = simple_rubric({"salt": ["salt"], "pepper": ["pepper"]})
    res = grade(rubric, "salt and pepper")
    assert res.criteria[0].level_index == 2
    assert res.confidence > 0.6


def test_a_very_short_answer_earns_less_confidence() -> None:
    rubric = simple_rubric({"boil": ["boiling point"]}, model="At its boiling point.")
    short = grade(rubric, "boiling point")
    longer = grade(rubric, "The water turns to steam once it reaches its boiling point.")
    assert short.criteria[0].level_index == longer.criteria[0].level_index == 1
    assert short.confidence < longer.confidence


def test_a_result_near_a_level_boundary_is_routed_to_review() -> None:
    rubric = simple_rubric({"a": ["context window limit"]}, levels=[(0, None), (1, 1)])
    res = grade(rubric, "The context window is the problem.")
    assert res.criteria[0].near_boundary
    assert res.needs_review


def test_a_raised_review_threshold_routes_more_answers(docs_rubric: Rubric) -> None:
    res = grade(docs_rubric, GOOD, {"choice": "b"}, review_threshold=0.99)
    assert res.needs_review
    assert not grade(docs_rubric, GOOD, {"choice": "b"}).needs_review


def test_model_answers_that_miss_the_top_level_are_reported() -> None:
    assert check_model_answers(DOCS_RUBRIC) == ()
    rubric = simple_rubric({"a": ["alpha"], "b": ["bravo"]}, model="alpha only")
    (warning,) = check_model_answers(rubric)
    assert "model_answers[0] reaches level 1 of 2" in warning and "b" in warning


def test_a_misconception_in_a_contrast_or_another_clause_is_not_held_against_the_student(
    docs_rubric: Rubric,
) -> None:
    for extra in (
        " Unlike prompting, fine-tuning updates the weights.",
        " Prompting is quick, whereas fine-tuning updates the weights.",
        " Prompting is quick; fine-tuning updates the weights.",
        " Prompting is quick, fine-tuning updates the weights.",
    ):
        res = grade(docs_rubric, GOOD + extra, {"choice": "b"})
        assert res.criteria[0].misconceptions == (), extra
        assert res.criteria[0].level_index == 2, extra


def test_saying_prompting_does_not_avoid_training_does_not_earn_no_retraining(
    docs_rubric: Rubric,
) -> None:
    res = grade(docs_rubric, "Prompting does not avoid additional training.", {"choice": "b"})
    assert "no-retraining" not in res.criteria[0].matched_ideas
    assert res.criteria[0].contradicted_ideas == ("no-retraining",)


def test_a_contradicted_idea_found_in_part_does_not_count_as_half_an_idea() -> None:
    rubric = simple_rubric(
        {"a": ["context window limit"], "b": ["retrieval quality loss"]},
        levels=[(0, None), (1, 1)],
    )
    res = grade(
        rubric,
        "The context window has no limit at all in this design. Still, the context window "
        "and the retrieval quality matter.",
    )
    c = res.criteria[0]
    assert c.contradicted_ideas == ("a",)
    assert c.level_index == 0  # b alone is half an idea; a, contradicted, adds nothing


SCENARIO = (
    "A startup has one pre-trained model and two products, a creative co-writer and a legal "
    "assistant. Its budget is tiny and its deadline tight."
)


def test_ideas_found_in_part_earn_nothing_and_a_pasted_question_earns_nothing() -> None:
    rubric = simple_rubric(
        {"budget": ["fits the tiny budget"], "deadline": ["meets the tight deadline"]},
        levels=[(0, None), (1, 1), (2, 2)],
    )
    pasted = "The startup has a tiny budget and a tight deadline."
    without = grade(rubric, pasted)
    c = without.criteria[0]
    assert c.level_index == 0  # two ideas found in part are not one idea
    assert "Found in part: budget, deadline." in c.note
    res = grade(rubric, pasted, prompt=SCENARIO)
    assert res.score == 0 and res.needs_review
    assert "repeats the question" in res.criteria[0].note
    # a word the student adds still counts: "fits" is not in the question
    answer = "It fits the tiny budget, and the startup has a tight deadline."
    c = grade(rubric, answer, prompt=SCENARIO).criteria[0]
    assert c.matched_ideas == ("budget",) and c.level_index == 1
    assert "only in words of the question: deadline" in c.note
    # a key idea found in full counts even in the question's words
    res = grade(rubric, "It meets the tight deadline.", prompt=SCENARIO)
    assert res.criteria[0].matched_ideas == ("deadline",)


# --------------------------------------------------------------------------- properties

WORDS_TEXT = (
    "no not never model weights retraining training additional unchanged stay saves cost "
    "cheaper compute prompting updates the a instructions engineer startup two fine-tuning "
    "retrainnig costt , . ; and but because"
)
WORDS = WORDS_TEXT.split()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.sampled_from([None, {"choice": "a"}, {"choice": "b"}]),
)
def test_evidence_lies_in_the_answer_and_the_score_never_exceeds_the_maximum(
    answer: str, choices: dict[str, str] | None
) -> None:
    res = grade(DOCS_RUBRIC, answer, choices)
    assert 0 <= res.score <= res.max_score
    assert 0.0 <= res.confidence <= 1.0
    words = {(s, e) for s, e in zip(*_spans(answer), strict=True)}
    for c in res.criteria:
        assert 0 <= c.level_index < 3
        assert 0 <= c.points <= c.max_points
        for span in c.evidence:
            s, e = span
            assert 0 <= s < e <= len(answer)
            assert span in words  # each span is exactly one word of the answer
            assert re.fullmatch(r"[\w'\u2019+.]+", answer[s:e])


def _spans(answer: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    toks = tokenize(answer)
    return toks.starts, toks.ends


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_can_be_graded(answer: str) -> None:
    res = grade(DOCS_RUBRIC, answer, {"choice": "b"})
    assert 0 <= res.score <= res.max_score
    for c in res.criteria:
        for s, e in c.evidence:
            assert 0 <= s < e <= len(answer)
