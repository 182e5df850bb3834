"""Student pages: content, sanitising, query counts that do not grow with the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses.models import Concept, Course, Prerequisite
from tests.conftest import write_concept

pytestmark = pytest.mark.django_db


def concept_url(slug: str) -> str:
    return reverse("courses:concept", args=["demo-course", slug])


def test_the_home_page_lists_courses_and_chapters(client: Client, course: Course) -> None:
    html = client.get("/").content.decode()

    assert "Demo Course" in html and "Basics" in html and "Advanced" in html


def test_a_concept_page_shows_its_links_path_and_tags(client: Client, course: Course) -> None:
    html = client.get(concept_url("gamma")).content.decode()

    assert 'id="h-before"' in html and concept_url("beta") in html
    assert "Related" in html and concept_url("alpha") in html
    path_section = html.split('id="h-path"')[1]
    assert path_section.index(concept_url("alpha")) < path_section.index(concept_url("beta"))
    assert reverse("courses:tag", args=["chapter-advanced"]) in html


def test_a_concept_page_shows_what_it_unlocks(client: Client, course: Course) -> None:
    html = client.get(concept_url("alpha")).content.decode()

    after = html.split('id="h-after"')[1].split("</section>")[0]
    assert concept_url("beta") in after


def test_markdown_with_script_is_rendered_harmless(client: Client, content_dir: Path) -> None:
    write_concept(
        content_dir,
        "alpha",
        body=(
            "Hello <script>alert(1)</script> [x](javascript:alert(2)) "
            '<img src=x onerror="alert(3)"> <iframe src="https://evil.example"></iframe> **bold**'
        ),
    )
    import_course(content_dir)

    html = client.get(concept_url("alpha")).content.decode()

    body = html.split('class="concept-body"')[1].split("</article>")[0]
    assert "<script>" not in body and "javascript:" not in body
    assert "onerror" not in body and "<iframe" not in body
    assert "<strong>bold</strong>" in body


def test_an_unknown_concept_is_404(client: Client, course: Course) -> None:
    assert client.get(concept_url("nope")).status_code == 404


def test_the_chapter_page_lists_concepts_in_learning_order(client: Client, course: Course) -> None:
    html = client.get(reverse("courses:chapter", args=["demo-course", "basics"])).content.decode()

    assert html.index(concept_url("alpha")) < html.index(concept_url("beta"))


def test_a_tag_page_includes_items_of_narrower_tags(client: Client, course: Course) -> None:
    html = client.get(reverse("courses:tag", args=["science"])).content.decode()

    assert concept_url("alpha") in html and concept_url("beta") in html
    assert concept_url("gamma") not in html
    assert "Computing" in html  # the narrower tag is linked


def test_search_finds_titles_and_bodies(client: Client, content_dir: Path) -> None:
    write_concept(
        content_dir,
        "gamma",
        chapter="advanced",
        learn_before=["beta"],
        body="Mentions transformers. " * 10,
    )
    import_course(content_dir)

    html = client.get(reverse("courses:search"), {"q": "transformers"}).content.decode()

    assert concept_url("gamma") in html and concept_url("alpha") not in html


def test_search_answers_htmx_with_only_the_results_fragment(client: Client, course: Course) -> None:
    response = client.get(reverse("courses:search"), {"q": "alpha"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert concept_url("alpha") in html and "<html" not in html


def test_the_graph_page_draws_every_concept_as_a_link_with_a_list_fallback(
    client: Client, course: Course
) -> None:
    html = client.get(reverse("courses:course_graph", args=["demo-course"])).content.decode()

    svg = html.split("<svg")[1].split("</svg>")[0]
    for slug in ("alpha", "beta", "gamma"):
        assert f'href="{concept_url(slug)}"' in svg
    fallback = html.split('class="graph-list"')[1]
    assert concept_url("alpha") in fallback


def test_the_neighbourhood_graph_highlights_the_concept(client: Client, course: Course) -> None:
    html = client.get(
        reverse("courses:concept_graph", args=["demo-course", "beta"])
    ).content.decode()

    assert "is-current" in html and concept_url("alpha") in html and concept_url("gamma") in html


def _add_prerequisites(concept: Concept, count: int) -> None:
    for i in range(count):
        before = Concept.objects.create(
            course=concept.course,
            chapter=concept.chapter,
            slug=f"extra-{concept.slug}-{i}",
            title=f"Extra {i}",
            summary="s",
        )
        Prerequisite.objects.create(before=before, after=concept)


@pytest.mark.parametrize("prerequisites", [2, 50])
def test_a_concept_page_runs_the_same_queries_with_2_or_50_prerequisites(
    client: Client, course: Course, prerequisites: int, django_assert_num_queries
) -> None:
    gamma = Concept.objects.get(slug="gamma")
    _add_prerequisites(gamma, prerequisites)

    # 1 concept with course and chapter, 2 learn before, 3 learn after, 4 related, 5 tags,
    # 6 ancestor ids (recursive), 7 ancestor concepts, 8 edges among them.
    with django_assert_num_queries(8):
        response = client.get(concept_url("gamma"))
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_list_pages_run_a_fixed_number_of_queries(
    client: Client, course: Course, extra: int, django_assert_num_queries
) -> None:
    _add_prerequisites(Concept.objects.get(slug="gamma"), extra)

    # home, first request: the courses' state (fields and graph versions), then to build the
    # list: courses with counts, chapters with counts
    with django_assert_num_queries(3):
        client.get("/")
    # home again: the courses' state; the list comes from the cache
    with django_assert_num_queries(1):
        client.get("/")
    # course: course, chapters, concepts, edges
    with django_assert_num_queries(4):
        client.get(reverse("courses:course", args=["demo-course"]))
    # chapter: chapter with course, concepts, edges, sibling chapters, the chapter's quizzes
    # (the quizzes' link through courses.extensions)
    with django_assert_num_queries(5):
        client.get(reverse("courses:chapter", args=["demo-course", "basics"]))
    # graph, first request: course, then to draw it: chapters, concepts, edges
    with django_assert_num_queries(4):
        client.get(reverse("courses:course_graph", args=["demo-course"]))
    # graph again: course (with its graph version); the drawing comes from the cache
    with django_assert_num_queries(1):
        client.get(reverse("courses:course_graph", args=["demo-course"]))
    # tag: tag, all tags, concepts
    with django_assert_num_queries(3):
        client.get(reverse("courses:tag", args=["science"]))
