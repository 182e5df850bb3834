"""The review screen's keyboard shortcuts (WCAG 2.1.4): they can be switched off, the switch is
remembered, and they never act while the focus is in a form control."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from accounts.roles import INSTRUCTOR
from quizzes.models import Answer, Quiz
from review.models import GradingPolicy
from tests.review.test_review import answer_scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def review_url(quiz: Quiz, student: User, make_user: Callable[..., User], page) -> str:
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)
    reviewer = make_user("rita", INSTRUCTOR, is_staff=True)
    quiz.course.staff.add(reviewer)
    answer_scenario(quiz, student, "b", "B is cheap because there is no retraining.")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return f"/review/answers/{Answer.objects.get(part_id='justify').pk}/"


def checked_level(page) -> str | None:
    return page.evaluate(
        "() => { const r = document.querySelector('#grade-panel input[type=radio]:checked');"
        " return r ? r.value : null; }"
    )


def test_a_shortcut_chooses_a_level_when_the_focus_is_on_the_page(page, review_url: str) -> None:
    page.goto(review_url)
    page.locator("h1").click()

    page.keyboard.press("1")

    page.wait_for_function(
        "() => document.querySelector('#grade-panel input[value=\"0\"]').checked"
    )
    assert checked_level(page) == "0"


def test_keys_on_a_level_or_in_the_comment_do_what_they_always_do(page, review_url: str) -> None:
    page.goto(review_url)
    assert checked_level(page) == "1"  # the machine's grade: the second of two levels
    page.locator("#grade-panel input[type=radio]:checked").focus()

    page.keyboard.press("1")  # on a level, a digit is not a shortcut
    assert checked_level(page) == "1"
    page.keyboard.press("ArrowUp")  # the browser's own: the previous level of this criterion
    page.wait_for_function(
        "() => document.querySelector('#grade-panel input[value=\"0\"]').checked"
    )

    page.locator("#comment").press_sequentially("a note")
    assert page.locator("#comment").input_value() == "a note"
    assert "/review/answers/" in page.url  # typing "a" did not accept


def test_shortcuts_switched_off_stay_off_after_a_reload(page, review_url: str) -> None:
    page.goto(review_url)
    switch = page.get_by_label("Keyboard shortcuts")
    assert switch.is_visible() and switch.is_checked()
    before = checked_level(page)

    switch.uncheck()
    page.reload()
    page.locator("h1").click()
    page.keyboard.press("1")
    page.keyboard.press("a")

    assert not page.get_by_label("Keyboard shortcuts").is_checked()
    assert checked_level(page) == before and "/review/answers/" in page.url
