"""Graded quiz parts become evidence; mastery and review cards follow; grades changing later
change the evidence; practice never touches quiz grades."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from learning import practice
from learning.actions import update_student
from learning.models import Evidence, Mastery, PracticeItem, ReviewCard
from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Question, Quiz
from quizzes.parts import ChoicePart, ChoiceResponse, FreeTextPart, Part, Response, TextResponse
from review.actions import decide_answer
from review.models import GradingPolicy
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


def only(quiz: Quiz, *slugs: str) -> Quiz:
    quiz.items.exclude(question__slug__in=slugs).delete()
    return quiz


def take(quiz: Quiz, student: User, responses: dict[str, dict[str, dict[str, Any]]]) -> Attempt:
    attempt = start_attempt(quiz, student)
    for slug, parts in responses.items():
        item = attempt.items.get(position=position(attempt, slug))
        save_answers(attempt, item, parts)
    return submit_attempt(attempt)


def right_answers(parts: list[Part]) -> dict[str, Response]:
    """The key of a question's choice parts, as typed responses."""
    return {
        p.id: ChoiceResponse(selected=[o.id for o in p.options if o.correct])
        for p in parts
        if isinstance(p, ChoicePart)
    }


def first_key(parts: list[Part]) -> tuple[str, str]:
    """(part id, the right option id) of a question's first choice part."""
    response = right_answers(parts)[parts[0].id]
    assert isinstance(response, ChoiceResponse)
    return parts[0].id, response.selected[0]


def test_a_submitted_attempt_gives_one_evidence_row_per_graded_part_and_concept(
    quiz: Quiz, student: User
) -> None:
    only(quiz, "pick-one", "pick-many")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["a"]}},
            "pick-many": {"choice": {"selected": ["prompt"]}},
        },
    )

    rows = {
        (e.concept.slug, e.bloom, e.score, e.source)
        for e in Evidence.objects.select_related("concept")
    }
    assert rows == {("alpha", 1, 1.0, "quiz"), ("beta", 2, 0.0, "quiz")}


def test_mastery_and_a_review_card_follow_the_evidence(quiz: Quiz, student: User) -> None:
    only(quiz, "pick-one", "true-or-false")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["a"]}},
            "true-or-false": {"tf": {"selected": ["false"]}},
        },
    )

    mastery = Mastery.objects.get(student=student, concept__slug="alpha")
    assert mastery.evidence_count == 2 and mastery.rating > 0 and mastery.level == "familiar"
    assert not ReviewCard.objects.exists()  # reviews start once a concept is learned
    assert not Mastery.objects.filter(concept__slug="gamma").exists()  # not started: no row

    attempt = Attempt.objects.get()
    assert attempt.submitted_at is not None
    for minutes in (1, 2):
        Evidence.objects.create(
            student=student,
            course=quiz.course,
            concept=mastery.concept,
            bloom=1,
            score=1.0,
            source="quiz",
            attempt=attempt,
            part_id=f"later-{minutes}",
            at=attempt.submitted_at + timedelta(minutes=minutes),
        )
    update_student(student.pk, quiz.course_id)

    mastery.refresh_from_db()
    card = ReviewCard.objects.get(student=student, concept__slug="alpha")
    assert mastery.level == "proficient"
    assert card.due >= attempt.submitted_at + timedelta(days=1)


def test_a_written_answer_gives_evidence_per_criterion_once_graded_and_a_decision_replaces_it(
    quiz: Quiz, student: User, instructor: User
) -> None:
    GradingPolicy.objects.create(
        course=quiz.course, review_threshold=1.0
    )  # every grade to a person
    only(quiz, "scenario")
    attempt = take(
        quiz,
        student,
        {"scenario": {"choice": {"selected": ["b"]}, "justify": {"text": "It is cheaper."}}},
    )
    assert list(Evidence.objects.values_list("part_id", flat=True)) == ["choice"]  # being reviewed

    answer = Answer.objects.get(part_id="justify")
    criteria = [c["criterion"] for c in answer.detail["criteria"]]
    decide_answer(answer, instructor, {c: 0 for c in criteria})
    lows = set(Evidence.objects.filter(part_id="justify").values_list("criterion", "score"))
    decide_answer(answer, instructor, {c: len([1]) for c in criteria})
    highs = set(Evidence.objects.filter(part_id="justify").values_list("criterion", "score"))

    assert {c for c, _ in lows} == set(criteria) and all(s == 0 for _, s in lows)
    assert all(s > 0 for _, s in highs)
    assert Evidence.objects.filter(attempt=attempt, part_id="justify").count() == len(criteria)


