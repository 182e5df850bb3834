"""The results CSV: one column per question, whatever position each attempt showed it at."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from accounts.roles import STUDENT
from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Quiz

pytestmark = pytest.mark.django_db


def answer_pick_one(quiz: Quiz, student: User, choice: str) -> int:
    """Start, answer only pick-one, submit; return the position pick-one was shown at."""
    attempt = start_attempt(quiz, student)
    item = attempt.items.get(version__question__slug="pick-one")
    save_answers(attempt, item, {"choice": {"selected": [choice]}})
    submit_attempt(attempt)
    return item.position


def test_each_question_has_its_own_column_across_shuffled_attempts(
    client: Client, quiz: Quiz, course_instructor: User
) -> None:
    quiz.shuffle_questions = True
    quiz.save()
    students = [User.objects.create_user(f"s{n}", password="a-long-pass-phrase") for n in range(8)]
    positions = {
        s.username: answer_pick_one(quiz, s, "a" if n % 2 == 0 else "b")
        for n, s in enumerate(students)
    }
    assert len(set(positions.values())) > 1  # the shuffle put it in different places
    client.force_login(course_instructor)

    text = client.get(
        reverse("quizzes:results", args=[quiz.course.slug, quiz.slug]), {"format": "csv"}
    ).content.decode()

    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(text))}
    slugs = set(quiz.items.values_list("question__slug", flat=True))
    assert slugs <= set(next(csv.reader(io.StringIO(text))))
    for n, student in enumerate(students):
        assert float(rows[student.username]["pick-one"]) == (1.0 if n % 2 == 0 else 0.0)
        assert float(rows[student.username]["scenario"]) == 0.0  # empty justification: graded 0
        assert float(rows[student.username]["put-in-order"]) == 0.0


def test_a_username_a_spreadsheet_would_run_is_quoted(
    client: Client, quiz: Quiz, course_instructor: User
) -> None:
    sly = User.objects.create_user("+cmd", password="a-long-pass-phrase")
    sly.groups.add(Group.objects.get(name=STUDENT))
    answer_pick_one(quiz, sly, "a")
    client.force_login(course_instructor)

    text = client.get(
        reverse("quizzes:results", args=[quiz.course.slug, quiz.slug]), {"format": "csv"}
    ).content.decode()

    assert text.splitlines()[1].startswith("'+cmd,,,1,")  # username, name, email, attempt


def test_the_table_and_the_csv_both_count_an_answer_being_reviewed_as_pending(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    attempt = start_attempt(quiz, student)
    submit_attempt(attempt)
    scenario = attempt.items.get(version__question__slug="scenario")
    answers = list(scenario.answers.all())
    assert answers
    for answer in answers:  # full marks so far, but a person has yet to decide one of them
        answer.points = answer.max_points
        answer.status = Answer.Status.GRADED
        answer.save()
    Answer.objects.filter(pk=answers[-1].pk).update(status=Answer.Status.REVIEW)
    client.force_login(course_instructor)
    url = reverse("quizzes:results", args=[quiz.course.slug, quiz.slug])

    table = client.get(url).context["rows"][0].per_question
    text = client.get(url, {"format": "csv"}).content.decode()

    assert table[scenario.position - 1] == "pending"
    assert next(csv.DictReader(io.StringIO(text)))["scenario"] == "pending"
