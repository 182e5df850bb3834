"""The one extension point of the course pages: links that other apps add to them.

`courses` knows nothing of the apps built on it, yet the course page offers the course's quizzes
and a chapter page its chapter's quizzes. Each app that wants links there names a class in the
setting `STEPWISE_COURSE_PAGE_EXTENSIONS` (dotted paths, read with `import_string`); the class is
instantiated with no arguments and follows `CoursePageLinks`. The course views collect the links
with `course_links` / `chapter_links`, and the templates render plain `PageLink`s, so no course
template loads another app's tags or reverses another app's URLs (tests/test_layering.py).

A page can also carry a student's own panels (the learner model's "what to learn next" on the
home and course pages): `panels_for_home` and `panels_for_course` get the user, and return
`PagePanel`s of plain links and short notes, rendered by the course templates as they are.

Chosen over a signal because the order of the links is the order of the setting, and the types
are checked: a signal's receivers return `Any` and their order is the order of imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.module_loading import import_string

from courses.models import Chapter, Concept, Course


@dataclass(frozen=True)
class PageLink:
    """One link on a course or chapter page."""

    title: str
    url: str


@dataclass(frozen=True)
class PanelItem:
    """One line of a panel: a link with a short note after it ("proficient", "due today")."""

    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class PagePanel:
    """A titled list on the home or course page, for the signed-in user."""

    title: str
    items: tuple[PanelItem, ...]
    empty: str = ""  # what to say when `items` is empty
    more: PageLink | None = None


User = AbstractBaseUser | AnonymousUser


class CoursePageLinks(Protocol):
    """What an app adds to the course pages. Each method should run at most one query.

    Required of every extension. An extension may also follow `ConceptPageLinks` (links on a
    concept page) and `StudentPanels` (the signed-in user's panels): those are optional and
    called only on extensions that define their methods."""

    def for_course(self, course: Course) -> Sequence[PageLink]:
        """Links shown after the course page's own (graph, tag)."""
        ...

    def for_chapter(self, chapter: Chapter) -> Sequence[PageLink]:
        """Links shown as buttons under the chapter's summary; `chapter.course` is loaded."""
        ...


@runtime_checkable
class ConceptPageLinks(Protocol):
    def for_concept(self, concept: Concept) -> Sequence[PageLink]:
        """Links shown on a concept's page; `concept.course` is loaded."""
        ...


@runtime_checkable
class StudentPanels(Protocol):
    def panels_for_course(self, course: Course, user: User) -> Sequence[PagePanel]:
        """The user's own panels on the course page (empty for visitors)."""
        ...

    def panels_for_home(self, user: User) -> Sequence[PagePanel]:
        """The user's own panels on the home page (empty for visitors)."""
        ...


def course_page_extensions() -> list[CoursePageLinks]:
    """The extensions named in `STEPWISE_COURSE_PAGE_EXTENSIONS`, in the order listed."""
    return [import_string(path)() for path in settings.STEPWISE_COURSE_PAGE_EXTENSIONS]


def course_links(course: Course) -> list[PageLink]:
    return [link for ext in course_page_extensions() for link in ext.for_course(course)]


def chapter_links(chapter: Chapter) -> list[PageLink]:
    return [link for ext in course_page_extensions() for link in ext.for_chapter(chapter)]


def concept_links(concept: Concept) -> list[PageLink]:
    return [
        link
        for ext in course_page_extensions()
        if isinstance(ext, ConceptPageLinks)
        for link in ext.for_concept(concept)
    ]


def course_panels(course: Course, user: User) -> list[PagePanel]:
    return [
        p
        for ext in course_page_extensions()
        if isinstance(ext, StudentPanels)
        for p in ext.panels_for_course(course, user)
    ]


def home_panels(user: User) -> list[PagePanel]:
    return [
        p
        for ext in course_page_extensions()
        if isinstance(ext, StudentPanels)
        for p in ext.panels_for_home(user)
    ]
