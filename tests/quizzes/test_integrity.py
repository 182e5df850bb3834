"""Integrity fixes from a review of the quiz engine: a deadline change never revives an attempt
whose time ran out, a start always sees the quiz as committed, slugs and part ids cannot break
the results CSV or the answer form, and a result never names a draft concept."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content_io.course import import_course
from courses.content import ContentInvalid
from courses.models import Concept
from quizzes.actions import AttemptClosed, save_answers, start_attempt, submit_attempt
from quizzes.models import Attempt, Quiz
from tests.quiz_data import write_questions
from tests.quizzes.test_question_import import write

pytestmark = pytest.mark.django_db


def test_extending_the_time_limit_gives_no_second_life_to_an_attempt_that_ran_out(
    quiz: Quiz, student: User
) -> None:
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start_attempt(quiz, student)
    ran_out = timezone.now() - timedelta(minutes=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=ran_out)  # the student left the tab

    quiz.time_limit_minutes = 600
    quiz.save()

    attempt.refresh_from_db()
    assert attempt.deadline == ran_out
    item = attempt.items.get(version__question__slug="pick-one")
    with pytest.raises(AttemptClosed, match="Time is up"):
        save_answers(attempt, item, {"choice": {"selected": ["a"]}})


def test_a_start_sees_the_closing_time_saved_after_its_request_loaded_the_quiz(
    quiz: Quiz, student: User
) -> None:
    loaded = Quiz.objects.get(pk=quiz.pk)  # the student's request read the quiz...
    closes = timezone.now() + timedelta(minutes=30)
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=closes)  # ...then the instructor saved

    attempt = start_attempt(loaded, student)

    assert attempt.deadline == closes


def test_a_question_slug_that_is_not_a_slug_is_refused(content_dir: Path) -> None:
    write_questions(content_dir)
    name = '=HYPERLINK("x")'
    (content_dir / "questions" / f"{name}.md").write_text(
        (content_dir / "questions" / "pick-one.md")
        .read_text()
        .replace("slug: pick-one", f"slug: '{name}'"),
        encoding="utf-8",
    )

    with pytest.raises(ContentInvalid) as caught:
        import_course(content_dir)

    assert any("is not a slug" in str(e) for e in caught.value.errors)


def test_csv_header_cells_are_quoted_like_the_rest(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    submit_attempt(start_attempt(quiz, student))
    question = quiz.items.get(question__slug="pick-one").question
    type(question).objects.filter(pk=question.pk).update(slug="-1+1")  # bypassing the checks
    client.force_login(course_instructor)

    text = client.get(
        reverse("quizzes:results", args=[quiz.course.slug, quiz.slug]), {"format": "csv"}
    ).content.decode()

    assert "'-1+1" in next(csv.reader(io.StringIO(text)))


def test_a_part_id_that_starts_with_another_parts_id_and_a_hyphen_is_refused(
    content_dir: Path,
) -> None:
    write_questions(content_dir)
    write(
        content_dir,
        "clash",
        """\
        ---
        slug: clash
        title: Clash
        bloom: understand
        concepts: [alpha]
        parts:
          - id: m
            kind: matching
            prompt: Match them.
            pairs:
              - {id: p1, left: SFT, right: Updates weights}
              - {id: p2, left: Prompting, right: Changes nothing}
          - id: m-1
            kind: single
            prompt: Pick one.
            options:
              - {id: a, text: A, correct: true}
              - {id: b, text: B, correct: false}
        ---
        Stem.
        """,
    )

    with pytest.raises(ContentInvalid) as caught:
        import_course(content_dir)

    assert any(
        str(e).startswith("questions/clash.md: parts[1].id: 'm-1' starts with the id of part 'm'")
        for e in caught.value.errors
    )


def test_the_result_page_names_no_draft_concept(client: Client, quiz: Quiz, student: User) -> None:
    Concept.objects.filter(slug="beta").update(title="SECRET DRAFT TITLE", status="draft")
    attempt = submit_attempt(start_attempt(quiz, student))
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "SECRET DRAFT TITLE" not in html and "Alpha" in html
