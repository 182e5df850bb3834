"""The accommodations page: the course's instructor lists the students with their terms and
changes one student's; every bad post is refused with a message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import INSTRUCTOR
from courses.models import Course
from quizzes.accommodations import Terms, set_accommodation, window_for
from quizzes.actions import start_attempt
from quizzes.models import Accommodation, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed(quiz: Quiz) -> Quiz:
    quiz.time_limit_minutes = 20
    quiz.max_attempts = 2
    quiz.save()
    return quiz


def url(quiz: Quiz) -> str:
    return reverse("quizzes:accommodations", args=[quiz.course.slug, quiz.slug])


def post(client: Client, quiz: Quiz, **data: Any) -> Any:
    return client.post(url(quiz), {k: v for k, v in data.items() if v is not None})


def test_the_instructor_gives_a_student_extra_time_and_an_attempt(
    client: Client, timed: Quiz, student: User, course_instructor: User
) -> None:
    client.force_login(course_instructor)

    response = post(client, timed, student=student.pk, extra_minutes=10, extra_attempts=1)

    assert response.status_code == 302
    window = window_for(timed, student)
    assert window.time_limit == timedelta(minutes=30) and window.max_attempts == 3
    page = client.get(url(timed)).content.decode()
    assert "Saved the terms for sam." in page
    assert "30 min (+10)" in page and "Accommodation for sam: set" in page


def test_an_attempt_in_progress_shows_its_new_end_on_the_page(
    client: Client, timed: Quiz, student: User, course_instructor: User
) -> None:
    attempt = start_attempt(timed, student)
    client.force_login(course_instructor)

    post(client, timed, student=student.pk, time_factor="1.5")

    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    assert "attempt 1, ends" in client.get(url(timed)).content.decode()


def test_empty_terms_give_the_student_the_quizs_own_again(
    client: Client, timed: Quiz, student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, Terms(extra_minutes=5), by=course_instructor)
    client.force_login(course_instructor)

    assert post(client, timed, student=student.pk).status_code == 302

    assert not Accommodation.objects.exists()


def test_the_change_link_fills_the_form_with_the_students_terms(
    client: Client, timed: Quiz, student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, Terms(extra_minutes=7), by=course_instructor)
    client.force_login(course_instructor)

    form = client.get(url(timed), {"student": student.pk}).context["form"]

    assert form.initial["extra_minutes"] == 7 and form.initial["student"] == student.pk


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"extra_minutes": -5}, "extra_minutes", "Extra time cannot be negative."),
        ({"extra_minutes": 10**6}, "extra_minutes", "At most 10080 minutes"),
        ({"time_factor": "0.5"}, "time_factor", "A factor below 1 would take time away"),
        ({"time_factor": "40"}, "time_factor", "At most 5 times the time limit."),
        ({"extra_minutes": 5, "time_factor": "2"}, "time_factor", "minutes or as a factor"),
        ({"extra_attempts": -1}, "extra_attempts", "Extra attempts cannot be negative."),
        ({"extra_attempts": 999}, "extra_attempts", "At most 10 extra attempts."),
        ({"extra_minutes": "lots"}, "extra_minutes", "Enter a whole number."),
        (
            {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
            "closes_at",
            "close before it opens",
        ),
        ({"closes_at": "1999-01-01T10:00"}, "closes_at", "must fall in the years"),
    ],
)
def test_bad_terms_are_refused_with_a_message_and_change_nothing(
    client: Client,
    timed: Quiz,
    student: User,
    course_instructor: User,
    data: dict[str, Any],
    field: str,
    message: str,
) -> None:
    client.force_login(course_instructor)

    response = post(client, timed, student=student.pk, **data)

    assert response.status_code == 422
    assert any(message in e for e in response.context["form"].errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Accommodation.objects.exists()


def test_a_closing_time_before_the_quizs_own_opening_is_refused(
    client: Client, timed: Quiz, student: User, course_instructor: User
) -> None:
    timed.opens_at = timezone.now() + timedelta(days=3)
    timed.save()
    client.force_login(course_instructor)
    early = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = post(client, timed, student=student.pk, closes_at=early)

    assert response.status_code == 422
    assert "close before it opens" in str(response.context["form"].errors["closes_at"])


def test_extra_time_on_an_untimed_quiz_and_extra_attempts_on_unlimited_ones_are_refused(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    client.force_login(course_instructor)

    response = post(client, quiz, student=student.pk, extra_minutes=10, extra_attempts=1)

    errors = response.context["form"].errors
    assert "no time limit" in str(errors["extra_minutes"])
    assert "unlimited attempts" in str(errors["extra_attempts"])
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize("who", ["instructor", "inactive", "missing", "other_course_only"])
def test_an_account_that_is_not_a_student_of_the_course_is_refused(
    client: Client,
    timed: Quiz,
    course_instructor: User,
    make_user: Callable[..., User],
    who: str,
) -> None:
    """No enrolment yet: the course's students are active Student accounts not on its staff."""
    if who == "instructor":
        target = course_instructor.pk
    elif who == "inactive":
        target = make_user("gone").pk
        User.objects.filter(pk=target).update(is_active=False)
    elif who == "missing":
        target = 999_999
    else:
        teacher = make_user("teacher-elsewhere", INSTRUCTOR)
        Course.objects.create(slug="elsewhere", title="Elsewhere").staff.add(teacher)
        target = teacher.pk
    client.force_login(course_instructor)

    response = post(client, timed, student=target, extra_minutes=10)

    assert response.status_code == 422
    assert "not a student of this course" in str(response.context["form"].errors["student"])
    assert not Accommodation.objects.exists()


def test_a_change_link_for_someone_not_in_the_course_fills_nothing(
    client: Client, timed: Quiz, course_instructor: User
) -> None:
    client.force_login(course_instructor)

    for value in ("abc", str(course_instructor.pk), "999999"):
        assert client.get(url(timed), {"student": value}).context["form"].initial == {}


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_students(
    client: Client,
    timed: Quiz,
    course_instructor: User,
    make_user: Callable[..., User],
    django_assert_num_queries: Any,
) -> None:
    students = [make_user(f"learner{n}") for n in range(6)]
    for s in students[:3]:
        set_accommodation(timed, s, Terms(extra_minutes=5), by=course_instructor)
        start_attempt(timed, s)
    client.force_login(course_instructor)

    # session, user, roles and permissions (one query, the header's too), the quiz (access),
    # the students (list and select), the accommodations, the attempts in progress, the
    # history with its users: 8
    with django_assert_num_queries(8):
        response = client.get(url(timed))

    assert response.status_code == 200
    assert response.content.decode().count("(+5)") == 3
