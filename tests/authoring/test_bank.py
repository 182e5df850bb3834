"""The question bank browser: every question of a course, filtered, paged, and bulk-edited with
history per item; ids from another course are refused and nothing changes."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.roles import INSTRUCTOR
from authoring import bank
from content_io.course import import_course
from courses.history import history_of
from courses.models import ChangeRecord, Course, Tag
from quizzes.models import Question
from tests.quiz_data import write_questions

pytestmark = pytest.mark.django_db


def write_simple_questions(root: Path, count: int, *, concept: str = "alpha") -> None:
    """`count` single-choice questions tagged with a discipline, for list-size tests."""
    (root / "questions").mkdir(exist_ok=True)
    for i in range(count):
        (root / "questions" / f"extra-{i:03d}.md").write_text(
            textwrap.dedent(
                f"""\
                ---
                slug: extra-{i:03d}
                title: Extra question {i:03d}
                bloom: understand
                concepts: [{concept}, gamma]
                tags: [computing]
                parts:
                  - id: c
                    kind: single
                    prompt: Which one?
                    options:
                      - {{id: a, text: A, correct: true}}
                      - {{id: b, text: B, correct: false}}
                ---
                A stem.
                """
            ),
            encoding="utf-8",
        )


@pytest.fixture
def bank_course(db: None, content_dir: Path) -> Course:
    """The demo course with one question of every kind (and the quiz `every-kind`)."""
    write_questions(content_dir)
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


@pytest.fixture
def author(bank_course: Course, instructor: User) -> User:
    bank_course.staff.add(instructor)
    return instructor


@pytest.fixture
def other_course(tmp_path: Path, bank_course: Course) -> Course:
    """A second course, with its own concept and question, imported the same way."""
    root = tmp_path / "other"
    (root / "concepts").mkdir(parents=True)
    (root / "course.yaml").write_text(
        "slug: other-course\ntitle: Other Course\nchapters:\n  - slug: one\n    title: One\n",
        encoding="utf-8",
    )
    (root / "concepts" / "delta.md").write_text(
        "---\nslug: delta\ntitle: Delta\nchapter: one\nsummary: Delta.\n---\nBody.\n",
        encoding="utf-8",
    )
    (root / "questions").mkdir()
    (root / "questions" / "foreign.md").write_text(
        textwrap.dedent(
            """\
            ---
            slug: foreign
            title: Foreign question
            bloom: remember
            concepts: [delta]
            parts:
              - id: c
                kind: true_false
                prompt: True?
                options:
                  - {id: "true", text: "True", correct: true}
                  - {id: "false", text: "False", correct: false}
            ---
            Stem.
            """
        ),
        encoding="utf-8",
    )
    import_course(root)
    return Course.objects.get(slug="other-course")


@pytest.fixture
def other_instructor(make_user: Callable[..., User], other_course: Course) -> User:
    user = make_user("otto", INSTRUCTOR, is_staff=True)
    other_course.staff.add(user)
    return user


def bank_url(**params: str) -> str:
    url = reverse("authoring:questions", args=["demo-course"])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def listed(client: Client, **params: str) -> set[str]:
    """The slugs of the questions the bank lists with these filters."""
    response = client.get(bank_url(**params))
    assert response.status_code == 200, response.content.decode()[:500]
    return {row.question.slug for row in response.context["rows"]}


def post_bulk(client: Client, data: dict[str, object], **params: str) -> Any:
    return client.post(bank_url(**params), data)


def ids(*slugs: str) -> list[int]:
    return list(
        Question.objects.filter(course__slug="demo-course", slug__in=slugs).values_list(
            "pk", flat=True
        )
    )


ALL = {"pick-one", "pick-many", "true-or-false", "match-them", "put-in-order", "scenario"}


# ---------------------------------------------------------------------------------------------
# Access


@pytest.mark.parametrize(
    "name", ["questions", "quizzes", "quiz_new", "rule_count", "coverage", "needs_tagging"]
)
def test_each_bank_page_is_for_the_course_authors_only(
    client: Client,
    name: str,
    author: User,
    student: User,
    other_instructor: User,
    admin_user: User,
) -> None:
    url = reverse(f"authoring:{name}", args=["demo-course"])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(other_instructor)
    assert client.get(url).status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 200
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_the_quiz_editor_is_for_the_course_authors_only(
    client: Client, author: User, student: User, other_instructor: User, admin_user: User
) -> None:
    url = reverse("authoring:quiz_edit", args=["demo-course", "every-kind"])

    assert client.get(url).status_code == 302
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(other_instructor)
    assert client.get(url).status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 200
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_a_student_cannot_post_a_bulk_action(client: Client, author: User, student: User) -> None:
    client.force_login(student)

    response = post_bulk(client, {"ids": ids("pick-one"), "action": "unpublish"})

    assert response.status_code == 403
    assert Question.objects.get(slug="pick-one").status == Question.Status.PUBLISHED


def test_a_quiz_of_another_course_is_not_found_in_this_courses_editor(
    client: Client, author: User, other_course: Course
) -> None:
    client.force_login(author)

    response = client.get(reverse("authoring:quiz_edit", args=["demo-course", "nope"]))

    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Browsing and filters


def test_the_bank_lists_every_question_with_kind_bloom_concepts_tags_status_and_author(
    client: Client, author: User
) -> None:
    Question.objects.filter(slug="pick-one").update(status=Question.Status.DRAFT)
    client.force_login(author)

    response = client.get(bank_url())

    html = response.content.decode()
    assert {row.question.slug for row in response.context["rows"]} == ALL
    for text in ("Pick one", "Single choice", "Scenario (several parts)", "Remember", "Evaluate"):
        assert text in html
    assert "Alpha" in html and "Draft" in html and "imported" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"chapter": "advanced"}, {"put-in-order", "scenario"}),
        ({"concept": "beta"}, {"pick-many", "match-them"}),
        ({"bloom": "3"}, {"match-them", "put-in-order"}),
        ({"kind": "single"}, {"pick-one"}),
        ({"kind": "true_false"}, {"true-or-false"}),
        ({"kind": "scenario"}, {"scenario"}),
        ({"kind": "matching"}, {"match-them"}),
        ({"chapter": "basics", "bloom": "1"}, {"pick-one", "true-or-false"}),
        ({"q": "pick"}, {"pick-one", "pick-many"}),
    ],
)
def test_filters_narrow_the_bank(
    client: Client, author: User, params: dict[str, str], expected: set[str]
) -> None:
    client.force_login(author)

    assert listed(client, **params) == expected


def test_the_tag_filter_includes_questions_tagged_under_the_tag(
    client: Client, author: User
) -> None:
    computing = Tag.objects.get(slug="computing")  # a child of science
    Question.objects.get(slug="pick-one").tags.add(computing)
    Question.objects.get(slug="scenario").tags.add(Tag.objects.get(slug="science"))
    client.force_login(author)

    assert listed(client, tag="science") == {"pick-one", "scenario"}
    assert listed(client, tag="computing") == {"pick-one"}


def test_the_status_and_author_filters_tell_imported_from_edited_questions(
    client: Client, author: User
) -> None:
    client.force_login(author)
    post_bulk(client, {"ids": ids("pick-one", "scenario"), "action": "unpublish"})

    assert listed(client, status="draft") == {"pick-one", "scenario"}
    assert listed(client, author="ines") == {"pick-one", "scenario"}
    assert listed(client, author="imported") == ALL - {"pick-one", "scenario"}


def test_an_unknown_filter_value_is_shown_as_an_error_and_left_out(
    client: Client, author: User, other_course: Course
) -> None:
    client.force_login(author)

    response = client.get(bank_url(chapter="one"))  # the other course's chapter

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert {row.question.slug for row in response.context["rows"]} == ALL


def test_the_bank_is_paged_and_the_pager_keeps_the_filters(
    client: Client, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bank, "PER_PAGE", 2)
    client.force_login(author)

    first = client.get(bank_url(chapter="basics"))
    second = client.get(bank_url(chapter="basics", page="2"))

    assert len(first.context["rows"]) == 2 and first.context["page"].paginator.count == 4
    assert "chapter=basics&amp;page=2" in first.content.decode()
    assert not {r.question.slug for r in first.context["rows"]} & {
        r.question.slug for r in second.context["rows"]
    }


@pytest.mark.parametrize("extra", [5, 40])
def test_the_bank_runs_the_same_queries_for_few_or_many_questions(
    client: Client,
    content_dir: Path,
    author: User,
    extra: int,
    django_assert_num_queries: Any,
) -> None:
    write_simple_questions(content_dir, extra)
    import_course(content_dir)
    client.force_login(author)
    post_bulk(client, {"ids": ids("pick-one"), "action": "unpublish"})  # one with an author

    # 1 session, 2 user, 3 the user's roles and permissions (read once for every check and the menu), 4 the course among
    # the user's courses, 5 chapters, 6 concepts, 7 all tags, 8 author names for the filter,
    # 9 count, 10 the page of questions with current version and author, 11 their concepts,
    # 12 their tags.
    with django_assert_num_queries(12):
        response = client.get(bank_url())
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6 + extra


# ---------------------------------------------------------------------------------------------
# Bulk actions


def test_publishing_and_unpublishing_record_history_per_question(
    client: Client, author: User
) -> None:
    client.force_login(author)

    unpublished = post_bulk(
        client, {"ids": ids("pick-one", "pick-many"), "action": "unpublish"}, status="published"
    )
    published = client.post(
        bank_url(), {"ids": ids("pick-one", "pick-many", "scenario"), "action": "publish"}
    )

    assert unpublished.status_code == 302 and unpublished["Location"].endswith("?status=published")
    assert published.status_code == 302
    messages = [str(m) for m in client.get(bank_url()).context["messages"]]
    assert messages == ["2 questions updated.", "2 questions updated. 1 already as asked."]
    records = list(history_of(Question.objects.get(slug="pick-one")))
    assert [r.changes for r in records] == [
        {"status": ["draft", "published"]},
        {"status": ["published", "draft"]},
    ]
    assert all(r.user == author for r in records)
    assert not history_of(Question.objects.get(slug="scenario")).exists()  # unchanged


def test_adding_and_removing_a_tag_records_history_per_question(
    client: Client, author: User
) -> None:
    client.force_login(author)

    added = post_bulk(
        client, {"ids": ids("pick-one", "scenario"), "action": "add_tag", "tag": "case-study"}
    )

    assert added.status_code == 422  # case-study is not a tag of this test course
    post_bulk(client, {"ids": ids("pick-one", "scenario"), "action": "add_tag", "tag": "science"})
    post_bulk(client, {"ids": ids("scenario"), "action": "remove_tag", "tag": "science"})

    assert list(Question.objects.get(slug="pick-one").tags.values_list("slug", flat=True)) == [
        "science"
    ]
    assert not Question.objects.get(slug="scenario").tags.exists()
    assert [r.changes for r in history_of(Question.objects.get(slug="scenario"))] == [
        {"tags": [["science"], []]},
        {"tags": [[], ["science"]]},
    ]


def test_moving_replaces_the_concepts_of_the_selected_questions(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = post_bulk(
        client, {"ids": ids("pick-one", "pick-many"), "action": "move", "concept": "gamma"}
    )

    assert response.status_code == 302
    for slug in ("pick-one", "pick-many"):
        question = Question.objects.get(slug=slug)
        assert [c.slug for c in question.concepts.all()] == ["gamma"]
        assert history_of(question).get().changes["concepts"][1] == ["gamma"]
    assert listed(client, chapter="advanced") == {
        "pick-one",
        "pick-many",
        "put-in-order",
        "scenario",
    }


def test_a_forged_id_from_another_course_is_refused_and_nothing_changes(
    client: Client, author: User, other_course: Course
) -> None:
    foreign = Question.objects.get(slug="foreign")
    client.force_login(author)

    response = post_bulk(client, {"ids": [*ids("pick-one"), foreign.pk], "action": "unpublish"})

    assert response.status_code == 422
    assert "not in this course: nothing was changed" in response.content.decode()
    assert not Question.objects.filter(status=Question.Status.DRAFT).exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "publish"}, "Tick at least one question."),
        ({"ids": ["x"], "action": "publish"}, "is not an id"),
        ({"ids": "PICK", "action": "add_tag"}, "Choose the tag to add or remove."),
        ({"ids": "PICK", "action": "move"}, "Choose the concept to move the questions to."),
        ({"ids": "PICK", "action": "delete"}, "Select a valid choice"),
    ],
)
def test_bad_bulk_input_is_refused_with_a_message_and_the_ticks_kept(
    client: Client, author: User, data: dict[str, object], message: str
) -> None:
    if data.get("ids") == "PICK":
        data["ids"] = ids("pick-one")
    client.force_login(author)

    response = post_bulk(client, data)

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    if data.get("ids") == ids("pick-one"):
        assert (
            f'value="{ids("pick-one")[0]}" id="pick-{ids("pick-one")[0]}" aria-label="Select Pick one" checked'
            in html
        )
    assert not ChangeRecord.objects.exists()


def test_publishing_skips_a_question_with_no_content_yet(client: Client, author: User) -> None:
    empty = Question.objects.create(
        course=Course.objects.get(slug="demo-course"), slug="empty", status="draft"
    )
    client.force_login(author)

    post_bulk(client, {"ids": [empty.pk, *ids("pick-one")], "action": "publish"})

    empty.refresh_from_db()
    assert empty.status == Question.Status.DRAFT
    message = str(next(iter(client.get(bank_url()).context["messages"])))
    assert message == "0 questions updated. 1 already as asked. 1 skipped (no content yet): empty."
