"""The review room with many answers to one written part: learned grading, pick first, groups.

    .venv/bin/python bench/review_bench.py [--answers 300] [--decided 10]

Builds a throwaway database like production (bench/harness.py), imports content/, and has
`--answers` students answer one scenario's written part with synthetic texts made here from a
small vocabulary about adapting one model for many clients (every grade goes to a person:
review threshold 1.0). A person then grades `--decided` of them. Printed, measured in the same
run so they compare:

- grading the part's waiting answers with the rubric alone (the baseline) and with what the
  part learned (`review.actions.relearn_part`: fitting from the decisions, then grading);
- the review queue with its picks, a group's page and the grading screen, per request.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench, summary  # noqa: E402

QUESTION = "adapting-one-model-for-many-clients"
GOOD = [
    "LoRA trains only small low-rank matrices",
    "the base model stays frozen",
    "each client adapter is only megabytes",
    "full fine-tuning needs gradients and optimizer states for every weight",
    "one base model serves all twelve clients",
    "it fits on a single GPU",
]
WEAK = [
    "LoRA is newer",
    "it is the best choice",
    "fine-tuning is bad",
    "the clients like it",
    "models are big",
]
JOIN = [" and ", ", so ", "; also ", " because "]


def synthetic(rng: random.Random) -> str:
    pool = GOOD if rng.random() < 0.6 else WEAK
    picked = rng.sample(pool, k=rng.randint(1, 3))
    text = picked[0]
    for phrase in picked[1:]:
        text += rng.choice(JOIN) + phrase
    return text[0].upper() + text[1:] + "."


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--decided", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        django_for_bench(Path(tmp))
        run(args.answers, args.decided, args.seed)


def run(n: int, decided: int, seed: int) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from accounts.roles import INSTRUCTOR, ensure_groups
    from content_io.course import import_course
    from courses.models import Course
    from quizzes.actions import save_answers, start_attempt, submit_attempt
    from quizzes.models import Answer, Question, Quiz, QuizItem
    from quizzes.parts import rubric_of
    from review import actions
    from review.models import GradingPolicy

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    rng = random.Random(seed)
    import_course(ROOT / "content")
    course = Course.objects.get()
    GradingPolicy.objects.create(course=course, review_threshold=1.0)
    question = Question.objects.get(slug=QUESTION)
    quiz = Quiz.objects.create(course=course, slug="bench", title="Bench", max_attempts=1)
    QuizItem.objects.create(quiz=quiz, question=question, position=1)
    ensure_groups()
    teacher = User.objects.create_user("teacher", "t@example.com", "a-long-pass-phrase")
    teacher.groups.add(Group.objects.get(name=INSTRUCTOR))
    course.staff.add(teacher)
    started = time.perf_counter()
    for i in range(n):
        student = User.objects.create_user(f"s{i}", f"s{i}@example.com", "x")
        attempt = start_attempt(quiz, student)
        save_answers(
            attempt,
            attempt.items.get(),
            {"choice": {"selected": ["lora"]}, "justify": {"text": synthetic(rng)}},
        )
        submit_attempt(attempt)
        actions.grade_attempt_free_text(attempt.pk)  # the worker's job (not running here)
    print(f"{n} answers submitted and graded by the rubric in {time.perf_counter() - started:.1f} s")
    answers = list(Answer.objects.filter(part_id="justify").order_by("pk"))
    version_id = answers[0].item.version_id
    rubric = rubric_of(answers[0].item, "justify")
    for answer in answers[:decided]:
        text = str(answer.response["text"])
        good = sum(phrase in text for phrase in GOOD)
        level = {c.id: min(good, len(c.levels) - 1) for c in rubric.criteria}
        actions.decide_answer(answer, teacher, level, relearn=False)
    pending = Answer.objects.filter(part_id="justify", reviewed_by__isnull=True)

    grader = actions.grader_for(course.pk)
    waiting = list(pending.select_related("item__version").prefetch_related("item__answers"))
    started = time.perf_counter()
    for answer in waiting:
        Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.REVIEW)
        actions.machine_grade(answer, grader, actions.PartModels(get_grader_without_learning()))
    rubric_s = time.perf_counter() - started
    Answer.objects.filter(pk__in=[a.pk for a in waiting]).update(status=Answer.Status.REVIEW)
    cache.clear()
    started = time.perf_counter()
    actions.relearn_part(version_id, "justify")
    learned_s = time.perf_counter() - started
    learned = pending.filter(grader="learned").count()
    print(
        f"grading {len(waiting)} waiting answers: rubric alone {rubric_s:.2f} s "
        f"({len(waiting) / rubric_s:.0f}/s); learned from {decided} decisions {learned_s:.2f} s "
        f"({len(waiting) / learned_s:.0f}/s, fit included; {learned} graded by the learned model)"
    )
    Answer.objects.filter(part_id="justify", reviewed_by__isnull=True).update(
        status=Answer.Status.REVIEW
    )
    client = Client()
    client.force_login(teacher)
    anchor = pending.first()
    assert anchor is not None
    pages = {
        "queue (with picks)": reverse("review:queue"),
        "groups of the part": reverse("review:groups", args=[anchor.pk]),
        "one group": reverse("review:group", args=[anchor.pk]),
        "grading screen": reverse("review:answer", args=[anchor.pk]),
    }
    for name, url in pages.items():
        ms = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (url, response.status_code)
        print(f"{name:22s} {summary(ms)}")


def get_grader_without_learning():  # type: ignore[no-untyped-def]
    class NotKeyword:
        name = "baseline"

    return NotKeyword()


if __name__ == "__main__":
    main()
