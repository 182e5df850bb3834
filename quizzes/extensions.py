"""The quizzes' links on the course pages (courses.extensions names this class in settings)."""

from __future__ import annotations

from django.urls import reverse

from courses.extensions import PageLink
from courses.models import Chapter, Course
from quizzes.models import Quiz


class QuizLinks:
    """The course page links to the course's quizzes; a chapter page to each of its quizzes."""

    def for_course(self, course: Course) -> list[PageLink]:
        return [PageLink("Quizzes", reverse("quizzes:quiz_list", args=[course.slug]))]

    def for_chapter(self, chapter: Chapter) -> list[PageLink]:
        quizzes = Quiz.objects.filter(chapter=chapter).only("slug", "title").order_by("title")
        return [
            PageLink(q.title, reverse("quizzes:quiz", args=[chapter.course.slug, q.slug]))
            for q in quizzes
        ]
