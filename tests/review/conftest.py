"""Many students answering the scenario's written part, for the learning, group and pick tests.

The answers are about the scenario of tests/quiz_data.py: a startup with one model and a tiny
budget chooses between retraining it (engineer A) and leaving it unchanged (engineer B)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Quiz
from review.models import GradingPolicy

WrittenAnswer = Callable[..., Answer]


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Learned models and unread counts live in Django's cache: none leaks between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scenario_only(quiz: Quiz) -> Quiz:
    """The quiz holds the scenario question only, and every written grade goes to a person."""
    quiz.items.exclude(question__slug="scenario").delete()
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)
    return quiz


@pytest.fixture
def written(scenario_only: Quiz, make_user: Callable[..., User]) -> WrittenAnswer:
    """written(text, username=None, choice="b") -> the submitted written Answer."""
    count = [0]

    def write(text: str, username: str | None = None, choice: str = "b") -> Answer:
        count[0] += 1
        student = make_user(username or f"learner{count[0]}")
        attempt = start_attempt(scenario_only, student)
        save_answers(
            attempt,
            attempt.items.get(),
            {"choice": {"selected": [choice]}, "justify": {"text": text}},
        )
        submit_attempt(attempt)
        return Answer.objects.get(item__attempt=attempt, part_id="justify")

    return write


GOOD = [
    "B is cheap because there is no retraining of the model.",
    "Engineer B, since it needs no retraining and costs little.",
    "B: no retraining needed, so it stays cheap for a tiny budget.",
    "B avoids retraining, which keeps the cost low.",
    "B is the cheap option: the model is used without retraining.",
    "No retraining with B, so the startup saves money.",
]
WEAK = [
    "I like engineer B more.",
    "B sounds better to me somehow.",
    "B because the other one is worse.",
    "B seems right but I cannot say why.",
    "Engineer B looks nicer.",
    "B, it just feels like the right one.",
]
