"""Every student page, the review queue and the review screen run a fixed number of queries,
whatever the number of questions, answers or classmates: an N+1 shows here as a changed count.

Each pinned count names its queries. "session, user" are the session middleware's and the
authentication middleware's; "access" is one query for the user's group names (roles) and
permissions, their own and their groups' (`accounts.roles.access`), which the site header's
`perms` checks and every role check share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from review.models import GradingPolicy
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_client(client: Client, student: User) -> Client:
    client.force_login(student)
    return client


def answered(
    quiz: Quiz, user: User, text: str = "It needs no retraining, so it is cheap."
) -> Attempt:
    """A submitted attempt with a written justification the grader sends to review."""
    attempt = start_attempt(quiz, user)
    scenario = attempt.items.get(position=position(attempt, "scenario"))
    save_answers(attempt, scenario, {"choice": {"selected": ["b"]}, "justify": {"text": text}})
    return submit_attempt(attempt)


@pytest.fixture
def unsure(quiz: Quiz) -> Quiz:
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)
    return quiz


def test_the_quiz_list_and_quiz_page_run_fixed_queries(
    student_client: Client, quiz: Quiz, django_assert_num_queries
) -> None:
    course = quiz.course.slug
    # course, session, user, access, the course's quizzes with their chapters
    with django_assert_num_queries(5):
        student_client.get(reverse("quizzes:quiz_list", args=[course]))
    # quiz with course, session, user, the student's accommodations, the student's attempts,
    # access
    with django_assert_num_queries(6):
        student_client.get(reverse("quizzes:quiz", args=[course, quiz.slug]))


@pytest.mark.parametrize("layout", [Quiz.Layout.ONE_PER_PAGE, Quiz.Layout.ALL_ON_ONE])
def test_the_attempt_page_runs_the_same_queries_for_one_or_every_question(
    student_client: Client,
    quiz: Quiz,
    student: User,
    layout: str,
    django_assert_num_queries,
) -> None:
    quiz.layout = layout
    quiz.save()
    attempt = start_attempt(quiz, student)

    # session, user, attempt with quiz and course, items with versions, their answers,
    # access
    with django_assert_num_queries(6):
        response = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]) + "?n=2")
    assert response.status_code == 200
    # the review page before submitting: the same
    with django_assert_num_queries(6):
        student_client.get(reverse("quizzes:summary", args=[attempt.pk]))


def test_an_autosave_writes_one_row_with_fixed_queries(
    student_client: Client,
    quiz: Quiz,
    student: User,
    django_assert_num_queries,
) -> None:
    attempt = start_attempt(quiz, student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    n = position(attempt, "pick-one")
    student_client.post(url, {"position": n, f"q{n}-choice": "a"}, headers={"HX-Request": "true"})

    # session, user, the posted items with their versions and the attempt in one query (not
    # their saved answers: the form shows what was posted); then in one transaction (a
    # savepoint inside the test's, and its release): the attempt read locked, one conditional
    # UPDATE
    with django_assert_num_queries(7):
        response = student_client.post(
            url, {"position": n, f"q{n}-choice": "b"}, headers={"HX-Request": "true"}
        )

    assert "Saved at" in response.content.decode()
    assert Answer.objects.get(item__attempt=attempt, item__position=n).response == {
        "selected": ["b"]
    }


def test_the_result_and_my_attempts_pages_run_fixed_queries(
    student_client: Client,
    quiz: Quiz,
    student: User,
    django_assert_num_queries,
) -> None:
    attempt = answered(quiz, student)

    # session, user, attempt, items with versions, their answers, the questions' concepts,
    # access (may the user see everything? and the header)
    with django_assert_num_queries(7):
        student_client.get(reverse("quizzes:result", args=[attempt.pk]))
    # session, user, the student's attempts with quizzes and courses, access
    with django_assert_num_queries(4):
        student_client.get(reverse("quizzes:my_attempts"))


@pytest.mark.parametrize("classmates", [1, 4])
def test_the_review_queue_and_screen_run_the_same_queries_for_1_or_4_answers(
    client: Client,
    unsure: Quiz,
    make_user: Callable[..., User],
    course_instructor: User,
    classmates: int,
    django_assert_num_queries,
) -> None:
    for i in range(classmates):
        answered(unsure, make_user(f"learner{i}"))
    client.force_login(course_instructor)
    answer = Answer.objects.filter(part_id="justify").first()
    assert answer is not None and answer.status == Answer.Status.REVIEW

    # session, user, access (the view's permission check, its roles and the header's),
    # the filter's courses with their quizzes (one query), the answers listed, the
    # override rates' decisions, the re-grade runs
    with django_assert_num_queries(7):
        listed = client.get(reverse("review:queue"))
    assert listed.content.decode().count(reverse("review:answer", args=[answer.pk])) >= 1
    # session, user, access, the answer with its item, version and attempt,
    # the queue's ids (previous and next), the item's answers, the answer's open regrade
    # request, the answer's decisions
    with django_assert_num_queries(8):
        client.get(reverse("review:answer", args=[answer.pk]))
