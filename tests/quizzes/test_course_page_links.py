"""The quizzes offer themselves on the course pages through courses.extensions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Chapter
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db


def test_the_course_page_links_to_the_course_quizzes(client: Client, quiz: Quiz) -> None:
    html = client.get(reverse("courses:course", args=["demo-course"])).content.decode()

    assert f'href="{reverse("quizzes:quiz_list", args=["demo-course"])}">Quizzes</a>' in html


def test_a_chapter_page_links_to_its_own_quizzes_by_title(client: Client, quiz: Quiz) -> None:
    basics = Chapter.objects.get(course=quiz.course, slug="basics")
    Quiz.objects.create(course=quiz.course, chapter=basics, slug="warm-up", title="A warm-up")
    Quiz.objects.create(course=quiz.course, chapter=basics, slug="recap", title="Recap")
    Quiz.objects.create(course=quiz.course, slug="elsewhere", title="Not in a chapter")

    html = client.get(reverse("courses:chapter", args=["demo-course", "basics"])).content.decode()

    links = html.split('class="page-links"')[1].split("</p>")[0]
    warm_up = reverse("quizzes:quiz", args=["demo-course", "warm-up"])
    recap = reverse("quizzes:quiz", args=["demo-course", "recap"])
    assert links.index(f'href="{warm_up}">A warm-up</a>') < links.index(f'href="{recap}">Recap</a>')
    assert "Not in a chapter" not in html


def test_a_chapter_without_quizzes_shows_no_quiz_buttons(client: Client, quiz: Quiz) -> None:
    html = client.get(reverse("courses:chapter", args=["demo-course", "advanced"])).content.decode()

    assert 'class="page-links"' not in html
