"""Every part kind is known in one registry (`quizzes.parts.PART_CLASSES`), and each one has
what the pages need: its answer template, its question-editor entry and its editor template.
Forgetting one of them for a new kind fails here, not on an author's page."""

from __future__ import annotations

import pytest
from django.template.loader import get_template

from authoring.part_editors import EDITORS, content_of, draft_of
from quizzes.content import check_question
from quizzes.parts import PART_CLASSES, PART_KINDS, Part, parse_parts


def test_the_kinds_are_listed_once_and_every_one_has_a_part_class() -> None:
    assert tuple(PART_CLASSES) == PART_KINDS
    assert all(PART_CLASSES[kind].model_fields["kind"].default == kind for kind in PART_KINDS)


@pytest.mark.parametrize("kind", PART_KINDS)
def test_every_kind_has_its_answer_template(kind: str) -> None:
    part = parse_parts(parts_content(kind))[0]

    assert get_template(part.template)  # raises TemplateDoesNotExist when forgotten


@pytest.mark.parametrize("kind", PART_KINDS)
def test_every_kind_has_its_editor_and_editor_template(kind: str) -> None:
    editor = EDITORS.get(kind)

    assert editor is not None, f"no PartEditor for {kind!r} in authoring/part_editors.py"
    assert editor.kind == kind
    assert get_template(editor.template())
    assert set(editor.shows) <= {"options", "pairs", "distractors", "items", "rubric"}


def test_the_editor_registry_has_no_kind_the_parts_do_not_know() -> None:
    assert set(EDITORS) == set(PART_KINDS)


@pytest.mark.parametrize("kind", PART_KINDS)
def test_a_stored_part_of_every_kind_goes_through_the_editor_unchanged(kind: str) -> None:
    stored = parts_content(kind)
    typed: list[Part] = parse_parts(stored)

    canonical, problems = check_question({"parts": [content_of(draft_of(p)) for p in typed]})

    assert problems == []
    assert canonical == stored


def parts_content(kind: str) -> list[dict[str, object]]:
    """One valid stored part of `kind`, in canonical form (through the one checker)."""
    by_kind: dict[str, dict[str, object]] = {
        "single": {
            "options": [
                {"id": "a", "text": "Attention weighs tokens", "correct": True},
                {"id": "b", "text": "Attention counts tokens", "correct": False},
            ]
        },
        "multiple": {
            "options": [
                {"id": "a", "text": "Queries", "correct": True},
                {"id": "b", "text": "Keys", "correct": True},
                {"id": "c", "text": "Gradients", "correct": False, "feedback": "Not an input."},
            ]
        },
        "true_false": {
            "options": [
                {"id": "true", "text": "True", "correct": False},
                {"id": "false", "text": "False", "correct": True},
            ]
        },
        "matching": {
            "pairs": [
                {"id": "p1", "left": "Tokenizer", "right": "splits text"},
                {"id": "p2", "left": "Embedding", "right": "maps ids to vectors"},
            ],
            "distractors": ["sorts the vocabulary"],
        },
        "ordering": {
            "items": [
                {"id": "tok", "text": "Tokenize"},
                {"id": "emb", "text": "Embed"},
                {"id": "att", "text": "Attend"},
            ]
        },
        "free_text": {
            "rubric": {
                "model_answers": ["Attention lets each token weigh every other token."],
                "criteria": [
                    {
                        "id": "weighs",
                        "title": "Says what attention does",
                        "key_ideas": [{"id": "weigh", "phrasings": ["weigh", "weighs"]}],
                        "misconceptions": [
                            {"id": "count", "phrasings": ["counts words"], "effect": "cap"}
                        ],
                        "levels": [
                            {"points": 0, "descriptor": "Missing"},
                            {"points": 2, "descriptor": "Clear", "min_ideas": 1},
                        ],
                    }
                ],
            }
        },
    }
    raw = {"id": "part-1", "kind": kind, "prompt": "Answer about attention.", **by_kind[kind]}
    canonical, problems = check_question({"parts": [raw]})
    assert problems == [], problems
    return canonical
