"""Attempts in progress follow the quiz: closing it earlier, shortening its time limit or
extending either reaches students already writing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.actions import start_attempt
from quizzes.models import Answer, Attempt, Quiz

pytestmark = pytest.mark.django_db


def pick_one(attempt: Attempt) -> str:
    return f"q{attempt.items.get(version__question__slug='pick-one').position}-choice"


def test_closing_the_quiz_early_ends_attempts_in_progress_at_the_new_time(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = start_attempt(quiz, student)
    assert attempt.deadline is None  # no limit, no closing time
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    client.post(url, {pick_one(attempt): "a", "nav": "save"})

    closed = timezone.now() - timedelta(seconds=1)
    quiz.closes_at = closed
    quiz.save()
    late = client.post(url, {pick_one(attempt): "b", "nav": "save"}, follow=True)

    attempt.refresh_from_db()
    assert attempt.deadline == closed and attempt.submitted_at == closed
    saved = Answer.objects.get(item__attempt=attempt, item__version__question__slug="pick-one")
    assert saved.response == {"selected": ["a"]}  # the late "b" was refused
    assert "Time is up" in late.content.decode() or "already submitted" in late.content.decode()


def test_a_shorter_or_longer_time_limit_reaches_open_attempts_only(
    quiz: Quiz, student: User, other_student: User
) -> None:
    quiz.time_limit_minutes = 60
    quiz.save()
    done = start_attempt(quiz, other_student)
    Attempt.objects.filter(pk=done.pk).update(submitted_at=timezone.now())
    writing = start_attempt(quiz, student)

    quiz.time_limit_minutes = 5
    quiz.save()
    writing.refresh_from_db()
    assert writing.deadline == writing.started_at + timedelta(minutes=5)

    quiz.time_limit_minutes = 90
    quiz.closes_at = writing.started_at + timedelta(minutes=30)
    quiz.save()
    writing.refresh_from_db()
    done.refresh_from_db()
    assert writing.deadline == writing.started_at + timedelta(minutes=30)  # the earlier of the two
    assert done.deadline == done.started_at + timedelta(minutes=60)  # submitted: left alone

    quiz.time_limit_minutes = None
    quiz.closes_at = None
    quiz.save()
    writing.refresh_from_db()
    assert writing.deadline is None


def test_feedback_after_close_on_a_quiz_that_never_closes_stays_hidden(
    quiz: Quiz, student: User
) -> None:
    """The builder and the import refuse this setting; data from before that is read safely."""
    from quizzes.actions import submit_attempt
    from quizzes.feedback import feedback_allowed

    Quiz.objects.filter(pk=quiz.pk).update(feedback=Quiz.Feedback.AFTER_CLOSE, closes_at=None)
    quiz.refresh_from_db()
    attempt = submit_attempt(start_attempt(quiz, student))

    assert not feedback_allowed(attempt)


def test_a_save_found_past_the_deadline_submits_the_attempt_for_good(
    quiz: Quiz, student: User
) -> None:
    """The refusal is raised after the submit is committed, so it does not undo it."""
    from quizzes.actions import AttemptClosed, save_answers

    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start_attempt(quiz, student)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    item = attempt.items.get(version__question__slug="pick-one")

    with pytest.raises(AttemptClosed, match="Time is up"):
        save_answers(attempt, item, {"choice": {"selected": ["a"]}})

    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline
    assert not Answer.objects.filter(item__attempt=attempt, response__selected=["a"]).exists()
