"""A NUL byte typed or sent anywhere is refused with a message, never a 500 (PostgreSQL cannot
store or compare it), and the editor keeps everything else that was typed.

The public concept search is covered with its rewrite (courses/search)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.models import Question, Quiz
from tests.authoring.test_questions import SINGLE, editor_post

pytestmark = pytest.mark.django_db

NUL = "al\x00pha"
REFUSED = "Null characters are not allowed."


@pytest.fixture
def author(client: Client, course_instructor: User) -> Client:
    client.force_login(course_instructor)
    return client


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("course", REFUSED),
        ("quiz", REFUSED),
        ("question", REFUSED),
        ("criterion", REFUSED),
        ("max_confidence", "Enter a number."),
        ("status", "Select a valid choice."),
    ],
)
def test_a_review_queue_filter_with_a_nul_byte_is_refused_with_a_message(
    author: Client, field: str, message: str
) -> None:
    other = "question" if field == "criterion" else "criterion"
    response = author.get(reverse("review:queue"), {field: NUL, other: "kept"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "These filters were left out" in page and message in page
    assert f'name="{other}" value="kept"' in page  # the valid filter still applies


def test_the_quiz_builders_search_with_a_nul_byte_says_so(author: Client, quiz: Quiz) -> None:
    url = reverse("authoring:quiz_edit", args=[quiz.course.slug, quiz.slug])

    fragment = author.get(url, {"search": NUL}, HTTP_HX_REQUEST="true")
    page = author.get(url, {"search": NUL})
    posted = author.post(url, {"do": "search", "search": NUL, "title": "Kept title"})

    assert fragment.status_code == page.status_code == posted.status_code == 200
    for response in (fragment, page, posted):
        assert REFUSED in response.content.decode()
    assert "Kept title" in posted.content.decode()


def test_the_question_banks_filters_refuse_a_nul_byte(author: Client, quiz: Quiz) -> None:
    response = author.get(reverse("authoring:questions", args=[quiz.course.slug]), {"q": NUL})

    assert response.status_code == 422
    assert REFUSED in response.content.decode()


def test_the_concept_pickers_search_refuses_a_nul_byte(author: Client, quiz: Quiz) -> None:
    response = author.get(
        reverse("authoring:concept_search", args=[quiz.course.slug]),
        {"q": NUL, "field": "learn_before"},
    )

    assert response.status_code in (200, 400)
    assert response.status_code != 500


@pytest.mark.parametrize(
    "where",
    ["stem", "title", "parts-0-prompt", "parts-0-options-1-text", "parts-0-options-0-feedback"],
)
def test_a_nul_byte_in_the_question_editor_is_refused_and_everything_typed_is_kept(
    author: Client, where: str
) -> None:
    data = editor_post([SINGLE], stem="A stem worth keeping.")
    data[where] = "Some\x00text"

    response = author.post(reverse("authoring:question_new", args=["demo-course"]), data)

    assert response.status_code == 422
    page = response.content.decode()
    assert REFUSED in page
    assert not Question.objects.filter(slug="a-question").exists()
    typed = {
        "stem": "A stem worth keeping.",
        "parts-0-prompt": "Which comes first?",
        "parts-0-options-0-feedback": "It is the root.",
        "parts-0-options-1-text": "Beta",
    }
    for field, value in typed.items():
        if field != where:
            assert value in page, field
    assert "Sometext" in page or "Some\x00text" in page or "Some\ufffdtext" in page


@pytest.mark.parametrize("verb", ["preview", "try:parts-0", "student"])
def test_the_editors_other_buttons_refuse_a_nul_byte_without_a_server_error(
    author: Client, verb: str
) -> None:
    data = editor_post([SINGLE])
    data["parts-0-prompt"] = "Some\x00text"
    data["op"] = verb

    response = author.post(reverse("authoring:question_new", args=["demo-course"]), data)

    assert response.status_code in (200, 422)


def test_a_review_comment_with_a_nul_byte_is_refused_and_kept_on_the_page(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    from quizzes.models import Answer
    from review.models import GradeDecision, GradingPolicy
    from tests.review.test_review import answer_scenario

    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)
    answer_scenario(quiz, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    response = client.post(
        reverse("review:answer", args=[answer.pk]),
        {"c-reason": "0", "comment": "Say\x00 why.", "action": "accept"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert REFUSED in page and "Say why." in page
    assert not GradeDecision.objects.exists()
