"""Rubrics started automatically from model answers."""

from __future__ import annotations

import yaml

from grading.derive import propose_key_ideas, rubric_from_model_answers
from grading.freetext import grade
from grading.rubric import rubric_from_dict, rubric_to_dict

QUESTION = "What is the main advantage of steering one model with prompts over fine-tuning?"
MODEL = "No additional training run is needed, so the startup saves compute cost and time."


def test_a_derived_rubric_is_a_valid_rubric_that_round_trips() -> None:
    rubric = rubric_from_model_answers(QUESTION, [MODEL])
    text = yaml.safe_dump(rubric_to_dict(rubric), sort_keys=False)
    assert rubric_from_dict(yaml.safe_load(text)) == rubric
    assert rubric.model_answers == (MODEL,)


def test_key_ideas_leave_out_the_words_of_the_question() -> None:
    ideas = propose_key_ideas(QUESTION, [MODEL])
    words = {w for _, phrasings, _ in ideas for p in phrasings for w in p.split()}
    assert {"model", "fine", "tuning", "advantage"}.isdisjoint(words)
    assert "compute" in words and "startup" in words


def test_a_negated_phrase_keeps_its_negation() -> None:
    ideas = propose_key_ideas(QUESTION, [MODEL])
    assert any(p.startswith("no ") for _, phrasings, _ in ideas for p in phrasings)


def test_ideas_shared_by_several_model_answers_weigh_more_and_come_first() -> None:
    answers = [
        "The dough rests in a cold fridge.",
        "The dough rests in the fridge overnight.",
        "Cool surroundings slow the yeast.",
    ]
    ideas = propose_key_ideas("Why does the dough rise slowly?", answers)
    weights = [w for _, _, w in ideas]
    assert weights == [2 / 3, 1 / 3]
    assert len(ideas[0][1]) == 2  # the two wordings of the first idea are its phrasings


def test_key_ideas_are_whole_phrases_of_a_clause() -> None:
    ideas = propose_key_ideas(
        "Why does retrieval keep answers current?",
        [
            "Retrieval reads the newest documents, so no retraining is needed.",
            "It reads the newest documents at query time.",
        ],
    )
    assert [p[0] for _, p, _ in ideas[:2]] == [
        "reads the newest documents",
        "no retraining is needed",
    ]


def test_a_word_of_the_question_inside_an_idea_stays_in_its_phrasing() -> None:
    ideas = propose_key_ideas(
        "Why does a chat model need a context window?",
        ["The model reads the context window of tokens at every step of generation."],
    )
    # not "reads the of tokens": only the question's words at the ends of an idea are left out
    assert ideas[0][1][0] == "reads the context window of tokens"


def test_a_single_model_answer_gives_ideas_of_two_content_words_but_keeps_negations_whole() -> None:
    question = "How does retrieval help a model answer questions about recent events?"
    model = "It looks up recent news articles and copies the relevant passages into the prompt."
    rubric = rubric_from_model_answers(question, [model])
    (c,) = rubric.criteria
    assert all(len(k.phrasings[0].split()) <= 4 for k in c.key_ideas)
    assert "news articles" in [k.phrasings[0] for k in c.key_ideas]
    # a paraphrase holding part of each long idea earns part of the marks
    paraphrase = "It searches the news articles and pastes relevant passages into what it reads."
    assert 0 < grade(rubric, paraphrase).score < rubric.max_score
    negated = propose_key_ideas("Why?", ["No additional training run is needed."])
    assert [p for _, p, _ in negated] == [["no additional training run is needed"]]


def test_derived_criteria_are_named_by_what_they_assess() -> None:
    rubric = rubric_from_model_answers(QUESTION, [MODEL])
    (c,) = rubric.criteria
    assert c.title.startswith("States: ")
    assert "sentence" not in c.title and "no additional training run is needed" in c.title
    # the top level needs most of the model answer's ideas, not 60 % of them
    assert c.min_ideas_needed()[-1] == round(0.75 * len(c.key_ideas)) > 0.6 * len(c.key_ideas)


def test_a_model_answer_earns_the_top_level_of_its_derived_rubric() -> None:
    rubric = rubric_from_model_answers(QUESTION, [MODEL])
    res = grade(rubric, MODEL)
    assert res.score == res.max_score


def test_a_paraphrase_earns_credit_and_an_unrelated_answer_none() -> None:
    rubric = rubric_from_model_answers(QUESTION, [MODEL])
    assert grade(rubric, "It saves time because there is no extra training run.").score > 0
    assert grade(rubric, "Bananas are yellow.").score == 0


def test_a_model_answer_of_several_sentences_gives_several_criteria() -> None:
    rubric = rubric_from_model_answers(
        "What is the difference between baking and roasting?",
        [
            "Baking surrounds food with dry heat inside a closed oven. "
            "Roasting browns the outside at a higher temperature, but baking keeps a gentler heat."
        ],
    )
    assert len(rubric.criteria) == 2


def test_a_model_answer_made_only_of_question_words_still_gives_key_ideas() -> None:
    rubric = rubric_from_model_answers("What are salt and pepper?", ["salt and pepper"])
    assert grade(rubric, "pepper and salt").score == rubric.max_score


def test_key_ideas_read_as_phrases_not_word_fragments() -> None:
    rubric = rubric_from_model_answers(
        "Why can a fine-tuned assistant quote outdated prices?",
        [
            "Fine-tuning freezes the facts in the weights at training time. Between runs the "
            "figures go stale, and every change needs another costly training run."
        ],
    )
    phrasings = [p for c in rubric.criteria for k in c.key_ideas for p in k.phrasings]
    # every phrasing starts and ends with a content word and keeps the words that join them
    assert "freezes the facts" in phrasings
    for p in phrasings:
        assert p.split()[0] not in {"the", "in", "at", "of", "and"}
        assert p.split()[-1] not in {"the", "in", "at", "of", "and", "not", "no"}
    assert len(rubric.criteria) == 2
    assert all(c.title.startswith("Gives the reason: ") for c in rubric.criteria)
