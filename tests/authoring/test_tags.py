"""The tag manager (admins only): the tree; create, rename, move; merge and delete, which act on
every relation that points at a tag (concept tags, question tags, quiz draw rules)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from accounts.roles import INSTRUCTOR
from content_io.course import export_course, import_course
from courses import actions
from courses.history import history_of
from courses.models import ChangeRecord, Concept, Course, Tag
from quizzes.models import DrawRule, Question

pytestmark = pytest.mark.django_db


def url(name: str, *args: str) -> str:
    return reverse(f"authoring:{name}", args=args)


def tag(slug: str) -> Tag:
    return Tag.objects.get(slug=slug)


def concept_tags(slug: str) -> set[str]:
    return set(Concept.objects.get(slug=slug).tags.values_list("slug", flat=True))


def question_tags(slug: str) -> set[str]:
    return set(Question.objects.get(slug=slug).tags.values_list("slug", flat=True))


@pytest.fixture
def tagged(content_dir: Path) -> Course:
    """The demo course plus a `physics` tag under science, a question tagged computing and
    science, and a quiz drawing by the computing tag."""
    (content_dir / "tags.yaml").write_text(
        textwrap.dedent(
            """\
            tags:
              - slug: science
                name: Science
                kind: discipline
              - slug: computing
                name: Computing
                kind: discipline
                parent: science
              - slug: physics
                name: Physics
                kind: discipline
                parent: science
              - slug: machine-learning
                name: Machine Learning
                kind: custom
                parent: computing
            """
        ),
        encoding="utf-8",
    )
    (content_dir / "questions").mkdir()
    (content_dir / "questions" / "tagged-q.md").write_text(
        textwrap.dedent(
            """\
            ---
            slug: tagged-q
            title: Tagged question
            bloom: remember
            concepts: [alpha]
            tags: [computing, science]
            parts:
              - id: tf
                kind: true_false
                prompt: Alpha comes first.
                options:
                  - {id: "true", text: "True", correct: true}
                  - {id: "false", text: "False", correct: false}
            ---
            A claim.
            """
        ),
        encoding="utf-8",
    )
    (content_dir / "quizzes").mkdir()
    (content_dir / "quizzes" / "by-tag.yaml").write_text(
        "slug: by-tag\ntitle: By tag\ndraw:\n  - count: 1\n    tag: computing\n", encoding="utf-8"
    )
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def course_instructor(tagged: Course, instructor: User) -> User:
    tagged.staff.add(instructor)
    return instructor


@pytest.fixture
def other_instructor(make_user: Callable[..., User]) -> User:
    user = make_user("otto", INSTRUCTOR, is_staff=True)
    Course.objects.create(slug="other-course", title="Other Course").staff.add(user)
    return user


# ---------------------------------------------------------------------------------------------
# Who may do what


PAGES = [
    ("tags", []),
    ("tag_new", []),
    ("tag_edit", ["computing"]),
    ("tag_merge", ["computing"]),
    ("tag_delete", ["computing"]),
]


@pytest.mark.parametrize("name,args", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize(
    "persona,expected",
    [
        ("anonymous", 302),
        ("student", 403),
        ("other_instructor", 403),
        ("course_instructor", 403),
        ("admin_user", 200),
    ],
)
def test_only_admins_manage_tags(
    client: Client,
    request: pytest.FixtureRequest,
    tagged: Course,
    name: str,
    args: list[str],
    persona: str,
    expected: int,
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(url(name, *args))

    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["tag_new", "tag_edit", "tag_merge", "tag_delete"])
def test_an_instructor_cannot_change_tags_by_posting(
    client: Client, course_instructor: User, name: str
) -> None:
    client.force_login(course_instructor)
    args = [] if name == "tag_new" else ["physics"]

    response = client.post(url(name, *args), {"name": "X", "survivor": tag("science").pk})

    assert response.status_code == 403
    assert Tag.objects.filter(slug="physics", name="Physics").exists()


def test_an_unknown_tag_is_404(admin_client: Client, tagged: Course) -> None:
    assert admin_client.get(url("tag_edit", "nope")).status_code == 404


def test_a_tag_post_without_a_csrf_token_is_refused(tagged: Course, admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    responses = [
        client.post(url("tag_delete", "physics")),
        client.post(url("tag_merge", "physics"), {"survivor": tag("science").pk}),
        client.post(url("tag_new"), {"name": "Chemistry", "kind": "discipline"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert Tag.objects.filter(slug="physics").exists()
    assert not Tag.objects.filter(slug="chemistry").exists()


# ---------------------------------------------------------------------------------------------
# The tree, creating, renaming and moving


def tree_depths(html: str) -> dict[str, int]:
    """tag slug → nesting depth of its link in the page's tag tree."""
    tree = html.split('class="tag-tree')[1].split("</main>")[0]
    depths, depth = {}, 0
    for match in re.finditer(r'<ul|</ul>|href="/tags/([a-z0-9-]+)/"', tree):
        if match.group(0) == "<ul":
            depth += 1
        elif match.group(0) == "</ul>":
            depth -= 1
        else:
            depths[match.group(1)] = depth
    return depths


