"""The course graph is drawn once per graph version and served from the cache; every change to
chapters, concepts or links raises the version, so no page shows a drawing older than its data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses.actions import ConceptInput, set_prerequisites, update_concept
from courses.models import Chapter, Concept, Course, Prerequisite
from tests.conftest import write_concept

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def graph_html(client: Client) -> str:
    return client.get(reverse("courses:course_graph", args=["demo-course"])).content.decode()


def test_the_drawing_comes_from_the_cache_after_the_first_request(
    client: Client, course: Course, django_assert_num_queries
) -> None:
    first = graph_html(client)

    with django_assert_num_queries(1):  # the course, with its graph version
        again = graph_html(client)

    assert again.split("<main")[1] == first.split("<main")[1]


def test_a_concept_renamed_in_the_editor_is_drawn_at_once(
    client: Client, course: Course, instructor: User
) -> None:
    graph_html(client)
    alpha = Concept.objects.get(slug="alpha")
    update_concept(
        instructor,
        alpha,
        ConceptInput(
            title="Self-attention",
            slug="alpha",
            chapter=alpha.chapter,
            summary=alpha.summary,
            body=alpha.body,
            status=alpha.status,
            learn_before=[],
            learn_after=list(Concept.objects.filter(slug="beta")),
            related=[],
            tags=[],
        ),
    )

    assert "Self-attention" in graph_html(client)


def test_a_new_link_is_drawn_at_once(client: Client, course: Course) -> None:
    before = graph_html(client)
    assert "2 links" in before
    alpha, gamma = Concept.objects.get(slug="alpha"), Concept.objects.get(slug="gamma")

    set_prerequisites(gamma, [alpha, Concept.objects.get(slug="beta")], [])

    assert "3 links" in graph_html(client)


def test_a_link_deleted_or_a_concept_unpublished_is_gone_at_once(
    client: Client, course: Course
) -> None:
    graph_html(client)
    Prerequisite.objects.filter(before__slug="alpha").delete()
    assert "1 links" in graph_html(client)

    gamma = Concept.objects.get(slug="gamma")
    gamma.status = Concept.Status.DRAFT
    gamma.save()
    assert "Gamma" not in graph_html(client)


def test_a_renamed_chapter_is_drawn_at_once(client: Client, course: Course) -> None:
    graph_html(client)
    basics = Chapter.objects.get(slug="basics")
    basics.title = "Tokens and embeddings"
    basics.save()

    assert "Tokens and embeddings" in graph_html(client)


def test_a_reimport_that_changes_a_title_is_drawn_at_once(
    client: Client, course: Course, content_dir: Path
) -> None:
    graph_html(client)
    write_concept(
        content_dir, "alpha", tags=["computing"], related=["gamma"], title="Positional encoding"
    )
    import_course(content_dir)

    assert "Positional encoding" in graph_html(client)


def test_saving_a_course_read_before_a_change_keeps_the_new_graph_version(
    client: Client, course: Course
) -> None:
    stale = Course.objects.get(pk=course.pk)
    graph_html(client)
    beta = Concept.objects.get(slug="beta")
    beta.title = "Layer normalisation"
    beta.save()
    stale.title = "Demo Course, renamed"
    stale.save()

    html = graph_html(client)

    assert "Layer normalisation" in html and "Demo Course, renamed" in html


def test_the_cache_is_redis_when_redis_url_is_set() -> None:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    shell = [sys.executable, "manage.py", "shell", "-c", code]

    plain = subprocess.run(
        shell, cwd=ROOT, env={**env, "DEBUG": "true"}, capture_output=True, text=True, timeout=60
    )
    redis = subprocess.run(
        shell,
        cwd=ROOT,
        env={**env, "DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/0"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert plain.stdout.strip().splitlines()[-1] == "django.core.cache.backends.locmem.LocMemCache"
    assert redis.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"


def concept_html(client: Client, slug: str) -> str:
    return client.get(reverse("courses:concept", args=["demo-course", slug])).content.decode()


def test_a_concept_page_takes_its_links_and_path_from_the_cache(
    client: Client, course: Course, django_assert_num_queries
) -> None:
    concept_html(client, "gamma")

    # concept with course and chapter, related, tags; learn before, learn after and the path
    # to here come from the cache
    with django_assert_num_queries(3):
        html = concept_html(client, "gamma")

    assert "Beta" in html.split('id="h-before"')[1].split("</section>")[0]


def test_a_concept_page_shows_a_new_prerequisite_and_a_renamed_ancestor_at_once(
    client: Client, course: Course
) -> None:
    concept_html(client, "gamma")
    gamma, alpha = Concept.objects.get(slug="gamma"), Concept.objects.get(slug="alpha")
    set_prerequisites(gamma, [alpha, Concept.objects.get(slug="beta")], [])

    learn_before = concept_html(client, "gamma").split('id="h-before"')[1].split("</section>")[0]
    assert "Alpha" in learn_before

    alpha.title = "Tokenisation"
    alpha.save()
    path = concept_html(client, "gamma").split('id="h-path"')[1]
    assert "Tokenisation" in path and ">Alpha<" not in path


def test_a_concept_page_from_the_cache_is_the_page_built_afresh(
    client: Client, course: Course
) -> None:
    concept_html(client, "gamma")
    cached = concept_html(client, "gamma").split("<main")[1]  # the header holds a CSRF token

    cache.clear()
    caches["local"].clear()
    assert concept_html(client, "gamma").split("<main")[1] == cached


def test_a_concept_page_links_to_the_course_under_its_new_slug(
    client: Client, course: Course
) -> None:
    concept_html(client, "gamma")
    Course.objects.filter(pk=course.pk).update(slug="renamed-course")

    html = client.get(reverse("courses:concept", args=["renamed-course", "gamma"])).content.decode()

    assert "/courses/demo-course/" not in html and "/courses/renamed-course/concepts/" in html


def home_courses(client: Client) -> str:
    return client.get("/").content.decode().split("<main")[1]


def test_the_home_course_list_from_the_cache_follows_every_change_at_once(
    client: Client, course: Course
) -> None:
    home_courses(client)
    Course.objects.filter(pk=course.pk).update(title="Foundations of language models")
    assert "Foundations of language models" in home_courses(client)

    chapter = Chapter.objects.filter(course=course).first()
    assert chapter is not None
    chapter.title = "Attention first"
    chapter.save()
    assert "Attention first" in home_courses(client)

    before = home_courses(client)
    concept = Concept.objects.filter(course=course, status=Concept.Status.PUBLISHED).first()
    assert concept is not None
    concept.status = Concept.Status.DRAFT
    concept.save()
    after = home_courses(client)
    assert after != before  # one concept fewer in the counts

    cache.clear()
    caches["local"].clear()
    assert home_courses(client) == after
