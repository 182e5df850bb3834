"""Results people can read: percentages with bars per concept and Bloom level (pending never
counted as zero), durations in words, names and e-mail addresses in the CSVs, and a course
gradebook that follows each quiz's combine rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Attempt, Quiz
from review.models import GradingPolicy

pytestmark = pytest.mark.django_db


JUSTIFICATION = "A smaller model answers sooner, so it is the cheaper first try."


def finish(quiz: Quiz, student: User, pick: str = "a", written: bool = False) -> Attempt:
    """Answer pick-one (`a` is right) and submit; the scenario's justification is written
    when `written` (a blank one earns nothing at once and waits for no one)."""
    attempt = start_attempt(quiz, student)
    item = attempt.items.get(version__question__slug="pick-one")
    save_answers(attempt, item, {"choice": {"selected": [pick]}})
    if written:
        scenario = attempt.items.get(version__question__slug="scenario")
        save_answers(attempt, scenario, {"justify": {"text": JUSTIFICATION}})
    return submit_attempt(attempt)


def with_review_pending(quiz: Quiz) -> None:
    """Every written answer goes to a person first: it stays pending."""
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)


def results_url(quiz: Quiz) -> str:
    return reverse("quizzes:results", args=[quiz.course.slug, quiz.slug])


def test_the_result_page_shows_a_percentage_and_a_bar_per_concept_and_bloom_level(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = finish(quiz, student)
    client.force_login(student)

    response = client.get(reverse("quizzes:result", args=[attempt.pk]))

    html = response.content.decode()
    by_bloom = {s.label: s for s in response.context["breakdown"].by_bloom}
    assert by_bloom["Remember"].percent == 50.0  # pick-one right, true-or-false unanswered
    assert '<meter min="0" max="100" value="50.0"' in html
    assert "<strong>50%</strong>" in html


def test_a_concept_whose_answers_are_all_being_graded_shows_pending_not_zero(
    client: Client, quiz: Quiz, student: User
) -> None:
    with_review_pending(quiz)
    attempt = finish(quiz, student, written=True)
    client.force_login(student)

    response = client.get(reverse("quizzes:result", args=[attempt.pk]))

    # The scenario is the only "evaluate" question: its choice is graded, its justification
    # waits for a person and is left out of both the points and the maximum.
    evaluate = next(s for s in response.context["breakdown"].by_bloom if s.label == "Evaluate")
    assert evaluate.pending == 1 and evaluate.points == 0 and evaluate.max_points > 0
    assert '<span class="pending">and 1 pending</span>' in response.content.decode()


def test_a_row_with_only_pending_answers_says_pending_without_a_percent() -> None:
    from django.template.loader import render_to_string

    from quizzes.feedback import Breakdown, Subscore

    waiting = Subscore("Evaluate", pending=2)
    html = render_to_string(
        "includes/breakdown.html", {"sections": Breakdown(by_bloom=[waiting]).sections}
    )

    assert "pending (2 being graded)" in html and "0%" not in html and "<meter" not in html


def test_the_results_table_shows_durations_in_words_and_the_zone_of_the_times(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    attempt = finish(quiz, student)
    assert attempt.submitted_at is not None
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.submitted_at - timedelta(minutes=4, seconds=10, microseconds=228005)
    )
    client.force_login(course_instructor)

    html = client.get(results_url(quiz)).content.decode()

    assert "4 min 10 s" in html and "0:04:10" not in html
    assert "UTC" in html


def test_an_attempt_with_answers_being_graded_shows_pending_not_a_percent_counting_them_zero(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    with_review_pending(quiz)
    attempt = finish(quiz, student, written=True)
    attempt.refresh_from_db()
    assert attempt.pending_parts and attempt.percent is not None  # the zero-counting percent
    client.force_login(course_instructor)

    html = client.get(results_url(quiz)).content.decode()
    text = client.get(results_url(quiz), {"format": "csv"}).content.decode()

    assert f"{attempt.percent:.0f}%" not in html
    assert '<span class="pending">pending</span>' in html
    assert next(csv.DictReader(io.StringIO(text)))["percent"] == "pending"


def test_the_results_table_shows_the_class_by_concept_with_bars(
    client: Client, quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    finish(quiz, student, "a")
    finish(quiz, other_student, "b")
    client.force_login(course_instructor)

    response = client.get(results_url(quiz))

    alpha = next(s for s in response.context["breakdown"].by_concept if s.label == "Alpha")
    assert alpha.points == 1 and alpha.max_points == 4  # pick-one and true-or-false, twice
    assert '<meter min="0" max="100" value="25.0"' in response.content.decode()


def test_the_results_csv_carries_each_students_name_and_email(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    User.objects.filter(pk=student.pk).update(first_name="=Sam", last_name="Tester")
    finish(quiz, student)
    client.force_login(course_instructor)

    text = client.get(results_url(quiz), {"format": "csv"}).content.decode()

    row = next(csv.DictReader(io.StringIO(text)))
    assert row["student"] == "sam" and row["email"] == "sam@example.com"
    assert row["name"] == "'=Sam Tester"  # a spreadsheet would run it: quoted


# --- the gradebook ---------------------------------------------------------------------------


def gradebook(client: Client, quiz: Quiz) -> list[dict[str, str]]:
    text = client.get(reverse("quizzes:gradebook", args=[quiz.course.slug])).content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def column(quiz: Quiz) -> str:
    return f"{quiz.title} ({quiz.slug}) [%]"


@pytest.mark.parametrize(
    ("rule", "grade"), [("highest", "50.0"), ("last", "0.0"), ("mean", "25.0")]
)
def test_the_gradebook_combines_attempts_as_each_quiz_says(
    client: Client, quiz: Quiz, student: User, course_instructor: User, rule: str, grade: str
) -> None:
    quiz.grading = rule
    quiz.save()
    quiz.items.exclude(question__slug__in=["pick-one", "true-or-false"]).delete()
    finish(quiz, student, "a")  # 1 of 2 points: 50 %
    finish(quiz, student, "b")  # 0 of 2: 0 %
    client.force_login(course_instructor)

    rows = gradebook(client, quiz)

    assert [(r["username"], r["email"], r[column(quiz)]) for r in rows] == [
        ("sam", "sam@example.com", grade)
    ]


def test_the_gradebook_lists_every_student_says_pending_and_guards_formulas(
    client: Client,
    quiz: Quiz,
    student: User,
    other_student: User,
    course_instructor: User,
    make_user: Callable[..., User],
) -> None:
    with_review_pending(quiz)
    finish(quiz, student, written=True)
    make_user("@ttacker")
    client.force_login(course_instructor)

    rows = {r["username"]: r for r in gradebook(client, quiz)}

    assert rows["sam"][column(quiz)] == "pending"
    assert rows["olga"][column(quiz)] == ""  # nothing submitted
    assert "'@ttacker" in rows
    assert "ines" not in rows  # the course's staff are not its students


def test_the_gradebook_runs_a_fixed_number_of_queries(
    client: Client,
    quiz: Quiz,
    course_instructor: User,
    make_user: Callable[..., User],
    django_assert_num_queries: Any,
) -> None:
    for n in range(5):
        finish(quiz, make_user(f"learner{n}"))
    client.force_login(course_instructor)
    url = reverse("quizzes:gradebook", args=[quiz.course.slug])

    # session, user, roles, the course (access), the quizzes, the attempts, the students: 7
    with django_assert_num_queries(7):
        response = client.get(url)

    assert len(response.content.decode().splitlines()) == 6


def test_the_gradebook_is_for_the_courses_instructors(
    client: Client, quiz: Quiz, student: User
) -> None:
    client.force_login(student)

    assert client.get(reverse("quizzes:gradebook", args=[quiz.course.slug])).status_code == 403
