""" "Preview as a student (unsaved edits, new tab)" with an editor state that cannot be shown:
the new tab says what to fix instead of becoming a second editor of the same draft."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from quizzes.models import Question
from tests.authoring import test_questions as base
from tests.authoring.test_questions import SINGLE, create, editor_post, url

author = base.author  # the course instructor, logged in

pytestmark = pytest.mark.django_db

NO_CORRECT: dict[str, Any] = {
    **SINGLE,
    "options": [{**o, "correct": False} for o in SINGLE["options"]],
}


def test_an_invalid_draft_gets_a_page_of_problems_not_a_second_editor(author: Client) -> None:
    data = editor_post([NO_CORRECT], title="")

    response = author.post(url("question_new"), {**data, "op": "student"})

    html = response.content.decode()
    assert response.status_code == 422
    assert "This question cannot be previewed yet" in html
    assert "<form" not in html.split("<main", 1)[1]  # no editor, no form of any kind
    assert 'name="op"' not in html and "not saved yet" not in html
    assert "<strong>Title</strong>: This field is required." in html  # the form field's label
    assert "<strong>Part 1, options</strong>:" in html  # the part's field, in words
    assert "parts-0" not in html  # never the editor's internal field names
    assert (
        "close this tab" in html.lower()
        and "in the editor\N{RIGHT SINGLE QUOTATION MARK}s tab" in html
    )
    assert not Question.objects.filter(slug="a-question").exists()


def test_an_invalid_draft_of_a_saved_question_changes_nothing(author: Client) -> None:
    question = create(author, [SINGLE])

    response = author.post(
        url("question_edit", question.slug), {**editor_post([NO_CORRECT]), "op": "student"}
    )

    assert response.status_code == 422
    assert "This question cannot be previewed yet" in response.content.decode()
    question.refresh_from_db()
    assert question.current is not None and question.current.parts[0]["options"][0]["correct"]


def test_a_valid_draft_is_still_previewed(author: Client) -> None:
    response = author.post(url("question_new"), {**editor_post([SINGLE]), "op": "student"})

    html = response.content.decode()
    assert response.status_code == 200 and "not saved yet" in html
    assert "cannot be previewed" not in html
