"""How long the learner model takes to update after a submitted attempt (target < 50 ms for a
20-question attempt), on the course's real graph and questions imported into a throwaway
database (bench/harness.py).

A student first builds a history of `--history` earlier 20-question attempts. Then, for each of
`--runs` new attempts, the submit is timed twice on identical attempts: with the learner model
listening to `quizzes.signals.attempt_graded` and without (the baseline, measured in the same
run); the difference is the update's cost. The update alone (capture the attempt's evidence,
replay the student's whole history, write mastery and cards) is also timed directly.

    .venv/bin/python bench/learner_update.py [--history 10] [--runs 15]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench, summary  # noqa: E402 (after the path is set)

QUESTIONS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stepwise-learner-"))
    django_for_bench(tmp)
    from django.contrib.auth.models import User
    from django.db import transaction

    from content_io.course import import_course
    from learning import actions
    from learning.evidence import capture_attempt
    from learning.models import Evidence
    from learning.receivers import on_attempt_graded
    from quizzes.actions import save_answers, start_attempt, submit_attempt
    from quizzes.models import Question, Quiz, QuizItem
    from quizzes.parts import ChoicePart, ChoiceResponse
    from quizzes.signals import attempt_graded

    import_course(ROOT / "content")
    rng = random.Random(3)
    exact = [
        q
        for q in Question.objects.select_related("current", "course")
        if q.current
        and all(p["kind"] in ("single", "multiple", "true_false") for p in q.current.parts)
    ]
    course = exact[0].course
    quiz = Quiz.objects.create(
        course=course, slug="bench-learner", title="Bench", max_attempts=None
    )
    for pos, q in enumerate(rng.sample(exact, QUESTIONS), start=1):
        QuizItem.objects.create(quiz=quiz, question=q, position=pos)
    student = User.objects.create_user("bench-student", password="x")

    def answered_attempt() -> object:
        attempt = start_attempt(quiz, student)
        for item in attempt.items.select_related("version"):
            responses: dict[str, Any] = {}
            for part in item.version.typed_parts:
                assert isinstance(part, ChoicePart)
                responses[part.id] = ChoiceResponse(selected=[rng.choice(part.options).id])
            save_answers(attempt, item, responses)
        return attempt

    for _ in range(args.history):
        submit_attempt(answered_attempt())  # type: ignore[arg-type]
    print(
        f"course: {course.slug}, {course.concepts.count()} concepts; history: {args.history} attempts, "
        f"{Evidence.objects.filter(student=student).count()} evidence rows"
    )

    import learning.receivers as receivers

    parts: dict[str, list[float]] = {"capture": [], "update": []}

    def timed(name: str, func: Any) -> Any:
        def run(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                parts[name].append((time.perf_counter() - start) * 1000)

        return run

    # Time the receiver's two steps where it calls them (the bench's own stand-ins).
    receivers.capture_attempt = timed("capture", receivers.capture_attempt)
    receivers.actions = type(  # type: ignore[assignment]
        "A", (), {"update_student": staticmethod(timed("update", actions.update_student))}
    )
    with_model, without_model, update_only = [], [], []
    for _ in range(args.runs):
        attempt = answered_attempt()
        start = time.perf_counter()
        submit_attempt(attempt)  # type: ignore[arg-type]
        with_model.append((time.perf_counter() - start) * 1000)

        attempt_graded.disconnect(dispatch_uid="learning.attempt_graded")
        attempt = answered_attempt()
        start = time.perf_counter()
        submit_attempt(attempt)  # type: ignore[arg-type]
        without_model.append((time.perf_counter() - start) * 1000)
        attempt_graded.connect(on_attempt_graded, dispatch_uid="learning.attempt_graded")

        start = time.perf_counter()
        with transaction.atomic():
            capture_attempt(attempt, course.pk)  # type: ignore[arg-type]
            actions.update_student(student.pk, course.pk)
        update_only.append((time.perf_counter() - start) * 1000)

    print(f"evidence rows at the end: {Evidence.objects.filter(student=student).count()}")
    print(f"submit, learner model listening:      {summary(with_model)}")
    print(f"submit, learner model disconnected:   {summary(without_model)}   (baseline)")
    print(f"learner update alone (capture+replay): {summary(update_only)}   target < 50 ms")
    print(f"  inside submit: capture evidence      {summary(parts['capture'])}")
    print(f"  inside submit: replay and write      {summary(parts['update'])}")


if __name__ == "__main__":
    main()
