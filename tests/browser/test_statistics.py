"""An instructor opens a quiz's statistics from its results page, reads the charts, and follows a
flag to the question editor (Chromium, JavaScript on; every link is a plain link)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from insight.simulate import make_students, simulate_attempts
from quizzes.models import Answer, Quiz
from tests.browser.conftest import screenshot
from tests.browser.test_phone_widths import WIDE_ELEMENTS

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_instructor_opens_the_statistics_and_follows_a_flag_to_the_question(
    page, quiz: Quiz, course_instructor: User
) -> None:
    questions = [i.question for i in quiz.items.select_related("question__current")]
    simulate_attempts(quiz, make_students("class", 30), questions, seed=5)
    # Nobody picks pick-one's distractor: a flag.
    Answer.objects.filter(item__version__question__slug="pick-one").update(
        response={"selected": ["a"]}
    )
    log_in(page, course_instructor.username)

    page.goto(f"/courses/{quiz.course.slug}/quizzes/{quiz.slug}/results/")
    page.get_by_role("link", name="Item statistics").click()

    expect(page.get_by_role("heading", name=f"Statistics: {quiz.title}")).to_be_visible()
    expect(page.get_by_role("img", name="Score distribution: Every kind")).to_be_visible()
    expect(page.get_by_role("table", name="Attempts per score band")).to_be_visible()
    screenshot(page, "insight-statistics")
    page.locator("#dist-h").scroll_into_view_if_needed()
    screenshot(page, "insight-distribution")
    page.locator("#roll-h").scroll_into_view_if_needed()
    screenshot(page, "insight-roll-ups")
    page.locator("#q-pick-many").scroll_into_view_if_needed()
    screenshot(page, "insight-options")
    flag = page.locator(".flag-distractor-unused").first
    expect(flag).to_contain_text("chosen by nobody")
    flag.get_by_role("link", name="Edit the question").click()

    page.wait_for_url("**/author/courses/demo-course/questions/pick-one/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pick one")


def test_the_statistics_page_fits_a_phone(phone, quiz: Quiz, course_instructor: User) -> None:
    questions = [i.question for i in quiz.items.select_related("question__current")]
    simulate_attempts(quiz, make_students("class", 20), questions, seed=6)
    log_in(phone, course_instructor.username)

    response = phone.goto(f"/insight/courses/{quiz.course.slug}/quizzes/{quiz.slug}/statistics/")

    assert response is not None and response.status == 200
    wide = phone.evaluate(WIDE_ELEMENTS)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, wide
    screenshot(phone, "insight-statistics-phone")
