"""The editors refuse what the database could not keep, with the field named and nothing saved:
a part id longer than the answer column (its answers could never be saved), points beyond the
bound, titles and slugs longer than their columns or the content format allows."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import SLUG_MAX, max_length
from grading.rubric import MAX_POINTS
from quizzes.models import Answer, Question, QuestionVersion, Quiz
from tests.authoring.test_questions import FREE_TEXT, SINGLE, editor_post, url
from tests.authoring.test_quiz_builder import rules, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client: Client, course_instructor: User) -> Client:
    client.force_login(course_instructor)
    return client


def refused(client: Client, parts: list[dict[str, Any]], **fields: Any) -> str:
    response = client.post(url("question_new"), editor_post(parts, **fields))
    assert response.status_code == 422
    assert not Question.objects.filter(slug="a-question").exists()
    return response.content.decode()


def test_a_part_id_longer_than_the_answer_column_is_refused(editor: Client) -> None:
    limit = max_length(Answer, "part_id")

    html = refused(editor, [{**SINGLE, "id": "p" * (limit + 1)}])

    assert f"is {limit + 1} characters long; the limit is {limit}" in html


def test_points_beyond_the_bound_are_refused(editor: Client) -> None:
    html = refused(editor, [{**SINGLE, "points": 10**30}])

    assert f"must be at most {MAX_POINTS:,}" in html


def test_rubric_points_beyond_the_bound_are_refused(editor: Client) -> None:
    rubric = FREE_TEXT["rubric"]
    criterion = rubric["criteria"][0]
    levels = [*criterion["levels"][:-1], {**criterion["levels"][-1], "points": 10**6}]
    part = {**FREE_TEXT, "rubric": {**rubric, "criteria": [{**criterion, "levels": levels}]}}

    html = refused(editor, [part])

    assert f"must be at most {MAX_POINTS:,}" in html


def test_a_title_longer_than_its_column_is_refused(editor: Client) -> None:
    limit = max_length(QuestionVersion, "title")

    html = refused(editor, [SINGLE], title="T" * (limit + 1))

    assert f"at most {limit} characters" in html


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [("slug", "s" * (SLUG_MAX + 1), SLUG_MAX), ("title", "T" * 201, max_length(Quiz, "title"))],
)
def test_the_quiz_builder_refuses_a_slug_or_title_too_long_to_export_and_import(
    editor: Client, field: str, value: str, limit: int
) -> None:
    new = reverse("authoring:quiz_new", args=["demo-course"])
    data = {**settings(**{field: value}), **rules({"count": "1", "chapter": "basics"})}

    response = editor.post(new, data)

    assert response.status_code == 422
    assert f"at most {limit} characters" in str(response.context["builder"].settings.errors)
    assert Quiz.objects.count() == 1


def test_the_quiz_builder_refuses_a_draw_count_beyond_the_bound(editor: Client) -> None:
    new = reverse("authoring:quiz_new", args=["demo-course"])
    data = {**settings(), **rules({"count": str(10**20), "chapter": "basics"})}

    response = editor.post(new, data)

    assert response.status_code == 422
    assert Quiz.objects.count() == 1


def test_a_nul_character_in_a_parts_text_is_refused_and_what_was_typed_kept(
    editor: Client,
) -> None:
    """PostgreSQL cannot store U+0000 in JSON; the parts' inputs are not Django CharFields."""
    options = [{**SINGLE["options"][0], "text": "Al\x00pha"}, SINGLE["options"][1]]

    html = refused(editor, [{**SINGLE, "options": options}])

    assert "contains a NUL character" in html
    assert 'value="It needs alpha."' in html
