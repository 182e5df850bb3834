"""Draft concepts stay out of every student page: graphs, lists, counts, search and paths."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Chapter, Concept, Course, Prerequisite, Tag

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Zeppelin Draft"
DRAFT_WORD = "quixotically"  # only in the draft's body


def concept_url(slug: str) -> str:
    return reverse("courses:concept", args=["demo-course", slug])


def add_concept(
    course: Course,
    slug: str,
    *,
    title: str,
    status: str = Concept.Status.PUBLISHED,
    chapter: str = "basics",
    body: str = "Plain words.",
) -> Concept:
    return Concept.objects.create(
        course=course,
        chapter=Chapter.objects.get(course=course, slug=chapter),
        slug=slug,
        title=title,
        summary=f"What {title} is about.",
        body=body,
        status=status,
    )


def link(before: Concept, after: Concept) -> None:
    Prerequisite.objects.create(before=before, after=after)


@pytest.fixture
def draft(course: Course) -> Concept:
    """A draft in chapter basics: alpha → draft → gamma, related to beta, tagged computing."""
    concept = add_concept(
        course,
        "zeppelin",
        title=DRAFT_TITLE,
        status=Concept.Status.DRAFT,
        body=f"A body that talks {DRAFT_WORD} about airships.",
    )
    concepts = {c.slug: c for c in course.concepts.all()}
    link(concepts["alpha"], concept)
    link(concept, concepts["gamma"])
    concept.related.add(concepts["beta"])
    concept.tags.add(Tag.objects.get(slug="computing"))
    return concept


@pytest.fixture(params=["anonymous", "student"])
def visitor(request: pytest.FixtureRequest, client: Client) -> Client:
    if request.param == "student":
        client.force_login(request.getfixturevalue("student"))
    return client


def assert_hidden(html: str) -> None:
    assert DRAFT_TITLE not in html
    assert concept_url("zeppelin") not in html


def test_the_course_graph_works_and_hides_the_draft(visitor: Client, draft: Concept) -> None:
    response = visitor.get(reverse("courses:course_graph", args=["demo-course"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert_hidden(html)
    assert f'href="{concept_url("gamma")}"' in html
    assert "2 links" in html


def test_search_finds_nothing_of_the_draft(visitor: Client, draft: Concept) -> None:
    for query in (DRAFT_TITLE, DRAFT_WORD, "zeppelin"):
        html = visitor.get(reverse("courses:search"), {"q": query}).content.decode()
        results = html.split('id="results"')[1]  # the query itself is echoed in the form
        assert concept_url("zeppelin") not in results
        assert "0 results" in results


def test_search_by_htmx_finds_nothing_of_the_draft(visitor: Client, draft: Concept) -> None:
    response = visitor.get(
        reverse("courses:search"), {"q": DRAFT_WORD}, headers={"HX-Request": "true"}
    )

    assert_hidden(response.content.decode())


@pytest.mark.parametrize("slug", ["alpha", "beta", "gamma"])
def test_the_neighbours_pages_do_not_mention_the_draft(
    visitor: Client, draft: Concept, slug: str
) -> None:
    page = visitor.get(concept_url(slug))
    around = visitor.get(reverse("courses:concept_graph", args=["demo-course", slug]))

    assert page.status_code == around.status_code == 200
    assert_hidden(page.content.decode())
    assert_hidden(around.content.decode())


def test_the_draft_itself_is_not_found(visitor: Client, draft: Concept) -> None:
    assert visitor.get(concept_url("zeppelin")).status_code == 404
    graph = reverse("courses:concept_graph", args=["demo-course", "zeppelin"])
    assert visitor.get(graph).status_code == 404


def test_the_counts_on_home_and_course_pages_leave_the_draft_out(
    visitor: Client, draft: Concept
) -> None:
    home = visitor.get("/").content.decode()
    course = visitor.get(reverse("courses:course", args=["demo-course"])).content.decode()

    assert "3 concepts" in home and "4 concepts" not in home
    assert 'Basics</a> <span class="muted">(2)</span>' in home
    assert "3 concepts, 2 prerequisite links" in course
    assert_hidden(course)


def test_chapter_and_tag_pages_leave_the_draft_out(visitor: Client, draft: Concept) -> None:
    chapter = visitor.get(reverse("courses:chapter", args=["demo-course", "basics"]))
    tag = visitor.get(reverse("courses:tag", args=["computing"]))

    assert_hidden(chapter.content.decode())
    assert_hidden(tag.content.decode())


def test_a_path_through_a_draft_shows_only_its_published_part(
    visitor: Client, draft: Concept, course: Course
) -> None:
    # alpha → draft → omega: omega's only prerequisite is the draft.
    omega = add_concept(course, "omega", title="Omega", chapter="advanced")
    link(draft, omega)

    page = visitor.get(concept_url("omega")).content.decode()
    around = visitor.get(reverse("courses:concept_graph", args=["demo-course", "omega"]))

    assert_hidden(page)
    before = page.split('id="h-before"')[1].split("</section>")[0]
    assert "Nothing: a good place to start." in before
    path = page.split('id="h-path"')[1].split("</section>")[0]
    assert concept_url("alpha") in path
    assert around.status_code == 200
    html = around.content.decode()
    assert_hidden(html)
    assert concept_url("alpha") in html


def test_the_path_keeps_the_order_a_draft_imposes(visitor: Client, course: Course) -> None:
    # zulu → draft → able → target: zulu comes first although "Able" sorts before "Zulu".
    zulu = add_concept(course, "zulu", title="Zulu")
    hidden = add_concept(course, "hidden", title=DRAFT_TITLE, status=Concept.Status.DRAFT)
    able = add_concept(course, "able", title="Able")
    target = add_concept(course, "target", title="Target")
    link(zulu, hidden)
    link(hidden, able)
    link(able, target)

    page = visitor.get(concept_url("target")).content.decode()
    around = visitor.get(reverse("courses:concept_graph", args=["demo-course", "target"]))

    path = page.split('id="h-path"')[1]
    assert path.index(concept_url("zulu")) < path.index(concept_url("able"))
    listed = around.content.decode().split('class="graph-list"')[1]
    assert listed.index(concept_url("zulu")) < listed.index(concept_url("able"))
    assert_hidden(page)
    assert_hidden(around.content.decode())


def test_duplicating_a_concept_leaves_the_public_graph_working(
    client: Client, course: Course, instructor: User
) -> None:
    course.staff.add(instructor)
    client.force_login(instructor)
    duplicate = reverse("authoring:concept_duplicate", args=["demo-course", "beta"])
    response = client.post(duplicate, follow=True)  # following shows (and spends) the message
    assert response.status_code == 200
    copy = Concept.objects.get(course=course, status=Concept.Status.DRAFT)
    assert Prerequisite.objects.filter(after=copy).exists()
    assert Prerequisite.objects.filter(before=copy).exists()

    graph_url = reverse("courses:course_graph", args=["demo-course"])
    as_instructor = client.get(graph_url)
    client.logout()
    as_visitor = client.get(graph_url)

    for response in (as_instructor, as_visitor):
        assert response.status_code == 200
        assert copy.title not in response.content.decode()
    assert client.get(reverse("courses:course", args=["demo-course"])).status_code == 200
    assert client.get(concept_url("gamma")).status_code == 200
