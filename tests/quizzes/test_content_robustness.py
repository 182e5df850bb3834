"""Broken content is named, never a traceback, and nothing is written: files that are not
files, a byte order mark, empty or mistyped quiz files, numbers that are not numbers, and a
matching pair whose id is a distractor's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from content_io.course import import_course
from courses.content import ContentInvalid
from courses.models import Concept
from quizzes.models import Question, Quiz
from tests.quiz_data import write_questions
from tests.quizzes.test_question_import import SINGLE, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(content_dir: Path) -> Path:
    write_questions(content_dir)
    return content_dir


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        import_course(root, check=True)
    with pytest.raises(ContentInvalid):
        import_course(root)
    assert not Concept.objects.exists() and not Question.objects.exists()  # nothing written
    return [str(e) for e in caught.value.errors]


def test_a_directory_where_a_concept_file_should_be_is_named(tree: Path) -> None:
    (tree / "concepts" / "a-directory.md").mkdir()

    assert "concepts/a-directory.md: file: is a directory, not a file" in errors_of(tree)


def test_a_broken_link_is_named(tree: Path) -> None:
    os.symlink(tree / "nowhere.md", tree / "questions" / "dangling.md")

    assert (
        "questions/dangling.md: file: is a broken link or not a regular file, not a file"
        in errors_of(tree)
    )


def test_a_byte_order_mark_is_accepted(tree: Path) -> None:
    path = tree / "concepts" / "alpha.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    import_course(tree)

    assert Concept.objects.filter(slug="alpha").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "quizzes/every-kind.yaml: file: is empty"),
        (
            "slug: every-kind\ntitle: T\ndraw: 5\n",
            "quizzes/every-kind.yaml: draw: must be a list of rules",
        ),
        (
            "slug: every-kind\ntitle: T\nquestions: [{a: 1}]\n",
            "quizzes/every-kind.yaml: questions: must be a list of question slugs",
        ),
        (
            "slug: every-kind\ntitle: T\ndraw:\n  - {count: 1, chapter: [basics]}\n",
            "quizzes/every-kind.yaml: draw[0].chapter: unknown chapter ['basics']",
        ),
        (
            "slug: every-kind\ntitle: T\ntime_limit_minutes: 99999999999\nquestions: [pick-one]\n",
            "quizzes/every-kind.yaml: time_limit_minutes: must be a whole number from 1 to 10,080",
        ),
        (
            "slug: every-kind\ntitle: T\nmax_attempts: 4294967296\nquestions: [pick-one]\n",
            "quizzes/every-kind.yaml: max_attempts: must be a whole number from 1 to 100",
        ),
        (
            "slug: every-kind\ntitle: T\nfeedback: close\nquestions: [pick-one]\n",
            "quizzes/every-kind.yaml: closes_at: feedback after the quiz closes needs a closing",
        ),
    ],
)
def test_a_broken_quiz_file_is_named_not_a_traceback(tree: Path, text: str, message: str) -> None:
    (tree / "quizzes" / "every-kind.yaml").write_text(text, encoding="utf-8")

    errors = errors_of(tree)

    assert any(e.startswith(message) for e in errors), errors
    assert not Quiz.objects.exists()


@pytest.mark.parametrize("points", [".nan", ".inf", "-3", "0"])
def test_points_that_are_not_a_positive_finite_number_are_refused(tree: Path, points: str) -> None:
    text = SINGLE.format(slug="first", bloom="remember", second="false").replace(
        "    kind: single\n", f"    kind: single\n    points: {points}\n"
    )
    write(tree, "first", text)

    assert "questions/first.md: parts[0].points: must be a positive, finite number" in errors_of(
        tree
    )


def test_a_pair_with_a_distractors_id_is_refused(tree: Path) -> None:
    write(
        tree,
        "first",
        """\
        ---
        slug: first
        title: Match
        bloom: understand
        concepts: [alpha]
        parts:
          - id: m
            kind: matching
            prompt: Match them.
            pairs:
              - {id: pair-1, left: SFT, right: Updates weights}
              - {id: d0, left: Prompting, right: Changes nothing}
            distractors: [Deletes the model]
        ---
        Stem.
        """,
    )

    assert any(
        e.startswith("questions/first.md: parts[0].pairs[1].id: 'd0' is reserved for distractor 1")
        for e in errors_of(tree)
    )


def test_a_free_text_part_without_a_rubric_says_it_is_missing(tree: Path) -> None:
    write(
        tree,
        "first",
        """\
        ---
        slug: first
        title: Why
        bloom: evaluate
        concepts: [alpha]
        parts:
          - {id: why, kind: free_text, prompt: Say why}
        ---
        Stem.
        """,
    )

    assert any(e.endswith("rubric: is missing") for e in errors_of(tree)), errors_of(tree)


def test_a_question_file_with_empty_front_matter_is_named_not_skipped(tree: Path) -> None:
    (tree / "questions" / "empty.md").write_text("---\n---\nStem.\n", encoding="utf-8")

    assert "questions/empty.md: front matter: is empty" in errors_of(tree)
