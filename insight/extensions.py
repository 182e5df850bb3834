"""Insight's links on the instructors' quiz pages and its Bloom-tag suspects on the
needs-tagging report (quizzes.extensions names this class's interface; settings name it)."""

from __future__ import annotations

from courses.extensions import PageLink
from courses.models import Course
from insight import links
from insight.page import course_bloom_suspects
from quizzes.extensions import TaggingSuspect
from quizzes.models import Quiz


class InsightExtension:
    def for_quiz(self, quiz: Quiz) -> list[PageLink]:
        return [PageLink("Item statistics", links.statistics(quiz.course.slug, quiz.slug))]

    def tagging_suspects(self, course: Course) -> list[TaggingSuspect]:
        return [
            TaggingSuspect(
                title=s.item.title,
                slug=s.item.slug,
                reason=s.message,
                edit_url=links.question_editor(course.slug, s.item.slug),
            )
            for s in course_bloom_suspects(course)
        ]
