"""Free-text grading in the app: the machine grades, unsure grades go to a person, a person's
decision always wins, and a changed rubric re-grades what the machine graded.

Actions here are the only code that writes an Answer's free-text grade.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from grading.base import Grader, get_grader
from grading.freetext import GradeResult
from grading.learn import LearnedGrade
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
from quizzes.signals import attempt_graded
from review import learning, notify
from review.models import GradeDecision, GradingPolicy, RegradeRequest, RegradeRun

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


class PartModels:
    """The learned model of each free-text part met while grading, looked up once per part.

    Only the offline grader learns: a course that grades with a chat model keeps it as is."""

    def __init__(self, grader: Grader) -> None:
        self.grader = grader
        self.threshold = float(getattr(grader, "review_threshold", 0.6))
        self._models: dict[tuple[int, str], learning.PartModel] = {}

    def for_answer(self, answer: Answer, rubric: Rubric) -> learning.PartModel:
        if self.grader.name != "keyword":
            return learning.PartModel(None, 0)
        key = (answer.item.version_id, answer.part_id)
        if key not in self._models:
            self._models[key] = learning.model_for(
                answer.item.version, answer.part_id, rubric, self.threshold
            )
        return self._models[key]


def models_threshold(models: PartModels | None) -> float:
    return models.threshold if models is not None else settings.STEPWISE_REVIEW_THRESHOLD


def machine_grade(
    answer: Answer,
    grader: Grader,
    models: PartModels | None = None,
    learned: LearnedGrade | None = None,
) -> bool:
    """Grade one free-text answer with `grader` (and what its part learned from a person's
    grades, through `models`); return whether its grade changed.

    Never touches an answer a person has decided, even one decided while the grader ran: the
    write is a conditional UPDATE, so a decision committed meanwhile makes it write nothing.
    Call it outside any transaction: a grader may take seconds (a chat model, 30 s at worst),
    and no lock may be held while it runs."""
    if answer.reviewed_by_id is not None:
        return False
    rubric = rubric_of(answer.item, answer.part_id)
    text = TextResponse.read(answer.response).text
    choices = choices_of(answer.item)
    part_model = (models or PartModels(grader)).for_answer(answer, rubric)
    if part_model.model is not None:
        # `learned`: graded beforehand with the others of its part (grade_many is much faster)
        learned = learned or part_model.model.grade(text, choices)
        result = learning.trusted(learned.result, part_model.examples, models_threshold(models))
    else:
        result = grader.grade(
            rubric,
            text,
            choices,
            prompt=learning.question_text(answer.item.version, answer.part_id),
        )
    before = (answer.status, answer.points, answer.typed_detail.criteria)
    detail = AnswerDetail(criteria=_criteria_detail(rubric, result), note=result.note).as_json()
    if learned is not None:
        detail |= learning.LearnedDetail(
            learned={
                "examples": part_model.examples,
                "rubric_points": learned.rubric_result.score if learned.rubric_result else None,
                "estimate": learned.estimate,
            },
            neighbours=[
                learning.LearnedNeighbour(answer=int(n.id), similarity=n.similarity, score=n.score)
                for n in learned.neighbours
            ],
        ).as_json()
    values = {
        "detail": detail,
        "points": round(result.score, 4),
        "max_points": rubric.max_score,
        "confidence": round(result.confidence, 3),
        "grader": result.grader,
        "status": Answer.Status.REVIEW if result.needs_review else Answer.Status.GRADED,
    }
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
        attempt_graded.send(sender=Attempt, attempt=locked)
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
    models = PartModels(grader)
    for answer in answers:
        machine_grade(answer, grader, models)
    recompute_attempt(attempt)
    return len(answers)


def _levels(answer: Answer) -> dict[str, int]:
    detail = answer.typed_detail
    return {**detail.machine_levels(), **detail.human}


@transaction.atomic
def decide_answer(
    answer: Answer,
    user: User,
    levels: dict[str, int],
    comment: str = "",
    *,
    reply: str = "",
    relearn: bool = True,
    group: list[int] | None = None,
) -> GradeDecision:
    """Record a person's grade: one level per criterion. It wins over the machine for good.

    The student is told when a grade that waited for a person is released, and any open
    regrade request on the answer is answered with `reply` (or the comment). The decision is a
    new training example for its part: unless `relearn` is off (a group decision relearns once
    after its last member), the part's pending answers are graded again with what was learned.
    """
    # The attempt first, then the answer: the order grading and recomputing take them in.
    Attempt.objects.select_for_update(of=("self",)).get(items__answers__pk=answer.pk)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("item__version", "item__attempt__quiz", "item__attempt__student")
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
    was_pending = answer.status in PENDING
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
    after: dict[str, Any] = {"points": points, "levels": dict(levels), "status": answer.status}
    if group:
        after["group"] = list(group)  # decided with these answers at once (the audit says so)
    decision = GradeDecision.objects.create(
        answer=answer, user=user, before=before, after=after, comment=comment
    )
    recompute_attempt(answer.item.attempt)
    requests = list(
        RegradeRequest.objects.select_for_update().filter(
            answer=answer, status=RegradeRequest.Status.OPEN
        )
    )
    for request in requests:
        request.status = RegradeRequest.Status.ANSWERED
        request.reply = reply or comment
        request.decision = decision
        request.answered_at = answer.reviewed_at
        request.save(update_fields=["status", "reply", "decision", "answered_at"])
        criterion = by_id.get(request.criterion)
        notify.notify_request_answered(
            answer, criterion.title if criterion else request.criterion, request.reply
        )
    if was_pending and not requests:
        notify.notify_released(answer)
    if relearn:
        enqueue_relearn(answer.item.version_id, answer.part_id)
    return decision


def enqueue_relearn(version_id: int, part_id: str) -> None:
    from review.tasks import relearn_part  # tasks import this module

    relearn_part.enqueue(version_id, part_id)


class GroupDecisionError(DecisionError):
    """A group decision refused as a whole (a member not in the group, already decided...)."""


@transaction.atomic
def decide_group(
    answers: list[Answer], user: User, levels: dict[str, int], comment: str = ""
) -> list[GradeDecision]:
    """One person's grade for several answers of the same part at once: a decision each.

    All or nothing: an answer a person decided meanwhile refuses the whole group (its members
    are graded one by one again from the group page)."""
    if not answers:
        raise GroupDecisionError("Choose at least one answer of the group to grade.")
    parts = {(a.item.version_id, a.part_id) for a in answers}
    if len(parts) != 1:
        raise GroupDecisionError("The answers of a group must answer the same question part.")
    ids = sorted(a.pk for a in answers)
    decided = list(
        Answer.objects.select_for_update()
        .filter(pk__in=ids, reviewed_by__isnull=False)
        .values_list("pk", flat=True)
    )
    if decided:
        raise GroupDecisionError(
            f"Answer{'s' if len(decided) > 1 else ''} {', '.join(map(str, sorted(decided)))} "
            "already had a person's grade; nothing was saved. Look at the group again."
        )
    decisions = [
        decide_answer(a, user, levels, comment, relearn=False, group=ids)
        for a in sorted(answers, key=lambda a: a.pk)
    ]
    version_id, part_id = parts.pop()
    enqueue_relearn(version_id, part_id)
    return decisions


def relearn_part(version_id: int, part_id: str) -> int:
    """Grade a part's answers still waiting for a person again, with what the part learned
    from the decisions so far; return how many were released (graded without a person).

    Below the minimum of graded answers nothing is learned and nothing changes."""
    answers = list(
        Answer.objects.filter(
            item__version_id=version_id,
            part_id=part_id,
            status=Answer.Status.REVIEW,
            reviewed_by__isnull=True,
            item__attempt__submitted_at__isnull=False,
        )
        .select_related("item__version__question", "item__attempt__quiz", "item__attempt__student")
        .prefetch_related("item__answers")
        .order_by("pk")
    )
    if not answers:
        return 0
    grader = grader_for(answers[0].item.version.question.course_id)
    models = PartModels(grader)
    rubric = rubric_of(answers[0].item, part_id)
    model = models.for_answer(answers[0], rubric).model
    if model is None:
        return 0
    learned = model.grade_many(
        [TextResponse.read(a.response).text for a in answers],
        [choices_of(a.item) for a in answers],
    )
    released = 0
    for answer, grade in zip(answers, learned, strict=True):
        with transaction.atomic():
            machine_grade(answer, grader, models, grade)
            if answer.status == Answer.Status.GRADED and answer.reviewed_by_id is None:
                recompute_attempt(answer.item.attempt)
                if not answer.regrade_requests.filter(status=RegradeRequest.Status.OPEN).exists():
                    notify.notify_released(answer)
                released += 1
    return released


def regrade_part(run_id: int) -> RegradeRun:
    """Re-grade every machine-graded answer of one free-text part after its rubric changed.

    A run that finished is not run again: a task put back in the queue by
    `review.worker.recover_stale_tasks` while its first run was only slow would otherwise
    overwrite the report with "nothing changed"."""
    run = RegradeRun.objects.select_related("version__question").get(pk=run_id)
    if run.finished_at is not None:
        return run
    grader = grader_for(run.version.question.course_id)
    models = PartModels(grader)
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
        if machine_grade(answer, grader, models):
            changed.append(answer.pk)
            before[str(answer.pk)] = was
            attempts[answer.item.attempt_id] = answer.item.attempt
            if was["status"] == Answer.Status.REVIEW and answer.status == Answer.Status.GRADED:
                notify.notify_released(answer)
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


class RegradeRequestError(ValueError):
    """A regrade request that cannot be made (the message says why)."""


REASON_MIN, REASON_MAX = 20, 2000  # a reason says what was missed, and is not an essay


def regrade_requests_close_at(answer: Answer) -> datetime | None:
    """When the quiz stops taking regrade requests: STEPWISE_REGRADE_REQUEST_DAYS after it
    closes; never for a quiz that does not close."""
    closes = answer.item.attempt.quiz.closes_at
    if closes is None:
        return None
    return closes + timedelta(days=settings.STEPWISE_REGRADE_REQUEST_DAYS)


@transaction.atomic
def request_regrade(answer: Answer, student: User, criterion: str, reason: str) -> RegradeRequest:
    """A student asks for one criterion of their graded written answer to be looked at again.

    Refused: an answer still being graded, a criterion not in its rubric, a second open request
    on the same criterion, a reason shorter than REASON_MIN or longer than REASON_MAX
    characters, and a request after the quiz's requests closed (`regrade_requests_close_at`)."""
    Answer.objects.select_for_update(of=("self",)).filter(pk=answer.pk).first()
    answer.refresh_from_db(fields=["status"])
    if answer.item.attempt.student_id != student.pk:
        raise RegradeRequestError("This is not your answer.")
    if answer.status != Answer.Status.GRADED:
        raise RegradeRequestError("This answer is still being graded; ask once it has a grade.")
    rubric = rubric_of(answer.item, answer.part_id)
    titles = {c.id: c.title for c in rubric.criteria}
    if criterion not in titles:
        raise RegradeRequestError("Choose one of the answer's criteria.")
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise RegradeRequestError(
            f"Give a reason of {REASON_MIN} to {REASON_MAX} characters "
            f"(this one has {len(reason)})."
        )
    closes = regrade_requests_close_at(answer)
    if closes is not None and timezone.now() > closes:
        raise RegradeRequestError(f"Regrade requests for this quiz closed on {closes:%d %B %Y}.")
    if RegradeRequest.objects.filter(
        answer=answer, criterion=criterion, status=RegradeRequest.Status.OPEN
    ).exists():
        raise RegradeRequestError(
            f"You already asked about “{titles[criterion]}”; wait for the answer."
        )
    return RegradeRequest.objects.create(
        answer=answer, student=student, criterion=criterion, reason=reason
    )
