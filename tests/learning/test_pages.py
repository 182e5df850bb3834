"""The learner pages: my progress, practice, settings, the class view, and the course pages'
panels and links through courses.extensions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from learning import practice
from learning.models import Evidence, LearnerSettings, PracticeItem, PracticeSession, ReviewCard
from quizzes.models import Attempt, Quiz
from tests.learning.test_evidence import first_key, only, right_answers, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(quiz: Quiz, student: User) -> Quiz:
    """`student` answered pick-one right and pick-many wrong."""
    only(quiz, "pick-one", "pick-many")
    take(
        quiz,
        student,
        {
            "pick-one": {"choice": {"selected": ["a"]}},
            "pick-many": {"choice": {"selected": ["prompt"]}},
        },
    )
    return quiz


def test_my_progress_shows_levels_in_words_on_the_graph_and_in_the_table(
    client: Client, started: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    client.force_login(student)
    url = reverse("learning:course", args=[started.course.slug])
    client.get(url)
    # session, user; course; guide: concepts, edges, mastery, due cards, mistakes; bands;
    # roles (can_author) with the site header's permissions, one query
    with django_assert_num_queries(10):
        html = client.get(url).content.decode()

    assert "Alpha — familiar" in html  # the node's label: readable without colour
    assert "Gamma — not started" in html
    assert 'class="node level-familiar"' in html
    assert '<ul id="frontier"><li><a href="/courses/demo-course/concepts/alpha/">Alpha</a>' in html


def test_a_visitor_is_sent_to_log_in_and_another_student_sees_only_their_own_model(
    client: Client, started: Quiz, other_student: User
) -> None:
    url = reverse("learning:course", args=[started.course.slug])
    assert client.get(url).status_code == 302
    client.force_login(other_student)

    html = client.get(url).content.decode()

    assert (
        "Alpha — not started" in html
        and "familiar" not in html.split("<h2>The graph")[1].split("</ul>")[1]
    )


def test_a_missing_course_is_404(client: Client, student: User) -> None:
    client.force_login(student)

    assert client.get(reverse("learning:course", args=["nope"])).status_code == 404


def test_the_course_page_offers_what_next_through_the_extension_point(
    client: Client, started: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    client.force_login(student)
    url = reverse("courses:course", args=[started.course.slug])
    client.get(url)

    html = client.get(url).content.decode()

    assert "What to learn next" in html and "Reviews due today" in html
    assert "My progress" in html
    next_panel = html.split("What to learn next</h2>")[1].split("</section>")[0]
    assert 'Alpha</a> <span class="muted">— familiar' in next_panel
    client.logout()
    assert "What to learn next" not in client.get(url).content.decode()


def test_revisit_names_the_prerequisite_a_mistake_points_to(
    client: Client, started: Quiz, student: User
) -> None:
    client.force_login(student)

    html = client.get(reverse("learning:course", args=[started.course.slug])).content.decode()

    revisit = html.split('id="revisit"')[1].split("</ul>")[0]
    assert "Alpha" in revisit and "1 recent mistake point here" in revisit


def test_the_home_page_has_a_continue_panel_for_a_started_course(
    client: Client, started: Quiz, student: User, other_student: User
) -> None:
    client.force_login(student)
    assert "Continue: Demo Course" in client.get("/").content.decode()
    client.force_login(other_student)
    assert "Continue:" not in client.get("/").content.decode()


def test_a_concept_page_links_to_its_practice(client: Client, quiz: Quiz) -> None:
    html = client.get(reverse("courses:concept", args=[quiz.course.slug, "beta"])).content.decode()

    assert "/learn/demo-course/practice/?concept=beta" in html and "Practise this concept" in html


def test_practice_a_concept_with_feedback_after_the_question(
    client: Client, quiz: Quiz, student: User
) -> None:
    client.force_login(student)
    start = reverse("learning:practice_start", args=[quiz.course.slug])
    assert "Practice: Alpha" in client.get(start + "?concept=alpha").content.decode()

    response = client.post(start, {"concept": "alpha"})
    session = PracticeSession.objects.get()
    assert response.url == reverse("learning:practice_item", args=[session.pk, 1])  # type: ignore[attr-defined]
    item = session.items.get()
    assert item.concept is not None and item.concept.slug == "alpha"
    pid, value = first_key(item.version.typed_parts)
    client.post(response.url, {f"q1-{pid}": value})  # type: ignore[attr-defined]
    html = client.get(response.url).content.decode()  # type: ignore[attr-defined]

    assert "100%" in html and "Next question" in html
    assert Evidence.objects.get(source="practice").score == 1.0
    nxt = client.post(reverse("learning:practice_next", args=[session.pk]))
    assert nxt.url == reverse("learning:practice_item", args=[session.pk, 2])  # type: ignore[attr-defined]
    assert session.items.count() == 2
    assert len(set(session.items.values_list("version__question_id", flat=True))) == 2


def test_a_practice_answer_counts_once_and_a_forged_option_is_refused(
    client: Client, quiz: Quiz, student: User
) -> None:
    client.force_login(student)
    session = practice.start_session(student, quiz.course, quiz.course.concepts.get(slug="alpha"))
    item = session.items.get()
    url = reverse("learning:practice_item", args=[session.pk, 1])
    pid, value = first_key(item.version.typed_parts)

    forged = client.post(url, {f"q1-{pid}": "not-an-option"})
    assert forged.status_code == 400 and not Evidence.objects.exists()
    client.post(url, {f"q1-{pid}": value})
    again = client.post(url, {f"q1-{pid}": "x"}, follow=True)

    assert "already answered" in again.content.decode()
    assert Evidence.objects.count() == 1


def test_next_before_answering_is_refused_with_a_message(
    client: Client, quiz: Quiz, student: User
) -> None:
    client.force_login(student)
    session = practice.start_session(student, quiz.course)

    response = client.post(reverse("learning:practice_next", args=[session.pk]), follow=True)

    assert "Answer this question first." in response.content.decode()
    assert session.items.count() == 1


def test_another_students_session_is_404(
    client: Client, quiz: Quiz, student: User, other_student: User
) -> None:
    session = practice.start_session(student, quiz.course)
    client.force_login(other_student)

    assert client.get(reverse("learning:practice_item", args=[session.pk, 1])).status_code == 404
    assert client.post(reverse("learning:practice_next", args=[session.pk])).status_code == 404
    client.force_login(student)
    assert client.get(reverse("learning:practice_item", args=[session.pk, 7])).status_code == 404


def test_a_concept_of_another_course_or_a_draft_cannot_be_practised(
    client: Client, quiz: Quiz, student: User
) -> None:
    client.force_login(student)

    response = client.post(
        reverse("learning:practice_start", args=[quiz.course.slug]), {"concept": "nope"}
    )

    assert response.status_code == 400 and "not part of this course" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_a_session_ends_after_its_length(quiz: Quiz, student: User) -> None:
    session = practice.start_session(student, quiz.course, length=2)
    for _ in range(3):
        item = session.items.order_by("-position").first()
        assert item is not None
        practice.answer_item(item, {})
        if practice.next_item(session) is None:
            break

    assert session.items.count() == 2
    assert PracticeItem.objects.filter(answered_at__isnull=False).count() == 2


def test_the_retention_setting_is_saved_and_reschedules_reviews(
    client: Client, started: Quiz, student: User
) -> None:
    from datetime import timedelta

    from learning.actions import update_student

    # a longer history: alpha answered right on three days, so its card left the learning steps
    attempt = Attempt.objects.get()
    assert attempt.submitted_at is not None
    alpha = started.course.concepts.get(slug="alpha")
    for days in (30, 20, 10):
        Evidence.objects.create(
            student=student,
            course=started.course,
            concept=alpha,
            bloom=1,
            score=1.0,
            source="quiz",
            attempt=attempt,
            part_id="x",
            at=attempt.submitted_at - timedelta(days=days),
        )
    update_student(student.pk, started.course_id)
    client.force_login(student)
    before = dict(ReviewCard.objects.values_list("concept_id", "due"))

    bad = client.post(reverse("learning:settings"), {"desired_retention": "1.5"})
    assert bad.status_code == 200 and "less than or equal to 0.97" in bad.content.decode()
    client.post(reverse("learning:settings"), {"desired_retention": "0.97"})

    assert LearnerSettings.objects.get(student=student).desired_retention == 0.97
    after = dict(ReviewCard.objects.values_list("concept_id", "due"))
    assert all(after[c] <= before[c] for c in before) and after[alpha.pk] < before[alpha.pk]


def test_the_class_table_for_the_course_instructor_with_csv_and_filters(
    client: Client,
    started: Quiz,
    course_instructor: User,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(course_instructor)
    url = reverse("learning:class", args=[started.course.slug])
    client.get(url)
    # session, user, roles and the header's permissions, course (scoped), chapters; concepts, students, mastery, edges,
    # mistakes, concept titles
    with django_assert_num_queries(11):
        html = client.get(url).content.decode()

    assert '<th scope="row">sam</th>' in html
    assert "stuck: remember-understand" in html  # beta: the only student is still familiar
    assert "Alpha (1)" in html  # the prerequisite behind beta's mistake
    csv = client.get(url, {"format": "csv"}).content.decode().splitlines()
    assert csv == ["student,alpha,beta,gamma", "sam,familiar,familiar,not started"]
    advanced = client.get(url, {"chapter": "advanced", "format": "csv"}).content.decode()
    assert advanced.splitlines()[0] == "student,gamma"
    assert client.get(url, {"chapter": "nope"}).status_code == 400
    assert client.get(url, {"sort": "nope"}).status_code == 400


def test_the_class_table_is_refused_to_students_and_to_other_courses_instructors(
    client: Client, started: Quiz, student: User, make_user: Callable[..., User]
) -> None:
    url = reverse("learning:class", args=[started.course.slug])
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(make_user("ivo", "Instructor", is_staff=True))
    assert client.get(url).status_code == 404


def test_a_practice_question_page_has_a_fixed_number_of_queries(
    client: Client, quiz: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    session = practice.start_session(student, quiz.course, quiz.course.concepts.get(slug="alpha"))
    item = session.items.get()
    client.force_login(student)
    url = reverse("learning:practice_item", args=[session.pk, 1])
    # session, user; the session (with course, focus); the item (with version);
    # the site header's permissions (one query)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    practice.answer_item(item, right_answers(item.version.typed_parts))
    with django_assert_num_queries(5):  # answered: the same reads, feedback from the item
        assert "100%" in client.get(url).content.decode()


def test_the_course_page_with_the_students_panels_has_a_fixed_number_of_queries(
    client: Client, started: Quiz, student: User, django_assert_num_queries: Any
) -> None:
    client.force_login(student)
    url = reverse("courses:course", args=[started.course.slug])
    client.get(url)
    # session, user; course, chapters, concepts, edges (the page's own); the panels: concepts,
    # edges, mastery, due cards, mistakes; the site header's permissions (one query)
    with django_assert_num_queries(12):
        client.get(url)
