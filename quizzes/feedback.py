"""What a student may see of an attempt, and the result summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from courses.bloom import BloomLevel
from quizzes.models import Answer, Attempt, AttemptItem, Quiz


def feedback_allowed(
    attempt: Attempt, item: AttemptItem | None = None, now: datetime | None = None
) -> bool:
    """The quiz's feedback setting decides; nothing about correctness is sent before it allows."""
    now = now or timezone.now()
    quiz = attempt.quiz
    if quiz.feedback == Quiz.Feedback.AFTER_EACH:
        return attempt.is_submitted or (item is not None and item.checked_at is not None)
    if quiz.feedback == Quiz.Feedback.AFTER_SUBMIT:
        return attempt.is_submitted
    # After the quiz closes: a quiz with no closing time never closes, so nothing is shown (the
    # builder and the import refuse that combination; this is the safe reading of old data).
    return attempt.is_submitted and quiz.closes_at is not None and now >= quiz.closes_at


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


def breakdown(items: list[AttemptItem], concepts_of: dict[int, list[Any]]) -> Breakdown:
    """Sub-scores per Bloom level and per concept. Free text awaiting grading counts as pending."""
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
                sub.max_points += answer.max_points or 0
                if answer.status == Answer.Status.AWAITING:
                    sub.pending += 1
                else:
                    sub.points += answer.points or 0
    return Breakdown(
        by_bloom=[bloom[k] for k in sorted(bloom)],
        by_concept=sorted(concept.values(), key=lambda s: s.label),
    )
