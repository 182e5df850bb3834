"""The Django admin: bulk tagging and the cycle rule."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Concept, Course, Prerequisite, Tag

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_tag_to_many_concepts_in_one_action(
    client: Client, admin_user: User, course: Course
) -> None:
    client.force_login(admin_user)
    tag = Tag.objects.create(slug="exam", name="Exam", kind=Tag.Kind.CUSTOM)
    ids = list(Concept.objects.values_list("pk", flat=True))
    url = reverse("admin:courses_concept_changelist")

    confirm = client.post(url, {"action": "add_tag", "_selected_action": ids})
    done = client.post(
        url, {"action": "add_tag", "_selected_action": ids, "tag": tag.pk, "apply": "1"}
    )

    assert "Add a tag" in confirm.content.decode()
    assert done.status_code == 302
    assert tag.concepts.count() == 3


def test_an_admin_removes_a_tag_from_the_selection(
    client: Client, admin_user: User, course: Course
) -> None:
    client.force_login(admin_user)
    computing = Tag.objects.get(slug="computing")
    alpha = Concept.objects.get(slug="alpha")

    client.post(
        reverse("admin:courses_concept_changelist"),
        {"action": "remove_tag", "_selected_action": [alpha.pk], "tag": computing.pk, "apply": "1"},
    )

    assert not alpha.tags.filter(pk=computing.pk).exists()
    assert computing.concepts.filter(slug="beta").exists()


def test_the_admin_refuses_a_prerequisite_that_closes_a_cycle(
    client: Client, admin_user: User, course: Course
) -> None:
    client.force_login(admin_user)
    alpha, gamma = Concept.objects.get(slug="alpha"), Concept.objects.get(slug="gamma")

    response = client.post(
        reverse("admin:courses_prerequisite_add"), {"before": gamma.pk, "after": alpha.pk}
    )

    assert response.status_code == 200
    assert "would close a cycle: Gamma → Alpha → Beta → Gamma" in response.content.decode()
    assert not Prerequisite.objects.filter(before=gamma, after=alpha).exists()


def test_the_concept_list_filters_by_chapter_and_tag(
    client: Client, admin_user: User, course: Course
) -> None:
    client.force_login(admin_user)
    url = reverse("admin:courses_concept_changelist")

    by_chapter = client.get(
        url, {"chapter__id__exact": Concept.objects.get(slug="gamma").chapter_id}
    )
    by_tag = client.get(url, {"tags__id__exact": Tag.objects.get(slug="computing").pk})

    assert by_chapter.context["cl"].result_count == 1
    assert by_tag.context["cl"].result_count == 2


def test_a_student_cannot_open_the_admin(client: Client, student: User) -> None:
    client.force_login(student)

    assert client.get(reverse("admin:index")).status_code == 302
