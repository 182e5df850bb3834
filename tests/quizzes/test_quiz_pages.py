"""What the quiz pages tell a student: when a quiz opens and closes, whether it can be started,
when an attempt ends, counts in words, refused saves, and the grade per quiz on "My attempts"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Attempt, Quiz

pytestmark = pytest.mark.django_db


def quiz_url(quiz: Quiz) -> str:
    return reverse("quizzes:quiz", args=[quiz.course.slug, quiz.slug])


def start_url(quiz: Quiz) -> str:
    return reverse("quizzes:start", args=[quiz.course.slug, quiz.slug])


def scored(quiz: Quiz, student: User, score: float) -> Attempt:
    """A submitted attempt scoring `score` out of 10."""
    attempt = submit_attempt(start_attempt(quiz, student))
    Attempt.objects.filter(pk=attempt.pk).update(score=score, max_score=10, pending_parts=0)
    attempt.refresh_from_db()
    return attempt


# ---------------------------------------------------------------------------------------------
# Bug 1: opening and closing times, no attempts left


def test_a_quiz_opening_later_says_when_and_cannot_be_started(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.opens_at = datetime(2099, 1, 1, 9, 30, tzinfo=UTC)
    quiz.save()
    client.force_login(student)

    html = client.get(quiz_url(quiz)).content.decode()
    refused = client.post(start_url(quiz), follow=True).content.decode()

    assert "Opens" in html and "1 Jan 2099, 09:30 UTC" in html
    assert "Start the quiz" not in html
    assert "This quiz opens on 1 Jan 2099, 09:30 UTC" in refused
    assert "closed" not in refused
    assert not Attempt.objects.exists()


def test_a_closed_quiz_says_it_closed_and_cannot_be_started(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.closes_at = datetime(2020, 1, 1, tzinfo=UTC)
    quiz.save()
    client.force_login(student)

    html = client.get(quiz_url(quiz)).content.decode()
    refused = client.post(start_url(quiz), follow=True).content.decode()

    assert "Closed" in html and "1 Jan 2020, 00:00 UTC" in html
    assert "Closes" not in html and "Start the quiz" not in html
    assert "This quiz closed on 1 Jan 2020, 00:00 UTC" in refused


def test_an_open_attempt_of_a_quiz_that_closed_is_not_offered_to_continue(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = start_attempt(quiz, student)
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()  # the attempt's deadline becomes the closing time
    client.force_login(student)

    html = client.get(quiz_url(quiz)).content.decode()

    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert "Continue attempt" not in html and "Start the quiz" not in html


def test_no_start_button_once_every_attempt_is_used(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.max_attempts = 2
    quiz.save()
    scored(quiz, student, 5)
    scored(quiz, student, 6)
    client.force_login(student)

    html = client.get(quiz_url(quiz)).content.decode()

    assert "Start the quiz" not in html
    assert "You have used your 2 attempts" in html


def test_an_open_quiz_with_attempts_left_still_offers_to_start(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.max_attempts = 2
    quiz.opens_at = timezone.now() - timedelta(days=1)
    quiz.closes_at = datetime(2099, 1, 1, tzinfo=UTC)
    quiz.save()
    scored(quiz, student, 5)
    client.force_login(student)

    html = client.get(quiz_url(quiz)).content.decode()

    assert "Start the quiz" in html and "Closes" in html and "1 Jan 2099, 00:00 UTC" in html
    assert "(1 left)" in html and "Opens" not in html


# ---------------------------------------------------------------------------------------------
# Bug 2: when the attempt ends, with the date and the time zone


def test_the_attempt_page_gives_the_deadline_date_time_and_zone(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.closes_at = datetime(2099, 1, 1, tzinfo=UTC)
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert 'datetime="2099-01-01T00:00:00+00:00">1 Jan 2099, 00:00 UTC</time>' in html


def test_a_deadline_today_says_today(client: Client, quiz: Quiz, student: User) -> None:
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = start_attempt(quiz, student)
    assert attempt.deadline is not None
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    deadline = timezone.localtime(attempt.deadline)
    if deadline.date() == timezone.localdate():  # not when the minute crosses midnight
        assert f"today at {deadline:%H:%M} UTC</time>" in html
    else:
        assert f"{deadline.day} {deadline:%b %Y, %H:%M} UTC</time>" in html


# ---------------------------------------------------------------------------------------------
# Bug 3: a save with nothing posted is refused as one with answers


def test_saving_nothing_to_a_submitted_attempt_is_refused(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = submit_attempt(start_attempt(quiz, student))
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {"nav": "save"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("quizzes:result", args=[attempt.pk])
    assert "This attempt was already submitted; your answers can no longer change." in html
    assert "Your answers are saved." not in html


def test_saving_nothing_after_the_deadline_finishes_the_attempt(
    client: Client, quiz: Quiz, student: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempt = start_attempt(quiz, student)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    # The deadline passes between loading the attempt and saving (loading finishes it).
    monkeypatch.setattr("quizzes.actions.finish_overdue", lambda a, now=None: a)
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {"nav": "save"}, follow=True
    )

    html = response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert "Time is up" in html and "Your answers are saved." not in html


def test_saving_nothing_to_an_open_attempt_still_says_saved(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = start_attempt(quiz, student)
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {"nav": "save"}, follow=True
    )

    assert "Your answers are saved." in response.content.decode()
    attempt.refresh_from_db()
    assert not attempt.is_submitted


# ---------------------------------------------------------------------------------------------
# Bug 4: counts in words


def test_one_minute_and_one_attempt_are_singular(client: Client, quiz: Quiz, student: User) -> None:
    quiz.time_limit_minutes = 1
    quiz.max_attempts = 1
    quiz.save()
    scored(quiz, student, 5)
    client.force_login(student)

    page = client.get(quiz_url(quiz)).content.decode()
    listing = client.get(reverse("quizzes:quiz_list", args=[quiz.course.slug])).content.decode()
    mine = client.get(reverse("quizzes:my_attempts")).content.decode()

    assert "Time limit: 1 minute<" in page and "1 attempt allowed" in page
    assert "You have used your 1 attempt at" in page
    assert "Time limit: 1 minute ·" in listing and "1 attempt allowed" in listing
    assert "highest of 1 attempt<" in mine
    for html in (page, listing, mine):
        assert "1 minutes" not in html and "1 attempts" not in html


def test_several_minutes_and_attempts_are_plural(client: Client, quiz: Quiz) -> None:
    quiz.time_limit_minutes = 20
    quiz.max_attempts = 3
    quiz.save()

    page = client.get(quiz_url(quiz)).content.decode()
    listing = client.get(reverse("quizzes:quiz_list", args=[quiz.course.slug])).content.decode()

    for html in (page, listing):
        assert "Time limit: 20 minutes" in html and "3 attempts allowed" in html


# ---------------------------------------------------------------------------------------------
# Bug 6: the grade per quiz on "My attempts"


@pytest.mark.parametrize(
    ("grading", "grade", "how"),
    [
        ("highest", "80.0%", "highest of 2 attempts"),
        ("last", "50.0%", "last of 2 attempts"),
        ("mean", "65.0%", "mean of 2 attempts"),
    ],
)
def test_my_attempts_shows_each_quiz_grade_and_how_it_is_combined(
    client: Client, quiz: Quiz, student: User, grading: str, grade: str, how: str
) -> None:
    quiz.grading = grading
    quiz.save()
    scored(quiz, student, 8)
    scored(quiz, student, 5)
    client.force_login(student)

    html = client.get(reverse("quizzes:my_attempts")).content.decode()

    assert f"<strong>{grade}</strong>" in html and how in html


def test_my_attempts_without_a_graded_attempt_says_so(
    client: Client, quiz: Quiz, student: User
) -> None:
    start_attempt(quiz, student)
    client.force_login(student)

    html = client.get(reverse("quizzes:my_attempts")).content.decode()

    assert "no graded attempt yet" in html and "continue" in html
