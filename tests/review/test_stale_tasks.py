"""A task worker that dies while grading leaves nothing stuck: its task goes back in the queue,
grading still happens exactly once, and an answer that waits too long reaches a person."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from review import actions as review
from review.models import RegradeRun
from review.worker import MAX_CLAIMS, recover_stale_tasks

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUNNING, READY, FAILED, SUCCESSFUL = "RUNNING", "READY", "FAILED", "SUCCESSFUL"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(settings: Any) -> None:
    """Tasks go to the database queue, as in production, instead of running inline."""
    settings.TASKS = DB_BACKEND


def submit_scenario(quiz: Quiz, student: User) -> Attempt:
    quiz.items.exclude(question__slug="scenario").delete()
    attempt = start_attempt(quiz, student)
    save_answers(
        attempt,
        attempt.items.get(),
        {"choice": {"selected": ["b"]}, "justify": {"text": "B is cheap: no retraining."}},
    )
    return submit_attempt(attempt)


def claimed(task: DBTaskResult, *, ago: timedelta, times: int = 1) -> DBTaskResult:
    """The task as a worker leaves it when it dies: RUNNING, claimed `ago`."""
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=RUNNING,
        started_at=timezone.now() - ago,
        worker_ids=[f"dead-{n}" for n in range(times)],
    )
    task.refresh_from_db()
    return task


def test_a_task_left_running_past_the_limit_goes_back_in_the_queue(
    queued: None, quiz: Quiz, student: User
) -> None:
    submit_scenario(quiz, student)
    task = claimed(DBTaskResult.objects.get(), ago=timedelta(minutes=10))

    recovery = recover_stale_tasks(stale_after=timedelta(minutes=5))

    task.refresh_from_db()
    assert recovery.requeued == [task.pk] and task.status == READY
    assert task in DBTaskResult.objects.ready()


def test_a_task_running_for_less_than_the_limit_is_left_alone(
    queued: None, quiz: Quiz, student: User
) -> None:
    submit_scenario(quiz, student)
    task = claimed(DBTaskResult.objects.get(), ago=timedelta(minutes=1))

    recovery = recover_stale_tasks(stale_after=timedelta(minutes=5))

    task.refresh_from_db()
    assert recovery.requeued == [] and task.status == RUNNING


def test_a_task_that_lost_its_worker_too_often_fails_instead_of_looping(
    queued: None, quiz: Quiz, student: User
) -> None:
    submit_scenario(quiz, student)
    task = claimed(DBTaskResult.objects.get(), ago=timedelta(hours=1), times=MAX_CLAIMS)

    recovery = recover_stale_tasks(stale_after=timedelta(minutes=5))

    task.refresh_from_db()
    assert recovery.failed == [task.pk] and task.status == FAILED
    assert f"stopped {MAX_CLAIMS} times" in task.traceback


def test_a_recovered_task_grades_once_even_if_the_lost_run_comes_back(
    queued: None, quiz: Quiz, student: User
) -> None:
    attempt = submit_scenario(quiz, student)
    claimed(DBTaskResult.objects.get(), ago=timedelta(hours=1))
    recover_stale_tasks(stale_after=timedelta(minutes=5))

    first = review.grade_attempt_free_text(attempt.pk)  # the re-queued run
    graded = Answer.objects.get(part_id="justify")
    second = review.grade_attempt_free_text(attempt.pk)  # the lost run, had it lived

    assert (first, second) == (1, 0)
    assert Answer.objects.get(part_id="justify").detail == graded.detail


def waiting_since(attempt: Attempt, minutes: int) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_answer_waiting_too_long_for_the_grader_appears_in_the_review_queue(
    client: Client, queued: None, quiz: Quiz, student: User, course_instructor: User
) -> None:
    attempt = submit_scenario(quiz, student)
    client.force_login(course_instructor)
    fresh = client.get(reverse("review:queue")).content.decode()
    waiting_since(attempt, 11)

    late = client.get(reverse("review:queue")).content.decode()

    answer = Answer.objects.get(part_id="justify")
    link = reverse("review:answer", args=[answer.pk])
    assert link not in fresh
    assert link in late and "waiting for the grader" in late


def test_the_waiting_filter_lists_only_answers_waiting_for_the_grader(
    client: Client, queued: None, quiz: Quiz, student: User, course_instructor: User
) -> None:
    waiting_since(submit_scenario(quiz, student), 11)
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue"), {"status": "waiting"}).content.decode()
    graded = client.get(reverse("review:queue"), {"status": "graded"}).content.decode()

    link = reverse("review:answer", args=[Answer.objects.get(part_id="justify").pk])
    assert link in html and link not in graded


def test_an_instructor_grades_a_waiting_answer_by_hand_and_the_grader_keeps_off(
    client: Client, queued: None, quiz: Quiz, student: User, course_instructor: User
) -> None:
    attempt = submit_scenario(quiz, student)
    waiting_since(attempt, 11)
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    page = client.get(reverse("review:answer", args=[answer.pk]))
    decided = client.post(
        reverse("review:answer", args=[answer.pk]), {"c-reason": "0", "action": "accept"}
    )
    later = review.grade_attempt_free_text(attempt.pk)  # the grader gets there at last

    answer.refresh_from_db()
    attempt.refresh_from_db()
    assert page.status_code == 200 and decided.status_code == 302
    assert later == 0 and answer.points == 0 and answer.reviewed_by == course_instructor
    assert attempt.pending_parts == 0
    listed = client.get(reverse("review:queue"), {"status": "graded"}).content.decode()
    assert reverse("review:answer", args=[answer.pk]) in listed


def test_the_student_is_told_when_the_grader_is_late(
    client: Client, queued: None, quiz: Quiz, student: User
) -> None:
    attempt = submit_scenario(quiz, student)
    client.force_login(student)
    soon = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    waiting_since(attempt, 11)

    late = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "usually seconds" in soon
    assert "usually seconds" not in late and "taking longer than usual" in late


# A worker really killed with SIGKILL while it grades, then a fresh worker. The subprocesses
# share the test database, so this test commits (transaction=True).

SLOW_WORKER = """
import sys, time
import django
django.setup()
from review import actions as review
original = review.machine_grade
def slow(*args, **kwargs):
    time.sleep(60)  # long enough to be killed in the middle
    return original(*args, **kwargs)
