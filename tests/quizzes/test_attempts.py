"""Taking a quiz: answers kept, graded once, the clock kept by the server, nothing leaked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quizzes.actions import QuizError, start_attempt, submit_attempt
from quizzes.forms import ItemForm
from quizzes.models import Answer, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


def field(attempt: Attempt, slug: str, name: str) -> str:
    position = attempt.items.get(version__question__slug=slug).position
    return f"q{position}-{name}"


def matching_value(attempt: Attempt, right_id: str) -> str:
    """The opaque option value the attempt page shows for a right id of the matching part."""
    item = attempt.items.get(version__question__slug="match-them")
    return {rid: value for value, rid in ItemForm(item, {}).right_ids["m"].items()}[right_id]


def perfect_answers(attempt: Attempt) -> dict[str, object]:
    order = attempt.items.get(version__question__slug="put-in-order").order["o"]
    data: dict[str, object] = {
        field(attempt, "pick-one", "choice"): "a",
        field(attempt, "pick-many", "choice"): ["sft", "rlhf"],
        field(attempt, "true-or-false", "tf"): "false",
        field(attempt, "match-them", "m-1"): matching_value(attempt, "sft"),
        field(attempt, "match-them", "m-2"): matching_value(attempt, "prompt"),
        field(attempt, "scenario", "choice"): "b",
        field(attempt, "scenario", "justify"): "B is cheap: no retraining is needed.",
    }
    for iid in order:
        data[field(attempt, "put-in-order", f"o-{iid}")] = ["pre", "sft", "rlhf"].index(iid) + 1
    return data


@pytest.fixture
def attempt(quiz: Quiz, student: User) -> Attempt:
    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.save()
    return start_attempt(quiz, student)


def test_answers_saved_then_the_page_reloaded_are_all_still_there(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])

    client.post(url, {**perfect_answers(attempt), "nav": "save"})
    html = client.get(url).content.decode()

    assert Answer.objects.filter(item__attempt=attempt).count() == 7
    assert 'value="a" checked' in html.replace(" required", "") or "checked" in html
    assert "B is cheap: no retraining is needed." in html


def test_a_full_marks_attempt_is_graded_exactly_and_its_justification_by_the_rubric(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {**perfect_answers(attempt), "nav": "save"}
    )

    response = client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes"})

    attempt.refresh_from_db()
    assert response.status_code == 302
    assert attempt.score == 8 and attempt.max_score == 8 and attempt.pending_parts == 0
    justification = Answer.objects.get(item__attempt=attempt, part_id="justify")
    assert justification.status == Answer.Status.GRADED and justification.grader == "keyword"
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "SECRET-FEEDBACK-A" in result and "Gives the reason" in result


def test_free_text_waits_as_awaiting_grading_until_the_worker_grades_it(
    client: Client, student: User, attempt: Attempt, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {**perfect_answers(attempt), "nav": "save"}
    )

    client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes"})

    attempt.refresh_from_db()
    assert attempt.score == 6 and attempt.pending_parts == 1
    assert DBTaskResult.objects.filter(task_path="review.tasks.grade_free_text").count() == 1
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "1 written answer awaiting the automatic grader" in result
    assert "being reviewed" not in result
    assert "Number the items from" not in result and "Choose the match" not in result


def test_a_second_submit_grades_once(client: Client, student: User, attempt: Attempt) -> None:
    client.force_login(student)
    url = reverse("quizzes:submit", args=[attempt.pk])
    client.post(url, {"confirm": "yes"})
    first = Attempt.objects.get(pk=attempt.pk).submitted_at

    response = client.post(url, {"confirm": "yes"}, follow=True)

    assert Attempt.objects.get(pk=attempt.pk).submitted_at == first
    assert "already submitted" in response.content.decode()
    assert submit_attempt(attempt).submitted_at == first


def test_a_post_after_submit_is_refused_and_changes_nothing(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    submit_attempt(attempt)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "a"},
        follow=True,
    )

    assert "already submitted" in response.content.decode()
    assert not Answer.objects.filter(item__attempt=attempt, response__selected=["a"]).exists()


def test_at_the_time_limit_the_attempt_is_submitted_with_what_was_saved(
    client: Client, student: User, quiz: Quiz
) -> None:
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "a", "nav": "save"},
    )
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    late = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "b"},
        follow=True,
    )

    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 1
    assert "Time is up" in late.content.decode() or "already submitted" in late.content.decode()


def test_an_option_from_another_question_is_refused_with_a_message(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "sft", "nav": "save"},
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_an_answer_to_a_question_outside_the_attempt_is_refused(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"q99-choice": "a", "nav": "save"},
        follow=True,
    )

    assert "outside this attempt" in response.content.decode()
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_an_ordering_with_a_position_given_twice_is_refused(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    data = {field(attempt, "put-in-order", f"o-{iid}"): 1 for iid in ("pre", "sft", "rlhf")}

    response = client.post(reverse("quizzes:attempt", args=[attempt.pk]), {**data, "nav": "save"})

    assert response.status_code == 422
    assert "exactly once" in response.content.decode()


def test_another_students_attempt_is_404(
    client: Client, other_student: User, attempt: Attempt
) -> None:
    client.force_login(other_student)

    for name in ("attempt", "summary", "result"):
        assert client.get(reverse(f"quizzes:{name}", args=[attempt.pk])).status_code == 404
    assert (
        client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes"}).status_code
        == 404
    )


@pytest.mark.parametrize("htmx", [True, False])
def test_a_save_posted_to_another_students_attempt_is_404_and_saves_nothing(
    client: Client, other_student: User, attempt: Attempt, htmx: bool
) -> None:
    client.force_login(other_student)
    pick = position(attempt, "pick-one")

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": str(pick), f"q{pick}-choice": "a", "nav": "save"},
        headers={"HX-Request": "true"} if htmx else {},
    )

    assert response.status_code == 404
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_a_forged_score_field_changes_nothing(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"score": "100", "points": "9", "nav": "save"},
    )
    client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes", "score": "100"})

    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_no_correct_answer_feedback_or_rubric_reaches_the_page_before_submit(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {**perfect_answers(attempt), "nav": "save"}
    )

    pages = [
        client.get(reverse("quizzes:attempt", args=[attempt.pk])),
        client.get(reverse("quizzes:summary", args=[attempt.pk])),
        client.post(
            reverse("quizzes:attempt", args=[attempt.pk]),
            perfect_answers(attempt),
            headers={"HX-Request": "true"},
        ),
    ]

    for response in pages:
        html = response.content.decode()
        assert "SECRET-FEEDBACK" not in html and "SECRET-RUBRIC" not in html
        assert "is-correct" not in html and "correct" not in html.lower().replace("incorrect", "")


def test_feedback_after_close_stays_hidden_until_the_quiz_closes(
    client: Client, student: User, quiz: Quiz
) -> None:
    quiz.feedback = Quiz.Feedback.AFTER_CLOSE
    quiz.closes_at = timezone.now() + timedelta(days=1)
    quiz.save()
    attempt = start_attempt(quiz, student)
    submit_attempt(attempt)
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "SECRET-FEEDBACK" not in html and "after the quiz closes" in html


def test_htmx_autosave_answers_with_the_saved_status_only(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "b"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Saved at" in response.content.decode() and "<html" not in response.content.decode()
    assert Answer.objects.get(
        item__attempt=attempt, part_id="choice", item__version__question__slug="pick-one"
    ).response == {"selected": ["b"]}


def test_a_closed_quiz_cannot_be_started(quiz: Quiz, student: User) -> None:
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()

    with pytest.raises(QuizError, match="closed"):
        start_attempt(quiz, student)


def test_a_student_out_of_attempts_cannot_start_another(quiz: Quiz, student: User) -> None:
    quiz.max_attempts = 1
    quiz.save()
    submit_attempt(start_attempt(quiz, student))

    with pytest.raises(QuizError, match="used all your attempts"):
        start_attempt(quiz, student)


def test_starting_again_resumes_the_open_attempt(quiz: Quiz, student: User) -> None:
    first = start_attempt(quiz, student)

    assert start_attempt(quiz, student) == first


def test_the_summary_lists_unanswered_questions(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {field(attempt, "pick-one", "choice"): "a", "nav": "save"},
    )

    html = client.get(reverse("quizzes:summary", args=[attempt.pk])).content.decode()

    assert "5 questions not fully answered" in html


def test_instructors_see_every_attempt_and_download_csv(
    client: Client, course_instructor: User, student: User, attempt: Attempt
) -> None:
    submit_attempt(attempt)
    client.force_login(course_instructor)
    url = reverse("quizzes:results", args=[attempt.quiz.course.slug, attempt.quiz.slug])

    html = client.get(url).content.decode()
    csv_text = client.get(url, {"format": "csv"}).content.decode()

    assert student.username in html
    assert csv_text.splitlines()[0].startswith(
        "student,name,email,attempt,started,submitted,seconds,score"
    )
    assert csv_text.splitlines()[1].startswith(f"{student.username},,{student.email},1,")


def test_students_cannot_see_the_results_table(client: Client, student: User, quiz: Quiz) -> None:
    client.force_login(student)

    assert (
        client.get(reverse("quizzes:results", args=[quiz.course.slug, quiz.slug])).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100.0), ("last", 0.0), ("mean", 50.0)]
)
def test_the_quiz_grade_combines_attempts_as_the_quiz_says(
    quiz: Quiz, student: User, method: str, expected: float
) -> None:
    from quizzes.actions import quiz_grade, save_answers

    quiz.grading = method
    quiz.items.exclude(question__slug="pick-one").delete()
    quiz.save()
    good = start_attempt(quiz, student)
    save_answers(good, good.items.get(), {"choice": {"selected": ["a"]}})
    submit_attempt(good)
    submit_attempt(start_attempt(quiz, student))

    assert quiz_grade(quiz, list(quiz.attempts.order_by("number"))) == expected


def test_feedback_after_each_question_shows_once_the_question_is_checked_and_locks_it(
    client: Client, student: User, attempt: Attempt
) -> None:
    quiz = attempt.quiz
    quiz.feedback = Quiz.Feedback.AFTER_EACH
    quiz.layout = Quiz.Layout.ONE_PER_PAGE
    quiz.save()
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    position = attempt.items.get(version__question__slug="pick-one").position
    before = client.get(url, {"n": position}).content.decode()

    client.post(url, {f"q{position}-choice": "b", "position": position, "nav": "check"})
    after = client.get(url, {"n": position}).content.decode()
    again = client.post(
        url, {f"q{position}-choice": "a", "position": position, "nav": "save"}, follow=True
    )

    assert "SECRET-FEEDBACK-A" not in before
    assert "SECRET-FEEDBACK-A" in after and "SECRET-FEEDBACK-B" in after
    assert "its answer is final" in again.content.decode()


def test_the_feedback_of_a_choice_part_has_no_stray_ordering_lines(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {**perfect_answers(attempt), "nav": "save"}
    )
    submit_attempt(attempt)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    # The ordering question's feedback lists its 3 items; no other part lists "you put".
    assert html.count("you put:") == 0
    assert html.count('<li class="is-correct">Pre-training</li>') == 1
