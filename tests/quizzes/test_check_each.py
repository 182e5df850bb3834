"""Feedback after each question: "Check this answer" makes that answer final, on a page of its
own or with every question on one page, without stopping the other answers from saving."""

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
    quiz.feedback = Quiz.Feedback.AFTER_EACH
    quiz.shuffle_questions = False
    quiz.save()
    return start_attempt(quiz, student)


def saved(attempt: Attempt, part_id: str) -> object:
    answer = Answer.objects.filter(item__attempt=attempt, part_id=part_id).first()
    return answer.response if answer else None


def test_on_one_page_the_button_checks_its_own_question_and_the_rest_still_save(
    client: Client, student: User, one_page: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[one_page.pk])
    pick, tf = position(one_page, "pick-one"), position(one_page, "true-or-false")

    client.post(url, {f"q{pick}-choice": "b", f"q{tf}-tf": "true", "check": str(tf)})
    # The whole form again, as a stale tab would post it: the checked answer is skipped.
    client.post(url, {f"q{pick}-choice": "a", f"q{tf}-tf": "false", "nav": "save"})

    checked = one_page.items.filter(checked_at__isnull=False)
    assert [item.position for item in checked] == [tf]
    assert saved(one_page, "tf") == {"selected": ["true"]}  # final once checked
    assert saved(one_page, "choice") == {"selected": ["a"]}  # the other question kept saving
    html = client.get(url).content.decode()
    assert html.count('<fieldset class="parts" disabled>') == 1
    assert f'name="check" value="{tf}"' not in html and f'name="check" value="{pick}"' in html


def test_posting_only_a_checked_question_says_why_nothing_changed(
    client: Client, student: User, one_page: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[one_page.pk])
    tf = position(one_page, "true-or-false")
    client.post(url, {f"q{tf}-tf": "true", "check": str(tf)})

    response = client.post(url, {f"q{tf}-tf": "false", "nav": "save"}, follow=True)

    assert "You already checked this question; its answer is final." in response.content.decode()
    assert saved(one_page, "tf") == {"selected": ["true"]}


def test_one_question_per_page_checks_the_question_on_the_page(
    client: Client, quiz: Quiz, student: User
) -> None:
    quiz.feedback = Quiz.Feedback.AFTER_EACH
    quiz.shuffle_questions = False
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    pick = position(attempt, "pick-one")

    client.post(url, {f"q{pick}-choice": "a", "nav": "check", "position": str(pick)})

    item = attempt.items.get(position=pick)
    assert item.checked_at is not None and saved(attempt, "choice") == {"selected": ["a"]}
    page = client.get(f"{url}?n={pick}").content.decode()
    assert 'value="check"' not in page and "disabled" in page


@pytest.mark.parametrize("saved_before", [True, False])
def test_a_save_with_the_item_read_before_a_check_is_refused_and_changes_nothing(
    one_page: Attempt, saved_before: bool
) -> None:
    # The save path reads the item, then locks the attempt: a check that lands in between
    # (another tab) must still win, for an answer saved before and for a first save alike.
    from quizzes.actions import ALREADY_CHECKED, AttemptClosed, check_item, save_answers

    item = one_page.items.get(position=position(one_page, "pick-one"))
    if saved_before:
        save_answers(one_page, item, {"choice": {"selected": ["a"]}})
    stale = one_page.items.get(pk=item.pk)  # read before the check: checked_at is None
    check_item(one_page, item)

    with pytest.raises(AttemptClosed, match=ALREADY_CHECKED):
        save_answers(one_page, stale, {"choice": {"selected": ["b"]}})

    assert saved(one_page, "choice") == ({"selected": ["a"]} if saved_before else {})
