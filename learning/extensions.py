"""The learner model's links and panels on the course pages (named in
STEPWISE_COURSE_PAGE_EXTENSIONS; courses.extensions defines the protocol)."""

from __future__ import annotations

from django.urls import reverse

from courses.extensions import PageLink, PagePanel, PanelItem, User
from courses.models import Chapter, Concept, Course
from learning.guide import ConceptRef, guide_for
from learning.homecache import due_and_frontier, started_courses

SHOWN = 5


def _items(course: Course, refs: list[ConceptRef], note: str = "") -> tuple[PanelItem, ...]:
    prefix = reverse("courses:concept", args=[course.slug, "x"])[:-2]
    return tuple(
        PanelItem(r.title, f"{prefix}{r.slug}/", r.note or note or r.level) for r in refs[:SHOWN]
    )


class LearningLinks:
    def for_course(self, course: Course) -> list[PageLink]:
        return [PageLink("My progress", reverse("learning:course", args=[course.slug]))]

    def for_chapter(self, chapter: Chapter) -> list[PageLink]:
        return []

    def for_concept(self, concept: Concept) -> list[PageLink]:
        return [
            PageLink(
                "Practise this concept",
                reverse("learning:practice_start", args=[concept.course.slug])
                + f"?concept={concept.slug}",
            )
        ]

    def panels_for_course(self, course: Course, user: User) -> list[PagePanel]:
        """What to learn next, what to revisit, reviews due (five queries)."""
        if not user.is_authenticated:
            return []
        guide = guide_for(user.pk, course.pk)
        more = PageLink("My progress and the graph", reverse("learning:course", args=[course.slug]))
        return [
            PagePanel(
                "What to learn next",
                _items(course, guide.frontier),
                empty="Everything is mastered: keep it fresh with your reviews.",
                more=more,
            ),
            PagePanel(
                "Revisit",
                _items(course, guide.revisit),
                empty="No recent mistakes point to an earlier concept.",
            ),
            PagePanel(
                "Reviews due today",
                _items(course, guide.due, "due"),
                empty="No review is due today.",
                more=PageLink(
                    "Practise now", reverse("learning:practice_start", args=[course.slug])
                )
                if guide.due
                else None,
            ),
        ]

    def panels_for_home(self, user: User) -> list[PagePanel]:
        """One panel per course the student has started: where they are. One query when the
        panels are cached (learning.homecache), five more per course when not."""
        if not user.is_authenticated:
            return []
        panels = []
        for course in started_courses(user.pk):
            due, frontier = due_and_frontier(user.pk, course, course.learner_version)  # type: ignore[attr-defined]
            items = _items(course, due, "review due") + _items(course, frontier)
            panels.append(
                PagePanel(
                    f"Continue: {course.title}",
                    items[:SHOWN],
                    empty="Nothing due and nothing new: well done.",
                    more=PageLink("My progress", reverse("learning:course", args=[course.slug])),
                )
            )
        return panels
