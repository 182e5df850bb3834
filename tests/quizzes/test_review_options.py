"""Review options as a matrix: for each moment, nothing in a student's page tells more than the
quiz allows, and what it allows appears. Time is moved by dating the attempt's submission and
the quiz's closing time (as in test_deadlines.py), never by patching the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from quizzes.visibility import (
    EVERYTHING,
    NOTHING,
    Kind,
    MatrixError,
    Moment,
    ReviewMatrix,
    Shown,
    moment_of,
    preset,
)
from tests.quiz_data import position

pytestmark = pytest.mark.django_db

AFTER = (Moment.IMMEDIATELY_AFTER, Moment.LATER_WHILE_OPEN, Moment.AFTER_CLOSE)

# What each kind needs beside itself (feedback and right answers reveal correctness).
CLOSURE = {
    None: set(),
    Kind.MARKS: {Kind.MARKS},
    Kind.CORRECTNESS: {Kind.CORRECTNESS},
    Kind.FEEDBACK: {Kind.CORRECTNESS, Kind.FEEDBACK},
    Kind.RIGHT_ANSWERS: {Kind.CORRECTNESS, Kind.RIGHT_ANSWERS},
}

# Text that appears on the result page only with that kind of information. The student chose
# Beta (wrong, feedback SECRET-FEEDBACK-B) where Alpha is right, left the matching and the
# ordering unanswered, and wrote a justification graded against "Gives the reason".
RESULT_MARKERS = {
    Kind.MARKS: ["pass mark"],
    Kind.CORRECTNESS: ["By concept", "By Bloom level", "is-wrong", "Your choice: Beta — wrong"],
    Kind.FEEDBACK: ["SECRET-FEEDBACK-B", "Alpha comes first.", "Gives the reason"],
    Kind.RIGHT_ANSWERS: ["— correct answer", "Updates weights on labelled pairs", "Pre-training"],
}


def matrix_showing(moment: Moment, kinds: set[Kind]) -> ReviewMatrix:
    """`kinds` at `moment`; everything at the other moments after the attempt (so only the
    moment decides); nothing during it unless `moment` is during."""
    matrix = ReviewMatrix(
        immediately_after=EVERYTHING, later_while_open=EVERYTHING, after_close=EVERYTHING
    )
    return matrix.with_moment(moment, Shown.of(kinds))


def set_matrix(quiz: Quiz, matrix: ReviewMatrix) -> None:
    Quiz.objects.filter(pk=quiz.pk).update(review=matrix)
    quiz.refresh_from_db()


def answered_and_submitted(quiz: Quiz, student: User) -> Attempt:
    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.shuffle_questions = False
    quiz.closes_at = timezone.now() + timedelta(days=7)
    quiz.save()
    attempt = start_attempt(quiz, student)
    client = Client()
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {
            f"q{position(attempt, 'pick-one')}-choice": "b",
            f"q{position(attempt, 'pick-many')}-choice": ["sft", "rlhf"],
            f"q{position(attempt, 'scenario')}-choice": "b",
            f"q{position(attempt, 'scenario')}-justify": "B is cheap: no retraining is needed.",
            "nav": "save",
        },
    )
    return submit_attempt(attempt)


def move_to(attempt: Attempt, moment: Moment) -> None:
    """Date the submission and the closing time so that `attempt` is at `moment` now."""
    now = timezone.now()
    if moment == Moment.IMMEDIATELY_AFTER:
        submitted, closes = now - timedelta(seconds=30), now + timedelta(days=7)
    elif moment == Moment.LATER_WHILE_OPEN:
        submitted, closes = now - timedelta(minutes=5), now + timedelta(days=7)
    else:
        submitted, closes = now - timedelta(days=2), now - timedelta(days=1)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=submitted)
    Quiz.objects.filter(pk=attempt.quiz_id).update(closes_at=closes)
    attempt.refresh_from_db()
    assert moment_of(attempt) == moment


def pages(client: Client, attempt: Attempt) -> dict[str, str]:
    quiz = attempt.quiz
    return {
        "result": client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode(),
        "quiz": client.get(
            reverse("quizzes:quiz", args=[quiz.course.slug, quiz.slug])
        ).content.decode(),
        "my attempts": client.get(reverse("quizzes:my_attempts")).content.decode(),
    }


@pytest.mark.parametrize("moment", AFTER, ids=[m.value for m in AFTER])
@pytest.mark.parametrize("kind", list(CLOSURE), ids=lambda k: k.value if k else "nothing")
def test_after_the_attempt_each_page_shows_exactly_what_the_moment_allows(
    client: Client, quiz: Quiz, student: User, moment: Moment, kind: Kind | None
) -> None:
    attempt = answered_and_submitted(quiz, student)
    allowed = CLOSURE[kind]
    set_matrix(quiz, matrix_showing(moment, allowed))
    move_to(attempt, moment)
    client.force_login(student)

    html = pages(client, attempt)

    percent = f"{attempt.percent}%"
    for k, markers in RESULT_MARKERS.items():
        for marker in markers:
            assert (marker in html["result"]) == (k in allowed), (k, marker)
    for page in ("result", "quiz", "my attempts"):
        assert (percent in html[page]) == (Kind.MARKS in allowed), page
    assert ("Your grade (" in html["quiz"]) == (Kind.MARKS in allowed)
    # The other options' feedback can name the right answer: only with the right answers.
    assert ("SECRET-FEEDBACK-A" in html["result"]) == (
        {Kind.FEEDBACK, Kind.RIGHT_ANSWERS} <= allowed
    )


DURING_MARKERS = {
    Kind.CORRECTNESS: ["is-wrong", "Your choice: Beta — wrong"],
    Kind.FEEDBACK: ["SECRET-FEEDBACK-B", "Alpha comes first."],
    Kind.RIGHT_ANSWERS: ["— correct answer"],
}


@pytest.mark.parametrize(
    "kind",
    [Kind.CORRECTNESS, Kind.FEEDBACK, Kind.RIGHT_ANSWERS],
    ids=lambda k: k.value,
)
def test_during_the_attempt_a_checked_question_shows_exactly_the_during_row(
    client: Client, quiz: Quiz, student: User, kind: Kind
) -> None:
    allowed = CLOSURE[kind]
    set_matrix(quiz, matrix_showing(Moment.DURING, allowed))
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    n = position(attempt, "pick-one")

    before = client.get(url, {"n": n}).content.decode()
    client.post(url, {f"q{n}-choice": "b", "position": n, "nav": "check"})
    after = client.get(url, {"n": n}).content.decode()

    assert "Check this answer" in before
    for k, markers in DURING_MARKERS.items():
        for marker in markers:
            assert marker not in before
            assert (marker in after) == (k in allowed), (k, marker)


def test_with_nothing_during_the_attempt_there_is_no_check_and_a_forged_one_is_refused(
    client: Client, quiz: Quiz, student: User
) -> None:
    set_matrix(quiz, matrix_showing(Moment.DURING, set()))
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    n = position(attempt, "pick-one")

    page = client.get(url, {"n": n}).content.decode()
    forged = client.post(url, {f"q{n}-choice": "b", "position": n, "nav": "check"}, follow=True)

    assert "Check this answer" not in page
    html = forged.content.decode()
    assert "SECRET-FEEDBACK" not in html and "is-wrong" not in html
    assert attempt.items.get(position=n).checked_at is None


def test_the_autosave_fragment_tells_nothing_whatever_the_matrix(
    client: Client, quiz: Quiz, student: User
) -> None:
    set_matrix(quiz, preset("each"))
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    n = position(attempt, "pick-one")

    fragment = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {f"q{n}-choice": "b", "position": n},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert "Saved at" in fragment
    assert "SECRET-FEEDBACK" not in fragment and "is-wrong" not in fragment


def test_the_course_instructor_sees_everything_of_their_own_attempt(
    client: Client, quiz: Quiz, course_instructor: User
) -> None:
    attempt = answered_and_submitted(quiz, course_instructor)
    set_matrix(quiz, matrix_showing(Moment.IMMEDIATELY_AFTER, set()))
    move_to(attempt, Moment.IMMEDIATELY_AFTER)
    client.force_login(course_instructor)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    for markers in RESULT_MARKERS.values():
        for marker in markers:
            assert marker in html, marker


def test_the_final_quiz_preset_shows_no_breakdown_until_the_quiz_closes(
    client: Client, quiz: Quiz, student: User
) -> None:
    """The reported leak: feedback after close, yet per-concept tables right after submit."""
    attempt = answered_and_submitted(quiz, student)
    Quiz.objects.filter(pk=quiz.pk).update(feedback=Quiz.Feedback.AFTER_CLOSE)
    client.force_login(student)

    now = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    move_to(attempt, Moment.AFTER_CLOSE)
    closed = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "By concept" not in now and "Alpha" not in now and "pass mark" in now
    assert "after the quiz closes" in now
    assert "By concept" in closed and "SECRET-FEEDBACK-B" in closed


# --- moments --------------------------------------------------------------------------------


def test_immediately_after_means_the_first_two_minutes_then_later_while_open(
    quiz: Quiz, student: User
) -> None:
    attempt = submit_attempt(start_attempt(quiz, student))
    done = attempt.submitted_at
    assert done is not None

    assert moment_of(attempt, done + timedelta(seconds=119)) == Moment.IMMEDIATELY_AFTER
    assert moment_of(attempt, done + timedelta(seconds=120)) == Moment.LATER_WHILE_OPEN
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=done + timedelta(seconds=60))
    attempt.refresh_from_db()
    assert moment_of(attempt, done + timedelta(seconds=60)) == Moment.AFTER_CLOSE
    assert moment_of(attempt, done + timedelta(seconds=59)) == Moment.IMMEDIATELY_AFTER


def test_an_attempt_in_progress_is_during_even_after_the_quiz_closes(
    quiz: Quiz, student: User
) -> None:
    attempt = start_attempt(quiz, student)

    assert moment_of(attempt, timezone.now() + timedelta(days=400)) == Moment.DURING


# --- the matrix itself ----------------------------------------------------------------------


def test_the_old_feedback_settings_are_presets_of_the_matrix() -> None:
    each, submit, close = preset("each"), preset("submit"), preset("close")

    assert each.checks_each_question and not submit.checks_each_question
    assert not close.checks_each_question
    assert submit.immediately_after == EVERYTHING == submit.after_close
    assert close.immediately_after == Shown(marks=True) == close.later_while_open
    assert close.after_close == EVERYTHING
    assert each.during == Shown(correctness=True, feedback=True, right_answers=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"after_close": ["right_answers"]}, "review.after_close: the right answers"),
        ({"later_while_open": ["feedback"]}, "review.later_while_open: feedback"),
        ({"during": ["marks"]}, "review.during: an attempt has no score"),
        ({"sometime": []}, "review.sometime: unknown moment"),
        ({"during": ["grades"]}, "review.during: unknown 'grades'"),
        ({"during": "marks"}, "review.during: must be a list"),
        ({"during": ["correctness", "correctness"]}, "review.during: lists a kind twice"),
        (["marks"], "review: must be a mapping"),
    ],
)
def test_a_matrix_that_makes_no_sense_is_refused_with_its_moment(
    data: object, message: str
) -> None:
    with pytest.raises(MatrixError) as caught:
        ReviewMatrix.from_json(data)

    assert str(caught.value).startswith(message)


def test_the_matrix_round_trips_through_its_canonical_json() -> None:
    matrix = ReviewMatrix(
        during=Shown(correctness=True),
        immediately_after=Shown(marks=True, correctness=True, feedback=True),
        later_while_open=Shown(marks=True),
        after_close=EVERYTHING,
    )

    assert ReviewMatrix.from_json(matrix.to_json()) == matrix
    assert list(matrix.to_json()) == [m.value for m in Moment]
    assert ReviewMatrix.from_json({}) == ReviewMatrix() and ReviewMatrix().during == NOTHING


def test_a_stored_matrix_is_read_back_typed(quiz: Quiz) -> None:
    matrix = ReviewMatrix(after_close=Shown(marks=True))
    set_matrix(quiz, matrix)

    fresh = Quiz.objects.get(pk=quiz.pk)

    assert fresh.review == matrix and fresh.review_matrix == matrix


def test_pending_answers_are_not_counted_as_zero_and_no_percentage_shows_until_graded(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = answered_and_submitted(quiz, student)
    justify = Answer.objects.get(item__attempt=attempt, part_id="justify")
    assert attempt.score is not None and attempt.max_score is not None
    Answer.objects.filter(pk=justify.pk).update(status=Answer.Status.REVIEW, points=None)
    graded = attempt.max_score - (justify.max_points or 0)
    Attempt.objects.filter(pk=attempt.pk).update(
        pending_parts=1, score=attempt.score - (justify.points or 0)
    )
    attempt.refresh_from_db()
    client.force_login(student)

    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    quiz_page = client.get(reverse("quizzes:quiz", args=[quiz.course.slug, quiz.slug]))

    score = result.split('class="card score"')[1].split("</section>")[0]
    assert "%" not in score and "Passed" not in score and "Not yet passed" not in score
    assert f"{graded:g} of {attempt.max_score:g} points are graded" in score
    assert "points graded so far" in score and "being reviewed" in score
    assert f"{attempt.percent}%" not in quiz_page.content.decode()


def test_a_written_answer_appears_below_its_prompt(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = answered_and_submitted(quiz, student)
    Answer.objects.filter(item__attempt=attempt, part_id="justify").update(
        status=Answer.Status.REVIEW, points=None
    )
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert html.index("Justify your reasoning.") < html.index("B is cheap: no retraining")


def test_the_admin_shows_a_custom_matrix_as_text_and_still_opens_the_quiz(
    client: Client, quiz: Quiz, admin_user: User
) -> None:
    set_matrix(
        quiz,
        ReviewMatrix(
            immediately_after=Shown(marks=True),
            later_while_open=Shown(marks=True, correctness=True),
            after_close=EVERYTHING,
        ),
    )
    client.force_login(admin_user)

    page = client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))

    assert page.status_code == 200
    assert (
        "custom: marks right after submitting; which answers are right from two minutes after "
        "submitting; feedback, the right answers after the quiz closes"
    ) in page.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_my_attempts_asks_the_same_queries_however_many_attempts_it_gates(
    client: Client, quiz: Quiz, student: User, count: int, django_assert_num_queries: Any
) -> None:
    set_matrix(quiz, preset("close"))
    for _ in range(count):
        submit_attempt(start_attempt(quiz, student))
    client.force_login(student)

    # 1 session, 2 user, 3 the attempts with their quizzes and courses, 4 the user's roles
    # and permissions (read once for every attempt's review options and the menu)
    with django_assert_num_queries(4):
        client.get(reverse("quizzes:my_attempts"))
