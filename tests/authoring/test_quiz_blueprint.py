"""The quiz builder's blueprint: a concepts x Bloom-level grid of counts that becomes one draw
rule per non-zero cell, refusing a cell that asks more than the bank has (naming the cell),
working as a plain form without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from courses.bloom import BloomLevel
from courses.models import Concept, Course
from quizzes.actions import rule_queryset
from quizzes.models import DrawRule, Quiz
from tests.authoring.test_bank import author, bank_course, other_course
from tests.authoring.test_quiz_builder import NEW, build, settings

pytestmark = pytest.mark.django_db
__all__ = ["author", "bank_course", "other_course"]


def bank(course: Course) -> dict[tuple[str, int], int]:
    """Published questions per (concept slug, Bloom level), through the draw's own query."""
    quiz = Quiz(course=course)
    out = {}
    for concept in Concept.objects.filter(course=course):
        for level in BloomLevel:
            rule = DrawRule(quiz=quiz, count=1, concept=concept, bloom=int(level))
            n = rule_queryset(quiz, rule).count()
            if n:
                out[(concept.slug, int(level))] = n
    return out


def test_the_builder_shows_a_blueprint_grid_of_every_concept_by_bloom_level(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)

    html = client.get(NEW).content.decode()

    for concept in Concept.objects.filter(course=bank_course):
        for level in BloomLevel:
            assert f'name="blueprint-{concept.slug}-{int(level)}"' in html
    assert "Blueprint" in html


def test_each_non_zero_cell_of_the_blueprint_becomes_a_draw_rule(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    cells = sorted(bank(bank_course).items())
    assert len(cells) >= 2, "the fixture bank needs two filled cells"
    (c1, b1), n1 = cells[0]
    (c2, b2), _n2 = cells[1]

    response = build(
        client,
        **{f"blueprint-{c1}-{b1}": str(n1), f"blueprint-{c2}-{b2}": "1", "blueprint-x-9": "4"},
        **{f"blueprint-{c1}-{b}": "0" for b in range(1, 7) if (c1, b) not in {(c1, b1), (c2, b2)}},
    )

    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="basics-check")
    got = [
        (r.concept.slug if r.concept else None, r.bloom, r.count, r.chapter, r.tag)
        for r in quiz.rules.order_by("position")
    ]
    assert got == [(c1, b1, n1, None, None), (c2, b2, 1, None, None)]


def test_blueprint_rules_come_after_the_rules_typed_in_the_rule_rows(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    (c1, b1), _n = sorted(bank(bank_course).items())[0]
    data: dict[str, Any] = {
        **settings(),
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-count": "1",
        "rules-0-chapter": "advanced",
        f"blueprint-{c1}-{b1}": "1",
    }

    response = client.post(NEW, data)

    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="basics-check")
    kinds = [(r.chapter_id is not None, r.concept_id is not None) for r in quiz.rules.all()]
    assert kinds == [(True, False), (False, True)]


def test_a_cell_asking_more_than_the_bank_has_is_refused_naming_the_cell(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    (slug, level), n = sorted(bank(bank_course).items())[0]
    concept = Concept.objects.get(course=bank_course, slug=slug)

    response = build(client, **{f"blueprint-{slug}-{level}": str(n + 1)})

    assert response.status_code == 422
    assert not Quiz.objects.filter(slug="basics-check").exists()
    errors = " ".join(str(e) for e in response.context["builder"].blueprint.errors.values())
    label = BloomLevel(level).label
    assert f"{concept.title} at {label}" in errors and f"asks {n + 1}" in errors
    html = response.content.decode()
    assert f'name="blueprint-{slug}-{level}" value="{n + 1}"' in html  # nothing typed lost


def test_an_empty_cell_of_the_bank_is_refused_too(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    filled = bank(bank_course)
    slug, level = next(
        (c.slug, int(b))
        for c in Concept.objects.filter(course=bank_course)
        for b in BloomLevel
        if (c.slug, int(b)) not in filled
    )

    response = build(client, **{f"blueprint-{slug}-{level}": "1"})

    assert response.status_code == 422
    assert "no published question" in response.content.decode()


@pytest.mark.parametrize("value", ["-1", "two", "1.5", "100000"])
def test_a_forged_cell_value_is_refused_with_nothing_saved(
    client: Client, author: User, bank_course: Course, value: str
) -> None:
    client.force_login(author)
    (slug, level), _n = sorted(bank(bank_course).items())[0]

    response = build(client, **{f"blueprint-{slug}-{level}": value})

    assert response.status_code == 422
    assert not Quiz.objects.filter(slug="basics-check").exists()
    assert response.context["builder"].blueprint.errors


def test_blueprint_cells_competing_with_a_rule_for_the_same_questions_are_refused(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    (slug, level), n = sorted(bank(bank_course).items())[0]
    data: dict[str, Any] = {
        **settings(),
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-count": str(n),
        "rules-0-concept": slug,
        "rules-0-bloom": str(level),
        f"blueprint-{slug}-{level}": str(n),
    }

    response = client.post(NEW, data)

    assert response.status_code == 422
    assert not Quiz.objects.filter(slug="basics-check").exists()
    assert response.context["builder"].blueprint.non_field_errors()


def test_a_quiz_can_be_built_from_a_blueprint_alone(
    client: Client, author: User, bank_course: Course
) -> None:
    client.force_login(author)
    (slug, level), _n = sorted(bank(bank_course).items())[0]

    response = build(client, **{f"blueprint-{slug}-{level}": "1"})

    assert response.status_code == 302
    assert Quiz.objects.get(slug="basics-check").rules.count() == 1
