"""Free-text grading in the app: the machine grades, unsure grades go to a person, a person's
decision always wins, and a changed rubric re-grades what the machine graded.

Actions here are the only code that writes an Answer's free-text grade.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from grading.base import Grader, get_grader
from grading.freetext import GradeResult
from grading.rubric import Rubric
from quizzes.models import Answer, Attempt, AttemptItem
from quizzes.parts import (
    AnswerDetail,
    ChoicePart,
    ChoiceResponse,
    CriterionDetail,
    Response,
    TextResponse,
    rubric_of,
)
from review.models import GradeDecision, GradingPolicy, RegradeRun

PENDING = (Answer.Status.AWAITING, Answer.Status.REVIEW)


class DecisionError(ValueError):
    """A decision that cannot be recorded (a level that does not exist, say)."""


def grader_for(course_id: int) -> Grader:
    policy = GradingPolicy.objects.filter(course_id=course_id).first()
    threshold = policy.review_threshold if policy else settings.STEPWISE_REVIEW_THRESHOLD
    if policy and policy.grader == GradingPolicy.GraderName.LLM:
        return get_grader(
            "llm",
            url=settings.STEPWISE_LLM_URL,
            model=settings.STEPWISE_LLM_MODEL,
            api_key=settings.STEPWISE_LLM_API_KEY,
            timeout=settings.STEPWISE_LLM_TIMEOUT,
            review_threshold=threshold,
        )
    return get_grader("keyword", review_threshold=threshold)


def choices_of(item: AttemptItem) -> dict[str, list[str]]:
    """What the student picked in the item's choice parts, for `argues_for` criteria."""
    parts = {p.id: p for p in item.version.typed_parts}
    out: dict[str, list[str]] = {}
    for a in item.answers.all():
        part = parts.get(a.part_id)
        if isinstance(part, ChoicePart):
            out[a.part_id] = list(_as_choice(part.response(a.response)).selected)
    return out


def _as_choice(response: Response) -> ChoiceResponse:
    return response if isinstance(response, ChoiceResponse) else ChoiceResponse()


def _criteria_detail(rubric: Rubric, result: GradeResult) -> list[CriterionDetail]:
    by_id = {c.id: c for c in rubric.criteria}
    out = []
    for r in result.criteria:
        criterion = by_id[r.criterion_id]
        out.append(
            CriterionDetail(
                criterion=r.criterion_id,
                title=criterion.title,
                level=r.level_index,
                descriptor=criterion.levels[r.level_index].descriptor,
                points=r.points,
                max_points=r.max_points,
                evidence=[(start, end) for start, end in r.evidence],
                matched=list(r.matched_ideas),
                missed=list(r.missed_ideas),
                confidence=round(r.confidence, 3),
                note=r.note,
            )
        )
    return out


def machine_grade(answer: Answer, grader: Grader) -> bool:
    """Grade one free-text answer with `grader`; return whether its grade changed.

    Never touches an answer a person has decided, even one decided while the grader ran: the
    write is a conditional UPDATE, so a decision committed meanwhile makes it write nothing.
    Call it outside any transaction: a grader may take seconds (a chat model, 30 s at worst),
    and no lock may be held while it runs."""
    if answer.reviewed_by_id is not None:
        return False
    return write_machine_grade(answer, machine_values(answer, grader))


def machine_values(answer: Answer, grader: Grader) -> dict[str, Any]:
    """What `grader` makes of one free-text answer, as the Answer fields to write. Reads and
    writes nothing in the database."""
    rubric = rubric_of(answer.item, answer.part_id)
    part = answer.item.version.part(answer.part_id)
    result = grader.grade(
        rubric,
        TextResponse.read(answer.response).text,
        choices_of(answer.item),
        prompt=f"{answer.item.version.stem}\n{part.prompt if part else ''}",
    )
    return {
        "detail": AnswerDetail(
            criteria=_criteria_detail(rubric, result), note=result.note
        ).as_json(),
        "points": round(result.score, 4),
        "max_points": rubric.max_score,
        "confidence": round(result.confidence, 3),
        "grader": result.grader,
        "status": Answer.Status.REVIEW if result.needs_review else Answer.Status.GRADED,
    }


def write_machine_grade(answer: Answer, values: dict[str, Any]) -> bool:
    """Store a machine grade with one conditional UPDATE (a person's decision stands);
    whether the grade changed."""
    before = (answer.status, answer.points, answer.typed_detail.criteria)
    if not Answer.objects.filter(pk=answer.pk, reviewed_by__isnull=True).update(**values):
        answer.refresh_from_db()  # a person decided while the grader ran: theirs stands
        return False
    for name, value in values.items():
        setattr(answer, name, value)
    return before != (answer.status, answer.points, answer.typed_detail.criteria)


