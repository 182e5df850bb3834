"""Named actions on quizzes and attempts. Views, commands and tests all go through these.

`submit_attempt` is the only code that sets `Attempt.submitted_at`.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import dateformat, timezone

from grading import draw, scoring
from quizzes.accommodations import Window, attempts_used, window_for
from quizzes.models import Answer, Attempt, AttemptItem, DrawRule, Question, Quiz, QuizItem
from quizzes.parts import AnswerDetail, Part, Response
from quizzes.signals import attempt_graded, free_text_awaiting


class QuizError(Exception):
    """A refused action; the message is shown to the student as is."""


class AttemptClosed(QuizError):
    pass


def attempts_left(quiz: Quiz, student: User, window: Window | None = None) -> int | None:
    """How many more attempts the student may start (None: unlimited), their accommodation's
    extra attempts included."""
    window = window or window_for(quiz, student)
    if window.max_attempts is None:
        return None
    return max(0, window.max_attempts - attempts_used(quiz, student))


def quiz_grade(quiz: Quiz, attempts: list[Attempt]) -> float | None:
    """The student's grade for the quiz in percent, combining submitted attempts as the quiz says.
    Attempts with written answers still awaiting grading are left out until they are graded."""
    percents = [a.percent for a in attempts if a.is_submitted and not a.pending_parts]
    return scoring.combine_attempts([p for p in percents if p is not None], quiz.grading)  # type: ignore[arg-type]


def rule_queryset(quiz: Quiz, rule: DrawRule) -> QuerySet[Question]:
    """Published questions of the quiz's course matching every filter the rule sets."""
    filters = Q(course_id=quiz.course_id, status=Question.Status.PUBLISHED, current__isnull=False)
    if rule.chapter_id:
        filters &= Q(concepts__chapter_id=rule.chapter_id)
    if rule.concept_id:
        filters &= Q(concepts__id=rule.concept_id)
    if rule.tag_id:
        filters &= Q(tags__id=rule.tag_id)
    if rule.bloom:
        filters &= Q(current__bloom=rule.bloom)
    return Question.objects.filter(filters).distinct().order_by("pk")


def draw_questions(quiz: Quiz, seed: int) -> list[Question]:
    """The quiz's fixed questions, then each rule's draw; reproducible from `seed`.

    Each rule draws at random from what earlier rules left. When overlapping rules make that
    greedy draw fail although a draw exists (rule 1 took the questions rule 2 needed), the draw
    falls back to a seeded maximum-flow assignment (grading.draw), so a quiz that the builder
    accepted can always be started."""
    rng = random.Random(seed)
    chosen = [
        item.question
        for item in quiz.items.select_related("question__current").filter(
            question__status=Question.Status.PUBLISHED
        )
    ]
    fixed = {q.pk for q in chosen}
    pools = [
        (
            rule.count,
            [q for q in rule_queryset(quiz, rule).select_related("current") if q.pk not in fixed],
        )
        for rule in quiz.rules.all()
    ]
    drawn = _greedy_draw(pools, rng)
    if drawn is None:
        by_pk = {q.pk: q for _count, pool in pools for q in pool}
        result = draw.assign([(count, [q.pk for q in pool]) for count, pool in pools], rng)
        if isinstance(result, draw.Shortfall):
            raise QuizError(
                "This quiz cannot be started: "
                + result.message(fixed_excluded=bool(fixed))
                + " Please tell your instructor."
            )
        drawn = []
        for pks in result:
            picked = [by_pk[pk] for pk in sorted(pks)]
            rng.shuffle(picked)
            drawn.extend(picked)
    chosen.extend(drawn)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def rule_pools(
    quiz: Quiz, rules: Iterable[DrawRule], exclude: set[int]
) -> list[tuple[int, list[int]]]:
    """Each rule's count and the ids of the questions it may draw (`exclude`: fixed ones)."""
    return [
        (
            rule.count,
            [
                pk
                for pk in rule_queryset(quiz, rule).values_list("pk", flat=True)
                if pk not in exclude
            ],
        )
        for rule in rules
    ]


