"""Pick first: for a question part with many waiting answers, the ones whose grade teaches the
machine the most come first in the queue, each with a note saying why (issue 10, part 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from grading.pick import pick_for_grading
from quizzes.models import Answer
from quizzes.parts import rubric_of
from review.groups import PICK_MAX, picked_first
from review.learning import question_text
from tests.review.conftest import GOOD, WEAK, WrittenAnswer

pytestmark = pytest.mark.django_db


def queue_rows(html: str) -> list[str]:
    return html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]


def test_a_part_with_many_waiting_answers_shows_its_picks_first_with_why(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    answers = [written(t) for t in GOOD + WEAK]
    rubric = rubric_of(answers[0].item, "justify")
    expected = pick_for_grading(
        [(a.pk, a.response["text"]) for a in answers],
        PICK_MAX,
        rubric=rubric,
        question=question_text(answers[0].item.version, "justify"),
    )
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue")).content.decode()

    rows = queue_rows(html)
    picked_rows = [r for r in rows if 'class="picked"' in r]
    assert len(picked_rows) == PICK_MAX
    for rank, (row, answer_id) in enumerate(zip(rows, expected, strict=False), start=1):
        assert reverse("review:answer", args=[answer_id]) in row
        assert f"Pick {rank} of {PICK_MAX} for this question" in row
        assert "so your grade teaches the machine the most" in row


def test_a_part_with_few_waiting_answers_keeps_the_queues_order(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    for text in GOOD[:3] + WEAK[:2]:
        written(text)
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue")).content.decode()

    assert "Pick 1" not in html and 'class="picked"' not in html


def test_picked_first_leaves_decided_answers_out_of_the_picks(
    written: WrittenAnswer, course_instructor: User
) -> None:
    answers = [written(t) for t in GOOD + WEAK]
    Answer.objects.filter(pk__in=[a.pk for a in answers[:7]]).update(status=Answer.Status.GRADED)
    listed = list(Answer.objects.filter(part_id="justify").select_related("item__version"))

    ordered = picked_first(listed)

    assert [a.pk for a in ordered] == [a.pk for a in listed]  # 5 waiting: below the minimum
    assert all(a.pick_note == "" for a in ordered)  # type: ignore[attr-defined]


def test_the_queue_runs_a_fixed_number_of_queries_with_picks(
    client: Client, written: WrittenAnswer, course_instructor: User, django_assert_num_queries: Any
) -> None:
    for text in GOOD + WEAK:
        written(text)
    client.force_login(course_instructor)

    # session, user, roles and permissions (one query), the filter's courses with their
    # quizzes (one query), the answers with their question, quiz, course, student and open
    # regrade requests, override rates, re-grades (picking and grouping run no query)
    with django_assert_num_queries(7):
        response = client.get(reverse("review:queue"))

    assert response.content.decode().count('class="picked"') == PICK_MAX
