"""Practice sessions: questions drawn by the blueprint (learning.blueprint), feedback after each.

Practice is not graded for the course: nothing here writes an `Answer`, an `Attempt` or a quiz
grade. Each answer is scored by the quiz engine's own scorers (exact parts by grading.scoring
through quizzes.parts; written parts by the offline keyword grader) and becomes evidence with
source "practice".
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from courses.models import Concept, Course
from grading import scoring
from grading.base import get_grader
from learning import actions
from learning.blueprint import Candidate, pick, targets_for
from learning.evidence import concepts_of
from learning.guide import guide_for
from learning.models import Evidence, PracticeItem, PracticeSession
from quizzes.models import Question
from quizzes.parts import ChoiceResponse, FreeTextPart, Part, Response, TextResponse

SESSION_LENGTH = 10


class PracticeError(Exception):
    """A refused practice action; the message is shown as is."""


def candidates(course_id: int) -> list[Candidate]:
    """The course's published questions as the blueprint sees them (two queries)."""
    rows = list(
        Question.objects.filter(
            course_id=course_id, status=Question.Status.PUBLISHED, current__isnull=False
        ).values_list("pk", "current_id", "current__bloom")
    )
    concepts = concepts_of({r[0] for r in rows})
    return [
        Candidate(qid, vid, bloom, tuple(sorted(concepts.get(qid, []))))
        for qid, vid, bloom in rows
        if concepts.get(qid)
    ]


@transaction.atomic
def start_session(
    student: User, course: Course, focus: Concept | None = None, length: int = SESSION_LENGTH
) -> PracticeSession:
    if focus is not None and focus.course_id != course.pk:
        raise PracticeError("That concept is not part of this course.")
    session = PracticeSession.objects.create(
        student=student, course=course, focus=focus, seed=secrets.randbits(48), length=length
    )
    if next_item(session) is None:
        raise PracticeError("There are no questions to practise in this course yet.")
    return session


def next_item(session: PracticeSession, now: datetime | None = None) -> PracticeItem | None:
    """Draw the session's next question by the blueprint; None when the session is complete
    or nothing is left to ask."""
    now = now or timezone.now()
    last = session.items.aggregate(n=Max("position"))["n"] or 0
    if last >= session.length:
        return None
    guide = guide_for(session.student_id, session.course_id, now)
    learner = actions.learner_for(session.student_id, session.course_id, guide.graph)
    used = set(session.items.values_list("version__question_id", flat=True))
    seen = set(
        Evidence.objects.filter(student_id=session.student_id, course_id=session.course_id)
        .filter(question__isnull=False)
        .values_list("question_id", flat=True)
    )
    rng = random.Random(session.seed + last)
    targets = targets_for(
        guide.graph,
        guide.levels,
        due=[c.pk for c in guide.due],
        revisit=[c.pk for c in guide.revisit],
        focus=session.focus_id,
        new_first=last % 2 == 1,
    )
    chosen = pick(
        candidates(session.course_id),
        targets,
        guide.graph,
        guide.levels,
        learner.states,
        used,
        seen,
        rng,
    )
    if chosen is None:
        return None
    from quizzes.models import QuestionVersion

    version = QuestionVersion.objects.get(pk=chosen.candidate.version)
    concept = guide.concepts.get(chosen.concept)
    reason = chosen.reason
    if reason.startswith("backfill") and concept is not None:
        reason = f"{concept.title} comes before what you are learning"
    return PracticeItem.objects.create(
        session=session,
        position=last + 1,
        version=version,
        concept_id=chosen.concept,
        reason=reason,
        order={p.id: p.shown_order(rng, True) for p in version.typed_parts},
    )


def score_part(
    part: Part, response: Response, prompt: str, choices: dict[str, list[str]]
) -> dict[str, Any]:
    """One part scored by the quiz engine: {"response", "points", "max_points", "detail",
    "fractions": [(criterion, fraction)]}."""
    if isinstance(part, FreeTextPart):
        rubric = part.rubric_model
        text = response.text if isinstance(response, TextResponse) else ""
        result = get_grader("keyword").grade(rubric, text, choices, prompt=prompt)
        by_id = {c.id: c for c in rubric.criteria}
        criteria = [
            {
                "criterion": r.criterion_id,
                "title": by_id[r.criterion_id].title,
                "level": r.level_index,
                "descriptor": by_id[r.criterion_id].levels[r.level_index].descriptor,
                "points": r.points,
                "max_points": r.max_points,
                "evidence": [list(span) for span in r.evidence],
                "missed": list(r.missed_ideas),
            }
            for r in result.criteria
        ]
        return {
            "response": response.as_json(),
            "points": round(result.score, 4),
            "max_points": rubric.max_score,
            "detail": {"criteria": criteria},
            "fractions": [
                (r.criterion_id, r.points / r.max_points if r.max_points else 0.0)
                for r in result.criteria
            ],
        }
    exact = part.score(response)
    top = part.max_points
    return {
        "response": response.as_json(),
        "points": exact.points,
        "max_points": top,
        "detail": {"correct": exact.correct},
        "fractions": [("", exact.points / top if top else 0.0)],
    }


@transaction.atomic
def answer_item(
    item: PracticeItem, responses: Mapping[str, Response], now: datetime | None = None
) -> PracticeItem:
    """Score a practice answer, record it as evidence and update the model. Once only."""
    now = now or timezone.now()
    item = (
        PracticeItem.objects.select_for_update()
        .select_related("version", "session")
        .get(pk=item.pk)
    )
    if item.answered_at is not None:
        raise PracticeError("You already answered this question; its feedback is below.")
    version = item.version
    choices = {
        pid: list(r.selected) for pid, r in responses.items() if isinstance(r, ChoiceResponse)
    }
    try:
        scored = {
            p.id: score_part(
                p, responses.get(p.id) or p.response(None), f"{version.stem}\n{p.prompt}", choices
            )
            for p in version.typed_parts
        }
    except scoring.ResponseError as exc:
        raise PracticeError(f"That answer does not fit this question: {exc}.") from exc
    total = sum(s["points"] for s in scored.values())
    top = sum(s["max_points"] for s in scored.values())
    item.response = {
        pid: {k: v for k, v in s.items() if k != "fractions"} for pid, s in scored.items()
    }
    item.score = round(total / top, 4) if top else 0.0
    item.answered_at = now
    item.save(update_fields=["response", "score", "answered_at"])
    session = item.session
    concepts = concepts_of({version.question_id}).get(version.question_id, [])
    Evidence.objects.bulk_create(
        [
            Evidence(
                student_id=session.student_id,
                course_id=session.course_id,
                concept_id=concept_id,
                bloom=version.bloom,
                score=max(0.0, min(1.0, fraction)),
                source=Evidence.Source.PRACTICE,
                practice_item=item,
                question_id=version.question_id,
                part_id=pid,
                criterion=criterion,
                at=now,
            )
            for pid, s in scored.items()
            for criterion, fraction in s["fractions"]
            for concept_id in concepts
        ]
    )
    actions.update_student(session.student_id, session.course_id)
    return item
