"""Simulated, already graded attempts written in bulk: for `bench/item_stats.py` and the tests
of the statistics page. Never used by a view.

Each simulated student has an ability; each question a difficulty; a part is answered right
with the logistic probability of their difference (a one-parameter IRT model), so the figures
have the shape of a real class. Wrong answers pick a distractor, the first distractor of each
choice part most often.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from quizzes.models import Answer, Attempt, AttemptItem, Question, Quiz
from quizzes.parts import ChoicePart, FreeTextPart, Part

BATCH = 2000


def make_students(prefix: str, n: int) -> list[User]:
    """`n` users named prefix-0 … prefix-(n-1), without usable passwords (fast to create)."""
    users = [User(username=f"{prefix}-{i}", password="!") for i in range(n)]
    User.objects.bulk_create(users, batch_size=BATCH)
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def _answer(
    part: Part, right: bool, rng: random.Random
) -> tuple[dict[str, Any], float, dict[str, Any]]:
    """(response, points, detail) of one simulated part."""
    top = part.max_points
    if isinstance(part, ChoicePart):
        keys = [o.id for o in part.options if o.correct]
        wrong = [o.id for o in part.options if not o.correct]
        if right or not wrong:
            selected = keys
        else:
            # The first distractor draws half the wrong answers, the others share the rest.
            selected = [wrong[0] if rng.random() < 0.5 else rng.choice(wrong)]
        return {"selected": selected}, top if right else 0.0, {"correct": right}
    if isinstance(part, FreeTextPart):
        criteria: list[dict[str, Any]] = []
        for c in part.rubric_model.criteria:
            level = len(c.levels) - 1 if right else rng.randrange(len(c.levels))
            criteria.append(
                {
                    "criterion": c.id,
                    "level": level,
                    "points": c.levels[level].points,
                    "max_points": max(lv.points for lv in c.levels),
                }
            )
        points = float(sum(float(c["points"]) for c in criteria))
        return {"text": "simulated"}, points, {"criteria": criteria}
    return {}, top if right else 0.0, {"correct": right}


@transaction.atomic
def simulate_attempts(
    quiz: Quiz,
    students: Sequence[User],
    questions: Sequence[Question],
    seed: int = 0,
    attempts_each: int = 1,
) -> int:
    """Write `attempts_each` submitted, fully graded attempts per student at `questions` (with
    their current versions); returns how many attempts were written."""
    rng = random.Random(seed)
    difficulty = {q.pk: rng.gauss(0, 1) for q in questions}
    now = timezone.now()
    attempts = []
    plans = []
    for student in students:
        ability = rng.gauss(0, 1)
        for number in range(1, attempts_each + 1):
            plan = []
            score = top = 0.0
            for q in questions:
                assert q.current is not None
                for part in q.current.typed_parts:
                    p = 1 / (1 + math.exp(-(ability + 0.3 * (number - 1) - difficulty[q.pk])))
                    response, points, detail = _answer(part, rng.random() < p, rng)
                    plan.append((q, part, response, points, detail))
                    score += points
                    top += part.max_points
            started = now - timedelta(minutes=rng.randrange(60, 6000))
            attempts.append(
                Attempt(
                    quiz=quiz,
                    student=student,
                    number=number,
                    seed=rng.getrandbits(40),
                    started_at=started,
                    submitted_at=started + timedelta(minutes=20),
                    score=round(score, 4),
                    max_score=round(top, 4),
                )
            )
            plans.append(plan)
    Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    items = []
    for attempt, plan in zip(attempts, plans, strict=True):
        versions: list[Question] = []
        for q, *_rest in plan:
            if not versions or versions[-1] is not q:
                versions.append(q)
        items += [
            AttemptItem(attempt=attempt, position=i, version=q.current)
            for i, q in enumerate(versions, start=1)
        ]
    AttemptItem.objects.bulk_create(items, batch_size=BATCH)
    by_key: dict[tuple[int, int | None], AttemptItem] = {
        (it.attempt_id, it.version_id): it for it in items
    }
    answers = [
        Answer(
            item=by_key[attempt.pk, q.current_id],
            part_id=part.id,
            response=response,
            status=Answer.Status.GRADED,
            points=points,
            max_points=part.max_points,
            detail=detail,
        )
        for attempt, plan in zip(attempts, plans, strict=True)
        for q, part, response, points, detail in plan
    ]
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    return len(attempts)