def test_recompute_mastery_rebuilds_the_same_estimates_from_evidence(
    quiz: Quiz, student: User
) -> None:
    only(quiz, "pick-one", "pick-many")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["a"]}},
            "pick-many": {"choice": {"selected": ["sft", "rlhf"]}},
        },
    )
    before = sorted(Mastery.objects.values_list("concept_id", "rating", "level"))
    cards = sorted(ReviewCard.objects.values_list("concept_id", "due"))
    Mastery.objects.update(rating=-9, level="familiar")
    ReviewCard.objects.all().delete()
    out = StringIO()

    call_command("recompute_mastery", stdout=out)

    assert sorted(Mastery.objects.values_list("concept_id", "rating", "level")) == before
    assert sorted(ReviewCard.objects.values_list("concept_id", "due")) == cards
    assert "Recomputed 1 student" in out.getvalue()


def test_recompute_mastery_names_a_missing_course() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No course with the slug 'nope'"):
        call_command("recompute_mastery", course="nope")


def test_practice_answers_never_change_quiz_grades(quiz: Quiz, student: User) -> None:
    only(quiz, "pick-one")
    attempt = take(quiz, student, {"pick-one": {"choice": {"selected": ["b"]}}})
    grades = list(Answer.objects.values_list("pk", "points", "status"))
    session = practice.start_session(student, quiz.course, quiz.course.concepts.get(slug="alpha"))
    item = session.items.get()

    practice.answer_item(item, right_answers(item.version.typed_parts))

    attempt.refresh_from_db()
    assert (
        attempt.score == 0 and list(Answer.objects.values_list("pk", "points", "status")) == grades
    )
    assert Evidence.objects.filter(source="practice").exists()
    assert PracticeItem.objects.get().score is not None


def test_update_after_a_submitted_attempt_has_a_fixed_number_of_queries(
    quiz: Quiz, student: User, django_assert_num_queries: Any
) -> None:

    take(quiz, student, {"pick-one": {"choice": {"selected": ["a"]}}})
    # savepoint; graph: concepts, edges; evidence; settings; stored mastery; stored cards;
    # release. Nothing changed since the submit, so nothing is written.
    with django_assert_num_queries(8):
        update_student(student.pk, quiz.course_id)


def test_a_written_practice_answer_is_graded_by_the_offline_grader_per_criterion(
    quiz: Quiz, student: User
) -> None:
    session = practice.start_session(student, quiz.course)
    # the scenario is an Evaluate question on gamma: the blueprint would backfill first, so it
    # is put in the session directly
    version = Question.objects.get(slug="scenario").current
    assert version is not None
    item = PracticeItem.objects.create(session=session, position=2, version=version)
    written = next(p for p in item.version.typed_parts if isinstance(p, FreeTextPart))

    practice.answer_item(
        item,
        {
            "choice": ChoiceResponse(selected=["b"]),
            written.id: TextResponse(text="It is cheaper to run."),
        },
    )

    rows = Evidence.objects.filter(practice_item=item, part_id=written.id)
    assert rows.count() == len(written.rubric_model.criteria)
    assert set(rows.values_list("concept__slug", flat=True)) == {"gamma"}
    assert not Answer.objects.exists()  # practice writes no quiz answer


def test_a_failing_learner_update_never_costs_the_student_their_submit(
    quiz: Quiz, student: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug in the learner model")

    monkeypatch.setattr("learning.receivers.actions.update_student", broken)
    only(quiz, "pick-one")

    attempt = take(quiz, student, {"pick-one": {"choice": {"selected": ["a"]}}})

    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 1
    assert not Evidence.objects.exists()  # rolled back to the savepoint with the update
    assert "learner update failed" in caplog.text
