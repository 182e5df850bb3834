"""A student takes a quiz holding one question of every kind in Chromium, reloads half-way,
finds every answer kept, submits, and sees the score and feedback, the written justification
graded by its rubric with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from content_io.course import import_course
from quizzes.models import Answer, Attempt, Quiz
from tests.browser.conftest import screenshot
from tests.quiz_data import write_questions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiz(transactional_db: None, content_dir: Path) -> Quiz:
    write_questions(content_dir)
    import_course(content_dir)
    return Quiz.objects.get(slug="every-kind")


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()


def next_question(page, number: int) -> None:
    """Click Next and wait until question `number` has loaded (no race with what follows)."""
    page.get_by_role("button", name="Next →").click()
    page.wait_for_url(f"**/?n={number}")
    page.wait_for_load_state()


def test_a_student_takes_a_quiz_of_every_kind_reloads_and_submits(
    page, quiz: Quiz, student: User
) -> None:
    log_in(page, student.username)
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()

    # 1 single choice: autosaved by htmx on change
    page.get_by_label("Alpha").check()
    page.locator("#save-status", has_text="Saved at").wait_for()
    screenshot(page, "quiz-question")
    next_question(page, 2)
    # 2 multiple response
    page.get_by_label("SFT").check()
    page.get_by_label("RLHF").check()
    next_question(page, 3)
    # 3 true/false
    page.get_by_role("radio", name="False").check()
    next_question(page, 4)

    # Half-way: close and come back. Every answer is still there.
    page.reload()
    page.goto(page.url.split("?")[0] + "?n=2")
    assert page.get_by_label("SFT").is_checked() and page.get_by_label("RLHF").is_checked()
    page.goto(page.url.split("?")[0] + "?n=1")
    assert page.get_by_label("Alpha").is_checked()
    page.goto(page.url.split("?")[0] + "?n=4")

    # 4 matching
    page.get_by_label("SFT").select_option(label="Updates weights on labelled pairs")
    page.get_by_label("Prompting").select_option(label="Leaves weights unchanged")
    next_question(page, 5)
    # 5 ordering
    page.get_by_label("Pre-training").fill("1")
    page.get_by_label("SFT").fill("2")
    page.get_by_label("RLHF").fill("3")
    next_question(page, 6)
    # 6 scenario: choice + justification
    page.get_by_label("Engineer B").check()
    page.get_by_label("Justify your reasoning.").fill(
        "Engineer B: one model, no retraining, so it is cheap."
    )
    page.get_by_role("button", name="Review and submit").click()

    assert page.get_by_text("Every question has an answer.").is_visible()
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()

    page.get_by_role("heading", name="Your result").wait_for()
    assert "8 / 8" in page.locator(".score .big").inner_text()
    assert page.get_by_text("SECRET-FEEDBACK-A").is_visible()
    # The justification was graded by the rubric, with the student's own words as evidence.
    assert page.locator("mark.ev", has_text="retraining").is_visible()
    assert page.get_by_text("Gives the reason").is_visible()
    screenshot(page, "quiz-result")
    attempt = Attempt.objects.get()
    assert attempt.is_submitted and Answer.objects.filter(item__attempt=attempt).count() == 7


def test_the_quiz_works_with_javascript_off(
    browser, live_server, quiz: Quiz, student: User
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, student.username)
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()

    page.get_by_label("Beta").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your answers are saved.").wait_for()
    page.reload()

    assert page.get_by_label("Beta").is_checked()
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Your result").wait_for()
    context.close()
