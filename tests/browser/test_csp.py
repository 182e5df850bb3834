"""Pages that the other journeys do not open, under the Content-Security-Policy in Chromium:
the Django admin (the axes unlock page included), the quiz builder's live search (htmx) and
the locked-out login page. The `page` fixture fails the test on any CSP violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from content_io.course import import_course
from courses.models import Course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course(transactional_db: None, content_dir: Path, instructor: User) -> Course:
    import_course(content_dir)
    course = Course.objects.get(slug="demo-course")
    course.staff.add(instructor)
    return course


def log_in(page, username: str, password: str = "a-long-pass-phrase") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_the_admin_and_its_unlock_page_run_under_the_policy(
    page, course: Course, admin_user: User, student: User
) -> None:
    log_in(page, "ada")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    for path in (
        "/admin/",
        f"/admin/auth/user/{student.pk}/change/",
        "/admin/quizzes/question/",
        "/admin/axes/accessattempt/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")


def test_the_quiz_builders_live_search_works_under_the_policy(
    page, course: Course, instructor: User
) -> None:
    log_in(page, "ines")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/author/courses/demo-course/quizzes/new/")
    page.locator("#search").fill("a")
    page.locator("#picker-results").get_by_text("Ticked questions are added").wait_for()


def test_the_locked_out_login_page_says_how_long(page, course: Course, student: User) -> None:
    for _ in range(5):
        log_in(page, "sam", "not-the-password")

    page.get_by_text("Try again in 15 minutes").wait_for()
