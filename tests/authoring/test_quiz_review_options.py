"""The review matrix in the quiz builder (a table of checkboxes, no JavaScript needed) and in
the quiz files: saved, refused with the moment named, exported canonically, re-imported with
no change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from content_io.course import export_course, import_course
from courses.content import ContentInvalid
from courses.models import Course
from quizzes.models import Quiz
from quizzes.visibility import EVERYTHING, Moment, ReviewMatrix, Shown, preset
from tests.authoring.test_bank import author, bank_course, other_course
from tests.authoring.test_quiz_builder import build, pk, settings

pytestmark = pytest.mark.django_db
__all__ = ["author", "bank_course", "other_course"]

EDIT = reverse("authoring:quiz_edit", args=["demo-course", "basics-check"])


def table(matrix: ReviewMatrix) -> dict[str, str]:
    """The table's checkboxes as the page posts them: only the ticked ones, plus the marker."""
    data = {"review-shown": "1"}
    for moment in Moment:
        for kind in matrix.at(moment).kinds():
            data[f"review-{moment}-{kind}"] = "on"
    return data


FINAL = ReviewMatrix(
    immediately_after=Shown(marks=True),
    later_while_open=Shown(marks=True, correctness=True),
    after_close=EVERYTHING,
)


def test_the_builder_shows_the_matrix_as_a_table_of_checkboxes(
    client: Client, author: User
) -> None:
    client.force_login(author)

    html = client.get(reverse("authoring:quiz_new", args=["demo-course"])).content.decode()

    assert html.count('type="checkbox" name="review-') == 16
    assert (
        'name="review-immediately_after-right_answers" id="id_review-immediately_after-right_answers" checked'
        in html
    )
    assert 'name="review-during-correctness" id="id_review-during-correctness">' in html
    for moment in Moment:
        assert moment.label in html


def test_a_custom_matrix_ticked_in_the_table_is_saved_and_shown_again(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(
        client,
        add=[pk("pick-one")],
        **{**settings(feedback="custom", closes_at="2030-01-01T09:00"), **table(FINAL)},
    )

    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="basics-check")
    assert quiz.review == FINAL and quiz.review_matrix == FINAL
    page = client.get(EDIT).content.decode()
    assert '<option value="custom" selected>' in page
    assert (
        'name="review-later_while_open-correctness" id="id_review-later_while_open-correctness" checked'
        in page
    )


def test_ticking_a_box_without_choosing_custom_still_saves_the_table(
    client: Client, author: User
) -> None:
    client.force_login(author)
    build(client, add=[pk("pick-one")], **settings(feedback="submit"))
    ticked = preset("submit").with_moment(Moment.IMMEDIATELY_AFTER, Shown(marks=True))

    build(
        client,
        EDIT,
        add=[],
        **{**settings(feedback="submit"), **table(ticked)},
        questions=[pk("pick-one")],
    )

    assert Quiz.objects.get(slug="basics-check").review_matrix == ticked


def test_a_matrix_equal_to_a_preset_is_stored_as_that_preset(client: Client, author: User) -> None:
    client.force_login(author)

    build(client, add=[pk("pick-one")], **{**settings(feedback="custom"), **table(preset("each"))})

    quiz = Quiz.objects.get(slug="basics-check")
    assert (quiz.feedback, quiz.review) == ("each", None)


