"""The quizzes' links on the course pages (courses.extensions names this class in settings),
and the result page's own extension point: links that rooms above add under a student's
written answers (the review room's "ask for a regrade"), named in the setting
`STEPWISE_RESULT_PAGE_EXTENSIONS` so that quizzes never imports them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.module_loading import import_string

from courses.extensions import PageLink
from courses.models import Chapter, Course
from quizzes.models import Answer, Attempt, Quiz
from quizzes.visibility import Shown


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


class ResultPageLinks(Protocol):
    """What a room adds to a student's result page. Should run at most one query."""

    def for_result(
        self,
        user: AbstractBaseUser | AnonymousUser,
        attempt: Attempt,
        answers: Sequence[Answer],
        shown: Shown,
    ) -> Sequence[PageLink]: ...


def result_links(
    user: AbstractBaseUser | AnonymousUser,
    attempt: Attempt,
    answers: Sequence[Answer],
    shown: Shown,
) -> list[PageLink]:
    """The links of every extension in `STEPWISE_RESULT_PAGE_EXTENSIONS`, in the order listed."""
    extensions: list[ResultPageLinks] = [
        import_string(path)() for path in getattr(settings, "STEPWISE_RESULT_PAGE_EXTENSIONS", [])
    ]
    return [link for ext in extensions for link in ext.for_result(user, attempt, answers, shown)]
