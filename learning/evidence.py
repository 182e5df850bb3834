"""Evidence from graded work: one row per graded part (free text: per criterion) x concept.

Quiz attempts are read when `quizzes.signals.attempt_graded` fires; an attempt's evidence is
replaced as a whole each time, so a person's decision or a re-grade changes it in place.
Parts still awaiting grading or being reviewed give no evidence until they are graded.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from grading.rubric import rubric_from_dict
from learning.models import Evidence
from quizzes.models import Answer, Attempt, Question, QuestionVersion


def part_fractions(part: dict[str, Any], answer: Answer) -> list[tuple[str, float]]:
    """(criterion id or "", fraction earned) for one graded answer (a free-text part's
    criteria; any other part's points)."""
    if part["kind"] != "free_text":
        if not answer.max_points:
            return []
        return [("", max(0.0, min(1.0, (answer.points or 0) / answer.max_points)))]
    rubric = rubric_from_dict(part["rubric"])
    machine = {c["criterion"]: c["level"] for c in answer.detail.get("criteria", [])}
    levels = {**machine, **(answer.detail.get("human") or {})}
    out = []
    for criterion in rubric.criteria:
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
        vid: {p["id"]: p for p in version_parts}
        for vid, version_parts in QuestionVersion.objects.filter(pk__in=written).values_list(
            "pk", "parts"
        )
    }
    concepts = concepts_of({a[5] for a in answers})
    rows = []
    for part_id, points, max_points, detail, version_id, question_id, bloom in answers:
        part = parts.get(version_id, {}).get(part_id) or {"kind": "exact"}
        fake = Answer(points=points, max_points=max_points, detail=detail or {})
        for criterion, fraction in part_fractions(part, fake):
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
