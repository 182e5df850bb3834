"""The home page's "Continue" panels come from the cache (learning.homecache) and are never
older than the student's mastery, the course's graph or the day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from courses.models import Concept
from learning import actions, homecache
from learning.models import Evidence, LearnerSettings
from quizzes.models import Quiz
from tests.learning.test_evidence import only, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(quiz: Quiz, student: User) -> Quiz:
    """`student` answered pick-one right and pick-many wrong."""
    only(quiz, "pick-one", "pick-many")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["a"]}},
            "pick-many": {"choice": {"selected": ["prompt"]}},
        },
    )
    return quiz


def continue_panel(client: Client) -> str:
    html = client.get("/").content.decode()
    return html.split("Continue: ")[1].split("</section>")[0]


def uncached_panel(client: Client) -> str:
    cache.clear()
    return continue_panel(client)


def test_the_home_page_reads_the_panels_from_the_cache_after_the_first_request(
    client: Client, started: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    client.force_login(student)
    # session, user; started courses with the student's version; guide: concepts, edges,
    # mastery, due cards, mistakes; the header's permissions (one query); the courses'
    # state, then the course list: courses with counts, chapters with counts
    with django_assert_num_queries(12):
        first = client.get("/").content.decode()
    # session, user; started courses with the student's version; permissions (one
    # query); the courses' state (the course list comes from the cache)
    with django_assert_num_queries(5):
        again = client.get("/").content.decode()

    assert "Continue: Demo Course" in again
    assert again.split("<main")[1] == first.split("<main")[1]  # the header holds a CSRF token


def test_new_evidence_changes_the_panel_at_once(
    client: Client, started: Quiz, student: User
) -> None:
    client.force_login(student)
    before = continue_panel(client)
    version = LearnerSettings.objects.get(student=student).version

    for _ in range(3):  # right answers until the frontier moves on
        take(
            started,
            student,
            {
                "pick-one": {"choice": {"selected": ["a"]}},
                "pick-many": {"choice": {"selected": ["sft", "rlhf"]}},
            },
        )
    after = continue_panel(client)

    assert LearnerSettings.objects.get(student=student).version != version
    assert after != before  # the evidence changed what the panel shows...
    assert after == uncached_panel(client)  # ...and the cached page shows it


def test_a_recompute_without_new_evidence_changes_the_version(started: Quiz, student: User) -> None:
    actions.update_student(student.pk, started.course_id)
    version = LearnerSettings.objects.get(student=student).version

    Evidence.objects.filter(student=student).update(score=1.0)
    actions.update_student(student.pk, started.course_id)

    assert LearnerSettings.objects.get(student=student).version != version


def test_a_renamed_concept_shows_its_new_title_on_the_cached_page(
    client: Client, started: Quiz, student: User
) -> None:
    client.force_login(student)
    before = continue_panel(client)
    shown = next(c for c in Concept.objects.filter(course=started.course) if c.title in before)

    shown.title = "Tokens and their embeddings"
    shown.save()

    after = continue_panel(client)
    assert "Tokens and their embeddings" in after and after == uncached_panel(client)


def test_the_cache_key_changes_with_the_day_the_graph_and_the_student(
    started: Quiz, student: User, other_student: User
) -> None:
    course = started.course
    now = timezone.now()
    key = homecache.key_for(student.pk, course, 7, now)

    assert homecache.key_for(student.pk, course, 7, now + timedelta(days=1)) != key
    assert homecache.key_for(student.pk, course, 8, now) != key
    assert homecache.key_for(other_student.pk, course, 7, now) != key
    course.graph_version += 1
    assert homecache.key_for(student.pk, course, 7, now) != key


def test_a_student_without_a_started_course_gets_no_panel_for_one_query(
    client: Client, quiz: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    client.force_login(student)
    client.get("/")
    # session, user; started courses (none); permissions (one query); the courses'
    # state (the course list comes from the cache)
    with django_assert_num_queries(5):
        html = client.get("/").content.decode()
    assert "Continue:" not in html
