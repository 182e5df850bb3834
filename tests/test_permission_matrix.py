"""Every page against every kind of visitor, with the status each must get.

Personas: anonymous, student, the instructor of another course, the course's instructor,
admin. A URL added to the project without a row here fails
`test_every_url_of_the_project_is_in_the_matrix`, so the matrix cannot fall behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import INSTRUCTOR
from courses.models import Course
from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from review.models import RegradeRun

PERSONAS = ("anonymous", "student", "other_instructor", "instructor", "admin")
OPEN = {p: 200 for p in PERSONAS}  # public pages
LOGIN = {"anonymous": 302, "student": 200, "other_instructor": 200, "instructor": 200, "admin": 200}
AUTHOR = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}
AUTHOR_HOME = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 200,
    "instructor": 200,
    "admin": 200,
}
ADMIN_ONLY = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 403,
    "instructor": 403,
    "admin": 200,
}
# The student's own attempt: anyone else gets 404 (missing and not-yours look the same).
OWN_ATTEMPT = {
    "anonymous": 302,
    "student": 200,
    "other_instructor": 404,
    "instructor": 404,
    "admin": 404,
}
# "Time is up" of the student's own attempt: the world's attempt was submitted by hand, so the
# student is sent on to its result; anyone else gets 404.
OWN_TIMED_OUT_ATTEMPT = {**OWN_ATTEMPT, "student": 302}
# The attempt page's autosave (script and beacon): a submitted attempt refuses it with 409;
# no login page for a script, so anonymous gets 404 like anyone not the owner.
OWN_AUTOSAVE = {**OWN_ATTEMPT, "anonymous": 404, "student": 409}
REVIEWERS = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 200,
    "instructor": 200,
    "admin": 200,
}
# A quiz's statistics: its course's instructors and admins; anyone else 404, as if missing.
COURSE_STAFF_ONLY = {
    "anonymous": 302,
    "student": 404,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}
REVIEW_ITEM = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


@dataclass
class World:
    course: Course
    quiz: Quiz
    attempt: Attempt
    answer: Answer
    run: RegradeRun
    users: dict[str, User | None]


@dataclass(frozen=True)
class Row:
    name: str
    args: Callable[[World], list[Any]]
    expected: Mapping[str, int | str]  # a status, or OK for any success (POST rows)
    query: str = ""


ROWS = [
    Row("courses:home", lambda w: [], OPEN),
    Row("courses:search", lambda w: [], OPEN, "?q=alpha"),
    Row("courses:tag", lambda w: ["science"], OPEN),
    Row("courses:course", lambda w: [w.course.slug], OPEN),
    Row("courses:course_graph", lambda w: [w.course.slug], OPEN),
    Row("courses:chapter", lambda w: [w.course.slug, "basics"], OPEN),
    Row("courses:concept", lambda w: [w.course.slug, "alpha"], OPEN),
    Row("courses:concept_graph", lambda w: [w.course.slug, "alpha"], OPEN),
    Row("quizzes:quiz_list", lambda w: [w.course.slug], OPEN),
    Row("quizzes:quiz", lambda w: [w.course.slug, w.quiz.slug], OPEN),
    Row("quizzes:results", lambda w: [w.course.slug, w.quiz.slug], AUTHOR),
    Row("quizzes:accommodations", lambda w: [w.course.slug, w.quiz.slug], AUTHOR),
    Row("quizzes:gradebook", lambda w: [w.course.slug], AUTHOR),
    Row("quizzes:my_attempts", lambda w: [], LOGIN),
    Row("quizzes:result", lambda w: [w.attempt.pk], OWN_ATTEMPT),
    Row("quizzes:time_up", lambda w: [w.attempt.pk], OWN_TIMED_OUT_ATTEMPT),
    Row("review:queue", lambda w: [], REVIEWERS),
    Row("review:answer", lambda w: [w.answer.pk], REVIEW_ITEM),
    Row("review:regrade", lambda w: [w.run.pk], REVIEW_ITEM),
    Row("review:agreement", lambda w: [], REVIEWERS),
    Row("review:groups", lambda w: [w.answer.pk], REVIEW_ITEM),
    # the world's answer is graded, not waiting: its group page sends on to the part's groups
    Row("review:group", lambda w: [w.answer.pk], {**REVIEW_ITEM, "instructor": 302, "admin": 302}),
    Row("review:request_regrade", lambda w: [w.answer.pk], OWN_ATTEMPT),
    Row("review:my_requests", lambda w: [], LOGIN),
    Row("review:notifications", lambda w: [], LOGIN),
    Row("authoring:home", lambda w: [], AUTHOR_HOME),
    Row("authoring:concepts", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:concept_new", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:concept_edit", lambda w: [w.course.slug, "alpha"], AUTHOR),
    Row("authoring:concept_history", lambda w: [w.course.slug, "alpha"], AUTHOR),
    Row(
        "authoring:concept_search",
        lambda w: [w.course.slug],
        AUTHOR,
        "?q=al&field=learn_before",
    ),
    Row("authoring:question_new", lambda w: [w.course.slug], AUTHOR, "?kind=scenario"),
    Row("authoring:question_edit", lambda w: [w.course.slug, "scenario"], AUTHOR),
    Row("authoring:question_preview", lambda w: [w.course.slug, "scenario"], AUTHOR),
    Row("authoring:question_history", lambda w: [w.course.slug, "scenario"], AUTHOR),
    Row("authoring:questions", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:quizzes", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:quiz_new", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:quiz_edit", lambda w: [w.course.slug, w.quiz.slug], AUTHOR),
    Row("authoring:rule_count", lambda w: [w.course.slug], AUTHOR, "?count=1"),
    Row("authoring:coverage", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:needs_tagging", lambda w: [w.course.slug], AUTHOR),
    Row("authoring:tags", lambda w: [], ADMIN_ONLY),
    Row("authoring:tag_new", lambda w: [], ADMIN_ONLY),
    Row("authoring:tag_edit", lambda w: ["computing"], ADMIN_ONLY),
    Row("authoring:tag_merge", lambda w: ["computing"], ADMIN_ONLY),
    Row("authoring:tag_delete", lambda w: ["computing"], ADMIN_ONLY),
    Row("insight:quiz", lambda w: [w.course.slug, w.quiz.slug], COURSE_STAFF_ONLY),
    Row("signup_done", lambda w: [], OPEN),
    Row("learning:settings", lambda w: [], LOGIN),
    Row("learning:course", lambda w: [w.course.slug], LOGIN),
    Row("learning:practice_start", lambda w: [w.course.slug], LOGIN, "?concept=alpha"),
    Row("learning:class", lambda w: [w.course.slug], AUTHOR),
    Row("learning:practice_item", lambda w: [_practice(w).pk, 1], OWN_ATTEMPT),
    Row("learning:practice_done", lambda w: [_practice(w).pk], OWN_ATTEMPT),
    Row("account_settings", lambda w: [], LOGIN),
]


def _practice(w: World) -> Any:
    """The student's practice session (one, made on first use)."""
    from learning.models import PracticeSession
    from learning.practice import start_session

    student = w.users["student"]
    assert student is not None
    return PracticeSession.objects.filter(student=student).first() or start_session(
        student, w.course
    )


