"""Learning from a person's grades (grading/learn.py), agreement (grading/agreement.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from grading.agreement import agreement, qwk
from grading.freetext import grade
from grading.learn import MIN_EXAMPLES, GradedExample, LearnedGrader, learn
from grading.rubric import Rubric, rubric_from_dict

QUESTION = "Why does a language model read text through a tokenizer?"

RUBRIC: Rubric = rubric_from_dict(
    {
        "model_answers": [
            "The tokenizer splits text into subword tokens and maps each token to an id, "
            "so the model sees a fixed vocabulary of numbers."
        ],
        "criteria": [
            {
                "id": "splits",
                "title": "Says what the tokenizer does to text",
                "key_ideas": [
                    {"id": "splits-text", "phrasings": ["splits text into tokens"]},
                    {"id": "maps-ids", "phrasings": ["maps each token to an id"]},
                ],
                "levels": [
                    {"points": 0, "descriptor": "Nothing relevant."},
                    {"points": 1, "descriptor": "One step.", "min_ideas": 1},
                    {"points": 2, "descriptor": "Both steps.", "min_ideas": 2},
                ],
            },
            {
                "id": "why",
                "title": "Says why the model needs it",
                "key_ideas": [
                    {"id": "fixed-vocabulary", "phrasings": ["a fixed vocabulary"]},
                ],
                "levels": [
                    {"points": 0, "descriptor": "No reason."},
                    {"points": 1, "descriptor": "The fixed vocabulary.", "min_ideas": 1},
                ],
            },
        ],
    }
)

OPENINGS = ["It", "The tokenizer", "A tokenizer", "Basically it", "First it"]
MIDDLES = [
    "splits text into tokens and maps each token to an id",
    "splits text into tokens",
    "maps each token to an id",
    "cuts the sentence into pieces",
]
ENDINGS = [
    "so rare words become subword pieces from a fixed vocabulary.",
    "using a fixed vocabulary of whole words.",
    "and the model reads numbers.",
    "because models cannot read letters.",
]


def strict_person(answer: str) -> float:
    """A person who gives full marks only to answers that mention subword pieces."""
    return 1.0 if "subword" in answer else 0.0


def corpus() -> list[str]:
    return [f"{o} {m} {e}" for o, m, e in itertools.product(OPENINGS, MIDDLES, ENDINGS)]


def examples(n: int, person: Callable[[str], float] = strict_person) -> list[GradedExample]:
    texts = corpus()
    return [GradedExample(f"g{i}", t, person(t)) for i, t in enumerate(texts[:n])]


def test_with_few_grades_the_rubric_grades_as_it_is() -> None:
    model = learn(examples(MIN_EXAMPLES - 1), RUBRIC, QUESTION)
    answer = "It splits text into tokens and maps each token to an id."
    assert not model.learned
    assert model.grade(answer).result == grade(RUBRIC, answer, prompt=QUESTION)


def test_the_model_learns_what_the_person_rewards_beyond_the_rubric() -> None:
    texts = corpus()
    model = learn(examples(60), RUBRIC, QUESTION, context=texts)
    assert model.learned
    with_subwords = [t for t in texts[60:] if "subword" in t]
    without = [t for t in texts[60:] if "subword" not in t]
    assert with_subwords and without
    high = [g.result.fraction for g in model.grade_many(with_subwords)]
    low = [g.result.fraction for g in model.grade_many(without)]
    assert min(high) > max(low)
    # the rubric alone cannot tell them apart this way
    rub_high = [grade(RUBRIC, t).fraction for t in with_subwords]
    rub_low = [grade(RUBRIC, t).fraction for t in without]
    assert min(rub_high) <= max(rub_low)
    assert model.loo_qwk is not None and model.rubric_qwk is not None
    assert model.loo_qwk > model.rubric_qwk


def test_learned_levels_add_up_to_the_score_and_keep_the_evidence() -> None:
    model = learn(examples(40), RUBRIC, QUESTION, context=corpus())
    for g in model.grade_many(corpus()[40:]):
        res = g.result
        assert res.score == sum(c.points for c in res.criteria)
        assert 0 <= res.score <= RUBRIC.max_score
        assert g.rubric_result is not None
        for c, base, crit in zip(
            res.criteria, g.rubric_result.criteria, RUBRIC.criteria, strict=True
        ):
            assert c.evidence == base.evidence  # what the rubric found is still shown
            assert 0 <= c.level_index < len(crit.levels)
            assert c.points == crit.levels[c.level_index].points
        assert res.grader == "learned"
        assert 0.0 <= res.confidence <= 1.0
        assert res.needs_review == (res.confidence < 0.6)


def test_learning_and_grading_are_deterministic() -> None:
    a = learn(examples(30), RUBRIC, QUESTION, context=corpus())
    b = learn(list(examples(30)), RUBRIC, QUESTION, context=corpus())
    texts = corpus()[30:]
    assert [g.result for g in a.grade_many(texts)] == [g.result for g in b.grade_many(texts)]
    assert [a.grade(t).result for t in texts[:5]] == [g.result for g in a.grade_many(texts[:5])]


def test_an_answer_like_a_graded_one_names_it_as_graded_like() -> None:
    ex = examples(20)
    model = learn(ex, RUBRIC, QUESTION)
    g = model.grade(ex[3].answer)
    assert g.neighbours and g.neighbours[0].id == "g3"
    assert g.neighbours[0].score == ex[3].score
    assert "g3" in g.result.note
    assert model.grade("Completely unrelated words about cooking pasta.").neighbours == ()


def test_per_criterion_grades_train_each_criterion() -> None:
    texts = corpus()

    def levels(t: str) -> dict[str, int]:
        # this person never gives the "why" point, and grades "splits" by the rubric
        return {"splits": grade(RUBRIC, t).criteria[0].level_index, "why": 0}

    ex = [
        GradedExample(f"g{i}", t, grade(RUBRIC, t).criteria[0].points / 3, levels=levels(t))
        for i, t in enumerate(texts[:50])
    ]
    model = learn(ex, RUBRIC, QUESTION, context=texts)
    graded = model.grade_many(texts[50:])
    assert all(g.result.criteria[1].level_index == 0 for g in graded)
    assert any(g.result.criteria[0].level_index > 0 for g in graded)


@pytest.mark.parametrize("score", [-0.1, 1.5, float("nan")])
def test_a_score_outside_zero_to_one_is_refused(score: float) -> None:
    with pytest.raises(ValueError, match=r"0\.\.1"):
        GradedExample("x", "an answer", score)


def test_repeated_ids_and_learning_without_rubric_from_too_little_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        learn([GradedExample("a", "x", 1.0), GradedExample("a", "y", 0.0)], RUBRIC)
    with pytest.raises(ValueError, match="at least"):
        learn([GradedExample("a", "x", 1.0)], None)


def test_without_a_rubric_the_model_grades_on_zero_to_one() -> None:
    model = learn(examples(40), None, QUESTION, context=corpus())
    g = model.grade("The tokenizer splits text into subword pieces from a fixed vocabulary.")
    assert g.rubric_result is None and g.result.criteria == ()
    assert 0.0 <= g.result.score <= 1.0 and g.result.max_score == 1.0


def test_the_learned_grader_speaks_the_grader_protocol() -> None:
    model = learn(examples(20), RUBRIC, QUESTION)
    grader = LearnedGrader(model)
    answer = corpus()[25]
    assert grader.grade(RUBRIC, answer) == model.grade(answer).result
    other = rubric_from_dict({**_as_dict(RUBRIC), "model_answers": ["Another answer."]})
    with pytest.raises(ValueError, match="another rubric"):
        grader.grade(other, answer)


def _as_dict(r: Rubric) -> dict[str, Any]:
    from grading.rubric import rubric_to_dict

    return rubric_to_dict(r)


# --------------------------------------------------------------------------- agreement


def test_qwk_is_one_for_identical_grades_and_falls_with_distance() -> None:
    person = [0, 1, 2, 3, 4, 2, 1]
    assert qwk(person, person) == 1.0
    near = qwk([0, 1, 2, 3, 3, 2, 1], person)
    far = qwk([4, 3, 2, 1, 0, 2, 3], person)
    assert near is not None and far is not None
    assert 0 < near < 1 and far < 0 < near


def test_qwk_handles_constant_and_tiny_gradings() -> None:
    assert qwk([2, 2, 2], [2, 2, 2]) == 1.0
    assert qwk([2, 2, 2], [1, 2, 3]) == 0.0
    assert qwk([1], [1]) is None
    assert qwk([0.5, 0.75, 1.0], [0.5, 0.75, 1.0], step=0.25) == 1.0
    with pytest.raises(ValueError):
        qwk([1, 2], [1])
    with pytest.raises(ValueError):
        qwk([1, 2], [1, 2], step=0)


def test_agreement_counts_the_grades_a_person_changed() -> None:
    a = agreement([2, 1, 0, 2], [2, 2, 0, 1])
    assert a.n == 4 and a.changed == 2 and a.changed_share == 0.5
    assert a.qwk is not None and a.qwk < 1


def test_the_fast_tf_idf_rows_equal_the_vectorizers() -> None:
    from grading.learn import answer_terms

    model = learn(examples(30), RUBRIC, QUESTION, context=corpus())
    assert model._vec is not None
    docs = [answer_terms(t) for t in [*corpus()[25:40], "", "unknown words only"]]
    ours = model._transform(docs).toarray()
    theirs = model._vec.transform(docs).toarray()
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-12


def test_a_long_batch_grades_as_its_parts_do() -> None:
    from grading.learn import CHUNK

    model = learn(examples(30), RUBRIC, QUESTION, context=corpus())
    texts = (corpus() * (CHUNK // len(corpus()) + 2))[: CHUNK + 37]
    whole = [g.result for g in model.grade_many(texts)]
    parts = [
        g.result for i in range(0, len(texts), 50) for g in model.grade_many(texts[i : i + 50])
    ]
    assert whole == parts
