"""Every instructor page fits a 375-px phone: wide tables scroll inside their box, long option
texts and date inputs shrink, and the page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from accounts.roles import INSTRUCTOR
from content_io.course import import_course
from courses.models import Course
from quizzes.models import Question

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
    "/courses/{course}/quizzes/final-exam/accommodations/",
    "/accounts/settings/",
]


def test_instructor_pages_fit_a_phone(
    phone, transactional_db: None, make_user: Callable[..., User]
) -> None:
    import_course(CONTENT)
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


# The elements wider than the phone, named, so a failure says what to fix.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 376)
  .filter(e => !e.closest('.table-scroll, .graph-scroll, pre, .concept-body table'))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
       + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


def overflow(phone, url: str) -> dict[str, object]:
    """The page's width and its widest elements, if it is wider than the phone."""
    response = phone.goto(url)
    assert response is not None and response.status == 200, url
    width = phone.evaluate("document.documentElement.scrollWidth")
    return {} if width <= 375 else {"width": width, "wide": phone.evaluate(WIDE_ELEMENTS)}


def test_every_concept_page_of_the_course_fits_a_phone(phone, transactional_db: None) -> None:
    import_course(CONTENT)
    course = Course.objects.get()

    wide = {}
    for slug in course.concepts.order_by("slug").values_list("slug", flat=True):
        if found := overflow(phone, f"/courses/{course.slug}/concepts/{slug}/"):
            wide[slug] = found

    assert course.concepts.count() == len(list((CONTENT / "concepts").glob("*.md")))
    assert wide == {}


def test_the_rubric_editor_fits_a_phone(
    phone, transactional_db: None, make_user: Callable[..., User]
) -> None:
    import_course(CONTENT)
    course = Course.objects.get()
    course.staff.add(make_user("tess", INSTRUCTOR, is_staff=True))
    phone.goto("/accounts/login/")
    phone.get_by_label("Username").fill("tess")
    phone.get_by_label("Password").fill("a-long-pass-phrase")
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)
    with_rubric = [
        q.slug
        for q in Question.objects.filter(course=course).select_related("current").order_by("slug")
        if q.current is not None and any(p["kind"] == "free_text" for p in q.current.parts)
    ]

    wide = {}
    for slug in with_rubric:
        if found := overflow(phone, f"/author/courses/{course.slug}/questions/{slug}/"):
            wide[slug] = found

    assert len(with_rubric) >= 57  # every rubric of the course was visited
    assert wide == {}
