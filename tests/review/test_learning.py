"""The machine learns each written part from a person's grades (issue 10, part 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from quizzes.models import Answer, Quiz
from review import actions, learning
from review.models import GradingPolicy, Notification, RegradeRun
from tests.review.conftest import GOOD, WEAK, WrittenAnswer

pytestmark = pytest.mark.django_db


def grade_by_hand(answers: list[Answer], user: User) -> None:
    for answer in answers:
        level = 1 if answer.response["text"] in GOOD else 0
        actions.decide_answer(answer, user, {"reason": level})


def test_below_five_decisions_the_rubric_grades_alone(
    written: WrittenAnswer, course_instructor: User
) -> None:
    grade_by_hand([written(t) for t in GOOD[:2] + WEAK[:2]], course_instructor)

    fresh = written("B is cheap because there is no retraining of the model at all.")

    assert fresh.grader == "keyword" and "learned" not in fresh.detail


def test_from_five_decisions_new_answers_are_graded_with_what_was_learned(
    written: WrittenAnswer, course_instructor: User
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)

    fresh = written("B is cheap because there is no retraining of the model at all.")

    assert fresh.grader == "learned"
    assert fresh.detail["learned"]["examples"] == 6
    criteria = fresh.detail["criteria"]
    assert criteria[0]["criterion"] == "reason" and criteria[0]["evidence"]  # still explained
    first_good = Answer.objects.get(response__text=GOOD[0])
    assert first_good.pk in [n["answer"] for n in fresh.detail["neighbours"]]


def test_the_grading_screen_shows_the_answers_it_was_graded_like(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)
    fresh = written("B is cheap because there is no retraining of the model at all.")
    client.force_login(course_instructor)

    html = client.get(reverse("review:answer", args=[fresh.pk])).content.decode()

    graded_like = html.split('id="graded-like"')[1].split("</section>")[0]
    assert "Graded like these answers" in html and GOOD[0][:30] in graded_like
    assert "a person gave 2 / 2" in graded_like
    assert "learned from 6 answers a person graded" in html


def test_the_student_sees_the_evidence_but_never_other_students_answers(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)
    GradingPolicy.objects.update(review_threshold=0.0)  # the learned grade reaches the student
    fresh = written("B is cheap because there is no retraining of the model at all.", "sam")
    client.force_login(fresh.item.attempt.student)

    html = client.get(reverse("quizzes:result", args=[fresh.item.attempt_id])).content.decode()

    assert fresh.status == Answer.Status.GRADED and '<mark class="ev ev-1"' in html
    assert GOOD[1] not in html and "Graded like" not in html


def test_the_fitted_model_is_cached_until_the_next_decision(
    written: WrittenAnswer, course_instructor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)
    fits: list[int] = []
    real = learning.learn

    def counted(examples: Any, *args: Any, **kwargs: Any) -> Any:
        fits.append(len(examples))
        return real(examples, *args, **kwargs)

    monkeypatch.setattr(learning, "learn", counted)

    first = written("B is cheap because there is no retraining of the model at all.")
    written("B needs no retraining so it is cheap.")
    actions.decide_answer(first, course_instructor, {"reason": 1})
    written("Engineer B is cheap.")

    assert fits == [6, 7]  # one fit for the first two answers, one after the new decision


def test_the_same_decisions_give_the_same_grade_after_the_cache_is_cleared(
    written: WrittenAnswer, course_instructor: User
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)
    first = written("B sounds fine and needs no retraining, I think.")
    cache.clear()

    second = written("B sounds fine and needs no retraining, I think.")

    assert (first.points, first.confidence, first.detail["criteria"]) == (
        second.points,
        second.confidence,
        second.detail["criteria"],
    )


def test_a_held_answer_released_by_what_was_learned_tells_its_student(
    written: WrittenAnswer, course_instructor: User
) -> None:
    held = written("B is cheap because there is no retraining of the model at all.", "sam")
    answers = [written(t) for t in GOOD[:3] + WEAK[:3]]
    assert held.status == Answer.Status.REVIEW
    GradingPolicy.objects.update(review_threshold=0.0)  # any learned grade is sure enough
    mail.outbox.clear()

    grade_by_hand(answers, course_instructor)  # the fifth decision relearns the part

    held.refresh_from_db()
    assert held.status == Answer.Status.GRADED and held.grader == "learned"
    attempt = held.item.attempt
    attempt.refresh_from_db()
    assert held.reviewed_by is None and attempt.pending_parts == 0
    notice = Notification.objects.get(user__username="sam")
    assert "is graded" in notice.text
    assert [m.to for m in mail.outbox].count(["sam@example.com"]) == 1


def test_a_person_decision_is_never_replaced_by_the_learned_grade(
    written: WrittenAnswer, course_instructor: User
) -> None:
    answers = [written(t) for t in GOOD[:3] + WEAK[:3]]
    grade_by_hand(answers[:5], course_instructor)
    actions.decide_answer(answers[5], course_instructor, {"reason": 1})  # against the rubric

    actions.relearn_part(answers[5].item.version_id, "justify")

    answers[5].refresh_from_db()
    assert answers[5].points == 2 and answers[5].reviewed_by == course_instructor
    assert answers[5].detail["human"] == {"reason": 1}


def test_the_question_text_reaches_the_grader_when_grading_and_regrading(
    quiz: Quiz, written: WrittenAnswer, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str | None] = []

    class Spy:
        name = "spy"

        def grade(
            self, rubric: Any, answer: str, choices: Any = None, *, prompt: Any = None
        ) -> Any:
            prompts.append(prompt)
            return real.grade(rubric, answer, choices, prompt=prompt)

    real = actions.grader_for(quiz.course_id)
    monkeypatch.setattr(actions, "grader_for", lambda course_id: Spy())
    answer = written("B is cheap.")
    run = RegradeRun.objects.create(version=answer.item.version, part_id="justify")
    actions.regrade_part(run.pk)

    assert len(prompts) == 2
    assert all(
        p is not None and "A startup with one model" in p and "Justify your reasoning." in p
        for p in prompts
    )


def test_the_grading_screen_runs_a_fixed_number_of_queries(
    client: Client,
    written: WrittenAnswer,
    course_instructor: User,
    django_assert_num_queries: Any,
) -> None:
    grade_by_hand([written(t) for t in GOOD[:3] + WEAK[:3]], course_instructor)
    fresh = written("B is cheap because there is no retraining of the model at all.")
    client.force_login(course_instructor)

    # session, user, roles and permissions (one query), the answer with
    # its question, quiz, course and student (access), the queue's ids, the item's answers
    # (the student's choices), the "graded like" answers, open regrade requests, history
    with django_assert_num_queries(9):
        response = client.get(reverse("review:answer", args=[fresh.pk]))

    assert "Graded like these answers" in response.content.decode()


def test_fewer_answers_go_to_a_person_as_the_decisions_grow(
    written: WrittenAnswer, course_instructor: User, settings: Any
) -> None:
    """The rubric alone is never sure enough for a threshold of 0.975; a learned grade is capped
    at n / (n + 0.25) after n decisions here (0.973 after 9, 0.976 after 10), so the part's
    waiting answers are released only once ten decisions back the model."""
    settings.STEPWISE_LEARN_TRUST_PRIOR = 0.25
    GradingPolicy.objects.update(review_threshold=0.975)
    extra = [
        "B because no retraining is needed.",
        "B is cheaper.",
        "B, I guess.",
        "B keeps costs down without retraining.",
        "Cheap: B.",
        "B because reasons.",
    ]
    answers = [written(t) for t in GOOD + WEAK + extra]
    waiting = Answer.objects.filter(status=Answer.Status.REVIEW, reviewed_by__isnull=True)
    assert waiting.count() == 18
    routed = []
    for answer in answers[:3] + answers[6:9] + answers[3:6] + answers[9:10]:
        answer.refresh_from_db()
        if answer.reviewed_by_id is None:
            grade_by_hand([answer], course_instructor)
        routed.append(waiting.count())

    assert routed[:9] == list(range(17, 8, -1))  # up to nine decisions: one fewer each
    assert routed[9] < 8  # the tenth decision releases answers the model is sure of
    assert learning.trust_cap(9) < 0.975 <= learning.trust_cap(10)
