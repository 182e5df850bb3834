"""A version's typed parts are parsed once per process for each stored text, never stale."""

from __future__ import annotations

import pydantic
import pytest

from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parts import FreeTextPart, SinglePart

pytestmark = pytest.mark.django_db


def scenario_version(quiz: Quiz) -> QuestionVersion:
    question = Question.objects.get(course=quiz.course, slug="scenario")
    assert question.current is not None
    return QuestionVersion.objects.get(pk=question.current.pk)


def test_two_loads_of_one_version_share_one_parsed_copy(quiz: Quiz) -> None:
    first, second = scenario_version(quiz), scenario_version(quiz)

    assert first is not second
    assert [p.id for p in first.typed_parts] == ["choice", "justify"]
    assert all(a is b for a, b in zip(first.typed_parts, second.typed_parts, strict=True))
    assert first.typed_parts is not second.typed_parts  # each gets its own list


def test_an_edited_version_is_parsed_afresh(quiz: Quiz) -> None:
    before = scenario_version(quiz)
    justify = before.typed_parts[1]
    assert isinstance(justify, FreeTextPart)
    parts = [dict(p) for p in before.parts]
    parts[1] = {**parts[1], "prompt": "Say why, in two sentences."}
    QuestionVersion.objects.filter(pk=before.pk).update(parts=parts)  # no save(): a raw write

    after = scenario_version(quiz)

    assert after.typed_parts[1].prompt == "Say why, in two sentences."
    assert before.typed_parts[1].prompt == justify.prompt != "Say why, in two sentences."


def test_shared_parts_cannot_be_changed_in_place(quiz: Quiz) -> None:
    part = scenario_version(quiz).typed_parts[0]
    assert isinstance(part, SinglePart)

    with pytest.raises(pydantic.ValidationError):
        part.prompt = "changed"
    with pytest.raises(pydantic.ValidationError):
        part.options[0].text = "changed"


def test_parts_set_in_memory_are_parsed_as_they_are(quiz: Quiz) -> None:
    version = scenario_version(quiz)
    unsaved = QuestionVersion(question=version.question, number=99, parts=list(version.parts))

    assert [p.id for p in unsaved.typed_parts] == ["choice", "justify"]