def draw_shortfall(quiz: Quiz) -> draw.Shortfall | None:
    """Why no attempt of `quiz` can be started (rules competing for too few questions), or None."""
    fixed = set(
        quiz.items.filter(question__status=Question.Status.PUBLISHED).values_list(
            "question_id", flat=True
        )
    )
    return draw.shortfall(rule_pools(quiz, quiz.rules.all(), fixed))


def draw_shortfalls(quizzes: Sequence[Quiz]) -> dict[int, draw.Shortfall | None]:
    """`draw_shortfall` of each quiz, by quiz id, in five queries whatever the number of quizzes
    and rules (the authoring quiz list): the rules' filters are applied here as
    `rule_queryset` applies them (chapter and concept on one and the same concept)."""
    ids = [quiz.pk for quiz in quizzes]
    if not ids:
        return {}
    fixed: dict[int, set[int]] = defaultdict(set)
    for quiz_id, question_id in QuizItem.objects.filter(
        quiz_id__in=ids, question__status=Question.Status.PUBLISHED
    ).values_list("quiz_id", "question_id"):
        fixed[quiz_id].add(question_id)
    rules: dict[int, list[DrawRule]] = defaultdict(list)
    for rule in DrawRule.objects.filter(quiz_id__in=ids).order_by("quiz_id", "position"):
        rules[rule.quiz_id].append(rule)
    published = Question.objects.filter(
        course_id__in={quiz.course_id for quiz in quizzes},
        status=Question.Status.PUBLISHED,
        current__isnull=False,
    )
    candidates = sorted(published.values_list("pk", "course_id", "current__bloom"))
    concepts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for question_id, concept_id, chapter_id in Question.concepts.through.objects.filter(
        question__in=published
    ).values_list("question_id", "concept_id", "concept__chapter_id"):
        concepts[question_id].append((concept_id, chapter_id))
    tags: dict[int, set[int]] = defaultdict(set)
    for question_id, tag_id in Question.tags.through.objects.filter(
        question__in=published
    ).values_list("question_id", "tag_id"):
        tags[question_id].add(tag_id)

    def matches(rule: DrawRule, pk: int, bloom: int) -> bool:
        if rule.bloom and bloom != rule.bloom:
            return False
        if rule.tag_id and rule.tag_id not in tags[pk]:
            return False
        if rule.chapter_id or rule.concept_id:
            return any(
                (not rule.chapter_id or chapter_id == rule.chapter_id)
                and (not rule.concept_id or concept_id == rule.concept_id)
                for concept_id, chapter_id in concepts[pk]
            )
        return True

    return {
        quiz.pk: draw.shortfall(
            [
                (
                    rule.count,
                    [
                        pk
                        for pk, course_id, bloom in candidates
                        if course_id == quiz.course_id
                        and pk not in fixed[quiz.pk]
                        and matches(rule, pk, bloom)
                    ],
                )
                for rule in rules[quiz.pk]
            ]
        )
        for quiz in quizzes
    }


def _greedy_draw(
    pools: list[tuple[int, list[Question]]], rng: random.Random
) -> list[Question] | None:
    """Each rule samples from what the rules before it left; None if one runs short."""
    taken: set[int] = set()
    out: list[Question] = []
    for count, pool in pools:
        free = [q for q in pool if q.pk not in taken]
        if len(free) < count:
            return None
        picked = rng.sample(free, count)
        out.extend(picked)
        taken |= {q.pk for q in picked}
    return out


