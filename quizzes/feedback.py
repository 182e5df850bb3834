"""What a student may see of an attempt, and the result summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from courses.bloom import BloomLevel
from courses.models import Concept
from quizzes.models import Answer, Attempt, AttemptItem, Question
from quizzes.visibility import NOTHING, Shown, moment_of

PENDING = (Answer.Status.AWAITING, Answer.Status.REVIEW)

Mark = Literal["pending", "right", "partial", "wrong"]


def mark_of(answers: list[Answer]) -> Mark:
    """How one question of an attempt went, for the results table and its CSV alike: pending
    while any answer waits for the grader or a person (AWAITING or REVIEW), right with full
    points on every part, partial with some points, wrong otherwise (unanswered too)."""
    if any(a.status in PENDING for a in answers):
        return "pending"
    if answers and all(a.points is not None and a.points >= (a.max_points or 0) for a in answers):
        return "right"
    if any((a.points or 0) > 0 for a in answers):
        return "partial"
    return "wrong"


def item_shown(attempt: Attempt, item: AttemptItem) -> Shown:
    """What the attempt page shows of one question: during the attempt, the matrix's "during"
    row once the student has checked that question; nothing otherwise."""
    if attempt.is_submitted or item.checked_at is None:
        return NOTHING
    return attempt.quiz.review_matrix.during


def feedback_allowed(
    attempt: Attempt, item: AttemptItem | None = None, now: datetime | None = None
) -> bool:
    """Whether a student may see correctness of `attempt` (or of its checked `item`) now."""
    if not attempt.is_submitted:
        return item is not None and item_shown(attempt, item).correctness
    return attempt.quiz.review_matrix.at(moment_of(attempt, now)).correctness


@dataclass
class Subscore:
    label: str
    points: float = 0.0
    max_points: float = 0.0
    pending: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.max_points, 1) if self.max_points else None


@dataclass
class Breakdown:
    by_bloom: list[Subscore] = field(default_factory=list)
    by_concept: list[Subscore] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, str, list[Subscore]]]:
        """What templates/includes/breakdown.html shows: (title, first column, rows)."""
        return [
            ("By Bloom level", "Level", self.by_bloom),
            ("By concept", "Concept", self.by_concept),
        ]


def concepts_of_questions(question_ids: set[int]) -> dict[int, list[Concept]]:
    """The published concepts each question assesses, by title (one query)."""
    concepts_of: dict[int, list[Concept]] = {}
    links = Question.concepts.through.objects.filter(
        question_id__in=question_ids, concept__status=Concept.Status.PUBLISHED
    ).select_related("concept")
    for link in links.order_by("concept__title"):
        concepts_of.setdefault(link.question_id, []).append(link.concept)
    return concepts_of


def breakdown(items: list[AttemptItem], concepts_of: dict[int, list[Any]]) -> Breakdown:
    """Sub-scores per Bloom level and per concept. Free text awaiting grading or being reviewed
    counts as pending: neither in the points nor in the maximum."""
    bloom: dict[int, Subscore] = {}
    concept: dict[str, Subscore] = defaultdict(lambda: Subscore(""))
    for item in items:
        answers: list[Answer] = list(item.answers.all())
        level = item.version.bloom
        targets = [bloom.setdefault(level, Subscore(BloomLevel(level).label))]
        for c in concepts_of.get(item.version.question_id, []):
            sub = concept[c.title]
            sub.label = c.title
            targets.append(sub)
        for answer in answers:
            for sub in targets:
                if answer.status in PENDING:
                    sub.pending += 1
                else:
                    sub.max_points += answer.max_points or 0
                    sub.points += answer.points or 0
    return Breakdown(
        by_bloom=[bloom[k] for k in sorted(bloom)],
        by_concept=sorted(concept.values(), key=lambda s: s.label),
    )
