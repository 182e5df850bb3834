"""A deleted concept or a changed learn-before edge recomputes the course's students in the
background (learning.tasks), once the change commits; nothing fails in between."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Concept, Prerequisite
from learning.models import Evidence, Mastery
from quizzes.models import Quiz
from tests.learning.test_evidence import only, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def gamma_learned(quiz: Quiz, student: User) -> Quiz:
    """Alpha answered wrong twice, so what builds on it starts lower."""
    only(quiz, "pick-one", "true-or-false", "put-in-order")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["b"]}},
            "true-or-false": {"tf": {"selected": ["true"]}},
            "put-in-order": {},
        },
    )
    return quiz


def rating(slug: str) -> float:
    return Mastery.objects.get(concept__slug=slug).rating


def test_removing_an_edge_recomputes_the_dependants_prior_once_committed(
    gamma_learned: Quiz, student: User, django_capture_on_commit_callbacks: Any
) -> None:
    # gamma's prior leans on beta, whose prior leans on alpha (answered wrong)
    before = rating("gamma")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Prerequisite.objects.filter(before__slug="beta", after__slug="gamma").delete()
        Prerequisite.objects.create(
            before=Concept.objects.get(slug="alpha"), after=Concept.objects.get(slug="gamma")
        )

    assert len(callbacks) == 1  # one recompute for two changes
    assert rating("gamma") < before  # now leaning on alpha directly, not on beta's prior


def test_deleting_a_concept_drops_its_evidence_and_recomputes_the_rest(
    gamma_learned: Quiz,
    student: User,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    gamma_before = rating("gamma")
    with django_capture_on_commit_callbacks(execute=True):
        Prerequisite.objects.filter(after__slug="beta").delete()
        Concept.objects.get(slug="alpha").delete()

    assert not Evidence.objects.filter(concept__slug="alpha").exists()
    assert rating("gamma") != gamma_before  # its prior no longer leans on the weak alpha
    client.force_login(student)
    assert (
        client.get(reverse("learning:course", args=[gamma_learned.course.slug])).status_code == 200
    )


def test_pages_work_before_the_recompute_has_run(
    gamma_learned: Quiz, student: User, client: Client
) -> None:
    Prerequisite.objects.all().delete()  # the task waits for a commit that never comes here
    Concept.objects.filter(slug="beta").delete()
    client.force_login(student)

    assert (
        client.get(reverse("learning:course", args=[gamma_learned.course.slug])).status_code == 200
    )
    assert (
        client.get(reverse("courses:course", args=[gamma_learned.course.slug])).status_code == 200
    )
