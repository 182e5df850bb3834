"""The quizzes' links on the course pages (courses.extensions names this class in settings),
the extension point of the instructors' quiz pages: apps built on quizzes (insight) add links
to the results page and the quiz builder, and suspects to the needs-tagging report, through
`STEPWISE_INSTRUCTOR_EXTENSIONS`; and the result page's: links that rooms above add under a
student's written answers (the review room's "ask for a regrade"), named in
`STEPWISE_RESULT_PAGE_EXTENSIONS`. Either way quizzes never imports them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TaggingSuspect:
    """A question another app thinks may carry the wrong tag, for the needs-tagging report."""

    title: str
    slug: str
    reason: str
    edit_url: str


class InstructorExtension(Protocol):
    """What an app adds to the pages a course's instructors use. Each method should run at
    most a few queries: the pages call them on every view."""

    def for_quiz(self, quiz: Quiz) -> Sequence[PageLink]:
        """Links on the quiz's results page and in its quiz builder."""
        ...

    def tagging_suspects(self, course: Course) -> Sequence[TaggingSuspect]:
        """Questions the needs-tagging report lists as possibly mis-tagged."""
        ...


def instructor_extensions() -> list[InstructorExtension]:
    """The classes named in `STEPWISE_INSTRUCTOR_EXTENSIONS`, in the order listed."""
    return [import_string(path)() for path in settings.STEPWISE_INSTRUCTOR_EXTENSIONS]


def quiz_instructor_links(quiz: Quiz) -> list[PageLink]:
    return [link for ext in instructor_extensions() for link in ext.for_quiz(quiz)]


def tagging_suspects(course: Course) -> list[TaggingSuspect]:
    return [s for ext in instructor_extensions() for s in ext.tagging_suspects(course)]
