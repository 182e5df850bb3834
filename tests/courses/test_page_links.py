"""The course pages' one extension point (courses/extensions.py): other apps' links, in order."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from courses.extensions import PageLink
from courses.models import Chapter, Course

pytestmark = pytest.mark.django_db


class ReadingList:
    """A stand-in app adding one link to each page, named after what it links from."""

    def for_course(self, course: Course) -> list[PageLink]:
        return [PageLink(f"Reading for {course.title}", "/reading/")]

    def for_chapter(self, chapter: Chapter) -> list[PageLink]:
        return [PageLink(f"Reading for {chapter.title}", "/reading/chapter/")]


class Glossary:
    def for_course(self, course: Course) -> list[PageLink]:
        return [PageLink("Glossary", "/glossary/")]

    def for_chapter(self, chapter: Chapter) -> list[PageLink]:
        return []


def course_html(client: Client) -> str:
    return client.get(reverse("courses:course", args=["demo-course"])).content.decode()


def chapter_html(client: Client) -> str:
    return client.get(reverse("courses:chapter", args=["demo-course", "basics"])).content.decode()


def test_the_pages_show_each_extensions_links_in_the_order_of_the_setting(
    client: Client, course: Course, settings: Any
) -> None:
    here = "tests.courses.test_page_links"
    settings.STEPWISE_COURSE_PAGE_EXTENSIONS = [f"{here}.Glossary", f"{here}.ReadingList"]

    course_page = course_html(client)
    chapter_page = chapter_html(client)

    assert course_page.index('href="/glossary/">Glossary</a>') < course_page.index(
        'href="/reading/">Reading for Demo Course</a>'
    )
    assert 'href="/reading/chapter/">Reading for Basics</a>' in chapter_page
    assert "Glossary" not in chapter_page


def test_with_no_extensions_the_pages_show_only_their_own_links(
    client: Client, course: Course, settings: Any
) -> None:
    settings.STEPWISE_COURSE_PAGE_EXTENSIONS = []

    course_page = course_html(client)

    assert "See the prerequisite graph" in course_page and "Quizzes" not in course_page
    assert 'class="page-links"' not in chapter_html(client)
