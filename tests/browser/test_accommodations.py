"""The instructor gives a student extra time while the student is writing; the student's
timer shows it on the next page they load (the server's clock decides)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from accounts.roles import INSTRUCTOR
from content_io.course import import_course
from quizzes.models import Attempt, Quiz
from tests.browser.conftest import refuse_csp_violations, screenshot
from tests.quiz_data import write_questions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiz(transactional_db: None, content_dir: Path) -> Quiz:
    write_questions(content_dir)
    import_course(content_dir)
    quiz = Quiz.objects.get(slug="every-kind")
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


def signed_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = refuse_csp_violations(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return context, page, violations


def test_the_instructor_gives_a_student_extra_time_and_their_timer_shows_it(
    browser, live_server, quiz: Quiz, make_user: Callable[..., User]
) -> None:
    student = make_user("sam")
    teacher = make_user("ines", INSTRUCTOR, is_staff=True)
    quiz.course.staff.add(teacher)
    quiz_url = f"/courses/{quiz.course.slug}/quizzes/{quiz.slug}/"

    pupil, student_page, student_violations = signed_in(browser, live_server, "sam")
    student_page.goto(quiz_url)
    student_page.get_by_role("button", name="Start the quiz").click()
    student_page.wait_for_url("**/attempts/*/")
    assert re.fullmatch(r"(9|10):\d\d", student_page.get_by_role("timer").inner_text())

    staff, teacher_page, teacher_violations = signed_in(browser, live_server, "ines")
    teacher_page.goto(quiz_url + "accommodations/")
    teacher_page.get_by_label("Student:", exact=True).select_option(label="sam")
    teacher_page.get_by_label("Extra time (minutes)").fill("30")
    teacher_page.get_by_role("button", name="Save").click()
    teacher_page.get_by_text("Saved the terms for sam.").wait_for()
    assert teacher_page.locator("tr.accommodated").get_by_text("40 min (+30)").is_visible()
    screenshot(teacher_page, "instructor-accommodations")

    student_page.reload()
    assert re.fullmatch(r"(39|40):\d\d", student_page.get_by_role("timer").inner_text())
    screenshot(student_page, "student-extra-time")
    attempt = Attempt.objects.get(student=student)
    assert attempt.deadline is not None
    assert (attempt.deadline - attempt.started_at).total_seconds() == 40 * 60

    pupil.close()
    staff.close()
    assert student_violations == [] and teacher_violations == []
