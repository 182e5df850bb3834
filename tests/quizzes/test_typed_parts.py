"""Typed question parts (quizzes/parts.py): stored JSON read once into one class per kind, bad
stored data read as nothing answered, and answer inputs drawn by plain templates with the same
markup Django's widgets drew."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pydantic import ValidationError

from quizzes.forms import ItemForm
from quizzes.models import Answer, Attempt, AttemptItem, Quiz
from quizzes.parts import (
    PART_KINDS,
    AnswerDetail,
    ChoiceResponse,
    FreeTextPart,
    MatchingPart,
    OrderingPart,
    SinglePart,
    parse_detail,
    parse_parts,
)
from tests.quizzes.test_attempts import field, perfect_answers

pytestmark = pytest.mark.django_db

# The widgets the attempt page drew its inputs with before the plain templates (one Django
# template per widget); the plain markup must keep their names, ids, labels and states.
WIDGETS: dict[str, Callable[[], forms.Widget]] = {
    "single": forms.RadioSelect,
    "true_false": forms.RadioSelect,
    "multiple": forms.CheckboxSelectMultiple,
    "matching": forms.Select,
    "ordering": lambda: forms.NumberInput(attrs={"inputmode": "numeric"}),
    "free_text": lambda: forms.Textarea(attrs={"rows": 6}),
}


@pytest.fixture
def attempt(quiz: Quiz, student: User) -> Attempt:
    from quizzes.actions import start_attempt

    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.save()
    return start_attempt(quiz, student)


def widget_markup(form: ItemForm, kind: str) -> list[str]:
    """Each field of `form` as Django's widget of `kind` draws it (with its label for a select)."""
    out = []
    for name, f in form.fields.items():
        widget = WIDGETS[kind]()
        widget.choices = getattr(f, "choices", [])  # type: ignore[attr-defined]
        widget.attrs.update(f.widget_attrs(widget))
        f.widget = widget
        bound = form[name]
        out.append(str(bound))
        if kind == "matching":
            out.append(str(bound.label_tag()))
    return out


def test_every_stored_kind_reads_as_its_own_class(quiz: Quiz) -> None:
    kinds = set()
    for question in quiz.course.questions.all():
        assert question.current is not None
        for part in question.current.typed_parts:
            kinds.add(part.kind)
            assert (
                type(part).__name__.lower().replace("_", "").startswith(part.kind.replace("_", ""))
            )
    assert kinds == set(PART_KINDS)


def test_a_stored_part_of_an_unknown_kind_is_refused_at_the_boundary() -> None:
    with pytest.raises(ValidationError):
        parse_parts([{"id": "p", "kind": "essay", "prompt": "Explain tokenisers."}])


def test_each_kind_gives_its_points_and_what_counts_as_answered() -> None:
    single, ordering, free = parse_parts(
        [
            {
                "id": "a",
                "kind": "single",
                "prompt": "Which layer mixes tokens?",
                "points": 2,
                "options": [
                    {"id": "x", "text": "Attention", "correct": True},
                    {"id": "y", "text": "Embedding", "correct": False},
                ],
            },
            {
                "id": "b",
                "kind": "ordering",
                "prompt": "Order the steps.",
                "items": [{"id": "t", "text": "Tokenise"}, {"id": "e", "text": "Embed"}],
            },
            {
                "id": "c",
                "kind": "free_text",
                "prompt": "Why attention?",
                "rubric": {
                    "model_answers": ["Attention mixes tokens from the whole context."],
                    "criteria": [
                        {
                            "id": "mix",
                            "title": "Mixing",
                            "key_ideas": [{"id": "k", "phrasings": ["mixes tokens"]}],
                            "levels": [
                                {"points": 0, "descriptor": "No"},
                                {"points": 3, "descriptor": "Yes"},
                            ],
                        }
                    ],
                },
            },
        ]
    )
    assert isinstance(single, SinglePart) and isinstance(ordering, OrderingPart)
    assert isinstance(free, FreeTextPart)
    assert (single.max_points, ordering.max_points, free.max_points) == (2.0, 1.0, 3.0)
    assert not single.is_answered(single.response({}))
    assert single.score(single.response({"selected": ["x"]})).points == 2.0
    assert ordering.score(ordering.response({"order": ["e", "t"]})).points == 0.0
    assert free.is_answered(free.response({"text": " it mixes tokens "}))
    assert not free.is_answered(free.response({"text": "   "}))


