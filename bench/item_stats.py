"""The item statistics page on a big quiz: 20 questions, 5,000 simulated graded attempts.

Builds a throwaway database (SQLite file, or DATABASE_URL), writes the attempts in bulk
(insight.simulate), then times the statistics page through Django's test client as the
course's instructor: cold (cache cleared before each request) and cached. The baseline,
measured in the same run, is the bare query that loads the graded answers: the page cannot be
faster than reading its data. Target: the page in under 1 s.

    .venv/bin/python bench/item_stats.py [--attempts 5000] [--questions 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench, summary  # noqa: E402 (after the path is set)

TARGET_MS = 1000.0


def build(n_questions: int, n_attempts: int) -> tuple[object, object]:
    from django.contrib.auth.models import Group, User

    from accounts.roles import INSTRUCTOR, ensure_groups
    from courses.models import Chapter, Concept, Course
    from insight.simulate import make_students, simulate_attempts
    from quizzes.models import Question, QuestionVersion, Quiz, QuizItem

    ensure_groups()
    course = Course.objects.create(slug="bench-course", title="Bench course")
    chapter = Chapter.objects.create(course=course, slug="ch", title="Chapter", position=1)
    concepts = [
        Concept.objects.create(
            course=course, chapter=chapter, slug=f"c{i}", title=f"Concept {i}", summary="s"
        )
        for i in range(5)
    ]
    quiz = Quiz.objects.create(course=course, slug="big", title="Big quiz")
    questions = []
    for i in range(n_questions):
        q = Question.objects.create(course=course, slug=f"q{i:02d}")
        if i % 5 == 4:
            parts = [
                {
                    "id": "p",
                    "kind": "multiple",
                    "prompt": "Which apply?",
                    "options": [
                        {"id": "a", "text": "First", "correct": True},
                        {"id": "b", "text": "Second", "correct": True},
                        {"id": "c", "text": "Third", "correct": False},
                    ],
                }
            ]
        else:
            parts = [
                {
                    "id": "p",
                    "kind": "single",
                    "prompt": "Which one?",
                    "options": [
                        {"id": "a", "text": "Right", "correct": True},
                        {"id": "b", "text": "Near miss", "correct": False},
                        {"id": "c", "text": "Far miss", "correct": False},
                        {"id": "d", "text": "Odd one", "correct": False},
                    ],
                }
            ]
        v = QuestionVersion.objects.create(
            question=q, number=1, title=f"Question {i}", stem="s", bloom=1 + i % 6, parts=parts
        )
        q.current = v
        q.save()
        q.concepts.add(concepts[i % 5])
        QuizItem.objects.create(quiz=quiz, question=q, position=i + 1)
        questions.append(q)
    instructor = User.objects.create_user("bench-teacher", password="!")
    instructor.groups.add(Group.objects.get(name=INSTRUCTOR))
    course.staff.add(instructor)
    students = make_students("bench-student", n_attempts)
    started = time.perf_counter()
    simulate_attempts(quiz, students, questions, seed=12)
    print(
        f"wrote {n_attempts:,} attempts of {n_questions} questions in {time.perf_counter() - started:.1f} s"
    )
    return quiz, instructor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        django_for_bench(Path(tmp))
        from django.core.cache import cache
        from django.test import Client
        from django.urls import reverse

        from insight.collect import Which, answer_rows

        quiz, instructor = build(args.questions, args.attempts)
        client = Client()
        client.force_login(instructor)  # type: ignore[arg-type]
        url = reverse("insight:quiz", args=["bench-course", "big"])

        cpu: dict[str, list[float]] = {}

        def timed(fn: object) -> float:
            """Wall time in ms; the process's CPU time goes to `cpu` (SQLite runs in this
            process, so it counts the database's work too: what the page costs on a machine
            that is not shared)."""
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()  # type: ignore[operator]
            cpu.setdefault(getattr(fn, "__name__", "?"), []).append(
                1000 * (time.process_time() - started_cpu)
            )
            return 1000 * (time.perf_counter() - started)

        def load() -> None:
            answer_rows(quiz, Which.FIRST)  # type: ignore[arg-type]

        def cold() -> None:
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def warm() -> None:
            assert client.get(url).status_code == 200

        baseline = [timed(load) for _ in range(args.runs)]
        cold_ms = [timed(cold) for _ in range(args.runs)]
        warm_ms = [timed(warm) for _ in range(args.runs * 4)]
        page = client.get(url).context["page"]
        print(f"attempts counted: {page.analysis.attempts:,}; alpha {page.analysis.test.alpha:.3f}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("                                    wall time                          CPU time")
        for label, name, ms in (
            ("baseline, the answers query alone", "load", baseline),
            ("statistics page, cold", "cold", cold_ms),
            ("statistics page, cached", "warm", warm_ms),
        ):
            print(f"{label:34s}  {summary(ms)}    {summary(cpu[name])}")
        for label, ms in (("wall", cold_ms), ("CPU", cpu["cold"])):
            verdict = "met" if max(ms) < TARGET_MS else "MISSED"
            print(
                f"target, every cold page under {TARGET_MS:.0f} ms ({label} time): {verdict} (slowest {max(ms):.0f} ms)"
            )


if __name__ == "__main__":
    main()
