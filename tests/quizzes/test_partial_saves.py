"""One unfinished answer must not cost the others: with every question on one page, a
half-numbered ordering is shown back with its problem while the rest of the page is saved."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.actions import start_attempt
from quizzes.models import Answer, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_page(quiz: Quiz, student: User) -> Attempt:
    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.shuffle_questions = False
    quiz.save()
    return start_attempt(quiz, student)


def half_numbered(attempt: Attempt) -> dict[str, str]:
    """The ordering question with only its first box filled in."""
    pos = position(attempt, "put-in-order")
    first = attempt.items.get(position=pos).order["o"][0]
    return {f"q{pos}-o-{first}": "2"}


def test_autosave_keeps_the_valid_answers_and_names_the_question_in_plain_words(
    client: Client, student: User, one_page: Attempt
) -> None:
    client.force_login(student)
    pick = position(one_page, "pick-one")

    response = client.post(
        reverse("quizzes:attempt", args=[one_page.pk]),
        {f"q{pick}-choice": "a", **half_numbered(one_page)},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    order = position(one_page, "put-in-order")
    assert Answer.objects.get(item__attempt=one_page, part_id="choice").response == {
        "selected": ["a"]
    }
    assert f"<li>Question {order}: " in html and "Your other answers were saved" in html
    assert "__all__" not in html and f"q{order}-" not in html and "<html" not in html


def test_without_javascript_the_page_comes_back_whole_with_the_typed_values(
    client: Client, student: User, one_page: Attempt
) -> None:
    client.force_login(student)
    pick = position(one_page, "pick-one")
    typed = half_numbered(one_page)

    response = client.post(
        reverse("quizzes:attempt", args=[one_page.pk]),
        {f"q{pick}-choice": "a", **typed, "nav": "review"},
    )

    html = response.content.decode()
    assert response.status_code == 422  # not on to the review page
    assert html.count('class="question card"') == one_page.items.count()
    (name,) = typed
    assert f'name="{name}" value="2"' in html or f'value="2" name="{name}"' in html
    assert Answer.objects.filter(item__attempt=one_page, part_id="choice").exists()
    assert "Your other answers are saved." in html


def test_enter_in_an_answer_saves_rather_than_going_back(
    client: Client, student: User, quiz: Quiz
) -> None:
    attempt = start_attempt(quiz, student)  # one question per page: page 2 has "Previous"
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk]) + "?n=2").content.decode()

    form = html[html.index('<form method="post"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'name="nav" value="save"' in first_button


def test_a_refused_page_shows_what_was_saved_before_beside_what_was_just_typed(
    client: Client, student: User, one_page: Attempt
) -> None:
    """A save reads no saved answers (the posted forms show what was posted), so the page
    shown again must still read them for the questions this post did not hold."""
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[one_page.pk])
    pick = position(one_page, "pick-one")
    client.post(url, {f"q{pick}-choice": "b", "nav": "save"})  # saved earlier

    response = client.post(url, {**half_numbered(one_page), "nav": "save"})

    assert response.status_code == 422
    html = response.content.decode()
    picked = [line for line in html.splitlines() if f'name="q{pick}-choice"' in line]
    assert any('value="b"' in line and "checked" in line for line in picked), picked
    (name,) = half_numbered(one_page)
    assert f'name="{name}" value="2"' in html or f'value="2" name="{name}"' in html