def recompute_attempt(attempt: Attempt) -> Attempt:
    """Score = the points of graded answers; written answers still pending count as pending.

    Under the attempt's row lock, so two recomputes (a re-grade and a person's decision) cannot
    interleave and save a stale total. Lock order everywhere: the attempt, then its answers."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        answers = list(
            Answer.objects.filter(item__attempt=locked).only("status", "points", "max_points")
        )
        locked.score = round(
            sum(a.points or 0 for a in answers if a.status == Answer.Status.GRADED), 4
        )
        locked.max_score = round(sum(a.max_points or 0 for a in answers), 4)
        locked.pending_parts = sum(1 for a in answers if a.status in PENDING)
        locked.save(update_fields=["score", "max_score", "pending_parts"])
    attempt.score, attempt.max_score = locked.score, locked.max_score
    attempt.pending_parts = locked.pending_parts
    return attempt


def grade_attempt_free_text(attempt_id: int) -> int:
    """Grade every free-text answer of a submitted attempt awaiting the machine.

    No lock is held while the grader runs (a chat model may take seconds for each answer):
    each grade is written by its own conditional UPDATE, then the attempt's total is
    recomputed under its row lock. Two runs for one attempt write the same grades."""
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt_id)
    answers = list(
        Answer.objects.filter(item__attempt=attempt, status=Answer.Status.AWAITING)
        .select_related("item__version")
        .prefetch_related("item__answers")
    )
    grader = grader_for(attempt.quiz.course_id)
    for answer in answers:
        machine_grade(answer, grader)
    recompute_attempt(attempt)
    return len(answers)


def _levels(answer: Answer) -> dict[str, int]:
    detail = answer.typed_detail
    return {**detail.machine_levels(), **detail.human}


@transaction.atomic
def decide_answer(
    answer: Answer, user: User, levels: dict[str, int], comment: str = ""
) -> GradeDecision:
    """Record a person's grade: one level per criterion. It wins over the machine for good."""
    # The attempt first, then the answer: the order grading and recomputing take them in.
    Attempt.objects.select_for_update(of=("self",)).get(items__answers__pk=answer.pk)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("item__version", "item__attempt")
        .get(pk=answer.pk)
    )
    rubric = rubric_of(answer.item, answer.part_id)
    by_id = {c.id: c for c in rubric.criteria}
    if set(levels) != set(by_id):
        missing = sorted(set(by_id) - set(levels))
        unknown = sorted(set(levels) - set(by_id))
        raise DecisionError(
            "Choose a level for every criterion"
            + (f" (missing: {', '.join(missing)})" if missing else "")
            + (f" (not in this rubric: {', '.join(unknown)})" if unknown else "")
            + "."
        )
    for cid, level in levels.items():
        if not 0 <= level < len(by_id[cid].levels):
            raise DecisionError(f"“{by_id[cid].title}” has no level {level + 1}.")
    before = {"points": answer.points, "levels": _levels(answer), "status": answer.status}
    points = round(sum(by_id[cid].levels[level].points for cid, level in levels.items()), 4)
    answer.detail = answer.typed_detail.model_copy(update={"human": dict(levels)}).as_json()
    answer.points = points
    answer.max_points = rubric.max_score
    answer.status = Answer.Status.GRADED
    answer.reviewed_by = user
    answer.reviewed_at = timezone.now()
    answer.comment = comment
    answer.save()
    decision = GradeDecision.objects.create(
        answer=answer,
        user=user,
        before=before,
        after={"points": points, "levels": dict(levels), "status": answer.status},
        comment=comment,
    )
    recompute_attempt(answer.item.attempt)
    return decision


def regrade_part(run_id: int) -> RegradeRun:
    """Re-grade every machine-graded answer of one free-text part after its rubric changed.

    A run that finished is not run again: a task put back in the queue by
    `review.worker.recover_stale_tasks` while its first run was only slow would otherwise
    overwrite the report with "nothing changed"."""
    run = RegradeRun.objects.select_related("version__question").get(pk=run_id)
    if run.finished_at is not None:
        return run
    grader = grader_for(run.version.question.course_id)
    answers = (
        Answer.objects.filter(item__version=run.version, part_id=run.part_id)
        .exclude(status=Answer.Status.SAVED)
        .select_related("item__version", "item__attempt")
        .prefetch_related("item__answers")
    )
    changed: list[int] = []
    before: dict[str, dict[str, Any]] = {}
    graded = skipped = 0
    attempts: dict[int, Attempt] = {}
    for answer in answers:
        if answer.reviewed_by_id is not None:
            skipped += 1
            continue
        if answer.item.attempt.submitted_at is None:
            continue  # graded when submitted
        was = {
            "points": answer.points,
            "status": answer.status,
            "levels": [c.level for c in answer.typed_detail.criteria],
        }
        if machine_grade(answer, grader):
            changed.append(answer.pk)
            before[str(answer.pk)] = was
            attempts[answer.item.attempt_id] = answer.item.attempt
        elif answer.reviewed_by_id is not None:  # a person decided while this ran
            skipped += 1
            continue
        graded += 1
    for attempt in attempts.values():
        recompute_attempt(attempt)
    run.graded, run.changed, run.skipped_human = graded, len(changed), skipped
    run.changed_answers = changed
    run.before = before
    run.finished_at = timezone.now()
    run.save()
    return run
