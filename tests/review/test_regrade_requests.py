"""A student asks for a regrade of a criterion; it reaches the queue; the decision and a reply
come back as a notification and an e-mail (issue 10, part 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Answer, Quiz
from quizzes.visibility import Shown
from review import actions
from review.models import Notification, RegradeRequest
from tests.review.conftest import WrittenAnswer

pytestmark = pytest.mark.django_db

REASON = "My answer says B needs no retraining, which is the reason the rubric asks for."


@pytest.fixture
def graded(written: WrittenAnswer, course_instructor: User) -> Answer:
    """Sam's written answer, graded 0 by the instructor (a held answer, released)."""
    answer = written("B, because the other one retrains.", "sam")
    actions.decide_answer(answer, course_instructor, {"reason": 0}, "Say why B.")
    answer.refresh_from_db()
    return answer


def ask(client: Client, answer: Answer, **data: str) -> str:
    response = client.post(
        reverse("review:request_regrade", args=[answer.pk]),
        {"criterion": "reason", "reason": REASON, **data},
    )
    return response.content.decode() if response.status_code != 302 else "redirected"


def test_the_result_page_offers_a_regrade_request_for_a_graded_written_answer(
    client: Client, graded: Answer
) -> None:
    client.force_login(graded.item.attempt.student)

    html = client.get(reverse("quizzes:result", args=[graded.item.attempt_id])).content.decode()

    link = reverse("review:request_regrade", args=[graded.pk])
    assert f'href="{link}"' in html and "Ask for a regrade" in html


def test_a_request_lands_in_the_queue_and_the_answer_and_reply_come_back(
    client: Client, graded: Answer, course_instructor: User
) -> None:
    sam = graded.item.attempt.student
    client.force_login(sam)
    assert ask(client, graded) == "redirected"
    client.force_login(course_instructor)

    queue = client.get(reverse("review:queue")).content.decode()
    screen = client.get(reverse("review:answer", args=[graded.pk])).content.decode()
    mail.outbox.clear()
    client.post(
        reverse("review:answer", args=[graded.pk]),
        {"c-reason": "1", "action": "accept", "reply": "You are right: full marks."},
    )

    assert "regrade requested" in queue and REASON in screen
    request = RegradeRequest.objects.get()
    assert request.status == RegradeRequest.Status.ANSWERED and request.decision is not None
    assert request.reply == "You are right: full marks."
    graded.refresh_from_db()
    assert graded.points == 2 and graded.decisions.count() == 2
    notice = Notification.objects.get(user=sam, text__contains="regrade request")
    assert "You are right: full marks." in notice.text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.com"]
    client.force_login(sam)
    mine = client.get(reverse("review:my_requests")).content.decode()
    assert "Answered" in mine and "You are right: full marks." in mine


def test_a_second_open_request_on_the_same_criterion_is_refused(
    client: Client, graded: Answer
) -> None:
    client.force_login(graded.item.attempt.student)
    ask(client, graded)

    html = ask(client, graded, reason=REASON + " Again.")

    assert "You already asked about “Gives the reason”" in html
    assert RegradeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [("Too short.", "at least 20 characters"), ("x" * 2001, "at most 2000 characters")],
)
def test_a_reason_out_of_bounds_is_refused_and_kept(
    client: Client, graded: Answer, reason: str, message: str
) -> None:
    client.force_login(graded.item.attempt.student)

    html = ask(client, graded, reason=reason)

    assert message in html and reason[:50] in html
    assert not RegradeRequest.objects.exists()


def test_a_criterion_that_is_not_in_the_rubric_is_refused(client: Client, graded: Answer) -> None:
    client.force_login(graded.item.attempt.student)

    html = ask(client, graded, criterion="invented")

    assert "Select a valid choice" in html and not RegradeRequest.objects.exists()


def test_requests_close_two_weeks_after_the_quiz_closes(
    client: Client, graded: Answer, scenario_only: Quiz
) -> None:
    closed = timezone.now() - timedelta(days=15)
    Quiz.objects.filter(pk=scenario_only.pk).update(closes_at=closed)
    client.force_login(graded.item.attempt.student)

    html = ask(client, graded)

    assert "Regrade requests for this quiz closed on" in html
    assert not RegradeRequest.objects.exists()


def test_another_students_answer_cannot_be_asked_about(
    client: Client, graded: Answer, other_student: User
) -> None:
    client.force_login(other_student)

    response = client.post(
        reverse("review:request_regrade", args=[graded.pk]),
        {"criterion": "reason", "reason": REASON},
    )

    assert response.status_code == 404 and not RegradeRequest.objects.exists()


def test_no_request_while_the_review_options_hide_the_marks(
    client: Client, graded: Answer, scenario_only: Quiz, monkeypatch: pytest.MonkeyPatch
) -> None:
    import review.access

    monkeypatch.setattr(review.access, "shown_to", lambda user, attempt: Shown())
    client.force_login(graded.item.attempt.student)

    response = client.get(reverse("review:request_regrade", args=[graded.pk]))

    assert response.status_code == 404


def test_an_answer_still_being_reviewed_cannot_be_asked_about(
    client: Client, written: WrittenAnswer
) -> None:
    held = written("B, because it is cheap.", "sam")
    client.force_login(held.item.attempt.student)

    html = ask(client, held)

    assert "still being graded" in html and not RegradeRequest.objects.exists()


def test_a_released_answer_is_announced_in_the_header_and_by_mail(
    client: Client, written: WrittenAnswer, course_instructor: User
) -> None:
    held = written("B, because it is cheap.", "sam")
    mail.outbox.clear()

    actions.decide_answer(held, course_instructor, {"reason": 1})

    client.force_login(held.item.attempt.student)
    home = client.get(reverse("courses:home")).content.decode()
    assert '<span class="badge" aria-label="1 unread">1</span>' in home
    page = client.get(reverse("review:notifications")).content.decode()
    assert "is graded" in page and "<strong>new</strong>" in page
    assert len(mail.outbox) == 1 and "is graded" in mail.outbox[0].body
    client.post(reverse("review:notifications"))
    assert 'class="badge"' not in client.get(reverse("courses:home")).content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_notifications_page_shows_only_ones_own(
    client: Client, written: WrittenAnswer, course_instructor: User, other_student: User
) -> None:
    held = written("B, because it is cheap.", "sam")
    actions.decide_answer(held, course_instructor, {"reason": 1})
    client.force_login(other_student)

    page = client.get(reverse("review:notifications")).content.decode()

    assert "is graded" not in page and "Nothing yet." in page


def test_the_result_page_offers_no_request_while_the_marks_are_hidden(graded: Answer) -> None:
    from review.extensions import RegradeRequestLinks

    attempt = graded.item.attempt
    links = RegradeRequestLinks()

    hidden = links.for_result(attempt.student, attempt, [graded], Shown())
    shown = links.for_result(attempt.student, attempt, [graded], Shown(marks=True))

    assert hidden == [] and len(shown) == 1
