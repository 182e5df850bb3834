"""The one-question page and the saves read only the items they show or save: what they do
with positions outside the attempt (typed, forged or stale) is unchanged by that."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.actions import save_answers, start_attempt
from quizzes.models import Answer, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # past any integer column


@pytest.fixture
def attempt(quiz: Quiz, student: User) -> Attempt:
    quiz.layout = Quiz.Layout.ONE_PER_PAGE
    quiz.save()
    return start_attempt(quiz, student)


def page_of(client: Client, attempt: Attempt, n: str) -> str:
    response = client.get(reverse("quizzes:attempt", args=[attempt.pk]), {"n": n})
    assert response.status_code == 200
    return response.content.decode()


def test_an_attempt_stores_how_many_questions_it_drew(attempt: Attempt) -> None:
    assert attempt.item_count == attempt.items.count() > 1


@pytest.mark.parametrize("stored", [True, False])
def test_a_question_number_past_the_last_shows_the_last_question(
    client: Client, student: User, attempt: Attempt, stored: bool
) -> None:
    if not stored:  # a row written without the count (before the column): items are counted
        Attempt.objects.filter(pk=attempt.pk).update(item_count=None)
    client.force_login(student)
    count = attempt.items.count()

    for asked in ("99", HUGE):
        assert f"question {count} of {count}" in page_of(client, attempt, asked)
    for asked in ("0", "-3", "abc", ""):
        assert f"question 1 of {count}" in page_of(client, attempt, asked)
    assert f"question 2 of {count}" in page_of(client, attempt, "2")


@pytest.mark.parametrize("htmx", [False, True])
def test_an_answer_to_a_forged_huge_question_number_is_refused_and_changes_nothing(
    client: Client, student: User, attempt: Attempt, htmx: bool
) -> None:
    client.force_login(student)
    n = position(attempt, "pick-one")
    item = attempt.items.get(position=n)
    save_answers(attempt, item, {"choice": {"selected": ["a"]}})
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": HUGE, f"q{HUGE}-choice": "b", f"q{n}-choice": "b", "check": HUGE},
        headers=headers,
        follow=not htmx,
    )
    beacon = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        {"position": HUGE, f"q{HUGE}-choice": "b", f"q{n}-choice": "b"},
    )

    if htmx:  # htmx is sent to the page, where the refusal waits as a message
        response = client.get(response["HX-Redirect"])
    assert "outside this attempt" in response.content.decode()
    assert beacon.status_code == 409 and "outside this attempt" in beacon.json()["message"]
    assert Answer.objects.get(item=item).response == {"selected": ["a"]}


def test_a_refused_answer_posted_with_a_stale_position_shows_the_last_question_again(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    n = position(attempt, "pick-one")
    count = attempt.items.count()

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": "99", f"q{n}-choice": "not-an-option", "nav": "save"},
    )

    assert response.status_code == 422
    assert f"question {count} of {count}" in response.content.decode()
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_a_save_posted_with_a_stale_position_saves_and_goes_to_the_last_question(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    n = position(attempt, "pick-one")
    count = attempt.items.count()

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": "99", f"q{n}-choice": "b", "nav": "save"},
    )

    assert response.status_code == 302 and response["Location"].endswith(f"?n={count}")
    assert Answer.objects.get(item__attempt=attempt, item__position=n).response == {
        "selected": ["b"]
    }