def test_a_stored_response_of_the_wrong_shape_reads_as_unanswered(
    client: Client, student: User, attempt: Attempt
) -> None:
    item = attempt.items.get(version__question__slug="pick-one")
    Answer.objects.create(item=item, part_id="choice", response={"selected": "a"})  # not a list
    part = item.version.typed_parts[0]

    assert part.response({"selected": "a"}) == ChoiceResponse()
    client.force_login(student)
    response = client.get(reverse("quizzes:summary", args=[attempt.pk]))
    assert response.status_code == 200


def test_the_answer_detail_keeps_what_it_does_not_know_when_a_person_decides() -> None:
    stored = {
        "criteria": [{"criterion": "mix", "level": 1, "evidence": [[0, 4]], "extra": "kept"}],
        "note": "machine",
    }
    detail = parse_detail(stored)
    decided = detail.model_copy(update={"human": {"mix": 0}}).as_json()

    assert decided == {**stored, "human": {"mix": 0}}
    assert detail.criteria[0].evidence == [(0, 4)]
    assert parse_detail({"criteria": "garbage"}) == AnswerDetail()


def test_the_plain_inputs_are_the_markup_djangos_widgets_drew(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    for item in attempt.items.all():
        form = ItemForm(item, {})
        for part in item.version.typed_parts:
            names = [n for n in form.fields if n == part.id or n.startswith(f"{part.id}-")]
            sub = ItemForm(item, {})
            sub.fields = {n: sub.fields[n] for n in names}
            for markup in widget_markup(sub, part.kind):
                assert markup in html, (part.kind, markup)


def test_refused_inputs_keep_what_was_typed_and_are_marked_as_djangos_were(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    data = perfect_answers(attempt)
    data[field(attempt, "pick-one", "choice")] = "forged"
    data[field(attempt, "match-them", "m-1")] = "forged"
    data[field(attempt, "scenario", "justify")] = "x" * 5001

    response = client.post(reverse("quizzes:attempt", args=[attempt.pk]), data)

    assert response.status_code == 422
    html = response.content.decode()
    for slug in ("pick-one", "match-them", "scenario"):
        item: AttemptItem = attempt.items.get(version__question__slug=slug)
        form = ItemForm(item, {}, data)
        assert not form.is_valid()
        for part in item.version.typed_parts:
            if isinstance(part, MatchingPart) or part.id in form.errors:
                names = [n for n in form.fields if n == part.id or n.startswith(f"{part.id}-")]
                sub = ItemForm(item, {}, data)
                sub.fields = {n: sub.fields[n] for n in names}
                sub.is_valid()
                for markup in widget_markup(sub, part.kind):
                    assert markup in html, (part.kind, markup)
                for name in names:
                    for message in form.errors.get(name, []):
                        assert (
                            f'<ul class="errorlist" id="id_{form.add_prefix(name)}_error"><li>'
                            in html
                        ), message


@pytest.mark.parametrize("layout", [Quiz.Layout.ONE_PER_PAGE, Quiz.Layout.ALL_ON_ONE])
def test_the_attempt_page_runs_a_fixed_number_of_queries(
    client: Client,
    quiz: Quiz,
    student: User,
    layout: str,
    django_assert_num_queries: Any,
) -> None:
    from quizzes.actions import start_attempt

    quiz.layout = layout
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    client.post(url, {**perfect_answers(attempt), "nav": "save"})

    with django_assert_num_queries(QUERIES):
        response = client.get(url)

    assert response.status_code == 200


# session, user, attempt (with quiz and course), items with versions, their answers, and the
# user's permissions with their groups, one query (the header's Author and Review buttons): the same for one
# question or all of them.
QUERIES = 6