# Pages reached only by POST, or that redirect by design (checked in their own modules);
# named here so the completeness check knows they were considered.
NOT_GET_PAGES = {
    "learning:practice_next",
    "quizzes:start",
    "quizzes:submit",
    "quizzes:attempt",
    "quizzes:summary",
    "quizzes:autosave",
    "authoring:concept_preview",
    "authoring:concept_duplicate",
    "authoring:question_try",
    "authoring:question_duplicate",
    "authoring:question_status",
    "signup",
    "activate",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


@pytest.fixture
def world(quiz: Quiz, student: User, make_user: Callable[..., User], admin_user: User) -> World:
    instructor = make_user("course-teacher", INSTRUCTOR, is_staff=True)
    other = make_user("other-teacher", INSTRUCTOR, is_staff=True)
    quiz.course.staff.add(instructor)
    elsewhere = Course.objects.create(slug="elsewhere", title="Elsewhere")
    elsewhere.staff.add(other)
    quiz.items.exclude(question__slug="scenario").delete()
    attempt = start_attempt(quiz, student)
    from quizzes.actions import save_answers

    save_answers(
        attempt, attempt.items.get(), {"choice": {"selected": ["b"]}, "justify": {"text": "cheap"}}
    )
    submit_attempt(attempt)
    return World(
        course=quiz.course,
        quiz=quiz,
        attempt=attempt,
        answer=Answer.objects.get(part_id="justify"),
        run=RegradeRun.objects.create(version=attempt.items.get().version, part_id="justify"),
        users={
            "anonymous": None,
            "student": student,
            "other_instructor": other,
            "instructor": instructor,
            "admin": admin_user,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_each_page_answers_each_persona_as_expected(client: Client, world: World, row: Row) -> None:
    url = reverse(row.name, args=row.args(world)) + row.query
    got: dict[str, int | str] = {}
    for persona in PERSONAS:
        client.logout()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        got[persona] = client.get(url).status_code

    assert got == row.expected, url


# POST-only authoring endpoints. "ok" is whatever success looks like there (200 or a redirect);
# each POST below is harmless to repeat across personas.
OK = "ok"
AUTHOR_POST: dict[str, int | str] = {
    "anonymous": 302,
    "student": 403,
    "other_instructor": 404,
    "instructor": OK,
    "admin": OK,
}
POST_ROWS = [
    Row("authoring:concept_preview", lambda w: [w.course.slug], AUTHOR_POST, "body=**hi**"),
    Row("authoring:concept_duplicate", lambda w: [w.course.slug, "alpha"], AUTHOR_POST),
    Row(
        "authoring:question_try",
        lambda w: [w.course.slug, "scenario"],
        AUTHOR_POST,
        "sample=cheap",
    ),
    Row(
        "authoring:question_status",
        lambda w: [w.course.slug, "scenario"],
        AUTHOR_POST,
        "status=published",
    ),
    Row("authoring:question_duplicate", lambda w: [w.course.slug, "scenario"], AUTHOR_POST),
    Row("quizzes:autosave", lambda w: [w.attempt.pk], OWN_AUTOSAVE, "q1-choice=a"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", POST_ROWS, ids=[r.name for r in POST_ROWS])
def test_each_post_endpoint_answers_each_persona_as_expected(
    client: Client, world: World, row: Row
) -> None:
    url = reverse(row.name, args=row.args(world))
    data = dict(pair.split("=", 1) for pair in row.query.split("&")) if row.query else {}
    got: dict[str, int | str] = {}
    for persona in PERSONAS:
        client.logout()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        status = client.post(url, data).status_code
        got[persona] = OK if status in (200, 302) and row.expected[persona] == OK else status

    assert got == row.expected, url


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_of_the_project_is_in_the_matrix() -> None:
    project = {n for n in _names(get_resolver()) if not n.startswith("admin:")}

    missing = project - {r.name for r in ROWS} - NOT_GET_PAGES

    assert sorted(missing) == []
