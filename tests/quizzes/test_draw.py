"""Draw rules met together: overlapping rules that a greedy draw can trip over, the rules that
compete for too few questions named, the attempt draw and the import report."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_io.course import import_course
from courses.bloom import BloomLevel
from courses.models import Chapter, Course
from grading import draw
from quizzes.actions import QuizError, draw_questions, draw_shortfall
from quizzes.models import DrawRule, Quiz
from tests.quiz_data import write_questions


def is_valid(pools: list[tuple[int, list[int]]], result: list[list[int]]) -> bool:
    drawn = [q for picked in result for q in picked]
    return len(drawn) == len(set(drawn)) and all(
        len(picked) == count and set(picked) <= set(pool)
        for (count, pool), picked in zip(pools, result, strict=True)
    )


def brute_force_feasible(pools: list[tuple[int, list[int]]]) -> bool:
    """Hall's condition, checked over every subset of rules."""
    for size in range(1, len(pools) + 1):
        for subset in itertools.combinations(pools, size):
            wanted = sum(count for count, _pool in subset)
            if wanted > len({q for _count, pool in subset for q in pool}):
                return False
    return True


def test_disjoint_rules_each_get_their_count() -> None:
    pools = [(2, [1, 2, 3]), (1, [4, 5])]

    result = draw.assign(pools)

    assert isinstance(result, list) and is_valid(pools, result)


def test_overlapping_rules_are_met_where_a_greedy_draw_can_fail() -> None:
    # Rule 1 may take question 1, which is all rule 2 can have.
    pools = [(1, [1, 2, 3]), (1, [1])]

    result = draw.assign(pools, random.Random(7))

    assert isinstance(result, list)
    assert result[1] == [1] and result[0] in ([2], [3])


def test_the_shortfall_names_only_the_rules_that_compete() -> None:
    pools = [(2, [1, 2]), (5, [10, 11, 12, 13, 14, 15]), (1, [2, 1])]

    result = draw.assign(pools)

    assert result == draw.Shortfall(rules=(0, 2), wanted=3, available=2)
    assert result.message() == (
        "Rules 1 and 3 draw 3 questions in all, but only 2 published questions match any of "
        "them, and no question is drawn twice."
    )


def test_one_rule_short_on_its_own_is_named_alone() -> None:
    short = draw.shortfall([(1, [1]), (3, [2, 3])])

    assert short == draw.Shortfall(rules=(1,), wanted=3, available=2)
    assert short.message(fixed_excluded=True).startswith(
        "Rule 2 draws 3 questions in all, but only 2 published questions match it that are "
        "not already fixed questions"
    )


def test_no_rules_or_zero_counts_are_no_shortfall() -> None:
    assert draw.shortfall([]) is None
    assert draw.shortfall([(0, [])]) is None


pool_sets = st.lists(
    st.tuples(st.integers(0, 3), st.lists(st.integers(1, 7), max_size=6, unique=True)),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(pool_sets, st.integers(0, 10_000))
def test_a_draw_exists_exactly_when_halls_condition_holds(
    pools: list[tuple[int, list[int]]], seed: int
) -> None:
    result = draw.assign(pools, random.Random(seed))

    if brute_force_feasible(pools):
        assert isinstance(result, list) and is_valid(pools, result)
    else:
        assert isinstance(result, draw.Shortfall)
        assert result.wanted > result.available  # the named rules really are short
        named = [pools[i] for i in result.rules]
        assert result.wanted == sum(count for count, _pool in named)
        assert result.available == len({q for _count, pool in named for q in pool})


# ---------------------------------------------------------------------------------------------
# The attempt draw and the import report, on the test course (tests/quiz_data.py): chapter
# "basics" holds pick-one, pick-many, true-or-false and match-them; chapter "advanced" holds
# put-in-order (apply) and scenario (evaluate); match-them is also "apply".


@pytest.fixture
def demo(db: None, content_dir: Path) -> Course:
    write_questions(content_dir)
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


def quiz_with_rules(course: Course, *rules: dict[str, object]) -> Quiz:
    quiz = Quiz.objects.create(course=course, slug="drawn", title="Drawn", shuffle_questions=False)
    for n, rule in enumerate(rules, 1):
        DrawRule.objects.create(quiz=quiz, position=n, **rule)
    return quiz


@pytest.mark.django_db
def test_every_seed_starts_a_quiz_whose_rules_overlap(demo: Course) -> None:
    advanced = Chapter.objects.get(course=demo, slug="advanced")
    # Rule 1 draws one "apply" question (match-them or put-in-order); rule 2 needs both
    # questions of "advanced", put-in-order among them. Half the greedy draws take it first.
    quiz = quiz_with_rules(
        demo, {"count": 1, "bloom": BloomLevel.APPLY}, {"count": 2, "chapter": advanced}
    )

    draws = [[q.slug for q in draw_questions(quiz, seed)] for seed in range(30)]

    assert all(sorted(d) == ["match-them", "put-in-order", "scenario"] for d in draws)
    assert draw_shortfall(quiz) is None
    assert draw_questions(quiz, 3) == draw_questions(quiz, 3)  # still reproducible


@pytest.mark.django_db
def test_rules_that_cannot_be_met_together_stop_the_start_with_a_clear_message(
    demo: Course,
) -> None:
    advanced = Chapter.objects.get(course=demo, slug="advanced")
    gamma = advanced.concepts.get(slug="gamma")
    quiz = quiz_with_rules(demo, {"count": 2, "chapter": advanced}, {"count": 1, "concept": gamma})

    with pytest.raises(QuizError, match=r"Rules 1 and 2 draw 3 questions in all, but only 2"):
        draw_questions(quiz, 1)
    assert draw_shortfall(quiz) == draw.Shortfall(rules=(0, 1), wanted=3, available=2)


@pytest.mark.django_db
def test_the_import_warns_of_a_quiz_no_attempt_can_start_and_writes_it(
    db: None, content_dir: Path
) -> None:
    write_questions(content_dir)
    (content_dir / "quizzes" / "too-greedy.yaml").write_text(
        "slug: too-greedy\ntitle: Too greedy\n"
        "draw:\n  - {count: 2, chapter: advanced}\n  - {count: 1, concept: gamma}\n",
        encoding="utf-8",
    )

    report = import_course(content_dir)

    warnings = [line for line in report.lines() if line.startswith("warning:")]
    assert warnings == [
        "warning: quizzes/too-greedy.yaml: draw: no attempt can be started yet. Rules 1 and 2 "
        "draw 3 questions in all, but only 2 published questions match any of them, and no "
        "question is drawn twice."
    ]
    assert Quiz.objects.get(slug="too-greedy").rules.count() == 2


def test_the_first_import_reports_quiz_questions_and_draw_rules_as_created(
    db: None, content_dir: Path
) -> None:
    write_questions(content_dir)
    (content_dir / "quizzes" / "checkpoint.yaml").write_text(
        "slug: checkpoint\ntitle: Checkpoint\nquestions: [pick-one]\n"
        "draw:\n  - {count: 1, concept: beta}\n",
        encoding="utf-8",
    )

    report = import_course(content_dir)

    assert report.created["quiz draw rules"] == 1
    assert report.created["quiz questions"] == 2
    assert [line for line in report.lines() if line.startswith("updated")] == []