review.machine_grade = slow
from django.core.management import call_command
call_command("task_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *sys.argv[1:])
"""


def worker_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
        p.wait(10)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_no_grade_stuck(
    queued: None,
    quiz: Quiz,
    student: User,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    attempt = submit_scenario(quiz, student)
    task = DBTaskResult.objects.get()
    slow = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER], cwd=ROOT, env=worker_env(), stdout=subprocess.DEVNULL
    )
    processes.append(slow)
    assert wait_for(lambda: DBTaskResult.objects.get(pk=task.pk).status == RUNNING, 60)

    slow.send_signal(signal.SIGKILL)
    slow.wait(10)
    time.sleep(1)  # nothing moves any more: the bug this test guards against
    task.refresh_from_db()
    assert task.status == RUNNING
    assert Answer.objects.get(part_id="justify").status == Answer.Status.AWAITING

    fresh = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=worker_env(STEPWISE_TASK_STALE_SECONDS="1"),
        stdout=subprocess.DEVNULL,
    )
    processes.append(fresh)
    assert wait_for(lambda: DBTaskResult.objects.get(pk=task.pk).status == SUCCESSFUL, 60)

    task.refresh_from_db()
    attempt.refresh_from_db()
    answer = Answer.objects.get(part_id="justify")
    assert answer.status == Answer.Status.GRADED and answer.points == 2
    assert attempt.pending_parts == 0 and attempt.score == 3
    assert len(task.worker_ids) == 2  # the dead worker's claim, then the fresh one's


def test_the_review_queue_runs_a_fixed_number_of_queries(
    client: Client,
    queued: None,
    quiz: Quiz,
    student: User,
    other_student: User,
    course_instructor: User,
    django_assert_num_queries: Any,
) -> None:
    waiting_since(submit_scenario(quiz, student), 11)
    second = start_attempt(quiz, other_student)
    save_answers(second, second.items.get(), {"justify": {"text": "No idea."}})
    waiting_since(submit_attempt(second), 11)
    client.force_login(course_instructor)

    # session, user, roles and permissions (one query), the filter's courses with their
    # quizzes (one query), the answers with their question, quiz, course and student,
    # override rates, re-grades
    with django_assert_num_queries(7):
        response = client.get(reverse("review:queue"))

    assert response.content.decode().count("waiting for the grader") == 2


def test_a_regrade_run_twice_keeps_the_report_of_its_first_run(quiz: Quiz, student: User) -> None:
    submit_scenario(quiz, student)
    answer = Answer.objects.get(part_id="justify")
    run = RegradeRun.objects.create(version=answer.item.version, part_id="justify")
    Answer.objects.filter(pk=answer.pk).update(points=0)  # a grade the re-grade will change
    first = review.regrade_part(run.pk)

    again = review.regrade_part(run.pk)  # the same task, put back in the queue meanwhile

    assert first.changed == again.changed == 1
    assert RegradeRun.objects.get().changed_answers == [answer.pk]
