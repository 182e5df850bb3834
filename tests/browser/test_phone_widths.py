"""Every instructor page fits a 375-px phone: wide tables scroll inside their box, long option
texts and date inputs shrink, and the page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from accounts.roles import INSTRUCTOR
from courses.content import import_tree
from courses.models import Course

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = Path(__file__).resolve().parents[2] / "content"
PAGES = [
    "/author/",
    "/author/courses/{course}/concepts/",
    "/author/courses/{course}/concepts/new/",
    "/author/courses/{course}/questions/",
    "/author/courses/{course}/questions/new/?kind=scenario",
    "/author/courses/{course}/quizzes/",
    "/author/courses/{course}/quizzes/new/",
    "/author/courses/{course}/quizzes/final-exam/",
    "/author/courses/{course}/coverage/",
    "/author/courses/{course}/needs-tagging/",
    "/review/",
    "/courses/{course}/quizzes/final-exam/results/",
]


def test_instructor_pages_fit_a_phone(
    phone, transactional_db: None, make_user: Callable[..., User]
) -> None:
    import_tree(CONTENT)
    course = Course.objects.get()
    course.staff.add(make_user("tess", INSTRUCTOR, is_staff=True))
    phone.goto("/accounts/login/")
    phone.get_by_label("Username").fill("tess")
    phone.get_by_label("Password").fill("a-long-pass-phrase")
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)

    widths = {}
    for page in PAGES:
        response = phone.goto(page.format(course=course.slug))
        assert response is not None and response.status == 200, page
        widths[page] = phone.evaluate("document.documentElement.scrollWidth")

    assert {page: w for page, w in widths.items() if w > 375} == {}
