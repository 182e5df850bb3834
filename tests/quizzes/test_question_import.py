"""Questions as files: checked like concepts, versioned when answered, exported identically."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from content_io.course import export_course, import_course
from courses.content import ContentInvalid
from courses.models import Course
from quizzes.models import Attempt, AttemptItem, Question, Quiz

pytestmark = pytest.mark.django_db

SINGLE = """\
---
slug: {slug}
title: Which comes first
bloom: {bloom}
concepts: [alpha]
tags: [computing]
explanation: Alpha is the foundation.
parts:
  - id: choice
    kind: single
    prompt: Pick one.
    options:
      - {{id: a, text: Alpha, correct: true, feedback: Yes.}}
      - {{id: b, text: Beta, correct: {second}, feedback: No.}}
---
A team must choose where to start.
"""

SCENARIO = """\
---
slug: scenario
title: Justify it
bloom: Evaluation in Bloom's Taxonomy
concepts: [beta]
parts:
  - id: choice
    kind: single
    prompt: Which?
    options:
      - {id: a, text: A, correct: false}
      - {id: b, text: B, correct: true}
  - id: justify
    kind: free_text
    prompt: Why?
    rubric:
      model_answers: [B needs no retraining and is cheap.]
      criteria:
        - id: reason
          title: Gives the reason
          looks_for: The cost argument.
          argues_for: {part: choice, option: %s}
          key_ideas:
            - id: cheap
              phrasings: [no retraining, cheap]
          levels:
            - {points: 0, descriptor: Nothing.}
            - {points: 2, descriptor: The reason.}
---
A startup must choose.
"""


def write(root: Path, name: str, text: str) -> None:
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / f"{name}.md").write_text(textwrap.dedent(text), encoding="utf-8")


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        import_course(root)
    return [str(e) for e in caught.value.errors]


def test_questions_import_with_their_concepts_tags_and_bloom_level(content_dir: Path) -> None:
    write(content_dir, "first", SINGLE.format(slug="first", bloom="remember", second="false"))
    write(content_dir, "scenario", SCENARIO % "b")

    report = import_course(content_dir)

    assert report.created["questions"] == 2
    question = Question.objects.get(slug="scenario")
    assert question.current is not None
    assert question.current.bloom == 5  # evaluate, from the seeds' form of the name
    assert question.current.kind == "scenario"
    assert list(question.concepts.values_list("slug", flat=True)) == ["beta"]
    assert import_course(content_dir).changes == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SINGLE.format(slug="first", bloom="remember", second="true"),
            "parts[0].options: a single part needs exactly one correct option, not 2",
        ),
        (
            SINGLE.format(slug="first", bloom="wisdom", second="false"),
            "bloom: unknown Bloom level 'wisdom'",
        ),
        (
            SINGLE.format(slug="other", bloom="remember", second="false"),
            "slug: 'other' does not match the file name",
        ),
        (
            SINGLE.format(slug="first", bloom="remember", second="false").replace(
                "[alpha]", "[ghost]"
            ),
            "concepts: unknown concept 'ghost'",
        ),
        (
            SINGLE.format(slug="first", bloom="remember", second="false").replace(
                "kind: single", "kind: essay"
            ),
            "parts[0].kind: 'essay' is not one of",
        ),
        (SCENARIO % "z", "rubric.criteria[0].argues_for: names no option 'z' of part 'choice'"),
    ],
)
def test_a_malformed_question_names_file_and_field_and_writes_nothing(
    content_dir: Path, text: str, expected: str
) -> None:
    write(content_dir, "first", text)

    errors = errors_of(content_dir)

    assert any(expected in e and e.startswith("questions/first.md") for e in errors), errors
    assert not Question.objects.exists() and not Course.objects.exists()


def test_a_stem_nested_too_deeply_is_refused_with_file_and_field(content_dir: Path) -> None:
    text = SINGLE.format(slug="first", bloom="remember", second="false")
    write(content_dir, "first", text.replace("A team must choose", "> " * 2000 + "A team"))

    errors = errors_of(content_dir)

    assert any(e.startswith("questions/first.md: stem: is nested too deeply") for e in errors)
    assert not Question.objects.exists()


def test_a_matching_part_with_a_repeated_pair_is_refused(content_dir: Path) -> None:
    write(
        content_dir,
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
              - {id: p1, left: SFT, right: Updates weights}
              - {id: p2, left: SFT, right: Changes nothing}
        ---
        Stem.
        """,
    )

    assert any("the left-hand text 'SFT' is repeated" in e for e in errors_of(content_dir))


def test_an_ordering_part_needs_two_items(content_dir: Path) -> None:
    write(
        content_dir,
        "first",
        """\
        ---
        slug: first
        title: Order
        bloom: apply
        concepts: [alpha]
        parts:
          - id: o
            kind: ordering
            prompt: Order them.
            items: [{id: only, text: One}]
        ---
        Stem.
        """,
    )

    assert any("an ordering needs at least two items" in e for e in errors_of(content_dir))