@transaction.atomic
def start_attempt(quiz: Quiz, student: User, now: datetime | None = None) -> Attempt:
    """Resume the student's open attempt, or start a new one if the quiz allows it."""
    now = now or timezone.now()
    # The quiz as committed now, locked: an instructor's save (which refits open attempts'
    # deadlines) either finished before this read or waits until this attempt exists.
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    open_attempt = (
        Attempt.objects.filter(quiz=quiz, student=student, submitted_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if open_attempt is not None:
        if open_attempt.is_open(now):
            return open_attempt
        submit_attempt(open_attempt, now=now)
    window = window_for(quiz, student)  # the quiz as this student's accommodation has it
    if window.opens_at is not None and window.not_open_yet(now):
        raise QuizError(f"This quiz opens on {_when(window.opens_at)}; you can start it then.")
    if window.closed(now):
        closed = f" on {_when(window.closes_at)}" if window.closes_at is not None else ""
        raise QuizError(f"This quiz closed{closed}; it can no longer be started.")
    left = attempts_left(quiz, student, window)
    if left == 0:
        raise QuizError("You have used all your attempts at this quiz.")
    seed = secrets.randbits(48)
    questions = draw_questions(quiz, seed)
    if not questions:
        raise QuizError("This quiz has no questions yet.")
    number = (
        Attempt.objects.filter(quiz=quiz, student=student).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    deadline = window.deadline_for(now)
    attempt = Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=number,
        seed=seed,
        started_at=now,
        deadline=deadline,
        item_count=len(questions),
    )
    rng = random.Random(seed + 1)
    AttemptItem.objects.bulk_create(
        [
            AttemptItem(
                attempt=attempt,
                position=position,
                version=question.current,
                order={p.id: p.shown_order(rng, quiz.shuffle_options) for p in _parts(question)},
            )
            for position, question in enumerate(questions, start=1)
        ]
    )
    return attempt


def _when(moment: datetime) -> str:
    """A date and time as the quiz page shows it, with the time zone: "1 Jan 2030, 09:00 UTC"."""
    return dateformat.format(timezone.localtime(moment), "j M Y, H:i T")


def _parts(question: Question) -> list[Part]:
    assert question.current is not None  # drawn questions always have a current version
    return question.current.typed_parts


def _lock(attempt: Attempt) -> Attempt:
    """Re-read the attempt under a row lock (PostgreSQL; SQLite's IMMEDIATE already serialises)."""
    return Attempt.objects.select_for_update().get(pk=attempt.pk)


ALREADY_SUBMITTED = "This attempt was already submitted; your answers can no longer change."
ALREADY_CHECKED = "You already checked this question; its answer is final."
TIME_IS_UP = "Time is up: your attempt was submitted with the answers saved before the deadline."


def save_answers(
    attempt: Attempt,
    item: AttemptItem,
    responses: Mapping[str, Response | Mapping[str, object]],
    now: datetime | None = None,
) -> list[Answer]:
    """Store the student's responses to the parts of one item. Refused once the attempt is over;
    an attempt found past its deadline is submitted (and stays submitted) before the refusal.

    `responses` maps part id → typed response (or its JSON), already checked by the form.
    """
    now = now or timezone.now()
    if item.attempt_id != attempt.pk:
        raise ValueError(f"item {item.pk} is not a question of attempt {attempt.pk}")
    with transaction.atomic():
        # The attempt read afresh under its row lock (`_lock`: only that row, so the lock order
        # stays attempt-then-item everywhere). `item` is from before the lock: a check made
        # meanwhile (`check_item`, under the same lock) is caught by the UPDATE below.
        attempt = _lock(attempt)
        if attempt.is_submitted:
            raise AttemptClosed(ALREADY_SUBMITTED)
        if attempt.is_open(now):
            if item.checked_at is not None:
                raise AttemptClosed(ALREADY_CHECKED)
            saved = []
            for part_id, response in responses.items():
                # One UPDATE for a part saved before (every autosave after its first), only
                # while the item is unchecked; the attempt's lock keeps a second writer from
                # inserting the row meanwhile.
                stored = response.as_json() if isinstance(response, Response) else dict(response)
                answer = Answer(item=item, part_id=part_id, response=stored, saved_at=now)
                rows = Answer.objects.filter(
                    item=item, part_id=part_id, item__checked_at__isnull=True
                )
                if not rows.update(response=stored, saved_at=now):
                    # A first save of this part, or the item was checked: read it afresh.
                    if AttemptItem.objects.filter(pk=item.pk, checked_at__isnull=False).exists():
                        raise AttemptClosed(ALREADY_CHECKED)
                    answer.save(force_insert=True)
                saved.append(answer)
            return saved
        submit_attempt(attempt, now=now)  # committed with this block, not undone by the raise
    raise AttemptClosed(TIME_IS_UP)


def save_page(
    attempt: Attempt,
    saves: Sequence[tuple[AttemptItem, Mapping[str, Response]]],
    *,
    posted: bool,
) -> None:
    """Save one post of the attempt page: each question's responses (`save_answers`). A post
    with no answers at all (nothing ticked) is still a save: refused in `save_answers`' words
    once the attempt is over, and an overdue attempt is submitted."""
    if not posted and not attempt.is_open():
        if attempt.is_submitted:
            raise AttemptClosed(ALREADY_SUBMITTED)
        submit_attempt(attempt)
        raise AttemptClosed(TIME_IS_UP)
    for item, responses in saves:
        save_answers(attempt, item, responses)


def _grade_item(item: AttemptItem, answers: dict[str, Answer]) -> list[Answer]:
    graded = []
    for part in item.version.typed_parts:
        answer = answers.get(part.id) or Answer(item=item, part_id=part.id, response={})
        answer.max_points = part.max_points
        if not part.exact:
            answer.status = Answer.Status.AWAITING
            answer.points = None
            answer.detail = {}
        else:
            result = part.score(part.response(answer.response))
            answer.status = Answer.Status.GRADED
            answer.points = result.points
            answer.detail = AnswerDetail(correct=result.correct).as_json()
        graded.append(answer)
    return graded


def _save_graded(graded: list[Answer]) -> None:
    new = [a for a in graded if a.pk is None]
    old = [a for a in graded if a.pk is not None]
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(old, ["status", "points", "max_points", "detail"])


@transaction.atomic
def check_item(attempt: Attempt, item: AttemptItem, now: datetime | None = None) -> list[Answer]:
    """Feedback after each question: grade one item now and make its answers final."""
    now = now or timezone.now()
    attempt = _lock(attempt)
    if not attempt.quiz.review_matrix.checks_each_question:
        raise QuizError("This quiz shows feedback only at the end.")
    if not attempt.is_open(now):
        raise AttemptClosed("This attempt is over.")
    item = AttemptItem.objects.select_related("version").get(pk=item.pk, attempt=attempt)
    if item.checked_at is None:
        item.checked_at = now
        item.save(update_fields=["checked_at"])
    graded = _grade_item(item, {a.part_id: a for a in item.answers.all()})
    _save_graded(graded)
    return graded


@transaction.atomic
def submit_attempt(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and close the attempt, once. A second call (double click, two tabs, a replayed
    POST) finds it submitted and changes nothing."""
    now = now or timezone.now()
    locked = _lock(attempt)
    if locked.is_submitted:
        return locked
    items = list(locked.items.select_related("version").prefetch_related("answers"))
    graded: list[Answer] = []
    for item in items:
        graded += _grade_item(item, {a.part_id: a for a in item.answers.all()})
    _save_graded(graded)
    locked.max_score = round(sum(a.max_points or 0 for a in graded), 4)
    locked.score = round(sum(a.points or 0 for a in graded), 4)
    locked.pending_parts = sum(1 for a in graded if a.status == Answer.Status.AWAITING)
    # A timed-out attempt is stamped at its deadline: that is when it ended.
    locked.submitted_at = min(now, locked.deadline) if locked.deadline else now
    locked.save(update_fields=["score", "max_score", "pending_parts", "submitted_at"])
    if locked.pending_parts:
        # Sent inside this transaction: the grading task it enqueues (review/receivers.py)
        # is seen by the worker only once the submit is committed, and never missed.
        free_text_awaiting.send(sender=Attempt, attempt=locked)
    attempt_graded.send(sender=Attempt, attempt=locked)
    return locked


def finish_overdue(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """The server keeps the clock: an attempt past its deadline is submitted when next seen."""
    now = now or timezone.now()
    if attempt.submitted_at is None and attempt.deadline is not None and now >= attempt.deadline:
        return submit_attempt(attempt, now=now)
    return attempt
