"""Authoring concepts: the author's home, the concept list with bulk tagging, the editor (links,
cycles, preview, duplicate, history), who may do what, and hostile input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from accounts.roles import INSTRUCTOR
from content_io.course import export_course, import_course
from courses import actions
from courses.history import history_of
from courses.models import ChangeRecord, Chapter, Concept, Course, Prerequisite, Tag

pytestmark = pytest.mark.django_db

XSS_BODY = (
    "Safe **bold** text.\n\n"
    "<script>alert('s')</script>\n\n"
    '<iframe src="https://evil.example/"></iframe>\n\n'
    "[click](javascript:alert('j'))\n\n"
    '<a href="javascript:alert(1)">raw link</a>\n\n'
    '<img src="x" onerror="alert(\'o\')">\n\n'
    "<p onclick=\"alert('c')\" onmouseover=\"alert('m')\">hover</p>\n\n"
    "<svg onload=\"alert('v')\"></svg>"
)


def url(name: str, *args: str) -> str:
    return reverse(f"authoring:{name}", args=args)


def concept(course: Course, slug: str) -> Concept:
    return Concept.objects.get(course=course, slug=slug)


def learn_before(c: Concept) -> set[str]:
    return set(Concept.objects.filter(unlocks_edges__after=c).values_list("slug", flat=True))


def learn_after(c: Concept) -> set[str]:
    return set(Concept.objects.filter(requires_edges__before=c).values_list("slug", flat=True))


def form_data(course: Course, c: Concept | None = None, **changes: Any) -> dict[str, Any]:
    """What the editor posts: the concept as it stands (or a new one), with `changes`."""
    if c is None:
        data: dict[str, Any] = {
            "title": "Delta Concept",
            "slug": "",
            "chapter": course.chapters.get(slug="basics").pk,
            "summary": "What delta is about.",
            "body": "Delta explained.",
            "status": "draft",
            "learn_before": [],
            "learn_after": [],
            "related": [],
            "tags": [],
        }
    else:
        data = {
            "title": c.title,
            "slug": c.slug,
            "chapter": c.chapter_id,
            "summary": c.summary,
            "body": c.body,
            "status": c.status,
            "learn_before": [x.pk for x in Concept.objects.filter(unlocks_edges__after=c)],
            "learn_after": [x.pk for x in Concept.objects.filter(requires_edges__before=c)],
            "related": [x.pk for x in c.related.all()],
            "tags": [t.pk for t in c.tags.filter(kind__in=actions.FILE_TAG_KINDS)],
        }
    data.update(changes)
    return data


@pytest.fixture
def course_instructor(course: Course, instructor: User) -> User:
    course.staff.add(instructor)
    return instructor


@pytest.fixture
def other_course(db: None) -> Course:
    other = Course.objects.create(slug="other-course", title="Other Course")
    chapter = Chapter.objects.create(course=other, slug="intro", title="Intro", position=1)
    actions.create_concept(
        None,
        other,
        actions.ConceptInput(
            title="Delta Elsewhere",
            slug="delta",
            chapter=chapter,
            summary="Another course's concept.",
            body="Text.",
            status=Concept.Status.PUBLISHED,
            learn_before=[],
            learn_after=[],
            related=[],
            tags=[],
        ),
    )
    return other


@pytest.fixture
def other_instructor(make_user: Callable[..., User], other_course: Course) -> User:
    user = make_user("otto", INSTRUCTOR, is_staff=True)
    other_course.staff.add(user)
    return user


@pytest.fixture
def author(client: Client, course_instructor: User) -> Client:
    client.force_login(course_instructor)
    return client


# ---------------------------------------------------------------------------------------------
# Who may do what


PAGES = [
    ("GET", "concepts", ["demo-course"], {}),
    ("GET", "concept_new", ["demo-course"], {}),
    ("GET", "concept_edit", ["demo-course", "beta"], {}),
    ("GET", "concept_history", ["demo-course", "beta"], {}),
    ("GET", "concept_search", ["demo-course"], {"field": "learn_before", "q": "a"}),
    ("POST", "concept_preview", ["demo-course"], {"body": "*hi*"}),
    ("POST", "concept_duplicate", ["demo-course", "beta"], {}),
]
PERSONAS = [
    ("anonymous", {302}),
    ("student", {403}),
    ("other_instructor", {404}),
    ("course_instructor", {200, 302}),
    ("admin_user", {200, 302}),
]


@pytest.mark.parametrize("method,name,args,data", PAGES, ids=[p[1] for p in PAGES])
@pytest.mark.parametrize("persona,expected", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_each_concept_page_admits_only_the_course_authors(
    client: Client,
    request: pytest.FixtureRequest,
    course: Course,
    method: str,
    name: str,
    args: list[str],
    data: dict[str, str],
    persona: str,
    expected: set[int],
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method.lower())(url(name, *args), data)

    assert response.status_code in expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("anonymous", 302),
        ("student", 403),
        ("other_instructor", 200),
        ("course_instructor", 200),
        ("admin_user", 200),
    ],
)
def test_the_authoring_home_is_for_instructors_and_admins(
    client: Client, request: pytest.FixtureRequest, course: Course, persona: str, expected: int
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    assert client.get(url("home")).status_code == expected


def test_the_home_lists_only_the_courses_the_instructor_authors(
    client: Client, course: Course, other_instructor: User
) -> None:
    client.force_login(other_instructor)

    html = client.get(url("home")).content.decode()

    assert "Other Course" in html and "Demo Course" not in html
    assert url("concepts", "other-course") in html
    assert reverse("review:queue") in html
    assert url("tags") not in html  # the tag manager is for admins


def test_the_home_links_each_course_to_its_authoring_pages(author: Client, course: Course) -> None:
    html = author.get(url("home")).content.decode()

    for name in ("questions", "quizzes", "coverage", "needs_tagging"):
        assert reverse(f"authoring:{name}", args=["demo-course"]) in html
    assert url("concepts", "demo-course") in html and reverse("review:queue") in html


def test_the_home_links_an_admin_to_the_tag_manager(
    client: Client, course: Course, admin_user: User
) -> None:
    client.force_login(admin_user)

    html = client.get(url("home")).content.decode()

    assert url("concepts", "demo-course") in html and url("tags") in html


def test_another_courses_concept_in_the_url_is_404(author: Client, other_course: Course) -> None:
    assert author.get(url("concept_edit", "demo-course", "delta")).status_code == 404
    assert author.get(url("concept_edit", "other-course", "delta")).status_code == 404
    assert author.post(url("concept_duplicate", "demo-course", "delta")).status_code == 404


def test_a_post_without_a_csrf_token_is_refused(course: Course, course_instructor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(course_instructor)
    beta = concept(course, "beta")

    responses = [
        client.post(
            url("concept_edit", "demo-course", "beta"), form_data(course, beta, title="Hacked")
        ),
        client.post(url("concept_new", "demo-course"), form_data(course)),
        client.post(url("concept_duplicate", "demo-course", "beta")),
        client.post(url("concept_preview", "demo-course"), {"body": "x"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert concept(course, "beta").title == "Beta" and course.concepts.count() == 3


def test_duplicating_needs_a_post(author: Client) -> None:
    assert author.get(url("concept_duplicate", "demo-course", "beta")).status_code == 405


# ---------------------------------------------------------------------------------------------
# The concept list and bulk tagging


def test_the_list_shows_drafts_with_their_status(author: Client, course: Course) -> None:
    Concept.objects.filter(slug="gamma").update(status=Concept.Status.DRAFT)

    html = author.get(url("concepts", "demo-course")).content.decode()

    row = html.split(url("concept_edit", "demo-course", "gamma"))[1].split("</tr>")[0]
    assert "Draft" in row
    assert (
        "Published" in html.split(url("concept_edit", "demo-course", "alpha"))[1].split("</tr>")[0]
    )


@pytest.mark.parametrize(
    "query,shown",
    [
        ("chapter=advanced", {"gamma"}),
        ("tag=computing", {"alpha", "beta"}),
        ("status=draft", {"gamma"}),
        ("q=bet", {"beta"}),
        ("chapter=basics&tag=computing&q=alp", {"alpha"}),
        ("chapter=nonsense", {"alpha", "beta", "gamma"}),  # an unknown value filters nothing
    ],
)
def test_the_list_filters_by_chapter_tag_status_and_text(
    author: Client, course: Course, query: str, shown: set[str]
) -> None:
    Concept.objects.filter(slug="gamma").update(status=Concept.Status.DRAFT)

    html = author.get(url("concepts", "demo-course") + "?" + query).content.decode()

    listed = {
        s for s in ("alpha", "beta", "gamma") if url("concept_edit", "demo-course", s) in html
    }
    assert listed == shown


def test_the_list_runs_the_same_queries_however_many_concepts(
    author: Client, course: Course, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(20):
        actions.duplicate_concept(None, concept(course, "beta"))

    # session, user; the user's roles and permissions (once, however many checks, the header's too); the course;
    # chapters (filter); every tag's path and the tags (filter); every tag's path and the tags (bulk form); concepts; their tags (prefetch)
    with django_assert_num_queries(11):
        response = author.get(url("concepts", "demo-course"))

    assert response.status_code == 200


def test_ticked_concepts_get_the_chosen_tag_in_one_go(author: Client, course: Course) -> None:
    science = Tag.objects.get(slug="science")
    ids = [concept(course, s).pk for s in ("alpha", "gamma")]

    response = author.post(
        url("concepts", "demo-course") + "?status=published",
        {"tag": science.pk, "concepts": ids, "action": "tag"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("concepts", "demo-course") + "?status=published"
    assert set(science.concepts.values_list("slug", flat=True)) == {"alpha", "gamma"}
    assert history_of(concept(course, "gamma")).first().summary == "Tagged “Science”"  # type: ignore[union-attr]


def test_ticked_concepts_lose_the_chosen_tag(author: Client, course: Course) -> None:
    computing = Tag.objects.get(slug="computing")

    author.post(
        url("concepts", "demo-course"),
        {"tag": computing.pk, "concepts": [concept(course, "alpha").pk], "action": "untag"},
    )

    assert set(computing.concepts.values_list("slug", flat=True)) == {"beta"}


def test_bulk_tagging_refuses_a_concept_of_another_course(
    author: Client, course: Course, other_course: Course
) -> None:
    science = Tag.objects.get(slug="science")
    foreign = concept(other_course, "delta")

    response = author.post(
        url("concepts", "demo-course"),
        {"tag": science.pk, "concepts": [concept(course, "alpha").pk, foreign.pk], "action": "tag"},
    )

    assert response.status_code == 422
    assert "not one of the available choices" in response.content.decode()
    assert not science.concepts.exists()


def test_bulk_tagging_without_ticks_or_with_a_chapter_tag_is_refused(
    author: Client, course: Course
) -> None:
    chapter_tag = Tag.objects.get(slug="chapter-basics")
    science = Tag.objects.get(slug="science")

    nothing = author.post(url("concepts", "demo-course"), {"tag": science.pk, "action": "tag"})
    reserved = author.post(
        url("concepts", "demo-course"),
        {"tag": chapter_tag.pk, "concepts": [concept(course, "gamma").pk], "action": "tag"},
    )

    assert nothing.status_code == 422 and "Tick at least one concept" in nothing.content.decode()
    assert reserved.status_code == 422
    assert not chapter_tag.concepts.filter(slug="gamma").exists()


# ---------------------------------------------------------------------------------------------
# The editor


def test_a_new_concept_is_a_draft_with_a_slug_made_from_its_title(
    author: Client, course: Course
) -> None:
    alpha, gamma = concept(course, "alpha"), concept(course, "gamma")
    science = Tag.objects.get(slug="science")

    response = author.post(
        url("concept_new", "demo-course"),
        form_data(
            course,
            title="Delta: the Fourth Concept!",
            learn_before=[alpha.pk],
            learn_after=[gamma.pk],
            related=[concept(course, "beta").pk],
            tags=[science.pk],
        ),
    )

    delta = concept(course, "delta-the-fourth-concept")
    assert response.status_code == 302
    assert response["Location"] == url("concept_edit", "demo-course", delta.slug)
    assert delta.status == Concept.Status.DRAFT
    assert learn_before(delta) == {"alpha"} and learn_after(delta) == {"gamma"}
    assert set(delta.related.values_list("slug", flat=True)) == {"beta"}
    assert set(concept(course, "beta").related.values_list("slug", flat=True)) == {
        "delta-the-fourth-concept"
    }
    assert set(delta.tags.values_list("slug", flat=True)) == {
        "science",
        "demo-course",
        "chapter-basics",
    }
    record = history_of(delta).get()
    assert record.summary == "Created" and record.changes["learn_after"] == [None, ["gamma"]]


def test_drafts_stay_hidden_from_students(client: Client, author: Client, course: Course) -> None:
    author.post(url("concept_new", "demo-course"), form_data(course, slug="delta"))

    assert client.get(reverse("courses:concept", args=["demo-course", "delta"])).status_code == 404


def test_editing_sets_both_directions_and_records_what_changed(
    author: Client, course: Course
) -> None:
    beta = concept(course, "beta")
    gamma = concept(course, "gamma")
    actions.create_concept(
        None,
        course,
        actions.ConceptInput(
            title="Epsilon",
            slug="epsilon",
            chapter=beta.chapter,
            summary="E.",
            body="",
            status="published",
            learn_before=[],
            learn_after=[],
            related=[],
            tags=[],
        ),
    )
    epsilon = concept(course, "epsilon")

    response = author.post(
        url("concept_edit", "demo-course", "beta"),
        form_data(
            course,
            beta,
            learn_after=[gamma.pk, epsilon.pk],
            body="New body.",
            chapter=gamma.chapter_id,
        ),
    )

    assert response.status_code == 302
    beta.refresh_from_db()
    assert learn_after(beta) == {"gamma", "epsilon"} and learn_before(beta) == {"alpha"}
    assert set(beta.tags.values_list("slug", flat=True)) == {
        "computing",
        "demo-course",
        "chapter-advanced",
    }
    record = history_of(beta).first()
    assert record is not None and record.user is not None and record.user.username == "ines"
    assert record.changes["learn_after"] == [["gamma"], ["epsilon", "gamma"]]
    assert record.changes["body"][1] == "New body."
    html = author.get(url("concept_edit", "demo-course", "beta")).content.decode()
    history = html.split('id="h-history"')[1]
    assert "ines" in history and "learn after" in history and "chapter-advanced" not in history


def test_publishing_is_named_in_the_history(author: Client, course: Course) -> None:
    author.post(url("concept_new", "demo-course"), form_data(course, slug="delta"))
    delta = concept(course, "delta")

    author.post(
        url("concept_edit", "demo-course", "delta"), form_data(course, delta, status="published")
    )

    assert history_of(delta).first().summary == "Published"  # type: ignore[union-attr]


def test_a_cycle_through_learn_after_is_refused_on_that_field_and_named(
    author: Client, course: Course
) -> None:
    gamma, alpha = concept(course, "gamma"), concept(course, "alpha")

    response = author.post(
        url("concept_edit", "demo-course", "gamma"),
        form_data(
            course, gamma, title="Gamma Renamed", body="Typed *text* kept.", learn_after=[alpha.pk]
        ),
    )

    html = response.content.decode()
    assert response.status_code == 422
    picker = html.split('id="picker-learn_after"')[1].split("</fieldset>")[0]
    assert "This would close a cycle: Gamma Renamed → Alpha → Beta → Gamma Renamed." in picker
    assert 'id="picker-learn_before"' in html
    assert "close a cycle" not in html.split('id="picker-learn_before"')[1].split("</fieldset>")[0]
    # nothing typed is lost
    assert 'value="Gamma Renamed"' in html and "Typed *text* kept." in html
    assert f'name="learn_after" value="{alpha.pk}" checked' in html
    # nothing saved
    assert concept(course, "gamma").title == "Gamma" and learn_after(gamma) == set()


def test_a_cycle_through_learn_before_is_refused_on_that_field(
    author: Client, course: Course
) -> None:
    alpha, gamma = concept(course, "alpha"), concept(course, "gamma")

    response = author.post(
        url("concept_edit", "demo-course", "alpha"),
        form_data(course, alpha, learn_before=[gamma.pk]),
    )

    picker = response.content.decode().split('id="picker-learn_before"')[1].split("</fieldset>")[0]
    assert response.status_code == 422
    assert "Alpha → Beta → Gamma → Alpha" in picker
    assert not Prerequisite.objects.filter(before=gamma, after=alpha).exists()


def test_a_new_concept_cannot_sit_both_before_and_after_the_same_concept(
    author: Client, course: Course
) -> None:
    alpha, gamma = concept(course, "alpha"), concept(course, "gamma")

    response = author.post(
        url("concept_new", "demo-course"),
        form_data(course, title="Loop", learn_before=[gamma.pk], learn_after=[alpha.pk]),
    )

    assert response.status_code == 422
    assert "Loop → Alpha → Beta → Gamma → Loop" in response.content.decode()
    assert not course.concepts.filter(slug="loop").exists()


def test_a_concept_cannot_be_its_own_prerequisite(author: Client, course: Course) -> None:
    beta = concept(course, "beta")

    before = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, learn_before=[beta.pk])
    )
    after = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, learn_after=[beta.pk])
    )
    related = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, related=[beta.pk])
    )

    assert before.status_code == after.status_code == related.status_code == 422
    assert "“Beta” cannot be its own prerequisite." in before.content.decode()
    assert "“Beta” cannot be its own prerequisite." in after.content.decode()
    assert "“Beta” cannot be related to itself." in related.content.decode()
    assert not Prerequisite.objects.filter(before=beta, after=beta).exists()


def test_the_action_refuses_a_self_prerequisite_and_a_foreign_concept_too(
    course: Course, other_course: Course
) -> None:
    beta = concept(course, "beta")

    with pytest.raises(actions.ValidationError) as self_edge:
        actions.set_prerequisites(beta, [beta], [])
    with pytest.raises(actions.ValidationError) as foreign:
        actions.set_prerequisites(beta, [], [concept(other_course, "delta")])

    assert "own prerequisite" in str(self_edge.value)
    assert "another course" in str(foreign.value)
    assert learn_before(beta) == {"alpha"}


def test_a_slug_already_used_in_the_course_is_refused(author: Client, course: Course) -> None:
    beta = concept(course, "beta")

    new = author.post(
        url("concept_new", "demo-course"), form_data(course, slug="alpha", title="Another Alpha")
    )
    renamed = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, slug="gamma")
    )
    from_title = author.post(url("concept_new", "demo-course"), form_data(course, title="Alpha"))

    for response in (new, renamed, from_title):
        assert response.status_code == 422
        slug_field = response.content.decode().split('for="id_slug"')[1].split("</div>")[0]
        assert "is already the slug of" in slug_field
    assert 'value="Another Alpha"' in new.content.decode()
    assert course.concepts.count() == 3


@pytest.mark.parametrize(
    "slug", ["Has Spaces", "UPPER", "double--hyphen", "-edge", "under_score", "x" * 81]
)
def test_a_malformed_slug_is_refused(author: Client, course: Course, slug: str) -> None:
    response = author.post(url("concept_new", "demo-course"), form_data(course, slug=slug))

    assert response.status_code == 422
    assert course.concepts.count() == 3


def test_a_slug_can_be_changed_and_the_editor_moves_with_it(author: Client, course: Course) -> None:
    beta = concept(course, "beta")

    response = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, slug="beta-two")
    )

    assert response["Location"] == url("concept_edit", "demo-course", "beta-two")
    assert learn_before(concept(course, "beta-two")) == {"alpha"}


def test_a_concept_id_from_another_course_is_refused_in_every_picker(
    author: Client, course: Course, other_course: Course
) -> None:
    beta, foreign = concept(course, "beta"), concept(other_course, "delta")

    for field in ("learn_before", "learn_after", "related"):
        response = author.post(
            url("concept_edit", "demo-course", "beta"),
            form_data(course, beta, **{field: [foreign.pk]}),
        )

        picker = response.content.decode().split(f'id="picker-{field}"')[1].split("</fieldset>")[0]
        assert response.status_code == 422
        assert "not one of the available choices" in picker
    assert not Prerequisite.objects.filter(before=foreign).exists()
    assert not Prerequisite.objects.filter(after=foreign).exists()
    assert not beta.related.filter(pk=foreign.pk).exists()


def test_unknown_ids_and_junk_in_the_form_give_422_not_500(author: Client, course: Course) -> None:
    beta = concept(course, "beta")

    response = author.post(
        url("concept_edit", "demo-course", "beta"),
        form_data(
            course, beta, chapter="nope", learn_before=["x", "999999"], tags=["-1"], status="secret"
        ),
    )

    assert response.status_code == 422


def test_a_multi_line_summary_or_title_is_refused(author: Client, course: Course) -> None:
    response = author.post(
        url("concept_new", "demo-course"), form_data(course, summary="one\ntwo", title="A\nB")
    )

    assert response.status_code == 422
    assert "must be one line" in response.content.decode()


def test_without_javascript_each_picker_lists_every_other_concept(
    author: Client, course: Course
) -> None:
    alpha, beta, gamma = (concept(course, s) for s in ("alpha", "beta", "gamma"))

    html = author.get(url("concept_edit", "demo-course", "beta")).content.decode()

    before = html.split('id="picker-learn_before"')[1].split("</fieldset>")[0]
    assert f'name="learn_before" value="{alpha.pk}" checked' in before
    assert f'name="learn_before" value="{gamma.pk}">' in before
    assert f'value="{beta.pk}"' not in before
    after = html.split('id="picker-learn_after"')[1].split("</fieldset>")[0]
    assert f'name="learn_after" value="{gamma.pk}" checked' in after


def test_the_picker_search_returns_matching_options_and_keeps_the_ticked_ones(
    author: Client, course: Course, other_course: Course
) -> None:
    alpha, beta, gamma = (concept(course, s) for s in ("alpha", "beta", "gamma"))
    foreign = concept(other_course, "delta")
    params: dict[str, str | list[int] | int] = {
        "field": "related",
        "q": "GAM",
        "exclude": beta.pk,
        "related": [alpha.pk, foreign.pk],
    }

    response = author.get(
        url("concept_search", "demo-course"),
        params,
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="options-related"' in html
    assert f'name="related" value="{alpha.pk}" checked' in html
    assert f'name="related" value="{gamma.pk}">' in html
    assert f'value="{beta.pk}"' not in html and f'value="{foreign.pk}"' not in html


def test_the_picker_search_refuses_an_unknown_picker(author: Client, course: Course) -> None:
    response = author.get(url("concept_search", "demo-course"), {"field": "owner", "q": "a"})

    assert response.status_code == 400


def test_duplicating_makes_a_draft_copy_with_the_same_links(author: Client, course: Course) -> None:
    beta = concept(course, "beta")

    first = author.post(url("concept_duplicate", "demo-course", "beta"))
    second = author.post(url("concept_duplicate", "demo-course", "beta"))

    copy = concept(course, "copy-of-beta")
    assert first["Location"] == url("concept_edit", "demo-course", "copy-of-beta")
    assert second["Location"] == url("concept_edit", "demo-course", "copy-of-beta-2")
    assert copy.title == "Copy of Beta" and copy.status == Concept.Status.DRAFT
    assert copy.body == beta.body and copy.chapter_id == beta.chapter_id
    assert learn_before(copy) == {"alpha"} and learn_after(copy) == {"gamma"}
    assert set(copy.tags.values_list("slug", flat=True)) == set(
        beta.tags.values_list("slug", flat=True)
    )
    assert not Prerequisite.objects.filter(before=copy, after=copy).exists()
    assert not copy.related.filter(pk__in=[copy.pk, beta.pk]).exists()
    assert history_of(copy).get().summary == "Duplicated from “Beta”"


def test_a_copy_keeps_related_links_but_none_to_itself(course: Course) -> None:
    alpha = concept(course, "alpha")

    copy = actions.duplicate_concept(None, alpha)

    assert set(copy.related.values_list("slug", flat=True)) == {"gamma"}
    assert ChangeRecord.objects.filter(object_id=copy.pk).count() == 1


def test_the_history_page_lists_every_change(author: Client, course: Course) -> None:
    beta = concept(course, "beta")
    for n in range(12):
        author.post(
            url("concept_edit", "demo-course", "beta"),
            form_data(course, beta, summary=f"Version {n}."),
        )

    editor = author.get(url("concept_edit", "demo-course", "beta")).content.decode()
    full = author.get(url("concept_history", "demo-course", "beta")).content.decode()

    assert editor.split('id="h-history"')[1].count("<li>") == 10
    assert full.count("<li>") >= 12 and "Version 0." in full and "Version 11." in full


# ---------------------------------------------------------------------------------------------
# Preview and hostile Markdown


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert "javascript:" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "onmouseover" not in lowered and "onload" not in lowered
    assert "<strong>bold</strong>" in html


def test_the_live_preview_renders_markdown_harmlessly(author: Client, course: Course) -> None:
    response = author.post(
        url("concept_preview", "demo-course"), {"body": XSS_BODY}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview"' in html and "<html" not in html
    assert_harmless(html)


def test_the_preview_button_works_without_javascript_and_saves_nothing(
    author: Client, course: Course
) -> None:
    beta = concept(course, "beta")

    response = author.post(
        url("concept_edit", "demo-course", "beta"),
        form_data(course, beta, body=XSS_BODY, preview="1"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    preview = html.split('id="preview"')[1].split("</div>")[0]
    assert_harmless(preview)
    # the textarea keeps what was typed, escaped
    assert "&lt;script&gt;alert(&#x27;s&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert concept(course, "beta").body == beta.body


def test_a_body_nested_too_deeply_is_refused_with_the_text_kept(
    author: Client, course: Course
) -> None:
    beta = concept(course, "beta")
    deep = "> " * 2000 + "innermost thought"

    response = author.post(
        url("concept_edit", "demo-course", "beta"), form_data(course, beta, body=deep)
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "The text is nested too deeply: lists, quotes or HTML tags 2,001 levels deep" in html
    assert "&gt; &gt; &gt;" in html and "innermost thought" in html  # the textarea keeps it
    assert concept(course, "beta").body == beta.body


def test_a_body_over_the_length_limit_is_refused_and_its_preview_says_why(
    author: Client, course: Course
) -> None:
    long_body = "A sentence about attention heads.\n" * 1000  # saved without its last line end

    saved = author.post(url("concept_new", "demo-course"), form_data(course, body=long_body))
    preview = author.post(
        url("concept_preview", "demo-course"), {"body": long_body}, headers={"HX-Request": "true"}
    )

    assert saved.status_code == 422
    assert "The text is too long: 33,999 characters (at most 20,000)." in saved.content.decode()
    assert not Concept.objects.filter(slug="delta-concept").exists()
    html = preview.content.decode()
    assert preview.status_code == 200 and "This text is too long: 34,000 characters" in html
    assert "more characters) is not shown" in html


def test_a_published_concept_written_in_the_editor_is_harmless_on_the_student_page(
    client: Client, author: Client, course: Course
) -> None:
    author.post(
        url("concept_new", "demo-course"),
        form_data(course, slug="delta", body=XSS_BODY, status="published"),
    )

    html = client.get(reverse("courses:concept", args=["demo-course", "delta"])).content.decode()

    body = html.split('class="concept-body"')[1].split("</article>")[0]
    assert_harmless(body)


# ---------------------------------------------------------------------------------------------
# Round trip through the content files


def test_a_concept_written_in_the_editor_survives_export_and_import_unchanged(
    author: Client, course: Course, tmp_path: Path
) -> None:
    alpha, gamma = concept(course, "alpha"), concept(course, "gamma")
    science = Tag.objects.get(slug="science")
    author.post(
        url("concept_new", "demo-course"),
        form_data(
            course,
            title="Delta: “quoted” & true",
            slug="delta",
            summary="yes: a summary with a colon",
            body="\r\n\r\n## Heading\r\n\r\nText with a line break  \r\nand `code`.\r\n\r\n    indented code\r\n\r\n",
            learn_before=[alpha.pk],
            learn_after=[gamma.pk],
            related=[concept(course, "beta").pk],
            tags=[science.pk],
        ),
    )
    beta = concept(course, "beta")
    author.post(
        url("concept_edit", "demo-course", "beta"),
        form_data(course, beta, chapter=gamma.chapter_id, status="draft"),
    )

    export_course(course, tmp_path / "out")
    report = import_course(tmp_path / "out")
    export_course(course, tmp_path / "again")

    assert report.changes == 0, list(report.lines())
    first = (tmp_path / "out" / "concepts" / "delta.md").read_text(encoding="utf-8")
    assert first == (tmp_path / "again" / "concepts" / "delta.md").read_text(encoding="utf-8")
    assert "status: draft" in first and "## Heading" in first and "\r" not in first
    assert concept(course, "delta").body.startswith("## Heading")