def test_choosing_a_preset_fills_the_table_with_it(client: Client, author: User) -> None:
    client.force_login(author)
    build(client, add=[pk("pick-one")], **settings(feedback="submit"))

    build(
        client,
        EDIT,
        **{**settings(feedback="close", closes_at="2030-01-01T09:00"), **table(preset("submit"))},
        questions=[pk("pick-one")],
    )

    quiz = Quiz.objects.get(slug="basics-check")
    assert (quiz.feedback, quiz.review) == ("close", None)
    assert quiz.review_matrix == preset("close")


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (
            ReviewMatrix(after_close=Shown(right_answers=True)),
            "After the quiz closes: the right answers next to the student&#x27;s answers tell",
        ),
        (
            ReviewMatrix(immediately_after=Shown(feedback=True)),
            "Immediately after (2 minutes): feedback (option feedback, rubric levels) tells",
        ),
        (ReviewMatrix(during=Shown(marks=True)), "During the attempt: an attempt has no score"),
    ],
)
def test_a_matrix_that_makes_no_sense_is_refused_and_the_ticks_are_kept(
    client: Client, author: User, matrix: ReviewMatrix, message: str
) -> None:
    client.force_login(author)

    response = build(
        client,
        add=[pk("pick-one")],
        **{**settings(feedback="custom", closes_at="2030-01-01T09:00"), **table(matrix)},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    ticked = next(f"review-{m}-{k}" for m in Moment for k in matrix.at(m).kinds())
    assert f'name="{ticked}" id="id_{ticked}" checked' in html
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_something_shown_only_after_closing_needs_a_closing_time(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(
        client,
        add=[pk("pick-one")],
        **{**settings(feedback="custom", closes_at=""), **table(FINAL)},
    )

    assert response.status_code == 422
    assert "only after the quiz closes; set a closing time" in response.content.decode()


def test_changing_both_the_preset_and_the_table_is_refused_not_guessed(
    client: Client, author: User
) -> None:
    client.force_login(author)
    build(client, add=[pk("pick-one")], **settings(feedback="submit"))
    ticked = preset("submit").with_moment(Moment.IMMEDIATELY_AFTER, Shown(marks=True))

    response = build(
        client, EDIT, **{**settings(feedback="each"), **table(ticked)}, questions=[pk("pick-one")]
    )

    assert response.status_code == 422
    assert "choose “Custom” to save the table" in response.content.decode()
    assert Quiz.objects.get(slug="basics-check").feedback == "submit"


# --- content files --------------------------------------------------------------------------


def write_quiz(root: Path, extra: str) -> None:
    (root / "quizzes" / "every-kind.yaml").write_text(
        "slug: every-kind\ntitle: Every kind\nquestions: [pick-one]\n" + extra, encoding="utf-8"
    )


def test_a_review_block_is_imported_exported_canonically_and_reimported_unchanged(
    bank_course: Course, content_dir: Path, tmp_path: Path
) -> None:
    write_quiz(
        content_dir,
        "closes_at: '2030-01-01T09:00:00+00:00'\n"
        "review:\n"
        "  after_close: [right_answers, feedback, marks, correctness]\n"
        "  later_while_open: [correctness, marks]\n"
        "  immediately_after: [marks]\n",
    )
    import_course(content_dir)
    quiz = Quiz.objects.get(slug="every-kind")
    assert quiz.review == FINAL

    export_course(bank_course, tmp_path / "one")
    first = (tmp_path / "one" / "quizzes" / "every-kind.yaml").read_text()
    report = import_course(tmp_path / "one")
    export_course(bank_course, tmp_path / "two")
    second = (tmp_path / "two" / "quizzes" / "every-kind.yaml").read_text()

    assert yaml.safe_load(first)["review"] == {
        "during": [],
        "immediately_after": ["marks"],
        "later_while_open": ["marks", "correctness"],
        "after_close": ["marks", "correctness", "feedback", "right_answers"],
    }
    assert "feedback:" not in first.replace("- feedback", "")
    assert first == second and report.changes == 0, list(report.lines())


def test_a_review_block_equal_to_a_preset_exports_as_that_preset(
    bank_course: Course, content_dir: Path, tmp_path: Path
) -> None:
    write_quiz(
        content_dir,
        "review:\n  during: [correctness, feedback, right_answers]\n"
        + "".join(
            f"  {m}: [marks, correctness, feedback, right_answers]\n"
            for m in ("immediately_after", "later_while_open", "after_close")
        ),
    )
    import_course(content_dir)

    export_course(bank_course, tmp_path / "out")

    written = yaml.safe_load((tmp_path / "out" / "quizzes" / "every-kind.yaml").read_text())
    assert written["feedback"] == "each" and "review" not in written


def test_old_feedback_settings_keep_working_in_files(
    bank_course: Course, content_dir: Path
) -> None:
    write_quiz(content_dir, "feedback: close\ncloses_at: '2030-01-01T09:00:00+00:00'\n")

    import_course(content_dir)

    quiz = Quiz.objects.get(slug="every-kind")
    assert quiz.review is None and quiz.review_matrix == preset("close")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "review:\n  after_close: [right_answers]\ncloses_at: '2030-01-01T09:00:00+00:00'\n",
            "quizzes/every-kind.yaml: review.after_close: the right answers next to",
        ),
        ("review:\n  soon: [marks]\n", "quizzes/every-kind.yaml: review.soon: unknown moment"),
        (
            "review:\n  during: [score]\n",
            "quizzes/every-kind.yaml: review.during: unknown 'score' (allowed: marks,",
        ),
        ("review: [marks]\n", "quizzes/every-kind.yaml: review: must be a mapping of moments"),
        (
            "feedback: each\nreview:\n  during: [correctness]\n",
            "quizzes/every-kind.yaml: review: give feedback (a preset) or review",
        ),
        (
            "review:\n  after_close: [marks]\n",
            "quizzes/every-kind.yaml: closes_at: review shows marks only after the quiz closes",
        ),
    ],
)
def test_a_broken_review_block_is_named_with_its_file_and_field(
    bank_course: Course, content_dir: Path, extra: str, message: str
) -> None:
    write_quiz(content_dir, extra)

    with pytest.raises(ContentInvalid) as caught:
        import_course(content_dir)

    errors = [str(e) for e in caught.value.errors]
    assert any(e.startswith(message) for e in errors), errors
