"""The home page's "Continue" panels, cached per student under versions read from the database.

A panel lists the reviews due today and the frontier (learning.guide: five queries per course).
They follow from the course's published concepts and links, the student's mastery and review
cards, and the day. So the cache key holds all of them:

- `Course.graph_version`, raised in the transaction of every change to the course's chapters,
  concepts or links (courses.graphcache);
- `LearnerSettings.version`, a new random value each time `learning.actions.update_student`
  (the one writer of mastery and review cards) runs;
- the end of the student's day in their time zone (what "due today" means).

All three are read with the page, so the cached lists are never older than the data: the home
page reads the started courses and the student's version in one query, and on a hit nothing
else. The course's title and slug are not cached (they are read with the course).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.core.cache import cache
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from courses.models import Course
from learning.guide import ConceptRef, end_of_today, guide_for
from learning.models import LearnerSettings, Mastery

TIMEOUT_SECONDS = 24 * 3600
Lists = tuple[list[ConceptRef], list[ConceptRef]]  # (due, frontier)


def started_courses(student_id: int) -> QuerySet[Course]:
    """The courses the student has mastery in, by title, each with `learner_version` (the
    student's version, None before their first update): one query."""
    return (
        Course.objects.filter(pk__in=Mastery.objects.filter(student_id=student_id).values("course"))
        .annotate(
            learner_version=Subquery(
                LearnerSettings.objects.filter(student_id=student_id).values("version")[:1]
            )
        )
        .order_by("title")
    )


def key_for(student_id: int, course: Course, version: int | None, now: datetime) -> str:
    day = end_of_today(now).isoformat()
    return f"stepwise:home:{student_id}:{course.pk}:{course.graph_version}:{version}:{day}"


def due_and_frontier(
    student_id: int,
    course: Course,
    version: int | None,
    now: datetime | None = None,
) -> Lists:
    """The reviews due today and the frontier of the student in the course, built once per
    (graph version, learner version, day)."""
    now = now or timezone.now()
    key = key_for(student_id, course, version, now)
    found = cache.get(key)
    if found is not None:
        return cast(Lists, found)
    value = _build(student_id, course.pk, now)
    cache.set(key, value, TIMEOUT_SECONDS)
    return value


def _build(student_id: int, course_id: int, now: datetime) -> Lists:
    guide = guide_for(student_id, course_id, now)
    return guide.due, guide.frontier