def test_the_tree_nests_narrower_tags_under_their_parent(
    admin_client: Client, tagged: Course
) -> None:
    html = admin_client.get(url("tags")).content.decode()

    depths = tree_depths(html)
    assert depths["science"] == 0 and depths["physics"] == depths["computing"] == 1
    assert depths["machine-learning"] == 2
    assert (
        html.index('href="/tags/computing/"')
        < html.index('href="/tags/machine-learning/"')
        < html.index('href="/tags/physics/"')
    )
    # course and chapter tags are shown, but offer no edit link
    assert depths["demo-course"] == 0 and depths["chapter-basics"] == 1
    assert url("tag_edit", "chapter-basics") not in html and url("tag_edit", "physics") in html


def test_the_tree_runs_the_same_queries_however_many_tags(
    admin_client: Client, tagged: Course, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(15):
        actions.create_tag(
            None, name=f"Extra {n}", slug=f"extra-{n}", kind="custom", parent=tag("physics")
        )

    # session, user, every tag, then uses per relation: concept tags, question tags, draw rules
    with django_assert_num_queries(6):
        response = admin_client.get(url("tags"))

    assert response.status_code == 200


def test_a_new_tag_gets_a_slug_from_its_name_and_a_history(
    admin_client: Client, tagged: Course
) -> None:
    response = admin_client.post(
        url("tag_new"),
        {"name": "Quantum Computing", "slug": "", "kind": "custom", "parent": tag("physics").pk},
    )

    created = tag("quantum-computing")
    assert response.status_code == 302
    assert created.kind == "custom" and created.parent == tag("physics")
    record = history_of(created).get()
    assert record.summary == "Created" and record.user is not None


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "Science again", "slug": "science"}, "already exists"),
        ({"name": "Sneaky", "slug": "chapter-basics-two"}, "reserved"),
        ({"name": "Sneaky", "slug": "demo-course"}, "already exists"),
        ({"name": "Bad", "slug": "Not A Slug"}, "lower-case letters"),
        ({"name": "Chapter", "slug": "x", "kind": "chapter"}, "not one of the available choices"),
        (
            {"name": "Under a chapter", "slug": "x", "parent": "CHAPTER"},
            "not one of the available choices",
        ),
        ({"name": "Two\nlines", "slug": "x"}, "one line"),
    ],
)
def test_a_bad_new_tag_is_refused_with_the_field_marked(
    admin_client: Client, tagged: Course, data: dict[str, str], message: str
) -> None:
    if data.get("parent") == "CHAPTER":
        data["parent"] = str(tag("chapter-basics").pk)
    data.setdefault("kind", "discipline")
    before = Tag.objects.count()

    response = admin_client.post(url("tag_new"), data)

    html = response.content.decode()
    assert response.status_code == 422 and message in html
    assert 'class="field has-error"' in html
    assert f'value="{data["name"].splitlines()[0]}' in html or "\n" in data["name"]
    assert Tag.objects.count() == before