def test_rubric_levels_whose_points_do_not_rise_are_refused(content_dir: Path) -> None:
    write(
        content_dir,
        "scenario",
        (SCENARIO % "b").replace(
            "{points: 2, descriptor: The reason.}", "{points: 0, descriptor: The reason.}"
        ),
    )

    errors = errors_of(content_dir)

    assert any(
        e.startswith("questions/scenario.md: parts[1].rubric.criteria[0].levels") for e in errors
    ), errors


def test_editing_an_answered_question_makes_a_new_version_and_keeps_the_old_one(
    content_dir: Path, student: User
) -> None:
    write(content_dir, "first", SINGLE.format(slug="first", bloom="remember", second="false"))
    import_course(content_dir)
    question = Question.objects.get(slug="first")
    shown = question.current
    assert shown is not None
    quiz = Quiz.objects.create(course=question.course, slug="q", title="Q")
    attempt = Attempt.objects.create(quiz=quiz, student=student, number=1, seed=1)
    AttemptItem.objects.create(attempt=attempt, position=1, version=shown)

    write(
        content_dir,
        "first",
        SINGLE.format(slug="first", bloom="remember", second="false").replace(
            "Pick one.", "Pick the first."
        ),
    )
    report = import_course(content_dir)

    question.refresh_from_db()
    assert report.created["question versions"] == 1
    assert question.current is not None
    assert question.current.number == 2 and question.current.parts[0]["prompt"] == "Pick the first."
    assert AttemptItem.objects.get().version == shown and shown.parts[0]["prompt"] == "Pick one."


def test_editing_an_unanswered_question_updates_it_in_place(content_dir: Path) -> None:
    write(content_dir, "first", SINGLE.format(slug="first", bloom="remember", second="false"))
    import_course(content_dir)

    write(content_dir, "first", SINGLE.format(slug="first", bloom="apply", second="false"))
    import_course(content_dir)

    assert Question.objects.get().versions.count() == 1


def test_questions_round_trip_byte_identically(content_dir: Path, tmp_path: Path) -> None:
    write(content_dir, "first", SINGLE.format(slug="first", bloom="remember", second="false"))
    write(content_dir, "scenario", SCENARIO % "b")
    import_course(content_dir)
    first, second = tmp_path / "one", tmp_path / "two"
    export_course(Course.objects.get(), first)
    Question.objects.all().delete()
    import_course(first, force=True)  # bring back what was deleted

    export_course(Course.objects.get(), second)

    for path in (first / "questions").iterdir():
        assert path.read_bytes() == (second / "questions" / path.name).read_bytes()


def test_the_repository_question_bank_is_valid_and_large_enough() -> None:
    content = Path(__file__).resolve().parents[2] / "content"

    import_course(content)

    questions = Question.objects.select_related("current").prefetch_related("concepts__chapter")
    assert questions.count() >= 230
    per_concept: dict[str, int] = {}
    blooms: dict[str, set[int]] = {}
    for q in questions:
        for c in q.concepts.all():
            per_concept[c.slug] = per_concept.get(c.slug, 0) + 1
            blooms.setdefault(c.chapter.slug, set()).add(q.current.bloom)  # type: ignore[union-attr]
    assert (
        min(per_concept.values()) >= 3 and len(per_concept) == Course.objects.get().concepts.count()
    )
    assert len(blooms) == 7 and all(len(levels) >= 5 for levels in blooms.values()), blooms


def test_quiz_open_and_close_times_round_trip(content_dir: Path, tmp_path: Path) -> None:
    from tests.quiz_data import write_questions

    write_questions(content_dir)
    quiz_file = content_dir / "quizzes" / "every-kind.yaml"
    quiz_file.write_text(
        quiz_file.read_text()
        + 'opens_at: "2026-12-01T09:00:00+00:00"\ncloses_at: "2026-12-08T09:00:00+00:00"\n'
    )
    import_course(content_dir)
    first, second = tmp_path / "one", tmp_path / "two"

    export_course(Course.objects.get(), first)
    Quiz.objects.all().delete()
    import_course(first, force=True)  # bring back what was deleted
    export_course(Course.objects.get(), second)

    quiz = Quiz.objects.get()
    assert quiz.opens_at is not None and quiz.opens_at.isoformat() == "2026-12-01T09:00:00+00:00"
    text = (first / "quizzes" / "every-kind.yaml").read_bytes()
    assert text == (second / "quizzes" / "every-kind.yaml").read_bytes()
    assert b"closes_at: '2026-12-08T09:00:00+00:00'" in text


def test_a_quiz_time_without_a_time_zone_is_refused(content_dir: Path) -> None:
    from tests.quiz_data import write_questions

    write_questions(content_dir)
    quiz_file = content_dir / "quizzes" / "every-kind.yaml"
    quiz_file.write_text(quiz_file.read_text() + 'closes_at: "2026-12-08T09:00:00"\n')

    assert any(
        "quizzes/every-kind.yaml: closes_at: is not a date-time with a time zone" in e
        for e in errors_of(content_dir)
    )
