"""Agreement shown in the product: per question part and criterion, changed grades and the
machine-person kappa, "not enough data" below the minimum (issue 10, part 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from grading.agreement import qwk
from quizzes.models import Answer
from review import actions
from tests.review.conftest import GOOD, WEAK, WrittenAnswer

pytestmark = pytest.mark.django_db


def agreement_table(client: Client) -> str:
    html = client.get(reverse("review:agreement")).content.decode()
    return html.split('<section class="card agreement">')[1].split("</section>")[0]


def test_below_five_graded_answers_the_page_says_not_enough_data(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    for text in GOOD[:2]:
        actions.decide_answer(written(text), course_instructor, {"reason": 1})
    client.force_login(course_instructor)

    table = agreement_table(client)

    assert "Startup scenario" in client.get(reverse("review:agreement")).content.decode()
    assert table.count("not enough data") == 2  # the whole answer and its one criterion
    assert "<td>2</td><td>0 (0.0%)</td>" in table


def test_with_enough_grades_it_shows_the_changed_share_and_the_kappa(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    answers = [written(t) for t in GOOD[:4] + WEAK[:4]]
    person = [2.0, 2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 0.0]  # one good marked down, one weak up
    machine = []  # the machine's grade when the person decided (it learns as they go)
    for answer, points in zip(answers, person, strict=True):
        machine.append(float(Answer.objects.get(pk=answer.pk).points or 0))
        actions.decide_answer(answer, course_instructor, {"reason": int(points // 2)})
    client.force_login(course_instructor)

    table = agreement_table(client)

    changed = sum(1 for m, p in zip(machine, person, strict=True) if m != p)
    kappa = qwk(machine, person, step=2.0)
    assert kappa is not None
    assert f"<td>8</td><td>{changed} ({round(100 * changed / 8, 1)}%)</td>" in table
    assert f"<td>{kappa:.2f}</td>" in table and "not enough data" not in table


def test_another_courses_instructor_sees_no_agreement(
    client: Client, written: WrittenAnswer, course_instructor: User, make_user: Any
) -> None:
    actions.decide_answer(written(GOOD[0]), course_instructor, {"reason": 1})
    client.force_login(make_user("ivo", "Instructor", is_staff=True))

    html = client.get(reverse("review:agreement")).content.decode()

    assert "Startup scenario" not in html and "No written answer has a person" in html


def test_students_cannot_open_the_agreement_page(client: Client, student: User) -> None:
    client.force_login(student)

    assert client.get(reverse("review:agreement")).status_code == 403
