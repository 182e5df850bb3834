"""The free-text grader runs with no lock held: a slow grader (a chat model) never makes the
attempt's row, or SQLite's write lock, wait for it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction

from grading.base import get_grader
from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from review import actions as review


class WatchingGrader:
    """The keyword grader, noting whether a transaction was open when it was called and whether
    another connection could lock the attempt and write meanwhile."""

    name = "watching"

    def __init__(self, attempt_id: int) -> None:
        self.inner = get_grader("keyword", review_threshold=0.0)
        self.attempt_id = attempt_id
        self.in_transaction: list[bool] = []
        self.other_connection: list[str] = []

    def grade(self, *args: Any, **kwargs: Any) -> Any:
        self.in_transaction.append(connection.in_atomic_block)
        worker = threading.Thread(target=self._write_from_another_connection)
        worker.start()
        worker.join(timeout=60)
        return self.inner.grade(*args, **kwargs)

    def _write_from_another_connection(self) -> None:
        try:
            with transaction.atomic():
                # PostgreSQL: the row lock, refused at once if held; SQLite: BEGIN IMMEDIATE
                # takes the database's write lock, which a grading transaction would hold.
                Attempt.objects.select_for_update(nowait=True).filter(pk=self.attempt_id).update(
                    number=1
                )
            self.other_connection.append("wrote")
        except Exception as exc:  # the failure is what the test reports
            self.other_connection.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_the_grader_runs_outside_any_transaction_and_others_can_write_meanwhile(
    quiz: Quiz, student: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    quiz.items.exclude(question__slug="scenario").delete()
    attempt = start_attempt(quiz, student)
    save_answers(
        attempt,
        attempt.items.get(),
        {"choice": {"selected": ["b"]}, "justify": {"text": "B needs no retraining, so cheap."}},
    )
    submit_attempt(attempt)  # the grading task is queued, not run
    grader = WatchingGrader(attempt.pk)
    monkeypatch.setattr(review, "grader_for", lambda course_id: grader)

    graded = review.grade_attempt_free_text(attempt.pk)

    assert graded == 1
    assert grader.in_transaction == [False]
    assert grader.other_connection == ["wrote"]
    answer = Answer.objects.get(part_id="justify")
    assert answer.status in (Answer.Status.GRADED, Answer.Status.REVIEW)
    attempt.refresh_from_db()
    assert attempt.pending_parts == (1 if answer.status == Answer.Status.REVIEW else 0)
