"""The prerequisite graph stays acyclic, and the path to a concept respects it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.graph import check_new_edge, find_cycle, format_cycle, path_to
from courses.models import Concept, Course, Prerequisite

pytestmark = pytest.mark.django_db


def test_an_edge_that_closes_a_cycle_is_refused_with_the_cycle_named(course: Course) -> None:
    alpha, gamma = Concept.objects.get(slug="alpha"), Concept.objects.get(slug="gamma")

    with pytest.raises(ValidationError) as caught:
        check_new_edge(gamma, alpha)

    assert caught.value.messages == [
        "This prerequisite would close a cycle: Gamma → Alpha → Beta → Gamma."
    ]


def test_a_concept_cannot_be_its_own_prerequisite(course: Course) -> None:
    alpha = Concept.objects.get(slug="alpha")

    with pytest.raises(ValidationError, match="cannot be its own prerequisite"):
        check_new_edge(alpha, alpha)


def test_the_database_refuses_a_self_edge_too(course: Course) -> None:
    alpha = Concept.objects.get(slug="alpha")

    with pytest.raises(IntegrityError), transaction.atomic():
        Prerequisite.objects.create(before=alpha, after=alpha)


def test_model_validation_runs_the_cycle_check(course: Course) -> None:
    edge = Prerequisite(
        before=Concept.objects.get(slug="gamma"), after=Concept.objects.get(slug="alpha")
    )

    with pytest.raises(ValidationError, match="cycle"):
        edge.full_clean()


def test_an_edge_that_keeps_the_graph_acyclic_is_accepted(course: Course) -> None:
    check_new_edge(Concept.objects.get(slug="alpha"), Concept.objects.get(slug="gamma"))


def test_the_path_to_a_concept_lists_every_prerequisite_in_graph_order(course: Course) -> None:
    gamma = Concept.objects.get(slug="gamma")

    assert [c.slug for c in path_to(gamma)] == ["alpha", "beta"]


def test_the_path_leaves_out_a_draft_but_keeps_what_lies_behind_it(course: Course) -> None:
    Concept.objects.filter(slug="beta").update(status=Concept.Status.DRAFT)

    assert [c.slug for c in path_to(Concept.objects.get(slug="gamma"))] == ["alpha"]


def test_a_concept_without_prerequisites_has_an_empty_path(course: Course) -> None:
    assert path_to(Concept.objects.get(slug="alpha")) == []


def test_find_cycle_returns_the_nodes_in_order() -> None:
    cycle = find_cycle([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])

    assert cycle is not None
    assert format_cycle(cycle).count("→") == 3 and set(cycle) == {"a", "b", "c"}
    assert find_cycle([("a", "b"), ("b", "c")]) is None
