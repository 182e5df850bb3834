"""Evidence from graded work: one row per graded part (free text: per criterion) x concept.

Quiz attempts are read when `quizzes.signals.attempt_graded` fires; an attempt's evidence is
replaced as a whole each time, so a person's decision or a re-grade changes it in place.
Parts still awaiting grading or being reviewed give no evidence until they are graded.
"""

from __future__ import annotations

from collections import defaultdict

from learning.models import Evidence
from quizzes.models import Answer, Attempt, Question, QuestionVersion
from quizzes.parts import AnswerDetail, FreeTextPart, Part, parse_detail, parse_parts


def part_fractions(
    part: Part | None, points: float | None, max_points: float | None, detail: AnswerDetail
) -> list[tuple[str, float]]:
    """(criterion id or "", fraction earned) for one graded answer: a free-text part's criteria
    (a person's levels win over the machine's); any other part's points."""
    if not isinstance(part, FreeTextPart):
        if not max_points:
            return []
        return [("", max(0.0, min(1.0, (points or 0) / max_points)))]
    levels = {**{c.criterion: c.level for c in detail.criteria}, **detail.human}
    out = []
    for criterion in part.rubric_model.criteria:
        level = levels.get(criterion.id)
        top = max(lv.points for lv in criterion.levels)
        if level is None or not 0 <= level < len(criterion.levels) or top <= 0:
            continue
        out.append((criterion.id, criterion.levels[level].points / top))
    return out


def concepts_of(question_ids: set[int]) -> dict[int, list[int]]:
    """Question id → the ids of the concepts it assesses (one query)."""
    through = Question.concepts.through
    out: dict[int, list[int]] = defaultdict(list)
    for qid, cid in through.objects.filter(question_id__in=question_ids).values_list(
        "question_id", "concept_id"
    ):
        out[qid].append(cid)
    return out


def capture_attempt(attempt: Attempt, course_id: int) -> int:
    """Replace the attempt's evidence with what its graded answers say now; return the count.
    Five queries: delete, answers, written parts' versions, concepts, insert."""
    Evidence.objects.filter(attempt=attempt).delete()
    if attempt.submitted_at is None:
        return 0
    answers = list(
        Answer.objects.filter(item__attempt=attempt, status=Answer.Status.GRADED).values_list(
            "part_id",
            "points",
            "max_points",
            "detail",
            "item__version_id",
            "item__version__question_id",
            "item__version__bloom",
        )
    )
    # Only written answers need their part (its rubric); exact parts need only their points.
    written = {a[4] for a in answers if "criteria" in (a[3] or {})}
    parts = {
        vid: {p.id: p for p in parse_parts(version_parts)}
        for vid, version_parts in QuestionVersion.objects.filter(pk__in=written).values_list(
            "pk", "parts"
        )
    }
    concepts = concepts_of({a[5] for a in answers})
    rows = []
    for part_id, points, max_points, detail, version_id, question_id, bloom in answers:
        part = parts.get(version_id, {}).get(part_id)
        fractions = part_fractions(part, points, max_points, parse_detail(detail or {}))
        for criterion, fraction in fractions:
            for concept_id in concepts.get(question_id, []):
                rows.append(
                    Evidence(
                        student_id=attempt.student_id,
                        course_id=course_id,
                        concept_id=concept_id,
                        bloom=bloom,
                        score=fraction,
                        source=Evidence.Source.QUIZ,
                        attempt=attempt,
                        question_id=question_id,
                        part_id=part_id,
                        criterion=criterion,
                        at=attempt.submitted_at,
                    )
                )
    Evidence.objects.bulk_create(rows)
    return len(rows)
