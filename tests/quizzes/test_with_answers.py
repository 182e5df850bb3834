"""`with_answers`: every item's saved answers in one query, as the attempt pages read them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from quizzes.actions import save_answers, start_attempt
from quizzes.models import AttemptItem, Quiz, with_answers
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


def test_each_item_gets_its_own_answers_and_reading_them_runs_no_query(
    quiz: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    attempt = start_attempt(quiz, student)
    items = {i.position: i for i in attempt.items.select_related("version")}
    scenario = items[position(attempt, "scenario")]
    pick = items[position(attempt, "pick-one")]
    save_answers(
        attempt, scenario, {"choice": {"selected": ["b"]}, "justify": {"text": "It is cheap."}}
    )
    save_answers(attempt, pick, {"choice": {"selected": ["a"]}})
    fresh = list(attempt.items.select_related("version").order_by("position"))

    with django_assert_num_queries(1):
        loaded = with_answers(fresh)
        by_position = {i.position: i for i in loaded}
        seen = {
            p: sorted((a.part_id, a.item.pk) for a in i.saved_answers)
            for p, i in by_position.items()
        }

    assert loaded is fresh
    assert seen[scenario.position] == [("choice", scenario.pk), ("justify", scenario.pk)]
    assert seen[pick.position] == [("choice", pick.pk)]
    assert all(seen[p] == [] for p in seen if p not in (scenario.position, pick.position))


def test_no_items_run_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert with_answers([]) == []


def test_an_item_not_filled_reads_its_answers_itself(quiz: Quiz, student: User) -> None:
    attempt = start_attempt(quiz, student)
    item = attempt.items.get(position=position(attempt, "pick-one"))
    save_answers(attempt, item, {"choice": {"selected": ["b"]}})

    fresh = AttemptItem.objects.get(pk=item.pk)

    assert [a.response for a in fresh.saved_answers] == [{"selected": ["b"]}]
