"""Coverage (chapters by Bloom levels, linking into the bank) and the needs-tagging report with
its one-action discipline tagging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses.history import history_of
from courses.models import ChangeRecord, Concept, Course, Tag
from quizzes.models import Question
from tests.authoring.test_bank import (  # the bank's fixtures, shared
    author,
    bank_course,
    other_course,
    write_simple_questions,
)

pytestmark = pytest.mark.django_db
__all__ = ["author", "bank_course", "other_course"]

COVERAGE = reverse("authoring:coverage", args=["demo-course"])
TAGGING = reverse("authoring:needs_tagging", args=["demo-course"])


def table(response: Any) -> dict[str, list[int]]:
    """Chapter slug (or "none") → counts per Bloom level, then the row total."""
    return {
        (row["chapter"].slug if row["chapter"] else "none"): [c["count"] for c in row["cells"]]
        + [row["total"]]
        for row in response.context["rows"]
    }


# ---------------------------------------------------------------------------------------------
# Coverage


def test_coverage_counts_questions_per_chapter_and_bloom_level_with_totals(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = client.get(COVERAGE)

    # Remember, Understand, Apply, Analyze, Evaluate, Create, total
    assert table(response) == {
        "basics": [2, 1, 1, 0, 0, 0, 4],
        "advanced": [0, 0, 1, 0, 1, 0, 2],
    }
    assert [c["count"] for c in response.context["column_totals"]] == [2, 1, 2, 0, 1, 0]
    assert response.context["total"] == 6


def test_a_question_counts_in_every_chapter_of_its_concepts_but_once_in_the_totals(
    client: Client, content_dir: Path, author: User
) -> None:
    write_simple_questions(content_dir, 1)  # concepts alpha (basics) and gamma (advanced)
    import_course(content_dir)
    client.force_login(author)

    response = client.get(COVERAGE)

    assert table(response)["basics"][1] == 2 and table(response)["advanced"][1] == 1
    assert response.context["column_totals"][1]["count"] == 2
    assert response.context["total"] == 7


def test_each_cell_links_to_the_bank_filtered_by_its_chapter_and_level(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = client.get(COVERAGE)
    cell = response.context["rows"][0]["cells"][0]
    listed = client.get(cell["url"])

    assert (
        cell["url"]
        == reverse("authoring:questions", args=["demo-course"]) + "?chapter=basics&bloom=1"
    )
    assert f'href="{cell["url"].replace("&", "&amp;")}"' in response.content.decode()
    assert {r.question.slug for r in listed.context["rows"]} == {"pick-one", "true-or-false"}


def test_the_published_toggle_leaves_out_drafts_and_keeps_the_filter_in_the_links(
    client: Client, author: User
) -> None:
    Question.objects.filter(slug="pick-one").update(status=Question.Status.DRAFT)
    client.force_login(author)

    every = client.get(COVERAGE)
    published = client.get(COVERAGE, {"only": "published"})

    assert table(every)["basics"][0] == 2 and table(published)["basics"][0] == 1
    assert published.context["rows"][0]["cells"][0]["url"].endswith("bloom=1&status=published")
    assert "Published only" in published.content.decode()


def test_questions_without_a_concept_get_a_row_of_their_own(client: Client, author: User) -> None:
    Question.objects.get(slug="scenario").concepts.clear()
    client.force_login(author)

    response = client.get(COVERAGE)

    assert table(response)["none"] == [0, 0, 0, 0, 1, 0, 1]


@pytest.mark.parametrize("extra", [3, 30])
def test_coverage_runs_the_same_queries_for_few_or_many_questions(
    client: Client, content_dir: Path, author: User, extra: int, django_assert_num_queries: Any
) -> None:
    write_simple_questions(content_dir, extra)
    import_course(content_dir)
    client.force_login(author)

    # 1 session, 2 user, 3 roles and menu permissions, 4 the course, 5 counts per chapter
    # and level, 6 counts per level, 7 chapters
    with django_assert_num_queries(7):
        response = client.get(COVERAGE)
    assert response.context["total"] == 6 + extra


# ---------------------------------------------------------------------------------------------
# Needs tagging


def test_the_report_lists_what_lacks_a_discipline_tag_counting_tags_under_one(
    client: Client, author: User
) -> None:
    Question.objects.get(slug="pick-one").tags.add(Tag.objects.get(slug="computing"))
    client.force_login(author)

    response = client.get(TAGGING)

    report = response.context["report"]
    assert {q.slug for q in report.questions_no_discipline} == {
        "pick-many",
        "true-or-false",
        "match-them",
        "put-in-order",
        "scenario",
    }
    assert [c.slug for c in report.concepts_no_discipline] == ["gamma"]  # alpha, beta: computing
    assert report.no_bloom == [] and report.no_concept == [] and report.concepts_no_chapter == []
    html = response.content.decode()
    assert 'name="concepts" value="' in html and "checked" in html


def test_questions_without_a_concept_are_listed_as_missing_a_chapter(
    client: Client, author: User
) -> None:
    Question.objects.get(slug="scenario").concepts.clear()
    client.force_login(author)

    report = client.get(TAGGING).context["report"]

    assert [q.slug for q in report.no_concept] == ["scenario"]


def test_tagging_the_listed_items_takes_one_action_and_records_history(
    client: Client, author: User
) -> None:
    gamma = Concept.objects.get(slug="gamma")
    questions = list(Question.objects.filter(slug__in=["scenario", "pick-one"]).order_by("slug"))
    client.force_login(author)

    response = client.post(
        TAGGING,
        {"tag": "computing", "questions": [q.pk for q in questions], "concepts": [gamma.pk]},
    )

    assert response.status_code == 302
    page = client.get(TAGGING)
    assert [str(m) for m in page.context["messages"]] == ["2 questions updated. 1 concept updated."]
    assert [c.slug for c in page.context["report"].concepts_no_discipline] == []
    assert history_of(gamma).get().changes == {
        "tags": [
            ["chapter-advanced", "demo-course"],
            ["chapter-advanced", "computing", "demo-course"],
        ]
    }
    for q in questions:
        assert history_of(q).get().user == author


@pytest.mark.parametrize(
    "tag",
    ["demo-course", "chapter-basics", "nothing"],  # not discipline tags, or no tag at all
)
def test_only_a_discipline_tag_can_be_applied(client: Client, author: User, tag: str) -> None:
    client.force_login(author)

    response = client.post(
        TAGGING, {"tag": tag, "questions": [Question.objects.get(slug="scenario").pk]}
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not ChangeRecord.objects.exists()


def test_a_forged_concept_from_another_course_is_refused_and_nothing_changes(
    client: Client, author: User, other_course: Course
) -> None:
    delta = Concept.objects.get(slug="delta")
    scenario = Question.objects.get(slug="scenario")
    client.force_login(author)

    response = client.post(
        TAGGING, {"tag": "science", "questions": [scenario.pk], "concepts": [delta.pk]}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Some ticked concepts are not in this course." in html
    assert f'name="questions" value="{scenario.pk}" id="tq-{scenario.pk}" checked' in html
    assert not ChangeRecord.objects.exists() and not scenario.tags.exists()


def test_tagging_nothing_is_refused(client: Client, author: User) -> None:
    client.force_login(author)

    response = client.post(TAGGING, {"tag": "science"})

    assert response.status_code == 422
    assert "Tick at least one question or concept." in response.content.decode()


@pytest.mark.parametrize("extra", [3, 30])
def test_the_report_runs_the_same_queries_for_few_or_many_items(
    client: Client, content_dir: Path, author: User, extra: int, django_assert_num_queries: Any
) -> None:
    write_simple_questions(content_dir, extra)
    import_course(content_dir)
    client.force_login(author)

    # 1 session, 2 user, 3 roles and menu permissions, 4 the course, 5 chapters, 6 concepts (for choices),
    # 7 all tags, 8 questions with concept and discipline-tag counts, 9 concepts with
    # discipline-tag counts, 10 the course's submitted attempts (insight's Bloom suspects: no
    # attempt, nothing more)
    with django_assert_num_queries(10):
        response = client.get(TAGGING)
    assert response.status_code == 200
