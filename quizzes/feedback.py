"""What a student may see of an attempt, and the result summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from courses.bloom import BloomLevel
from courses.models import Concept
from quizzes.entries import CriterionGrade, Feedback, FreeTextGrade
from quizzes.highlight import highlight
from quizzes.models import Answer, Attempt, AttemptItem, Question
from quizzes.parts import FreeTextPart, Part, Response, TextResponse, rubric_of
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
    """The published concepts each question assesses, by title (one query). Only the
    concepts' titles are read (what the breakdown shows), not their bodies."""
    concepts_of: dict[int, list[Concept]] = {}
    links = (
        Question.concepts.through.objects.filter(
            question_id__in=question_ids, concept__status=Concept.Status.PUBLISHED
        )
        .select_related("concept")
        .only("question_id", "concept_id", "concept__title")
    )
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


def part_feedback(part: Part, answer: Answer | None, response: Response, shown: Shown) -> Feedback:
    """What the review options allow of one answered part (built only with correctness): the
    student's answer marked right or wrong with its points; option feedback and rubric levels
    with `shown.feedback`; the right options, matches and order with `shown.right_answers`.
    Only what is allowed is put in, so the template cannot show more (each kind decides its
    own, in quizzes/parts.py)."""
    return Feedback(
        points=answer.points if answer else 0,
        max_points=answer.max_points if answer else None,
        status=answer.status if answer else None,
        part=part.feedback(response, shown),
        grade=free_text_grade(answer)
        if isinstance(part, FreeTextPart) and shown.feedback
        else None,
    )


def free_text_grade(answer: Answer | None) -> FreeTextGrade | None:
    """Per-criterion grade and the student's words that earned it, once the grade is final."""
    if answer is None or answer.status != Answer.Status.GRADED:
        return None
    detail = answer.typed_detail
    rubric = rubric_of(answer.item, answer.part_id)
    by_id = {c.id: c for c in rubric.criteria}
    criteria = []
    for number, c in enumerate(detail.criteria, start=1):
        criterion = by_id.get(c.criterion)
        level = detail.human.get(c.criterion, c.level)
        criteria.append(
            CriterionGrade(
                number=number,
                title=c.title,
                level=level,
                descriptor=criterion.levels[level].descriptor if criterion else c.descriptor,
                points=criterion.levels[level].points if criterion else c.points,
                max_points=c.max_points,
                missed=c.missed,
                has_evidence=bool(c.evidence),
            )
        )
    text = TextResponse.read(answer.response).text
    return FreeTextGrade(
        criteria=criteria,
        highlighted=highlight(text, [c.evidence for c in detail.criteria]),
        reviewed=answer.reviewed_by_id is not None,
        comment=answer.comment,
    )
