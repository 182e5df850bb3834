"""Accommodations as the server's clock honours them: a student's own time limit, attempts
and dates at every check — start, save, autosave, submit, "time is up", the countdown,
finishing overdue attempts — including an attempt already in progress, never reviving one
whose time has run out."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.history import history_of
from quizzes.accommodations import Terms, set_accommodation, window_for
from quizzes.actions import (
    AttemptClosed,
    QuizError,
    finish_overdue,
    save_answers,
    start_attempt,
    submit_attempt,
)
from quizzes.models import Accommodation, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db

EXTRA = Terms(extra_minutes=30)


@pytest.fixture
def timed(quiz: Quiz) -> Quiz:
    """A ten-minute quiz."""
    quiz.time_limit_minutes = 10
    quiz.shuffle_questions = False
    quiz.save()
    return quiz


def started_ago(attempt: Attempt, minutes: int) -> Attempt:
    """Move an attempt back in time as if started `minutes` ago, its deadline with it."""
    shift = timedelta(minutes=minutes)
    assert attempt.deadline is not None
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - shift, deadline=attempt.deadline - shift
    )
    attempt.refresh_from_db()
    return attempt


def pick_one(attempt: Attempt) -> str:
    return f"q{position(attempt, 'pick-one')}-choice"


# --- the window ---------------------------------------------------------------------------


def test_extra_minutes_and_a_factor_stretch_the_time_limit_of_that_student_only(
    timed: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, Terms(time_factor=Decimal("1.5")), by=course_instructor)

    assert window_for(timed, student).time_limit == timedelta(minutes=15)
    assert window_for(timed, other_student).time_limit == timedelta(minutes=10)
    set_accommodation(timed, student, Terms(extra_minutes=25), by=course_instructor)
    assert window_for(timed, student).time_limit == timedelta(minutes=35)


def test_a_new_attempt_gets_the_students_own_deadline(
    timed: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, EXTRA, by=course_instructor)

    mine = start_attempt(timed, student)
    theirs = start_attempt(timed, other_student)

    assert mine.deadline == mine.started_at + timedelta(minutes=40)
    assert theirs.deadline == theirs.started_at + timedelta(minutes=10)


def test_an_extra_attempt_lets_that_student_start_one_more(
    quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    quiz.max_attempts = 1
    quiz.save()
    set_accommodation(quiz, student, Terms(extra_attempts=1), by=course_instructor)
    for who in (student, other_student):
        submit_attempt(start_attempt(quiz, who))

    assert start_attempt(quiz, student).number == 2
    with pytest.raises(QuizError, match="used all your attempts"):
        start_attempt(quiz, other_student)


def test_own_dates_let_a_student_start_before_the_quiz_opens_or_after_it_closes(
    quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    now = timezone.now()
    quiz.opens_at = now + timedelta(days=1)
    quiz.closes_at = now + timedelta(days=2)
    quiz.save()
    set_accommodation(quiz, student, Terms(opens_at=now - timedelta(hours=1)), by=course_instructor)

    assert start_attempt(quiz, student).deadline == quiz.closes_at
    with pytest.raises(QuizError, match="opens on"):
        start_attempt(quiz, other_student)

    quiz.opens_at = now - timedelta(days=2)
    quiz.closes_at = now - timedelta(days=1)
    quiz.save()
    later = now + timedelta(hours=3)
    set_accommodation(quiz, other_student, Terms(closes_at=later), by=course_instructor)
    assert start_attempt(quiz, other_student).deadline == later


def test_the_quiz_page_shows_the_students_own_terms(
    client: Client, timed: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    timed.max_attempts = 2
    timed.save()
    set_accommodation(timed, student, Terms(extra_minutes=5, extra_attempts=1), course_instructor)
    url = reverse("quizzes:quiz", args=[timed.course.slug, timed.slug])

    client.force_login(student)
    mine = client.get(url).content.decode()
    client.force_login(other_student)
    theirs = client.get(url).content.decode()

    assert "Time limit: 15 minutes" in mine and "3 attempts allowed" in mine
    assert "your own terms" in mine
    assert "Time limit: 10 minutes" in theirs and "2 attempts allowed" in theirs


# --- attempts already in progress ----------------------------------------------------------


def test_an_accommodation_reaches_an_attempt_in_progress(
    timed: Quiz, student: User, course_instructor: User
) -> None:
    attempt = started_ago(start_attempt(timed, student), 8)

    set_accommodation(timed, student, EXTRA, by=course_instructor)

    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=40)


def test_saving_the_quiz_keeps_the_accommodated_deadline(
    timed: Quiz, student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, EXTRA, by=course_instructor)
    attempt = start_attempt(timed, student)

    timed.title = "Renamed"
    timed.save()  # refits every open attempt
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=40)

    timed.time_limit_minutes = 20
    timed.save()
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=50)


def test_an_attempt_whose_time_ran_out_is_not_revived_by_a_later_accommodation(
    timed: Quiz, student: User, course_instructor: User
) -> None:
    attempt = started_ago(start_attempt(timed, student), 11)
    ended_at = attempt.deadline

    set_accommodation(timed, student, EXTRA, by=course_instructor)

    attempt.refresh_from_db()
    assert attempt.deadline == ended_at
    assert finish_overdue(attempt).submitted_at == ended_at


def test_removing_an_accommodation_gives_the_attempt_the_quizs_deadline_back(
    timed: Quiz, student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, EXTRA, by=course_instructor)
    attempt = start_attempt(timed, student)

    set_accommodation(timed, student, Terms(), by=course_instructor)

    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=10)
    assert not Accommodation.objects.exists()


# --- each server check, past the quiz's own deadline but within the student's ------------


@pytest.fixture
def past_base(timed: Quiz, student: User, course_instructor: User) -> Attempt:
    """An attempt 15 minutes into a 10-minute quiz, with 30 extra minutes: 25 minutes left."""
    set_accommodation(timed, student, EXTRA, by=course_instructor)
    return started_ago(start_attempt(timed, student), 15)


def test_saving_answers_past_the_quizs_deadline_is_accepted_within_the_students(
    past_base: Attempt,
) -> None:
    item = past_base.items.get(version__question__slug="pick-one")

    save_answers(past_base, item, {"choice": {"selected": ["a"]}})

    past_base.refresh_from_db()
    assert not past_base.is_submitted


def test_the_same_save_is_refused_once_the_students_own_deadline_passes(
    past_base: Attempt,
) -> None:
    item = past_base.items.get(version__question__slug="pick-one")
    assert past_base.deadline is not None
    after: datetime = past_base.deadline + timedelta(seconds=1)

    with pytest.raises(AttemptClosed):
        save_answers(past_base, item, {"choice": {"selected": ["a"]}}, now=after)


def test_autosave_is_accepted_within_the_students_own_time(
    client: Client, student: User, past_base: Attempt
) -> None:
    client.force_login(student)

    response = client.post(
        reverse("quizzes:autosave", args=[past_base.pk]), {pick_one(past_base): "a"}
    )

    assert response.status_code == 204


def test_the_countdown_counts_down_the_students_own_time(
    client: Client, student: User, past_base: Attempt
) -> None:
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[past_base.pk])).content.decode()

    left = int(re.search(r'data-remaining="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert 24 * 60 - 5 <= left <= 25 * 60


def test_time_up_sends_a_student_with_time_left_back_to_the_attempt(
    client: Client, student: User, past_base: Attempt
) -> None:
    client.force_login(student)

    response = client.get(reverse("quizzes:time_up", args=[past_base.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:attempt", args=[past_base.pk])


def test_submitting_within_the_students_own_time_is_not_a_time_out(
    client: Client, student: User, past_base: Attempt
) -> None:
    client.force_login(student)

    response = client.post(reverse("quizzes:submit", args=[past_base.pk]), {"confirm": "yes"})

    assert response["Location"] == reverse("quizzes:result", args=[past_base.pk])
    past_base.refresh_from_db()
    assert past_base.is_submitted and not past_base.timed_out


def test_without_the_accommodation_the_same_moment_is_a_time_out(
    client: Client, timed: Quiz, student: User
) -> None:
    """The control for the checks above: they pass because of the accommodation."""
    attempt = started_ago(start_attempt(timed, student), 15)
    client.force_login(student)

    response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {pick_one(attempt): "a"})

    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.timed_out


# --- the audit -------------------------------------------------------------------------------


def test_every_change_is_recorded_in_the_quizs_history_with_who_and_what(
    timed: Quiz, student: User, course_instructor: User
) -> None:
    set_accommodation(timed, student, EXTRA, by=course_instructor)
    set_accommodation(timed, student, EXTRA, by=course_instructor)  # no change, no record
    set_accommodation(timed, student, Terms(), by=course_instructor)

    records = list(history_of(timed).filter(summary__startswith="Accommodation"))
    assert [r.summary for r in records] == [
        "Accommodation for sam: removed",
        "Accommodation for sam: set",
    ]
    assert all(r.user == course_instructor for r in records)
    assert records[1].changes == {"sam: extra minutes": [0, 30]}


# --- what others see while an accommodated student still writes -----------------------------


def test_right_answers_shown_after_close_wait_until_every_accommodated_student_has_closed(
    quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    from quizzes.visibility import shown_to

    now = timezone.now()
    quiz.feedback = Quiz.Feedback.AFTER_CLOSE
    quiz.closes_at = now + timedelta(minutes=5)
    quiz.save()
    done = submit_attempt(start_attempt(quiz, student))
    set_accommodation(
        quiz, other_student, Terms(closes_at=now + timedelta(hours=2)), by=course_instructor
    )

    after_quiz_close = now + timedelta(minutes=10)
    after_everyone = now + timedelta(hours=3)
    fresh = Attempt.objects.select_related("quiz__course").get(pk=done.pk)
    assert not shown_to(student, fresh, after_quiz_close).right_answers
    fresh = Attempt.objects.select_related("quiz__course").get(pk=done.pk)
    assert shown_to(student, fresh, after_everyone).right_answers


def test_the_result_page_names_when_the_quiz_closes_for_everyone(
    client: Client, quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    now = timezone.now()
    quiz.feedback = Quiz.Feedback.AFTER_CLOSE
    quiz.closes_at = now + timedelta(minutes=5)
    quiz.save()
    done = submit_attempt(start_attempt(quiz, student))
    later = (now + timedelta(days=2)).replace(second=0, microsecond=0)
    set_accommodation(quiz, other_student, Terms(closes_at=later), by=course_instructor)
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[done.pk])).content.decode()

    assert f'<time datetime="{later.isoformat()}">' in html