def test_renaming_and_moving_a_tag_is_recorded(admin_client: Client, tagged: Course) -> None:
    response = admin_client.post(
        url("tag_edit", "machine-learning"),
        {"name": "Statistical Learning", "kind": "discipline", "parent": tag("science").pk},
    )

    moved = tag("machine-learning")
    assert response.status_code == 302
    assert moved.name == "Statistical Learning" and moved.parent == tag("science")
    assert moved.kind == "discipline"
    record = history_of(moved).get()
    assert record.summary == "Renamed; Moved; Changed kind"
    assert record.changes["parent"] == ["computing", "science"]
    html = admin_client.get(url("tag_edit", "machine-learning")).content.decode()
    assert "Renamed" in html.split('id="h-history"')[1]


def test_a_tag_can_move_to_the_top_level(admin_client: Client, tagged: Course) -> None:
    admin_client.post(
        url("tag_edit", "computing"), {"name": "Computing", "kind": "discipline", "parent": ""}
    )

    assert tag("computing").parent is None


@pytest.mark.parametrize("target", ["science", "machine-learning"])
def test_a_tag_cannot_move_under_itself_or_a_descendant(
    admin_client: Client, tagged: Course, target: str
) -> None:
    response = admin_client.post(
        url("tag_edit", "science"),
        {"name": "Science (renamed)", "kind": "discipline", "parent": tag(target).pk},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "cannot sit under itself or one of its own descendants" in html
    assert 'value="Science (renamed)"' in html
    assert tag("science").parent is None and tag("science").name == "Science"


def test_the_action_refuses_a_loop_too(tagged: Course) -> None:
    with pytest.raises(actions.ValidationError):
        actions.update_tag(
            None, tag("science"), name="Science", kind="discipline", parent=tag("computing")
        )


def test_a_chapter_tag_cannot_be_edited(admin_client: Client, tagged: Course) -> None:
    response = admin_client.post(
        url("tag_edit", "chapter-basics"), {"name": "Renamed", "kind": "discipline", "parent": ""}
    )

    assert response.status_code == 422
    assert tag("chapter-basics").name == "Ch.1 Basics"


# ---------------------------------------------------------------------------------------------
# Merging


def test_the_relations_to_tag_are_found_without_naming_the_quizzes_app() -> None:
    labels = {r.label for r in actions.tag_relations()}

    assert {"concepts", "questions", "draw rules"} <= labels


def test_merging_moves_every_use_to_the_survivor_and_deletes_the_tag(
    admin_client: Client, tagged: Course
) -> None:
    computing, science = tag("computing"), tag("science")
    actions.tag_concepts(None, [Concept.objects.get(slug="alpha")], science, add=True)
    rule = DrawRule.objects.get(tag=computing)

    response = admin_client.post(url("tag_merge", "computing"), {"survivor": science.pk})

    assert response.status_code == 302
    assert response["Location"] == url("tag_edit", "science")
    assert not Tag.objects.filter(slug="computing").exists()
    # concept tags: alpha had both (kept once), beta had computing only
    assert "science" in concept_tags("alpha") and "science" in concept_tags("beta")
    assert Concept.tags.through.objects.filter(tag=science).count() == 2
    # question tags, the same way
    assert question_tags("tagged-q") == {"science"}
    # the quiz's draw rule now draws by the survivor
    rule.refresh_from_db()
    assert rule.tag == science
    # children move under the survivor
    assert tag("machine-learning").parent == science
    record = history_of(science).first()
    assert record is not None and record.summary == "Merged “Computing” into this tag"
    assert record.changes["concepts"] == [0, 1]


def test_merging_into_a_narrower_tag_lets_it_take_the_merged_tags_place(tagged: Course) -> None:
    science, machine_learning = tag("science"), tag("machine-learning")

    actions.merge_tags(None, science, machine_learning)

    machine_learning.refresh_from_db()
    assert machine_learning.parent is None
    assert tag("computing").parent == machine_learning
    assert tag("physics").parent == machine_learning


def test_a_merged_course_still_exports_and_reimports_unchanged(
    admin_client: Client, tagged: Course, tmp_path: Path
) -> None:
    admin_client.post(url("tag_merge", "computing"), {"survivor": tag("physics").pk})

    export_course(tagged, tmp_path / "out")
    report = import_course(tmp_path / "out")

    assert report.changes == 0, list(report.lines())
    assert "computing" not in (tmp_path / "out" / "tags.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", ["chapter-basics", "demo-course"])
def test_a_course_or_chapter_tag_cannot_be_merged_away(
    admin_client: Client, tagged: Course, slug: str
) -> None:
    response = admin_client.post(url("tag_merge", slug), {"survivor": tag("science").pk})

    assert response.status_code == 422
    assert Tag.objects.filter(slug=slug).exists()


def test_nothing_merges_into_a_chapter_tag_or_itself(admin_client: Client, tagged: Course) -> None:
    into_chapter = admin_client.post(
        url("tag_merge", "physics"), {"survivor": tag("chapter-basics").pk}
    )
    into_itself = admin_client.post(url("tag_merge", "physics"), {"survivor": tag("physics").pk})

    assert into_chapter.status_code == into_itself.status_code == 422
    assert "not one of the available choices" in into_chapter.content.decode()
    assert Tag.objects.filter(slug="physics").exists()
    with pytest.raises(actions.ValidationError):
        actions.merge_tags(None, tag("physics"), tag("physics"))


# ---------------------------------------------------------------------------------------------
# Deleting


def test_the_delete_page_says_what_loses_the_tag_and_where_children_go(
    admin_client: Client, tagged: Course
) -> None:
    html = admin_client.get(url("tag_delete", "computing")).content.decode()

    effects = html.split('class="delete-effects"')[1].split("</ul>")[0]
    assert "2 concepts lose the tag." in effects
    assert "1 questions lose the tag." in effects
    assert "1 draw rules are deleted with it." in effects
    assert "1 narrower tag (Machine Learning) moves up, under “Science”." in effects


def test_deleting_a_tag_moves_its_children_up_and_untags_everything(
    admin_client: Client, tagged: Course
) -> None:
    tag_id = tag("computing").pk

    response = admin_client.post(url("tag_delete", "computing"))

    assert response.status_code == 302
    assert not Tag.objects.filter(slug="computing").exists()
    assert tag("machine-learning").parent == tag("science")
    assert "computing" not in concept_tags("alpha")
    assert question_tags("tagged-q") == {"science"}
    assert not DrawRule.objects.filter(tag_id=tag_id).exists()
    assert ChangeRecord.objects.filter(object_id=tag_id, summary="Deleted").exists()


def test_deleting_a_top_level_tag_moves_its_children_to_the_top(
    admin_client: Client, tagged: Course
) -> None:
    admin_client.post(url("tag_delete", "science"))

    assert tag("computing").parent is None and tag("physics").parent is None


@pytest.mark.parametrize("slug", ["chapter-basics", "demo-course"])
def test_a_course_or_chapter_tag_cannot_be_deleted(
    admin_client: Client, tagged: Course, slug: str
) -> None:
    page = admin_client.get(url("tag_delete", slug)).content.decode()
    response = admin_client.post(url("tag_delete", slug))

    assert "cannot be deleted" in page and f'action="{url("tag_delete", slug)}"' not in page
    assert response.status_code == 422
    assert "cannot be deleted" in response.content.decode()
    assert Tag.objects.filter(slug=slug).exists()
